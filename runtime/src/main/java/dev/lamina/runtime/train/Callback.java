package dev.lamina.runtime.train;

import java.util.Map;

/**
 * Keras's {@code Callback}: hooks around epochs and batches. {@code logs} hold the running
 * loss and metrics (batch hooks: means over the epoch so far; {@code onEpochEnd}: the epoch's,
 * with {@code val_} entries after validation). Every method does nothing by default.
 *
 * <p>As in Keras, {@code onEpochEnd}'s logs are one map that the callbacks see in turn, before
 * the progress line and the {@link History} record them: a callback may add entries (Keras's
 * {@code ReduceLROnPlateau} and {@code LearningRateScheduler} add {@code learning_rate}), which
 * the callbacks after it, the progress bar and the history see.
 */
public interface Callback {

  /** Called once before training, with what the callback may steer. */
  default void onTrainBegin(Training training) {}

  default void onEpochBegin(int epoch) {}

  default void onTrainBatchBegin(int batch) {}

  default void onTrainBatchEnd(int batch, Map<String, Double> logs) {}

  default void onEpochEnd(int epoch, Map<String, Double> logs) {}

  default void onTrainEnd(Map<String, Double> logs) {}

  /**
   * What a callback can see and steer of a running {@code fit} (Keras's {@code self.model}).
   * The model's weights ({@code layer.getWeights()} too) hold the values after the epoch in
   * {@code onEpochEnd}, and after the batch in the batch hooks of a callback that overrides one.
   */
  interface Training {
    /** Ends training after the current batch (Keras's {@code model.stop_training = True}). */
    void stop();

    /** The optimizer, e.g. to change its learning rate. */
    Optimizer optimizer();

    /**
     * Copies of the model's weights, in Keras's order, for a model whose weights are all
     * float32; {@link #weightArrays()} gives weights of any dtype.
     *
     * @throws IllegalStateException if a weight is not float32
     */
    java.util.List<float[]> weights();

    /**
     * Sets the model's float32 weights, in Keras's order.
     *
     * @throws IllegalStateException if a weight is not float32
     */
    void setWeights(java.util.List<float[]> weights);

    /** Copies of the model's weights, in Keras's order, each of its own dtype. */
    java.util.List<org.tensorflow.ndarray.NdArray<?>> weightArrays();

    /** Sets the model's weights, in Keras's order, each an NdArray of its weight's dtype. */
    void setWeightArrays(java.util.List<? extends org.tensorflow.ndarray.NdArray<?>> weights);

    /** The model being trained (Keras's {@code self.model}), e.g. to save it. */
    default dev.lamina.runtime.Model model() {
      throw new UnsupportedOperationException("This training does not give its model");
    }

    /** Where {@code fit} prints ({@code FitOptions.out}); callbacks print their messages here. */
    default java.io.PrintStream out() {
      return System.out;
    }

    /** The epoch {@code fit} stops before ({@code FitOptions.epochs}). */
    default int epochs() {
      throw new UnsupportedOperationException("This training does not give its epochs");
    }

    /**
     * The names of the loss and the compiled metrics as the logs have them, {@code loss} first
     * (Keras's {@code model.metrics}); auto mode looks the monitored name up here.
     */
    default java.util.List<String> metricNames() {
      return java.util.List.of("loss");
    }

    /** Keras's {@code optimizer.iterations}: the training steps taken so far. */
    default long iterations() {
      throw new UnsupportedOperationException("This training does not count its steps");
    }

    /**
     * Copies of the optimizer's per-weight state (its slots, e.g. Adam's moments), by key; with
     * {@link #iterations()} and the learning rate, what a resumed training needs.
     */
    default java.util.Map<String, float[]> optimizerState() {
      throw new UnsupportedOperationException("This training does not give its optimizer state");
    }

    /**
     * Sets the optimizer's slots (keys and sizes as {@link #optimizerState()} gives them) and
     * its step count.
     *
     * @throws IllegalArgumentException if a key or a size differs; then nothing changes
     */
    default void setOptimizerState(java.util.Map<String, float[]> slots, long iterations) {
      throw new UnsupportedOperationException("This training does not set its optimizer state");
    }

    /**
     * Makes {@code fit} start at {@code epoch} (Keras's {@code model._initial_epoch}, which
     * {@code BackupAndRestore} sets); only from {@link Callback#onTrainBegin}.
     */
    default void setInitialEpoch(int epoch) {
      throw new UnsupportedOperationException("This training cannot change its initial epoch");
    }
  }
}
