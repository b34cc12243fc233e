package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code MaxPooling1D(pool_size=2, strides=None, padding="valid")},
 * channels_last: the largest value of each window of {@code pool_size}
 * steps, the window moving by {@code strides} (by default {@code pool_size}) along the steps of
 * each {@code (batch, steps, features)} sample; {@code padding} "valid" or "same" (see {@link
 * Pooling}).
 */
public final class MaxPooling1D extends Pooling {

  /** Keras's default, {@code pool_size=2}. */
  public MaxPooling1D() {
    this(2);
  }

  /** {@code MaxPooling1D(pool_size)}: strides {@code pool_size}, padding "valid". */
  public MaxPooling1D(int poolSize) {
    this(null, poolSize, poolSize, "valid");
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param poolSize the window's size, 1 or more
   * @param strides the window's step, 1 or more
   * @param padding "valid" or "same"
   */
  public MaxPooling1D(String name, int poolSize, int strides, String padding) {
    super(name, true, new int[] {poolSize}, new int[] {strides}, padding);
  }
}
