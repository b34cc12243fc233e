package dev.lamina.runtime.data;

/**
 * Data that need not fit in memory, batch by batch: Keras's {@code PyDataset}. Implement it over
 * files, a database cursor or a generator, and pass it to {@code Model.fit}, {@code evaluate} or
 * {@code predict}; {@link BatchSources#of} and {@link CsvSource} are ready ones.
 *
 * <p>A source of known length ({@link #batches()}) is read by index, in any order ({@code fit}
 * permutes the indices each epoch when shuffling, as Keras does with a {@code PyDataset}). A
 * source of unknown length ({@link #UNKNOWN}: a generator, a file not counted beforehand) is
 * read in order from index 0, each index once per pass, until {@link #batch} returns
 * {@code null}; with {@code FitOptions.stepsPerEpoch}, each epoch continues where the last one
 * stopped, as Keras's does. An infinite source needs {@code stepsPerEpoch}.
 *
 * <p>{@code fit} calls {@link #batch} on a background thread of its own (one at a time, never
 * concurrently), preparing the next batches while TensorFlow runs the current one, and
 * {@link #onEpochEnd} on the caller's thread when no batch is being read.
 */
public interface BatchSource extends AutoCloseable {

  /** What {@link #batches()} returns when the number of batches is not known. */
  long UNKNOWN = -1;

  /** The number of batches, Keras's {@code num_batches}; {@link #UNKNOWN} by default. */
  default long batches() {
    return UNKNOWN;
  }

  /**
   * Batch {@code index}, Keras's {@code __getitem__}. A source of unknown length returns
   * {@code null} once it has no more batches (the end of its pass); one of known length never
   * does.
   */
  Batch batch(long index) throws Exception;

  /** Called at the end of every epoch (Keras's {@code on_epoch_end}): reshuffle, rewind... */
  default void onEpochEnd() {}

  /** Releases what the source holds (files, cursors); {@code fit} does not call it. */
  @Override
  default void close() throws java.io.IOException {}
}
