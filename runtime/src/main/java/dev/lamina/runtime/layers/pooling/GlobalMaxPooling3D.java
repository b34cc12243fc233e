package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code GlobalMaxPooling3D(keepdims=False)}, channels_last: the largest value of each
 * channel over the three spatial axes of each {@code (batch, dim1, dim2, dim3, channels)} sample;
 * {@code keepdims} keeps the pooled axes with size 1.
 */
public final class GlobalMaxPooling3D extends GlobalPooling {

  /** Keras's default, {@code keepdims=False}. */
  public GlobalMaxPooling3D() {
    this(null, false);
  }

  /** A named layer; {@code name} may be null. */
  public GlobalMaxPooling3D(String name, boolean keepdims) {
    super(name, 3, true, keepdims);
  }
}
