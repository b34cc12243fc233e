package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What Keras's {@code BaseConvTranspose} gives {@link Conv1DTranspose} and {@link
 * Conv2DTranspose}, channels_last: {@code activation(conv_transpose(x, kernel) + bias)} with
 * Keras's {@code filters}, {@code kernel_size}, {@code strides}, {@code padding} ({@code valid} or
 * {@code same}), {@code output_padding}, {@code dilation_rate}, {@code use_bias}, and the kernel's
 * and bias's initializers, regularizers and constraints. The kernel is Keras's, {@code
 * kernel_size + (filters, input channels)}; the bias has one value per filter.
 *
 * <p>The output's size along each axis is Keras's: {@code valid}: {@code (size - 1) * stride +
 * effective_kernel + output_padding} (without {@code output_padding}, {@code max(effective_kernel,
 * stride) - effective_kernel}); {@code same}: {@code size * stride}, or with {@code
 * output_padding}, {@code (size - 1) * stride + effective_kernel % 2 + output_padding}, where
 * {@code effective_kernel = (kernel - 1) * dilation + 1}. The computation is TensorFlow's, as
 * Keras's TensorFlow backend's: the gradient of a Conv2D ({@code Conv2DBackpropInput}; 1D over a
 * height of one) to that size, whose C API gradients are a Conv2D and a {@code
 * Conv2DBackpropFilter}; dilation is a kernel with zeros between its taps, as in {@link
 * BaseConv}.
 */
public abstract class BaseConvTranspose extends Layer {

  private final int rank;
  private final String kind;
  private final int filters;
  private final int[] kernelSize;
  private final int[] strides;
  private final String padding;
  private final int[] outputPadding; // null: Keras's None
  private final int[] dilationRate;
  private final String activation;
  private final boolean useBias;
  private final Initializer kernelInitializer;
  private final Initializer biasInitializer;
  private final Regularizer kernelRegularizer;
  private final Regularizer biasRegularizer;
  private final Regularizer activityRegularizer;
  private final Constraint kernelConstraint;
  private final Constraint biasConstraint;
  private long channels = -1; // fixed by the first apply

  BaseConvTranspose(int rank, Builder<?, ?> b) {
    super(b.name);
    this.rank = rank;
    this.kind = "Conv" + rank + "DTranspose";
    if (b.filters < 1) {
      throw new IllegalArgumentException(kind + " filters must be at least 1, got " + b.filters);
    }
    this.filters = b.filters;
    this.kernelSize = ConvSupport.tuple(kind, "kernel_size", b.kernelSize, rank, 1);
    this.strides = ConvSupport.tuple(kind, "strides", b.strides == null ? new int[] {1}
        : b.strides, rank, 1);
    this.dilationRate = ConvSupport.tuple(kind, "dilation_rate",
        b.dilationRate == null ? new int[] {1} : b.dilationRate, rank, 1);
    this.padding = ConvSupport.padding(kind, b.padding, false);
    if (b.outputPadding == null) {
      this.outputPadding = null;
    } else {
      this.outputPadding = ConvSupport.tuple(kind, "output_padding", b.outputPadding, rank, 0);
      for (int i = 0; i < rank; i++) {
        if (outputPadding[i] >= strides[i]) {
          throw new IllegalArgumentException(kind + " output_padding must be less than strides "
              + "on every axis; got output_padding " + Arrays.toString(outputPadding)
              + " and strides " + Arrays.toString(strides));
        }
      }
    }
    ConvSupport.stridesOrDilation(kind, strides, dilationRate);
    this.activation = ConvSupport.activation(b.activation);
    this.useBias = b.useBias;
    this.kernelInitializer = b.kernelInitializer != null ? b.kernelInitializer
        : Initializer.glorotUniform(b.seed);
    this.biasInitializer = b.biasInitializer != null ? b.biasInitializer : Initializer.zeros();
    this.kernelRegularizer = b.kernelRegularizer;
    this.biasRegularizer = b.biasRegularizer;
    this.activityRegularizer = b.activityRegularizer;
    this.kernelConstraint = b.kernelConstraint;
    this.biasConstraint = b.biasConstraint;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("filters", filters);
    arguments.put("kernel_size", ConvSupport.asList(kernelSize));
    arguments.put("strides", ConvSupport.asList(strides));
    arguments.put("padding", padding);
    arguments.put("output_padding", outputPadding == null ? null
        : ConvSupport.asList(outputPadding));
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
    Layers.putInitializer(config, "kernel_initializer", kernelInitializer);
    Layers.putInitializer(config, "bias_initializer", biasInitializer);
    Layers.putRegularizer(config, "kernel_regularizer", kernelRegularizer);
    Layers.putRegularizer(config, "bias_regularizer", biasRegularizer);
    Layers.putRegularizer(config, "activity_regularizer", activityRegularizer);
    Layers.putConstraint(config, "kernel_constraint", kernelConstraint);
    Layers.putConstraint(config, "bias_constraint", biasConstraint);
    return config;
  }

  @Override
  public Regularizer activityRegularizer() {
    return activityRegularizer;
  }

  private long outputSize(long size, int axis) {
    return ConvSupport.transposeSize(size, kernelSize[axis], strides[axis], dilationRate[axis],
        padding, outputPadding == null ? -1 : outputPadding[axis]);
  }

