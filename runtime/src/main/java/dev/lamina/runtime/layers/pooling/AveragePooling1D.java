package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code AveragePooling1D(pool_size, strides=None, padding="valid")},
 * channels_last: the average of each window of {@code pool_size}
 * steps, the window moving by {@code strides} (by default {@code pool_size}) along the steps of
 * each {@code (batch, steps, features)} sample; {@code padding} "valid" or "same" (see {@link
 * Pooling}).
 */
public final class AveragePooling1D extends Pooling {

  /** {@code AveragePooling1D(pool_size)}: strides {@code pool_size}, padding "valid". */
  public AveragePooling1D(int poolSize) {
    this(null, poolSize, poolSize, "valid");
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param poolSize the window's size, 1 or more
   * @param strides the window's step, 1 or more
   * @param padding "valid" or "same"
   */
  public AveragePooling1D(String name, int poolSize, int strides, String padding) {
    super(name, false, new int[] {poolSize}, new int[] {strides}, padding);
  }
}
