package dev.lamina.runtime.layers.pooling;

/**
 * Keras's {@code AdaptiveMaxPooling1D(output_size)}, channels_last: the largest value of each of
 * {@code output_size} bins of the steps of each {@code (batch, steps, features)} sample, bin
 * {@code i} of {@code steps} covering {@code [floor(i * steps / output_size), ceil((i + 1) *
 * steps / output_size))} (see {@link AdaptivePooling}). The steps must be known when the model
 * is built.
 */
public final class AdaptiveMaxPooling1D extends AdaptivePooling {

  /** {@code AdaptiveMaxPooling1D(output_size)}. */
  public AdaptiveMaxPooling1D(int outputSize) {
    this(null, outputSize);
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param outputSize the number of bins, 1 or more
   */
  public AdaptiveMaxPooling1D(String name, int outputSize) {
    super(name, true, 1, new int[] {outputSize});
  }
}
