package dev.lamina.runtime.layers.regularization;

import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.reshaping.ReshapingTypes;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import java.util.function.Supplier;
import org.tensorflow.ndarray.Shape;

/**
 * The random layers' types, read from a configuration under Keras's names and defaults, for
 * {@link dev.lamina.runtime.layers.BuiltInLayerTypes}. A layer's {@code seed} is kept (null when
 * none), so a loaded or imported model draws as the saved one would.
 */
public final class RegularizationTypes {

  private RegularizationTypes() {}

  /** Keras's {@code SpatialDropout1D(rate, seed=None)}. */
  public static final LayerType<SpatialDropout1D> SPATIAL_DROPOUT1D = LayerType.of(
      "SpatialDropout1D", SpatialDropout1D.class, (name, c) -> {
        double rate = c.requireDouble("rate");
        Long seed = seed(c);
        return construct(c, "rate", () -> new SpatialDropout1D(name, rate, seed));
      });

  /** Keras's {@code SpatialDropout2D(rate, data_format=None, seed=None)}, channels_last only. */
  public static final LayerType<SpatialDropout2D> SPATIAL_DROPOUT2D = LayerType.of(
      "SpatialDropout2D", SpatialDropout2D.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double rate = c.requireDouble("rate");
        Long seed = seed(c);
        return construct(c, "rate", () -> new SpatialDropout2D(name, rate, seed));
      });

  /** Keras's {@code SpatialDropout3D(rate, data_format=None, seed=None)}, channels_last only. */
  public static final LayerType<SpatialDropout3D> SPATIAL_DROPOUT3D = LayerType.of(
      "SpatialDropout3D", SpatialDropout3D.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double rate = c.requireDouble("rate");
        Long seed = seed(c);
        return construct(c, "rate", () -> new SpatialDropout3D(name, rate, seed));
      });

  /** Keras's {@code GaussianNoise(stddev, seed=None)}. */
  public static final LayerType<GaussianNoise> GAUSSIAN_NOISE = LayerType.of(
      "GaussianNoise", GaussianNoise.class, (name, c) -> {
        double stddev = c.requireDouble("stddev");
        Long seed = seed(c);
        return construct(c, "stddev", () -> new GaussianNoise(name, stddev, seed));
      });

  /** Keras's {@code GaussianDropout(rate, seed=None)}. */
  public static final LayerType<GaussianDropout> GAUSSIAN_DROPOUT = LayerType.of(
      "GaussianDropout", GaussianDropout.class, (name, c) -> {
        double rate = c.requireDouble("rate");
        Long seed = seed(c);
        return construct(c, "rate", () -> new GaussianDropout(name, rate, seed));
      });

  /** Keras's {@code AlphaDropout(rate, noise_shape=None, seed=None)}. */
  public static final LayerType<AlphaDropout> ALPHA_DROPOUT = LayerType.of(
      "AlphaDropout", AlphaDropout.class, (name, c) -> {
        double rate = c.requireDouble("rate");
        long[] noiseShape = noiseShape(c);
        Long seed = seed(c);
        return construct(c, "rate", () -> new AlphaDropout(name, rate, noiseShape, seed));
      });

  private static Long seed(LayerConfig c) throws ModelFormatException {
    return c.has("seed") ? c.requireLong("seed") : null;
  }

  /** Keras's {@code noise_shape}: null, or a list of sizes with None for the input's. */
  private static long[] noiseShape(LayerConfig c) throws ModelFormatException {
    if (!c.has("noise_shape")) {
      return null;
    }
    JsonArray list = c.json().requireArray("noise_shape");
    long[] shape = new long[list.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = list.isNull(i) ? Shape.UNKNOWN_SIZE : list.requireLong(i);
      if (shape[i] < 1 && !list.isNull(i)) {
        throw c.error("noise_shape", "noise_shape has size " + shape[i] + " at " + i
            + "; each size is positive, or None for the input's");
      }
    }
    return shape;
  }

  /** A layer from read values; the constructor's refusal becomes an error at {@code key}. */
  private static <L> L construct(LayerConfig c, String key, Supplier<L> make)
      throws ModelFormatException {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw c.error(key, e.getMessage());
    }
  }
}
