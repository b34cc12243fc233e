package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code MaxPooling3D(pool_size=(2, 2, 2), strides=None, padding="valid")},
 * channels_last: the largest value of each window of {@code pool_size = (dim1, dim2, dim3)}, the
 * window moving by {@code strides} (by default {@code pool_size}) over each {@code (batch, dim1,
 * dim2, dim3, channels)} sample; {@code padding} "valid" or "same" (see {@link Pooling}).
 * float16, bfloat16 or float32 inputs: TensorFlow's MaxPool3D has no float64 kernel.
 */
public final class MaxPooling3D extends Pooling {

  /** Keras's default, {@code pool_size=(2, 2, 2)}. */
  public MaxPooling3D() {
    this(2, 2, 2);
  }

  /** {@code MaxPooling3D((dim1, dim2, dim3))}: strides the pool size, padding "valid". */
  public MaxPooling3D(int dim1, int dim2, int dim3) {
    this(null, new int[] {dim1, dim2, dim3}, null, "valid");
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param poolSize the window's {@code (dim1, dim2, dim3)}, each 1 or more
   * @param strides the window's steps {@code (dim1, dim2, dim3)}, or {@code null} for {@code
   *     poolSize}
   * @param padding "valid" or "same"
   */
  public MaxPooling3D(String name, int[] poolSize, int[] strides, String padding) {
    super(name, true, poolSize, strides, padding);
  }
}
