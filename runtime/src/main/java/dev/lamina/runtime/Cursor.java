package dev.lamina.runtime;

import dev.lamina.runtime.data.BatchSource;
import java.util.SplittableRandom;

/**
 * Where {@code fit} is in a {@link BatchSource}, epoch after epoch, as Keras's
 * {@code EpochIterator}: without steps per epoch each epoch is a whole pass (its indices permuted
 * when shuffling a source of known length); with them, each epoch takes the next
 * {@code stepsPerEpoch} batches, continuing where the last epoch stopped, and a pass that runs
 * out ends its epoch early and starts over at the next.
 */
final class Cursor {

  /** One epoch's run of batches: indices {@code order[start + step]}, {@code limit} at most. */
  record Pass(long[] order, long start, long limit, boolean known) {
    long index(long step) {
      return order == null ? start + step : order[Math.toIntExact(start + step)];
    }
  }

  private final BatchSource source;
  private final long stepsPerEpoch;
  private final boolean shuffle;
  private final long seed;
  private final long known;
  private long learned = -1;
  private long position;
  private boolean fresh = true;
  private long passes;
  private long[] order;

  Cursor(BatchSource source, long stepsPerEpoch, boolean shuffle, long seed) {
    this.source = source;
    this.stepsPerEpoch = stepsPerEpoch;
    this.shuffle = shuffle;
    this.seed = seed;
    this.known = source.batches();
    if (known == 0) {
      throw new IllegalArgumentException(source + " has no batches");
    }
    if (known < BatchSource.UNKNOWN) {
      throw new IllegalArgumentException(source + " says it has " + known + " batches");
    }
  }

  /** The next epoch's pass. */
  Pass next() {
    if (stepsPerEpoch == 0 || fresh) {
      position = 0;
      fresh = false;
      order = known > 0 && shuffle ? permutation(known,
          new SplittableRandom(seed * 0x9E3779B97F4A7C15L + passes)) : null;
      passes++;
    }
    long limit = stepsPerEpoch > 0
        ? (known > 0 ? Math.min(stepsPerEpoch, known - position) : stepsPerEpoch)
        : known;
    return new Pass(order, position, limit, known > 0);
  }

  /** After a pass gave {@code steps} batches; {@code exhausted} if the source ran out. */
  void advance(long steps, boolean exhausted) {
    position += steps;
    if (exhausted && known < 0) {
      learned = position;
    }
    if (exhausted || (known > 0 && position >= known)) {
      fresh = true;
    }
  }

  /** The steps an epoch is expected to take, for the progress bar; -1 when unknown. */
  long expectedSteps() {
    if (stepsPerEpoch > 0) {
      return stepsPerEpoch;
    }
    return known > 0 ? known : learned;
  }

  private static long[] permutation(long size, SplittableRandom random) {
    long[] order = new long[Math.toIntExact(size)];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }
}
