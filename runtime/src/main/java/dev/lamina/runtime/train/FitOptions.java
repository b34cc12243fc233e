package dev.lamina.runtime.train;

import dev.lamina.runtime.data.BatchSource;
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
  private int stepsPerEpoch;
  private BatchSource validationSource;
  private int validationSteps;
  private int maxQueueSize = 10;
  private Object sampleWeight;
  private java.util.Map<Integer, Double> classWeight;
  private Object validationSampleWeight;

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
    this.validationSampleWeight = null;
    return this;
  }

  /** Keras's {@code validation_data=(x, y, sample_weight)}. */
  public FitOptions validationData(Object x, Object y, Object sampleWeight) {
    validationData(x, y);
    this.validationSampleWeight = Objects.requireNonNull(sampleWeight, "sampleWeight");
    return this;
  }

  /**
   * Keras's {@code sample_weight}: how much each sample counts in the loss and the weighted
   * metrics. One array of one weight per sample ({@code float[]}, {@code double[]} or an
   * NdArray of shape {@code (samples)} or {@code (samples, 1)}) for every output; for an output
   * of sequences, one weight per sample and step, {@code (samples, steps)}; or one array per
   * output, as a {@link java.util.List} in output order or a {@link java.util.Map} by output
   * name. Each output's loss becomes the mean of its weighted per-sample values (Keras 3's
   * {@code "sum_over_batch_size"}: divided by the count, not the weights' sum). Split by
   * {@link #validationSplit} with the data.
   */
  public FitOptions sampleWeight(Object sampleWeight) {
    this.sampleWeight = Objects.requireNonNull(sampleWeight, "sampleWeight");
    return this;
  }

  /**
   * Keras's {@code class_weight}: a sample weighs its target class's weight (1 for a class not
   * listed); the class is the index of a sparse target, the arg-max of a one-hot one, or a
   * single column rounded (binary targets). For a model of one output; not with
   * {@link #sampleWeight}. Validation data are not weighted.
   */
  public FitOptions classWeight(java.util.Map<Integer, Double> classWeight) {
    this.classWeight = java.util.Map.copyOf(Objects.requireNonNull(classWeight, "classWeight"));
    return this;
  }

  public Object sampleWeight() {
    return sampleWeight;
  }

  public java.util.Map<Integer, Double> classWeight() {
    return classWeight;
  }

  public Object validationSampleWeight() {
    return validationSampleWeight;
  }

  /**
   * Keras's {@code validation_data} as a {@link BatchSource}, evaluated at each epoch's end (all
   * of it, or {@link #validationSteps} batches).
   */
  public FitOptions validationData(BatchSource source) {
    this.validationSource = Objects.requireNonNull(source, "source");
    return this;
  }

  /**
   * Keras's {@code steps_per_epoch}, for {@code fit} over a {@link BatchSource}: each epoch takes
   * this many batches, continuing where the last epoch stopped (an infinite source needs it); a
   * source that runs out ends the epoch early and starts over. 0 (the default): a whole pass.
   */
  public FitOptions stepsPerEpoch(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("stepsPerEpoch must be at least 0, got " + steps);
    }
    this.stepsPerEpoch = steps;
    return this;
  }

  /** Keras's {@code validation_steps}: batches of the validation source per epoch; 0: all. */
  public FitOptions validationSteps(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("validationSteps must be at least 0, got " + steps);
    }
    this.validationSteps = steps;
    return this;
  }

  /**
   * Keras's {@code max_queue_size}: how many batches of a {@link BatchSource} are read and
   * prepared ahead, on a background thread, while TensorFlow runs the current one; 10 by
   * default. 0 reads each batch on the calling thread when it is needed.
   */
  public FitOptions maxQueueSize(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("maxQueueSize must be at least 0, got " + size);
    }
    this.maxQueueSize = size;
    return this;
  }

  public int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  public BatchSource validationSource() {
    return validationSource;
  }

  public int validationSteps() {
    return validationSteps;
  }

  public int maxQueueSize() {
    return maxQueueSize;
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
