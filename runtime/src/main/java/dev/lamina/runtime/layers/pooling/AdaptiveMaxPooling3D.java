package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code AdaptiveMaxPooling3D(output_size)}, channels_last: the largest value of each of
 * {@code output_size = (dim1, dim2, dim3)} bins of each {@code (batch, dim1, dim2, dim3,
 * channels)} sample, each axis cut as {@link AdaptivePooling} describes. The three spatial
 * sizes must be known when the model is built.
 *
 * <p>Takes float16, bfloat16 or float32 inputs: TensorFlow's MaxPool3D has no float64 kernel.
 */
public final class AdaptiveMaxPooling3D extends AdaptivePooling {

  /** {@code AdaptiveMaxPooling3D(output_size)}: {@code size} bins on every axis. */
  public AdaptiveMaxPooling3D(int size) {
    this(null, repeat(size, 3));
  }

  /** {@code AdaptiveMaxPooling3D((dim1, dim2, dim3))}. */
  public AdaptiveMaxPooling3D(int dim1, int dim2, int dim3) {
    this(null, new int[] {dim1, dim2, dim3});
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param outputSize the number of bins {@code (dim1, dim2, dim3)}, each 1 or more
   */
  public AdaptiveMaxPooling3D(String name, int[] outputSize) {
    super(name, true, 3, outputSize);
  }
}
