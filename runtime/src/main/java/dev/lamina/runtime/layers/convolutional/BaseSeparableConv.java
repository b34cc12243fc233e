package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;

/**
 * What Keras's {@code BaseSeparableConv} gives {@link SeparableConv1D} and {@link
 * SeparableConv2D}, channels_last: a depthwise convolution ({@code depth_multiplier} kernels per
 * input channel, as {@link BaseDepthwiseConv}) then a pointwise one (a 1×1 convolution to {@code
 * filters} channels), {@code activation(pointwise(depthwise(x)) + bias)}, with Keras's {@code
 * filters}, {@code kernel_size}, {@code strides}, {@code padding} ({@code valid} or {@code
 * same}), {@code depth_multiplier}, {@code dilation_rate} (with {@code strides}, as Keras 3
 * allows), {@code use_bias}, and the {@code depthwise_*}, {@code pointwise_*} and {@code bias_*}
 * initializers, regularizers and constraints. The weights are Keras's, in its order: {@code
 * depthwise_kernel}, {@code kernel_size + (channels, depth_multiplier)}; {@code
 * pointwise_kernel}, {@code (1,) * rank + (channels * depth_multiplier, filters)}; {@code bias},
 * {@code (filters,)}.
 *
 * <p>As TensorFlow's {@code separable_conv2d} (Keras's TensorFlow backend): {@code
 * DepthwiseConv2dNative} then a 1×1 {@code Conv2D} (1D over a height of one); dilation is a
 * kernel with zeros between its taps, as in {@link BaseConv}.
 */
public abstract class BaseSeparableConv extends Layer {

  private final int rank;
  private final String kind;
  private final int depthMultiplier;
  private final int filters;
  private final int[] kernelSize;
  private final int[] strides;
  private final String padding;
  private final int[] dilationRate;
  private final String activation;
  private final boolean useBias;
  private final Initializer depthwiseInitializer;
  private final Initializer pointwiseInitializer;
  private final Initializer biasInitializer;
  private final Regularizer depthwiseRegularizer;
  private final Regularizer pointwiseRegularizer;
  private final Regularizer biasRegularizer;
  private final Regularizer activityRegularizer;
  private final Constraint depthwiseConstraint;
  private final Constraint pointwiseConstraint;
  private final Constraint biasConstraint;
  private long channels = -1; // fixed by the first apply

  BaseSeparableConv(int rank, Builder<?, ?> b) {
    super(b.name);
    this.rank = rank;
    this.kind = "SeparableConv" + rank + "D";
    if (b.depthMultiplier < 1) {
      throw new IllegalArgumentException(kind + " depth_multiplier must be at least 1, got "
          + b.depthMultiplier);
    }
    if (b.filters < 1) {
      throw new IllegalArgumentException(kind + " filters must be at least 1, got " + b.filters);
    }
    this.depthMultiplier = b.depthMultiplier;
    this.filters = b.filters;
    this.kernelSize = ConvSupport.tuple(kind, "kernel_size", b.kernelSize, rank, 1);
    this.strides = ConvSupport.tuple(kind, "strides", b.strides == null ? new int[] {1}
        : b.strides, rank, 1);
    this.dilationRate = ConvSupport.tuple(kind, "dilation_rate",
        b.dilationRate == null ? new int[] {1} : b.dilationRate, rank, 1);
    this.padding = ConvSupport.padding(kind, b.padding, false);
    this.activation = ConvSupport.activation(b.activation);
    this.useBias = b.useBias;
    // Two Glorot-uniform kernels from one seed: the pointwise one's seed differs
    this.depthwiseInitializer = b.depthwiseInitializer != null ? b.depthwiseInitializer
        : Initializer.glorotUniform(b.seed);
    this.pointwiseInitializer = b.pointwiseInitializer != null ? b.pointwiseInitializer
        : Initializer.glorotUniform(b.seed + 1);
    this.biasInitializer = b.biasInitializer != null ? b.biasInitializer : Initializer.zeros();
    this.depthwiseRegularizer = b.depthwiseRegularizer;
    this.pointwiseRegularizer = b.pointwiseRegularizer;
    this.biasRegularizer = b.biasRegularizer;
    this.activityRegularizer = b.activityRegularizer;
    this.depthwiseConstraint = b.depthwiseConstraint;
    this.pointwiseConstraint = b.pointwiseConstraint;
    this.biasConstraint = b.biasConstraint;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("depth_multiplier", depthMultiplier);
    arguments.put("filters", filters);
    arguments.put("kernel_size", ConvSupport.asList(kernelSize));
    arguments.put("strides", ConvSupport.asList(strides));
    arguments.put("padding", padding);
    arguments.put("data_format", "channels_last");
    arguments.put("dilation_rate", ConvSupport.asList(dilationRate));
    arguments.put("activation", activation == null ? "linear" : activation);
    arguments.put("use_bias", useBias);
    return arguments;
  }

