package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code AdaptiveAveragePooling2D(output_size)}, channels_last: the average of each of
 * {@code output_size = (rows, cols)} bins of each {@code (batch, rows, cols, channels)} sample,
 * each axis cut as {@link AdaptivePooling} describes. The rows and cols must be known when the
 * model is built.
 */
public final class AdaptiveAveragePooling2D extends AdaptivePooling {

  /** {@code AdaptiveAveragePooling2D(output_size)}: {@code size} bins on both axes. */
  public AdaptiveAveragePooling2D(int size) {
    this(null, repeat(size, 2));
  }

  /** {@code AdaptiveAveragePooling2D((rows, cols))}. */
  public AdaptiveAveragePooling2D(int rows, int cols) {
    this(null, new int[] {rows, cols});
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param outputSize the number of bins {@code (rows, cols)}, each 1 or more
   */
  public AdaptiveAveragePooling2D(String name, int[] outputSize) {
    super(name, false, 2, outputSize);
  }
}
