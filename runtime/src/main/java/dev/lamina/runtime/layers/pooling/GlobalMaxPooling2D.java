package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code GlobalMaxPooling2D(keepdims=False)}, channels_last: the largest value of
 * each channel
 * over the rows and columns of each {@code (batch, rows, cols, channels)} sample;
 * {@code keepdims} keeps the pooled axes with size 1.
 */
public final class GlobalMaxPooling2D extends GlobalPooling {

  /** Keras's default, {@code keepdims=False}. */
  public GlobalMaxPooling2D() {
    this(null, false);
  }

  /** A named layer; {@code name} may be null. */
  public GlobalMaxPooling2D(String name, boolean keepdims) {
    super(name, 2, true, keepdims);
  }
}
