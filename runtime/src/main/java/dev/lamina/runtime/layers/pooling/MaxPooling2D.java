package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code MaxPooling2D(pool_size=(2, 2), strides=None, padding="valid")},
 * channels_last: the largest value of each window of {@code pool_size =
 * (rows, cols)}, the window moving by {@code strides} (by default {@code pool_size}) over each
 * {@code (batch, rows, cols, channels)} sample; {@code padding} "valid" or "same" (see {@link
 * Pooling}).
 */
public final class MaxPooling2D extends Pooling {

  /** Keras's default, {@code pool_size=(2, 2)}. */
  public MaxPooling2D() {
    this(2, 2);
  }

  /** {@code MaxPooling2D((rows, cols))}: strides the pool size, padding "valid". */
  public MaxPooling2D(int rows, int cols) {
    this(null, new int[] {rows, cols}, null, "valid");
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param poolSize the window's {@code (rows, cols)}, each 1 or more
   * @param strides the window's steps {@code (rows, cols)}, or {@code null} for {@code
   *     poolSize}
   * @param padding "valid" or "same"
   */
  public MaxPooling2D(String name, int[] poolSize, int[] strides, String padding) {
    super(name, true, poolSize, strides, padding);
  }
}