  @Override
  protected synchronized OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    long in = ConvSupport.channels(this, inputs, rank, channels);
    Shape shape = inputs.get(0).shape();
    long[] out = new long[rank + 2];
    out[0] = shape.get(0);
    for (int i = 0; i < rank; i++) {
      out[i + 1] = outputSize(shape.get(i + 1), i);
    }
    out[rank + 1] = filters;
    if (channels < 0) {
      channels = in;
      long[] kernelShape = new long[rank + 2];
      for (int i = 0; i < rank; i++) {
        kernelShape[i] = kernelSize[i];
      }
      kernelShape[rank] = filters;
      kernelShape[rank + 1] = in;
      addWeight("kernel", Shape.of(kernelShape), kernelInitializer, true, kernelRegularizer,
          kernelConstraint);
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
    Operand<TFloat32> kernel = weights.get(0);
    long[] stride4;
    int[] dilation;
    long[] kernelShape;
    if (rank == 1) {
      x = tf.expandDims(x, tf.constant(1));
      kernel = tf.expandDims(kernel, tf.constant(0));
      stride4 = new long[] {1, 1, strides[0], 1};
      dilation = new int[] {1, dilationRate[0]};
      kernelShape = new long[] {1, kernelSize[0], filters, channels};
    } else {
      stride4 = new long[] {1, strides[0], strides[1], 1};
      dilation = dilationRate.clone();
      kernelShape = new long[] {kernelSize[0], kernelSize[1], filters, channels};
    }
    kernel = ConvSupport.spread(tf, kernel, kernelShape, dilation);
    // The output's size: (batch, [1,] sizes..., filters), Keras's per axis, known or not
    List<Operand<TInt32>> size = new ArrayList<>();
    size.add(ConvSupport.size(tf, x, 0));
    if (rank == 1) {
      size.add(ConvSupport.constant(tf, 1));
    }
    for (int i = 0; i < rank; i++) {
      int axis = rank == 1 ? 2 : i + 1;
      long known = x.shape().get(axis);
      if (known != Shape.UNKNOWN_SIZE) {
        size.add(ConvSupport.constant(tf, outputSize(known, i)));
      } else {
        size.add(dynamicOutputSize(tf, ConvSupport.size(tf, x, axis), i));
      }
    }
    size.add(ConvSupport.constant(tf, filters));
    Operand<TFloat32> y = tf.nn.conv2dBackpropInput(ConvSupport.shape(tf, size), kernel, x,
        Arrays.stream(stride4).boxed().toList(), padding.equals("same") ? "SAME" : "VALID");
    if (rank == 1) {
      y = tf.squeeze(y, Squeeze.axis(List.of(1L)));
    }
    return ConvSupport.biasAndActivation(tf, y, useBias ? weights.get(1) : null, activation);
  }

  /** {@link ConvSupport#transposeSize} of a size known at run time only. */
  private Operand<TInt32> dynamicOutputSize(Ops tf, Operand<TInt32> in, int axis) {
    int stride = strides[axis];
    int effective = (kernelSize[axis] - 1) * dilationRate[axis] + 1;
    int extra;
    if (padding.equals("valid")) {
      extra = effective + (outputPadding == null ? Math.max(effective, stride) - effective
          : outputPadding[axis]);
    } else if (outputPadding == null) {
      return tf.math.mul(in, tf.constant(stride));
    } else {
      extra = effective % 2 + outputPadding[axis];
    }
    return tf.math.add(tf.math.mul(tf.math.sub(in, tf.constant(1)), tf.constant(stride)),
        tf.constant(extra));
  }

  /** Keras's transposed convolution arguments, shared by Conv1DTranspose's and Conv2DTranspose's
   * builders. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<L extends BaseConvTranspose, B extends Builder<L, B>>
      extends ConvolutionBuilder<L, B> {
    final int filters;
    int[] outputPadding;
    Initializer kernelInitializer;
    Regularizer kernelRegularizer;
    Constraint kernelConstraint;

    Builder(int filters, int[] kernelSize) {
      super(kernelSize);
      this.filters = filters;
    }

    /**
     * Keras's {@code output_padding}: one int for every axis, or one per axis, each less than
     * its stride; the extra size of the output beyond the default's. None by default.
     */
    public B outputPadding(int... outputPadding) {
      this.outputPadding = outputPadding == null || outputPadding.length == 0 ? null
          : outputPadding.clone();
      return (B) this;
    }

    /** Keras's {@code kernel_initializer}: {@code glorot_uniform} from {@link #seed} by default. */
    public B kernelInitializer(Initializer initializer) {
      this.kernelInitializer = initializer;
      return (B) this;
    }

    public B kernelInitializer(String name) {
      return kernelInitializer(Initializer.get(name));
    }

    public B kernelRegularizer(Regularizer regularizer) {
      this.kernelRegularizer = regularizer;
      return (B) this;
    }

    public B kernelRegularizer(String name) {
      return kernelRegularizer(Regularizer.get(name));
    }

    /** Keras's {@code kernel_constraint}: applied to the kernel after each optimizer step. */
    public B kernelConstraint(Constraint constraint) {
      this.kernelConstraint = constraint;
      return (B) this;
    }

    public B kernelConstraint(String name) {
      return kernelConstraint(Constraint.get(name));
    }
  }
}
