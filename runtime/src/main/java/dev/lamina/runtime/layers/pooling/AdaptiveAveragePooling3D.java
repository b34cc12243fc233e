package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code AdaptiveAveragePooling3D(output_size)}, channels_last: the average of each of
 * {@code output_size = (dim1, dim2, dim3)} bins of each {@code (batch, dim1, dim2, dim3,
 * channels)} sample, each axis cut as {@link AdaptivePooling} describes. The three spatial
 * sizes must be known when the model is built.
 */
public final class AdaptiveAveragePooling3D extends AdaptivePooling {

  /** {@code AdaptiveAveragePooling3D(output_size)}: {@code size} bins on every axis. */
  public AdaptiveAveragePooling3D(int size) {
    this(null, repeat(size, 3));
  }

  /** {@code AdaptiveAveragePooling3D((dim1, dim2, dim3))}. */
  public AdaptiveAveragePooling3D(int dim1, int dim2, int dim3) {
    this(null, new int[] {dim1, dim2, dim3});
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param outputSize the number of bins {@code (dim1, dim2, dim3)}, each 1 or more
   */
  public AdaptiveAveragePooling3D(String name, int[] outputSize) {
    super(name, false, 3, outputSize);
  }
}
