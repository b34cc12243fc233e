package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.BuiltInLayerTypes;
import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.layers.reshaping.ReshapingTypes;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;

/**
 * Reading the convolution layers from a configuration under Keras's names and defaults, for
 * {@link BuiltInLayerTypes}. channels_last only: {@code data_format="channels_first"} is refused,
 * naming the layer.
 */
public final class ConvolutionalTypes {

  private ConvolutionalTypes() {}

  /** Keras's {@code Conv1D}. */
  public static final LayerType<Conv1D> CONV1D = LayerType.of("Conv1D", Conv1D.class,
      (name, c) -> conv(c, 1,
          Conv1D.builder(c.requireInt("filters"), kernelSize(c, 1)).name(name)));

  /** Keras's {@code Conv2D}. */
  public static final LayerType<Conv2D> CONV2D = LayerType.of("Conv2D", Conv2D.class,
      (name, c) -> conv(c, 2,
          Conv2D.builder(c.requireInt("filters"), kernelSize(c, 2)).name(name)));

  /** Keras's {@code Conv3D}. */
  public static final LayerType<Conv3D> CONV3D = LayerType.of("Conv3D", Conv3D.class,
      (name, c) -> conv(c, 3,
          Conv3D.builder(c.requireInt("filters"), kernelSize(c, 3)).name(name)));

  /** Keras's {@code Conv1DTranspose}. */
  public static final LayerType<Conv1DTranspose> CONV1D_TRANSPOSE = LayerType.of(
      "Conv1DTranspose", Conv1DTranspose.class, (name, c) -> transpose(c, 1,
          Conv1DTranspose.builder(c.requireInt("filters"), kernelSize(c, 1)).name(name)));

  /** Keras's {@code Conv2DTranspose}. */
  public static final LayerType<Conv2DTranspose> CONV2D_TRANSPOSE = LayerType.of(
      "Conv2DTranspose", Conv2DTranspose.class, (name, c) -> transpose(c, 2,
          Conv2DTranspose.builder(c.requireInt("filters"), kernelSize(c, 2)).name(name)));

  /** Keras's {@code Conv3DTranspose}. */
  public static final LayerType<Conv3DTranspose> CONV3D_TRANSPOSE = LayerType.of(
      "Conv3DTranspose", Conv3DTranspose.class, (name, c) -> transpose(c, 3,
          Conv3DTranspose.builder(c.requireInt("filters"), kernelSize(c, 3)).name(name)));

  /** Keras's {@code DepthwiseConv1D}. */
  public static final LayerType<DepthwiseConv1D> DEPTHWISE_CONV1D = LayerType.of(
      "DepthwiseConv1D", DepthwiseConv1D.class,
      (name, c) -> depthwise(c, 1, DepthwiseConv1D.builder(kernelSize(c, 1)).name(name)));

  /** Keras's {@code DepthwiseConv2D}. */
  public static final LayerType<DepthwiseConv2D> DEPTHWISE_CONV2D = LayerType.of(
      "DepthwiseConv2D", DepthwiseConv2D.class,
      (name, c) -> depthwise(c, 2, DepthwiseConv2D.builder(kernelSize(c, 2)).name(name)));

  /** Keras's {@code SeparableConv1D}. */
  public static final LayerType<SeparableConv1D> SEPARABLE_CONV1D = LayerType.of(
      "SeparableConv1D", SeparableConv1D.class, (name, c) -> separable(c, 1,
          SeparableConv1D.builder(c.requireInt("filters"), kernelSize(c, 1)).name(name)));

  /** Keras's {@code SeparableConv2D}. */
  public static final LayerType<SeparableConv2D> SEPARABLE_CONV2D = LayerType.of(
      "SeparableConv2D", SeparableConv2D.class, (name, c) -> separable(c, 2,
          SeparableConv2D.builder(c.requireInt("filters"), kernelSize(c, 2)).name(name)));

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

