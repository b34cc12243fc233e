package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code GlobalAveragePooling1D(keepdims=False)}, channels_last: the average of
 * each channel
 * over the steps of each {@code (batch, steps, features)} sample;
 * {@code keepdims} keeps the pooled axes with size 1.
 *
 * <p>Masks, as Keras's {@code call(inputs, mask)}: with a mask {@code (batch, steps)} on its input,
 * the average over the kept steps only. The output carries no mask.
 */
public final class GlobalAveragePooling1D extends GlobalPooling {

  /** Keras's default, {@code keepdims=False}. */
  public GlobalAveragePooling1D() {
    this(null, false);
  }

  /** A named layer; {@code name} may be null. */
  public GlobalAveragePooling1D(String name, boolean keepdims) {
    super(name, 1, false, keepdims);
  }
}
