package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code AveragePooling3D(pool_size, strides=None, padding="valid")}, channels_last: the
 * average of each window of {@code pool_size = (dim1, dim2, dim3)}, the window moving by {@code
 * strides} (by default {@code pool_size}) over each {@code (batch, dim1, dim2, dim3, channels)}
 * sample; {@code padding} "valid" or "same" ("same" averages leave the padding out, as Keras;
 * see {@link Pooling}).
 */
public final class AveragePooling3D extends Pooling {

  /** {@code AveragePooling3D((dim1, dim2, dim3))}: strides the pool size, padding "valid". */
  public AveragePooling3D(int dim1, int dim2, int dim3) {
    this(null, new int[] {dim1, dim2, dim3}, null, "valid");
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param poolSize the window's {@code (dim1, dim2, dim3)}, each 1 or more
   * @param strides the window's steps {@code (dim1, dim2, dim3)}, or {@code null} for {@code
   *     poolSize}
   * @param padding "valid" or "same"
   */
  public AveragePooling3D(String name, int[] poolSize, int[] strides, String padding) {
    super(name, false, poolSize, strides, padding);
  }
}
