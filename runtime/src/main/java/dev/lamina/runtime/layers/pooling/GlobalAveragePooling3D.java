package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code GlobalAveragePooling3D(keepdims=False)}, channels_last: the average of each
 * channel over the three spatial axes of each {@code (batch, dim1, dim2, dim3, channels)} sample;
 * {@code keepdims} keeps the pooled axes with size 1.
 */
public final class GlobalAveragePooling3D extends GlobalPooling {

  /** Keras's default, {@code keepdims=False}. */
  public GlobalAveragePooling3D() {
    this(null, false);
  }

  /** A named layer; {@code name} may be null. */
  public GlobalAveragePooling3D(String name, boolean keepdims) {
    super(name, 3, false, keepdims);
  }
}
