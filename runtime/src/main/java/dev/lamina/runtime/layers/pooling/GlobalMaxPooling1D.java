package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code GlobalMaxPooling1D(keepdims=False)}, channels_last: the largest value of
 * each channel
 * over the steps of each {@code (batch, steps, features)} sample;
 * {@code keepdims} keeps the pooled axes with size 1.
 *
 * <p>As Keras's, it ignores a mask on its input (Keras warns and drops it).
 */
public final class GlobalMaxPooling1D extends GlobalPooling {

  /** Keras's default, {@code keepdims=False}. */
  public GlobalMaxPooling1D() {
    this(null, false);
  }

  /** A named layer; {@code name} may be null. */
  public GlobalMaxPooling1D(String name, boolean keepdims) {
    super(name, 1, true, keepdims);
  }
}
