package dev.lamina.runtime.layers.regularization;

import java.util.Map;

/**
 * Keras's {@code SpatialDropout2D(rate, data_format="channels_last", seed=None)}: dropout of whole
 * feature maps of 4-D inputs {@code (batch, rows, cols, channels)}, in training only (see
 * {@link BaseSpatialDropout}). channels_last only: Keras's {@code data_format=
 * "channels_first"} is refused when a model is read.
 */
public final class SpatialDropout2D extends BaseSpatialDropout {

  public SpatialDropout2D(double rate) {
    this(null, rate);
  }

  public SpatialDropout2D(String name, double rate) {
    this(name, rate, null);
  }

  /** A seeded layer, as Keras's {@code SpatialDropout2D(rate, seed=seed)}. */
  public SpatialDropout2D(String name, double rate, long seed) {
    this(name, rate, Long.valueOf(seed));
  }

  /** Keras's {@code SpatialDropout2D(rate, seed=seed)}, {@code seed} null for none. */
  public SpatialDropout2D(String name, double rate, Long seed) {
    super(name, rate, seed, 4);
  }

  @Override
  String layout() {
    return "(batch, rows, cols, channels)";
  }

  /** The rate, the seed and {@code data_format}, always {@code channels_last}. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = super.config();
    config.put("data_format", "channels_last");
    return config;
  }
}
