package dev.lamina.runtime.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keras's {@code fit} options, with its defaults: batch size 32, one epoch, verbosity 1,
 * shuffled each epoch, no validation. Unlike Keras, shuffling is seeded (seed 0 unless set), so
 * the same data, seed and initial weights train to the same weights.
 *
 * <pre>{@code
 * model.fit(x, y, new FitOptions().epochs(10).batchSize(128).validationSplit(0.1));
 * }</pre>
 */
public final class FitOptions {

  private int batchSize = 32;
  private int epochs = 1;
  private int initialEpoch;
  private int verbose = 1;
  private double validationSplit;
  private Object validationX;
  private Object validationY;
  private boolean shuffle = true;
  private long seed;
  private final List<Callback> callbacks = new ArrayList<>();
  private PrintStream out = System.out;

  public FitOptions batchSize(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  /** The epoch to stop before, counting from 0 as Keras does with {@code initial_epoch}. */
  public FitOptions epochs(int epochs) {
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must be at least 0, got " + epochs);
    }
    this.epochs = epochs;
    return this;
  }

  /** Keras's {@code initial_epoch}: where a resumed training starts counting. */
  public FitOptions initialEpoch(int initialEpoch) {
    if (initialEpoch < 0) {
      throw new IllegalArgumentException("initialEpoch must be at least 0, got " + initialEpoch);
    }
    this.initialEpoch = initialEpoch;
    return this;
  }

  /** 0: silent; 1: Keras's progress bar; 2: one line per epoch. */
  public FitOptions verbose(int verbose) {
    if (verbose < 0 || verbose > 2) {
      throw new IllegalArgumentException("verbose must be 0, 1 or 2, got " + verbose);
    }
    this.verbose = verbose;
    return this;
  }

  /** Keras's {@code validation_split}: the last fraction of the samples, before shuffling. */
  public FitOptions validationSplit(double validationSplit) {
    if (!(validationSplit >= 0 && validationSplit < 1)) {
      throw new IllegalArgumentException("validationSplit must be in [0, 1), got "
          + validationSplit);
    }
    this.validationSplit = validationSplit;
    return this;
  }

  /** Keras's {@code validation_data=(x, y)}, in the forms {@code fit} takes. */
  public FitOptions validationData(Object x, Object y) {
    this.validationX = Objects.requireNonNull(x, "x");
    this.validationY = Objects.requireNonNull(y, "y");
    return this;
  }

  public FitOptions shuffle(boolean shuffle) {
    this.shuffle = shuffle;
    return this;
  }

  /**
   * The seed of the per-epoch shuffles and of the random ops of layers without a seed of their
   * own (Dropout's masks, noise, a {@code @Lambda}'s draws: {@code SeedStream}); 0 unless set.
   * The same seed, data and initial weights train to the same weights.
   */
  public FitOptions seed(long seed) {
    this.seed = seed;
    return this;
  }

  public FitOptions callbacks(Callback... callbacks) {
    this.callbacks.addAll(List.of(callbacks));
    return this;
  }

  /** Where progress goes; {@code System.out} by default. */
  public FitOptions out(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out");
    return this;
  }

  public int batchSize() {
    return batchSize;
  }

  public int epochs() {
    return epochs;
  }

  public int initialEpoch() {
    return initialEpoch;
  }

  public int verbose() {
    return verbose;
  }

  public double validationSplit() {
    return validationSplit;
  }

  public Object validationX() {
    return validationX;
  }

  public Object validationY() {
    return validationY;
  }

  public boolean shuffle() {
    return shuffle;
  }

  public long seed() {
    return seed;
  }

  public List<Callback> callbacks() {
    return List.copyOf(callbacks);
  }

  public PrintStream out() {
    return out;
  }
}
