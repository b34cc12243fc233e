package dev.lamina.runtime.layers.regularization;

/**
 * Keras's {@code SpatialDropout1D(rate, seed=None)}: dropout of whole feature maps of 3-D inputs
 * {@code (batch, steps, channels)}, in training only (see {@link BaseSpatialDropout}).
 */
public final class SpatialDropout1D extends BaseSpatialDropout {

  public SpatialDropout1D(double rate) {
    this(null, rate);
  }

  public SpatialDropout1D(String name, double rate) {
    this(name, rate, null);
  }

  /** A seeded layer, as Keras's {@code SpatialDropout1D(rate, seed=seed)}. */
  public SpatialDropout1D(String name, double rate, long seed) {
    this(name, rate, Long.valueOf(seed));
  }

  /** Keras's {@code SpatialDropout1D(rate, seed=seed)}, {@code seed} null for none. */
  public SpatialDropout1D(String name, double rate, Long seed) {
    super(name, rate, seed, 3);
  }

  @Override
  String layout() {
    return "(batch, steps, channels)";
  }
}
