package dev.lamina.runtime.layers;

import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.layers.activations.ELU;
import dev.lamina.runtime.layers.activations.LeakyReLU;
import dev.lamina.runtime.layers.activations.PReLU;
import dev.lamina.runtime.layers.activations.ReLU;
import dev.lamina.runtime.layers.activations.Softmax;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.merging.Add;
import dev.lamina.runtime.layers.merging.Average;
import dev.lamina.runtime.layers.merging.Concatenate;
import dev.lamina.runtime.layers.merging.Dot;
import dev.lamina.runtime.layers.merging.Maximum;
import dev.lamina.runtime.layers.merging.Minimum;
import dev.lamina.runtime.layers.merging.Multiply;
import dev.lamina.runtime.layers.merging.Subtract;
import dev.lamina.runtime.layers.normalization.BatchNormalization;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.layers.reshaping.Reshape;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypeProvider;
import java.util.List;

/**
 * Lamina's built-in layer types, each with Keras's argument names and defaults: the one list of
 * them, read by {@link dev.lamina.runtime.registry.LayerTypes} through the service file. A new
 * built-in layer adds its line here.
 */
public final class BuiltInLayerTypes implements LayerTypeProvider {

  /** Dense's and every layer's options that cannot change what a loaded model computes. */
  private static final String[] INITIALIZERS = {"kernel_initializer", "bias_initializer"};

  @Override
  public List<LayerType<?>> layerTypes() {
    return List.of(
        LayerType.of("Dense", Dense.class, BuiltInLayerTypes::dense),
        LayerType.of("Dropout", Dropout.class, BuiltInLayerTypes::dropout),
        LayerType.of("Flatten", Flatten.class, (name, c) -> {
          c.requireDefault("data_format", "channels_last");
          return new Flatten(name);
        }),
        LayerType.of("Reshape", Reshape.class,
            (name, c) -> new Reshape(name, c.requireLongs("target_shape"))),
        LayerType.of("Concatenate", Concatenate.class,
            (name, c) -> new Concatenate(name, c.optInt("axis", -1))),
        LayerType.of("Activation", Activation.class,
            (name, c) -> new Activation(name, Activation.read(c, "activation"))),
        LayerType.of("ReLU", ReLU.class, BuiltInLayerTypes::relu),
        LayerType.of("LeakyReLU", LeakyReLU.class, (name, c) -> {
          double slope = c.optDouble("negative_slope", LeakyReLU.DEFAULT_NEGATIVE_SLOPE);
          return construct(c, "negative_slope", () -> new LeakyReLU(name, slope));
        }),
        LayerType.of("PReLU", PReLU.class, BuiltInLayerTypes::prelu),
        LayerType.of("ELU", ELU.class, (name, c) -> {
          double alpha = c.optDouble("alpha", 1.0);
          return construct(c, "alpha", () -> new ELU(name, alpha));
        }),
        LayerType.of("Softmax", Softmax.class, (name, c) -> {
          int[] axis = c.optInts("axis", -1);
          return construct(c, "axis", () -> new Softmax(name, axis));
        }),
        LayerType.of("Add", Add.class, (name, c) -> new Add(name)),
        LayerType.of("Multiply", Multiply.class, (name, c) -> new Multiply(name)),
        LayerType.of("Subtract", Subtract.class, (name, c) -> new Subtract(name)),
        LayerType.of("Average", Average.class, (name, c) -> new Average(name)),
        LayerType.of("Maximum", Maximum.class, (name, c) -> new Maximum(name)),
        LayerType.of("Minimum", Minimum.class, (name, c) -> new Minimum(name)),
        LayerType.of("Dot", Dot.class, BuiltInLayerTypes::dot),
        BatchNormalization.TYPE);
  }

  private static Dense dense(String name, LayerConfig c) throws ModelFormatException {
    int units = c.requireInt("units");
    if (units < 1) {
      throw c.error("units", "units is " + units + "; it must be 1 or more");
    }
    String activation = Activation.read(c, "activation");
    boolean useBias = c.optBoolean("use_bias", true);
    // The weights come from the file; how Keras would have drawn them does not matter.
    c.ignore(INITIALIZERS).ignore("lora_alpha");
    for (String option : List.of("kernel_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "bias_constraint", "quantization_config",
        "lora_rank")) {
      c.requireDefault(option, null);
    }
    try {
      return Dense.builder(units).name(name).activation(activation).useBias(useBias).seed(0)
          .build();
    } catch (IllegalArgumentException e) { // glu with an odd number of units
      throw c.error("units", e.getMessage());
    }
  }

  /** A layer from read values; the constructor's refusal becomes an error at {@code key}. */
  private static <L> L construct(LayerConfig c, String key, java.util.function.Supplier<L> make)
      throws ModelFormatException {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw c.error(key, e.getMessage());
    }
  }

  private static ReLU relu(String name, LayerConfig c) throws ModelFormatException {
    Double maxValue = c.has("max_value") ? c.requireDouble("max_value") : null;
    double negativeSlope = c.optDouble("negative_slope", 0.0);
    double threshold = c.optDouble("threshold", 0.0);
    // Keras refuses each of them negative; name the key that is
    for (String key : List.of("max_value", "negative_slope", "threshold")) {
      double value = key.equals("max_value") ? (maxValue == null ? 0 : maxValue)
          : key.equals("negative_slope") ? negativeSlope : threshold;
      if (!(value >= 0)) {
        throw c.error(key, key + " is " + value + "; it must be 0 or more");
      }
    }
    return construct(c, "max_value", () -> new ReLU(name, maxValue, negativeSlope, threshold));
  }

  private static PReLU prelu(String name, LayerConfig c) throws ModelFormatException {
    PReLU.Builder builder = PReLU.builder().name(name);
    JsonObject initializer = c.optObject("alpha_initializer");
    if (initializer != null) {
      String kind = initializer.optString("class_name", "");
      JsonObject config = initializer.optObject("config");
      if (kind.equals("Constant") && config != null) {
        float value = config.optFloat("value", 0f);
        construct(c, "alpha_initializer", () -> builder.alphaInitializer(value));
      }
      // Any other initializer (Zeros, RandomUniform, ...) only draws the first values; a loaded
      // model's alpha comes from its file, as Dense's kernel does.
    }
    int[] shared = c.has("shared_axes") ? c.optInts("shared_axes") : null;
    builder.sharedAxes(shared);
    c.requireDefault("alpha_regularizer", null).requireDefault("alpha_constraint", null);
    return builder.build();
  }

  private static Dot dot(String name, LayerConfig c) throws ModelFormatException {
    if (!c.has("axes")) {
      throw c.error("axes", "Dot needs axes (an axis, or a pair of them)");
    }
    int[] axes = c.optInts("axes");
    boolean normalize = c.optBoolean("normalize", false);
    if (axes.length == 1) {
      return new Dot(name, axes[0], normalize);
    }
    if (axes.length == 2) {
      return new Dot(name, axes[0], axes[1], normalize);
    }
    throw c.error("axes", "axes has " + axes.length + " values; Dot takes one axis or a pair");
  }

  private static Dropout dropout(String name, LayerConfig c) throws ModelFormatException {
    double rate = c.requireDouble("rate");
    if (!(rate >= 0 && rate < 1)) {
      throw c.error("rate", "rate is " + rate + "; it must be in [0, 1)");
    }
    c.requireDefault("noise_shape", null);
    return c.has("seed") ? new Dropout(name, rate, c.requireLong("seed"))
        : new Dropout(name, rate);
  }
}