  /** What every convolution reads: data_format, strides, padding, ..., the bias's options. */
  private static void common(LayerConfig c, int rank, ConvolutionBuilder<?, ?> builder)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    builder.strides(ints(c, "strides", rank, 1))
        .padding(c.optString("padding", "valid"))
        .dilationRate(ints(c, "dilation_rate", rank, 1))
        .activation(Activation.read(c, "activation"))
        .useBias(c.optBoolean("use_bias", true))
        .seed(0);
    Initializer biasInitializer = BuiltInLayerTypes.initializer(c, "bias_initializer");
    if (biasInitializer != null) {
      builder.biasInitializer(biasInitializer);
    }
    builder.biasRegularizer(BuiltInLayerTypes.regularizer(c, "bias_regularizer"))
        .activityRegularizer(BuiltInLayerTypes.regularizer(c, "activity_regularizer"))
        .biasConstraint(BuiltInLayerTypes.constraint(c, "bias_constraint"));
  }

  private static <L extends Layer> L build(LayerConfig c, ConvolutionBuilder<L, ?> builder)
      throws ModelFormatException {
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      // the key of the layer's first argument (a look that does not mark "filters" read)
      String key = c.json().get("filters") != null ? "filters" : "kernel_size";
      throw c.error(key, e.getMessage());
    }
  }

  private static <L extends BaseConv, B extends BaseConv.Builder<L, B>> L conv(LayerConfig c,
      int rank, B builder) throws ModelFormatException {
    common(c, rank, builder);
    builder.groups(c.optInt("groups", 1));
    Initializer kernelInitializer = BuiltInLayerTypes.initializer(c, "kernel_initializer");
    if (kernelInitializer != null) {
      builder.kernelInitializer(kernelInitializer);
    }
    builder.kernelRegularizer(BuiltInLayerTypes.regularizer(c, "kernel_regularizer"))
        .kernelConstraint(BuiltInLayerTypes.constraint(c, "kernel_constraint"));
    return build(c, builder);
  }

  private static <L extends BaseConvTranspose, B extends BaseConvTranspose.Builder<L, B>> L
      transpose(LayerConfig c, int rank, B builder) throws ModelFormatException {
    common(c, rank, builder);
    if (c.has("output_padding")) {
      int[] outputPadding = ints(c, "output_padding", rank, 0);
      builder.outputPadding(outputPadding);
    }
    Initializer kernelInitializer = BuiltInLayerTypes.initializer(c, "kernel_initializer");
    if (kernelInitializer != null) {
      builder.kernelInitializer(kernelInitializer);
    }
    builder.kernelRegularizer(BuiltInLayerTypes.regularizer(c, "kernel_regularizer"))
        .kernelConstraint(BuiltInLayerTypes.constraint(c, "kernel_constraint"));
    return build(c, builder);
  }

  private static <L extends BaseDepthwiseConv, B extends BaseDepthwiseConv.Builder<L, B>> L
      depthwise(LayerConfig c, int rank, B builder) throws ModelFormatException {
    common(c, rank, builder);
    builder.depthMultiplier(c.optInt("depth_multiplier", 1));
    Initializer initializer = BuiltInLayerTypes.initializer(c, "depthwise_initializer");
    if (initializer != null) {
      builder.depthwiseInitializer(initializer);
    }
    builder.depthwiseRegularizer(BuiltInLayerTypes.regularizer(c, "depthwise_regularizer"))
        .depthwiseConstraint(BuiltInLayerTypes.constraint(c, "depthwise_constraint"));
    return build(c, builder);
  }

  private static <L extends BaseSeparableConv, B extends BaseSeparableConv.Builder<L, B>> L
      separable(LayerConfig c, int rank, B builder) throws ModelFormatException {
    common(c, rank, builder);
    builder.depthMultiplier(c.optInt("depth_multiplier", 1));
    Initializer depthwise = BuiltInLayerTypes.initializer(c, "depthwise_initializer");
    if (depthwise != null) {
      builder.depthwiseInitializer(depthwise);
    }
    Initializer pointwise = BuiltInLayerTypes.initializer(c, "pointwise_initializer");
    if (pointwise != null) {
      builder.pointwiseInitializer(pointwise);
    }
    builder.depthwiseRegularizer(BuiltInLayerTypes.regularizer(c, "depthwise_regularizer"))
        .pointwiseRegularizer(BuiltInLayerTypes.regularizer(c, "pointwise_regularizer"))
        .depthwiseConstraint(BuiltInLayerTypes.constraint(c, "depthwise_constraint"))
        .pointwiseConstraint(BuiltInLayerTypes.constraint(c, "pointwise_constraint"));
    return build(c, builder);
  }
}
