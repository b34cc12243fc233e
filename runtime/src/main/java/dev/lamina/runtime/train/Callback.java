package dev.lamina.runtime.train;

import java.util.Map;

/**
 * Keras's {@code Callback}: hooks around epochs and batches. {@code logs} hold the running
 * loss and metrics (batch hooks: means over the epoch so far; {@code onEpochEnd}: the epoch's,
 * with {@code val_} entries after validation). Every method does nothing by default.
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
  }
}