  /** The {@link #arguments()} and Keras's initializers, regularizers and constraints. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    Layers.putInitializer(config, "depthwise_initializer", depthwiseInitializer);
    Layers.putInitializer(config, "pointwise_initializer", pointwiseInitializer);
    Layers.putInitializer(config, "bias_initializer", biasInitializer);
    Layers.putRegularizer(config, "depthwise_regularizer", depthwiseRegularizer);
    Layers.putRegularizer(config, "pointwise_regularizer", pointwiseRegularizer);
    Layers.putRegularizer(config, "bias_regularizer", biasRegularizer);
    Layers.putRegularizer(config, "activity_regularizer", activityRegularizer);
    Layers.putConstraint(config, "depthwise_constraint", depthwiseConstraint);
    Layers.putConstraint(config, "pointwise_constraint", pointwiseConstraint);
    Layers.putConstraint(config, "bias_constraint", biasConstraint);
    return config;
  }

  @Override
  public Regularizer activityRegularizer() {
    return activityRegularizer;
  }

  @Override
  protected synchronized OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    long in = ConvSupport.channels(this, inputs, rank, channels);
    Shape shape = inputs.get(0).shape();
    long[] out = new long[rank + 2];
    out[0] = shape.get(0);
    for (int i = 0; i < rank; i++) {
      out[i + 1] = ConvSupport.convSize(shape.get(i + 1), kernelSize[i], strides[i],
          dilationRate[i], padding);
    }
    ConvSupport.checkNotEmpty(this, shape, out, kernelSize, dilationRate, padding);
    out[rank + 1] = filters;
    if (channels < 0) {
      channels = in;
      long[] depthwiseShape = new long[rank + 2];
      long[] pointwiseShape = new long[rank + 2];
      for (int i = 0; i < rank; i++) {
        depthwiseShape[i] = kernelSize[i];
        pointwiseShape[i] = 1;
      }
      depthwiseShape[rank] = in;
      depthwiseShape[rank + 1] = depthMultiplier;
      pointwiseShape[rank] = in * depthMultiplier;
      pointwiseShape[rank + 1] = filters;
      addWeight("depthwise_kernel", Shape.of(depthwiseShape), depthwiseInitializer, true,
          depthwiseRegularizer, depthwiseConstraint);
      addWeight("pointwise_kernel", Shape.of(pointwiseShape), pointwiseInitializer, true,
          pointwiseRegularizer, pointwiseConstraint);
      if (useBias) {
        addWeight("bias", Shape.of(filters), biasInitializer, true, biasRegularizer,
            biasConstraint);
      }
    }
    return Layers.spec(Shape.of(out), TFloat32.class);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    Operand<TFloat32> depthwise = weights.get(0);
    Operand<TFloat32> pointwise = weights.get(1);
    long[] kernelShape;
    long[] stride4;
    int[] dilation;
    if (rank == 1) {
      x = tf.expandDims(x, tf.constant(1));
      depthwise = tf.expandDims(depthwise, tf.constant(0));
      pointwise = tf.expandDims(pointwise, tf.constant(0));
      kernelShape = new long[] {1, kernelSize[0], channels, depthMultiplier};
      stride4 = new long[] {1, 1, strides[0], 1};
      dilation = new int[] {1, dilationRate[0]};
    } else {
      kernelShape = new long[] {kernelSize[0], kernelSize[1], channels, depthMultiplier};
      stride4 = new long[] {1, strides[0], strides[1], 1};
      dilation = dilationRate.clone();
    }
    Operand<TFloat32> y = ConvSupport.depthwise(tf, x, depthwise, kernelShape, stride4, dilation,
        padding);
    y = ConvSupport.conv2d(tf, y, pointwise, new long[] {1, 1, 1, 1}, "valid");
    if (rank == 1) {
      y = tf.squeeze(y, Squeeze.axis(List.of(1L)));
    }
    return ConvSupport.biasAndActivation(tf, y, useBias ? weights.get(2) : null, activation);
  }

  /** Keras's separable convolution arguments, shared by SeparableConv1D's and 2D's builders. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<L extends BaseSeparableConv, B extends Builder<L, B>>
      extends ConvolutionBuilder<L, B> {
    final int filters;
    int depthMultiplier = 1;
    Initializer depthwiseInitializer;
    Initializer pointwiseInitializer;
    Regularizer depthwiseRegularizer;
    Regularizer pointwiseRegularizer;
    Constraint depthwiseConstraint;
    Constraint pointwiseConstraint;

    Builder(int filters, int[] kernelSize) {
      super(kernelSize);
      this.filters = filters;
    }

    /** Keras's {@code depth_multiplier}: the depthwise kernels per input channel; 1. */
    public B depthMultiplier(int depthMultiplier) {
      this.depthMultiplier = depthMultiplier;
      return (B) this;
    }

