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
 * What Keras's {@code BaseDepthwiseConv} gives {@link DepthwiseConv1D} and {@link
 * DepthwiseConv2D}, channels_last: each input channel convolved with its own {@code
 * depth_multiplier} kernels, {@code activation(depthwise_conv(x, kernel) + bias)}, with Keras's
 * {@code depth_multiplier}, {@code kernel_size}, {@code strides}, {@code padding} ({@code valid}
 * or {@code same}), {@code dilation_rate} (with {@code strides}, as Keras 3 allows), {@code
 * use_bias}, and the {@code depthwise_*} and {@code bias_*} initializers, regularizers and
 * constraints. The output has {@code channels * depth_multiplier} channels, channel {@code c *
 * depth_multiplier + m} from input channel {@code c}'s kernel {@code m}. The weights are Keras's:
 * {@code kernel}, {@code kernel_size + (channels, depth_multiplier)}, and {@code bias}, {@code
 * (channels * depth_multiplier,)}.
 *
 * <p>The computation is TensorFlow's {@code DepthwiseConv2dNative} (1D over a height of one, as
 * Keras's TensorFlow backend), whose C API gradients exist; dilation is a kernel with zeros
 * between its taps, as in {@link BaseConv}.
 */
public abstract class BaseDepthwiseConv extends Layer {

  private final int rank;
  private final String kind;
  private final int depthMultiplier;
  private final int[] kernelSize;
  private final int[] strides;
  private final String padding;
  private final int[] dilationRate;
  private final String activation;
  private final boolean useBias;
  private final Initializer depthwiseInitializer;
  private final Initializer biasInitializer;
  private final Regularizer depthwiseRegularizer;
  private final Regularizer biasRegularizer;
  private final Regularizer activityRegularizer;
  private final Constraint depthwiseConstraint;
  private final Constraint biasConstraint;
  private long channels = -1; // fixed by the first apply

  BaseDepthwiseConv(int rank, Builder<?, ?> b) {
    super(b.name);
    this.rank = rank;
    this.kind = "DepthwiseConv" + rank + "D";
    if (b.depthMultiplier < 1) {
      throw new IllegalArgumentException(kind + " depth_multiplier must be at least 1, got "
          + b.depthMultiplier);
    }
    this.depthMultiplier = b.depthMultiplier;
    this.kernelSize = ConvSupport.tuple(kind, "kernel_size", b.kernelSize, rank, 1);
    this.strides = ConvSupport.tuple(kind, "strides", b.strides == null ? new int[] {1}
        : b.strides, rank, 1);
    this.dilationRate = ConvSupport.tuple(kind, "dilation_rate",
        b.dilationRate == null ? new int[] {1} : b.dilationRate, rank, 1);
    this.padding = ConvSupport.padding(kind, b.padding, false);
    this.activation = ConvSupport.activation(b.activation);
    this.useBias = b.useBias;
    this.depthwiseInitializer = b.depthwiseInitializer != null ? b.depthwiseInitializer
        : Initializer.glorotUniform(b.seed);
    this.biasInitializer = b.biasInitializer != null ? b.biasInitializer : Initializer.zeros();
    this.depthwiseRegularizer = b.depthwiseRegularizer;
    this.biasRegularizer = b.biasRegularizer;
    this.activityRegularizer = b.activityRegularizer;
    this.depthwiseConstraint = b.depthwiseConstraint;
    this.biasConstraint = b.biasConstraint;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("depth_multiplier", depthMultiplier);
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
    Layers.putInitializer(config, "bias_initializer", biasInitializer);
    Layers.putRegularizer(config, "depthwise_regularizer", depthwiseRegularizer);
    Layers.putRegularizer(config, "bias_regularizer", biasRegularizer);
    Layers.putRegularizer(config, "activity_regularizer", activityRegularizer);
    Layers.putConstraint(config, "depthwise_constraint", depthwiseConstraint);
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
    out[rank + 1] = in * depthMultiplier;
    if (channels < 0) {
      channels = in;
      long[] kernelShape = new long[rank + 2];
      for (int i = 0; i < rank; i++) {
        kernelShape[i] = kernelSize[i];
      }
      kernelShape[rank] = in;
      kernelShape[rank + 1] = depthMultiplier;
      addWeight("kernel", Shape.of(kernelShape), depthwiseInitializer, true,
          depthwiseRegularizer, depthwiseConstraint);
      if (useBias) {
        addWeight("bias", Shape.of(in * depthMultiplier), biasInitializer, true,
            biasRegularizer, biasConstraint);
      }
    }
    return Layers.spec(Shape.of(out), TFloat32.class);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    Operand<TFloat32> kernel = weights.get(0);
    Operand<TFloat32> y;
    if (rank == 1) {
      y = tf.squeeze(ConvSupport.depthwise(tf, tf.expandDims(x, tf.constant(1)),
          tf.expandDims(kernel, tf.constant(0)),
          new long[] {1, kernelSize[0], channels, depthMultiplier},
          new long[] {1, 1, strides[0], 1}, new int[] {1, dilationRate[0]}, padding),
          Squeeze.axis(List.of(1L)));
    } else {
      y = ConvSupport.depthwise(tf, x, kernel,
          new long[] {kernelSize[0], kernelSize[1], channels, depthMultiplier},
          new long[] {1, strides[0], strides[1], 1}, dilationRate.clone(), padding);
    }
    return ConvSupport.biasAndActivation(tf, y, useBias ? weights.get(1) : null, activation);
  }

  /** Keras's depthwise convolution arguments, shared by DepthwiseConv1D's and 2D's builders. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<L extends BaseDepthwiseConv, B extends Builder<L, B>>
      extends ConvolutionBuilder<L, B> {
    int depthMultiplier = 1;
    Initializer depthwiseInitializer;
    Regularizer depthwiseRegularizer;
    Constraint depthwiseConstraint;

    Builder(int[] kernelSize) {
      super(kernelSize);
    }

    /** Keras's {@code depth_multiplier}: the kernels (output channels) per input channel; 1. */
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

    public B depthwiseRegularizer(Regularizer regularizer) {
      this.depthwiseRegularizer = regularizer;
      return (B) this;
    }

    public B depthwiseRegularizer(String name) {
      return depthwiseRegularizer(Regularizer.get(name));
    }

    /** Keras's {@code depthwise_constraint}: applied to the kernel after each optimizer step. */
    public B depthwiseConstraint(Constraint constraint) {
      this.depthwiseConstraint = constraint;
      return (B) this;
    }

    public B depthwiseConstraint(String name) {
      return depthwiseConstraint(Constraint.get(name));
    }
  }
}
