package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code GlobalAveragePooling2D(keepdims=False)}, channels_last: the average of
 * each channel
 * over the rows and columns of each {@code (batch, rows, cols, channels)} sample;
 * {@code keepdims} keeps the pooled axes with size 1.
 */
public final class GlobalAveragePooling2D extends GlobalPooling {

  /** Keras's default, {@code keepdims=False}. */
  public GlobalAveragePooling2D() {
    this(null, false);
  }

  /** A named layer; {@code name} may be null. */
  public GlobalAveragePooling2D(String name, boolean keepdims) {
    super(name, 2, false, keepdims);
  }
}