    /**
     * Keras's {@code depthwise_initializer}: {@code glorot_uniform} from {@link #seed} by
     * default.
     */
    public B depthwiseInitializer(Initializer initializer) {
      this.depthwiseInitializer = initializer;
      return (B) this;
    }

    public B depthwiseInitializer(String name) {
      return depthwiseInitializer(Initializer.get(name));
    }

    /**
     * Keras's {@code pointwise_initializer}: {@code glorot_uniform} from {@link #seed} (plus
     * one) by default.
     */
    public B pointwiseInitializer(Initializer initializer) {
      this.pointwiseInitializer = initializer;
      return (B) this;
    }

    public B pointwiseInitializer(String name) {
      return pointwiseInitializer(Initializer.get(name));
    }

    public B depthwiseRegularizer(Regularizer regularizer) {
      this.depthwiseRegularizer = regularizer;
      return (B) this;
    }

    public B depthwiseRegularizer(String name) {
      return depthwiseRegularizer(Regularizer.get(name));
    }

    public B pointwiseRegularizer(Regularizer regularizer) {
      this.pointwiseRegularizer = regularizer;
      return (B) this;
    }

    public B pointwiseRegularizer(String name) {
      return pointwiseRegularizer(Regularizer.get(name));
    }

    /** Keras's {@code depthwise_constraint}: applied after each optimizer step. */
    public B depthwiseConstraint(Constraint constraint) {
      this.depthwiseConstraint = constraint;
      return (B) this;
    }

    public B depthwiseConstraint(String name) {
      return depthwiseConstraint(Constraint.get(name));
    }

    /** Keras's {@code pointwise_constraint}: applied after each optimizer step. */
    public B pointwiseConstraint(Constraint constraint) {
      this.pointwiseConstraint = constraint;
      return (B) this;
    }

    public B pointwiseConstraint(String name) {
      return pointwiseConstraint(Constraint.get(name));
    }
  }
}
