package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code AveragePooling2D(pool_size, strides=None, padding="valid")},
 * channels_last: the average of each window of {@code pool_size =
 * (rows, cols)}, the window moving by {@code strides} (by default {@code pool_size}) over each
 * {@code (batch, rows, cols, channels)} sample; {@code padding} "valid" or "same" (see {@link
 * Pooling}).
 */
public final class AveragePooling2D extends Pooling {

  /** {@code AveragePooling2D((rows, cols))}: strides the pool size, padding "valid". */
  public AveragePooling2D(int rows, int cols) {
    this(null, new int[] {rows, cols}, null, "valid");
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param poolSize the window's {@code (rows, cols)}, each 1 or more
   * @param strides the window's steps {@code (rows, cols)}, or {@code null} for {@code
   *     poolSize}
   * @param padding "valid" or "same"
   */
  public AveragePooling2D(String name, int[] poolSize, int[] strides, String padding) {
    super(name, false, poolSize, strides, padding);
  }
}
