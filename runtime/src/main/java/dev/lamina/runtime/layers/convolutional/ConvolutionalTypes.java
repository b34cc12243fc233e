package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.BuiltInLayerTypes;
import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.layers.reshaping.ReshapingTypes;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;

/**
 * Reading Conv1D and Conv2D from a configuration under Keras's names and defaults, for {@link
 * BuiltInLayerTypes}. channels_last only: {@code data_format="channels_first"} is refused.
 */
public final class ConvolutionalTypes {

  private ConvolutionalTypes() {}

  /** Keras's {@code Conv1D}. */
  public static final LayerType<Conv1D> CONV1D = LayerType.of("Conv1D", Conv1D.class,
      (name, c) -> read(c, 1,
          Conv1D.builder(c.requireInt("filters"), kernelSize(c, 1)).name(name)));

  /** Keras's {@code Conv2D}. */
  public static final LayerType<Conv2D> CONV2D = LayerType.of("Conv2D", Conv2D.class,
      (name, c) -> read(c, 2,
          Conv2D.builder(c.requireInt("filters"), kernelSize(c, 2)).name(name)));

  private static int[] kernelSize(LayerConfig c, int rank) throws ModelFormatException {
    if (!c.has("kernel_size")) {
      throw c.error("kernel_size", "kernel_size is missing");
    }
    return ints(c, "kernel_size", rank, 1);
  }

  private static int[] ints(LayerConfig c, String key, int rank, int fallback)
      throws ModelFormatException {
    int[] values = c.optInts(key, fallback);
    if (values.length != 1 && values.length != rank) {
      throw c.error(key, key + " must be an int or " + rank + " ints, got " + values.length
          + " ints");
    }
    return values;
  }

  private static <L extends BaseConv, B extends BaseConv.Builder<L, B>> L read(LayerConfig c,
      int rank, B builder) throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    builder.strides(ints(c, "strides", rank, 1))
        .padding(c.optString("padding", "valid"))
        .dilationRate(ints(c, "dilation_rate", rank, 1))
        .groups(c.optInt("groups", 1))
        .activation(Activation.read(c, "activation"))
        .useBias(c.optBoolean("use_bias", true))
        .seed(0);
    Initializer kernelInitializer = BuiltInLayerTypes.initializer(c, "kernel_initializer");
    if (kernelInitializer != null) {
      builder.kernelInitializer(kernelInitializer);
    }
    Initializer biasInitializer = BuiltInLayerTypes.initializer(c, "bias_initializer");
    if (biasInitializer != null) {
      builder.biasInitializer(biasInitializer);
    }
    builder.kernelRegularizer(BuiltInLayerTypes.regularizer(c, "kernel_regularizer"))
        .biasRegularizer(BuiltInLayerTypes.regularizer(c, "bias_regularizer"))
        .activityRegularizer(BuiltInLayerTypes.regularizer(c, "activity_regularizer"))
        .kernelConstraint(BuiltInLayerTypes.constraint(c, "kernel_constraint"))
        .biasConstraint(BuiltInLayerTypes.constraint(c, "bias_constraint"));
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw c.error("filters", e.getMessage());
    }
  }
}
