package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;

/**
 * What Keras's {@code BaseConv} gives {@link Conv1D}, {@link Conv2D} and {@link Conv3D},
 * channels_last: {@code activation(conv(x, kernel) + bias)} with Keras's {@code filters}, {@code
 * kernel_size}, {@code strides}, {@code padding}, {@code dilation_rate}, {@code groups}, {@code
 * use_bias}, and the kernel's and bias's initializers, regularizers and constraints. The kernel's
 * shape is Keras's, {@code kernel_size + (input channels / groups, filters)}; the bias has one
 * value per filter.
 *
 * <p>The convolution is TensorFlow's {@code Conv2D} (1D as 2D over a height of one, as Keras's
 * TensorFlow backend does through {@code tf.nn.convolution}; 3D as a Conv2D of the depth taps
 * gathered into the channels, as TensorFlow's C API has no gradient of Conv3D), with a dilated
 * kernel (zeros between its taps) for {@code dilation_rate > 1}, as TensorFlow's CPU gradients of
 * its own dilated convolutions can abort the process. Grouped convolutions, which TensorFlow's CPU
 * kernels refuse (Keras compiles them with XLA), are one convolution per group of input channels
 * and filters, concatenated on the channels. As the layer is built by its first {@code apply},
 * the input's channels are fixed then.
 */
public abstract class BaseConv extends Layer {

  private final int rank;
  private final int filters;
  private final int[] kernelSize;
  private final int[] strides;
  private final String padding;
  private final int[] dilationRate;
  private final int groups;
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

  BaseConv(int rank, Builder<?, ?> b) {
    super(b.name);
    this.rank = rank;
    String kind = "Conv" + rank + "D";
    if (b.filters < 1) {
      throw new IllegalArgumentException(kind + " filters must be at least 1, got " + b.filters);
    }
    this.filters = b.filters;
    this.kernelSize = ConvSupport.tuple(kind, "kernel_size", b.kernelSize, rank, 1);
    this.strides = ConvSupport.tuple(kind, "strides", b.strides == null ? new int[] {1}
        : b.strides, rank, 1);
    this.dilationRate = ConvSupport.tuple(kind, "dilation_rate",
        b.dilationRate == null ? new int[] {1} : b.dilationRate, rank, 1);
    ConvSupport.stridesOrDilation(kind, strides, dilationRate);
    this.padding = ConvSupport.padding(kind, b.padding, rank == 1);
    if (b.groups < 1 || filters % b.groups != 0) {
      throw new IllegalArgumentException(kind + " groups is " + b.groups + "; it must be 1 or "
          + "more and divide filters (" + filters + ")");
    }
    this.groups = b.groups;
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
    arguments.put("data_format", "channels_last");
    arguments.put("dilation_rate", ConvSupport.asList(dilationRate));
    arguments.put("groups", groups);
    arguments.put("activation", activation == null ? "linear" : activation);
    arguments.put("use_bias", useBias);
    return arguments;
  }

  /**
   * What a saved model keeps: the {@link #arguments()}, and Keras's initializers, regularizers
   * and constraints as Keras's serialized objects, each one that is set and that Keras can name.
   */
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

  @Override
  protected synchronized OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    long in = ConvSupport.channels(this, inputs, rank, channels);
    Shape shape = inputs.get(0).shape();
    if (in % groups != 0) {
      throw new IllegalArgumentException(describe() + ": the input's " + in + " channels are "
          + "not divisible by groups (" + groups + ")");
    }
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
      long[] kernelShape = new long[rank + 2];
      for (int i = 0; i < rank; i++) {
        kernelShape[i] = kernelSize[i];
      }
      kernelShape[rank] = in / groups;
      kernelShape[rank + 1] = filters;
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
    Operand<TFloat32> y = rank == 3 ? ConvSupport.conv3d(tf, x, kernel, channels, filters,
        kernelSize, strides, dilationRate, padding, groups) : conv(tf, x, kernel);
    return ConvSupport.biasAndActivation(tf, y, useBias ? weights.get(1) : null, activation);
  }

  /** Conv1D (as 2D over a height of one) and Conv2D. */
  private Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel) {
    long[] stride4;
    int[] dilation; // of the rows and cols (a height of one for 1D)
    long[] kernelShape;
    if (rank == 1) {
      if (padding.equals("causal")) {
        int left = dilationRate[0] * (kernelSize[0] - 1);
        // int32 paddings: TensorFlow's gradient of Pad slices them with int32 indices
        x = tf.pad(x, tf.constant(new int[][] {{0, 0}, {left, 0}, {0, 0}}), tf.constant(0f));
      }
      // Keras's TensorFlow backend (tf.nn.convolution → conv1d): a height of one
      x = tf.expandDims(x, tf.constant(1));
      kernel = tf.expandDims(kernel, tf.constant(0));
      stride4 = new long[] {1, 1, strides[0], 1};
      dilation = new int[] {1, dilationRate[0]};
      kernelShape = new long[] {1, kernelSize[0], channels / groups, filters};
    } else {
      stride4 = new long[] {1, strides[0], strides[1], 1};
      dilation = dilationRate.clone();
      kernelShape = new long[] {kernelSize[0], kernelSize[1], channels / groups, filters};
    }
    kernel = ConvSupport.spread(tf, kernel, kernelShape, dilation);
    Operand<TFloat32> y = grouped(tf, x, kernel, stride4);
    if (rank == 1) {
      y = tf.squeeze(y, Squeeze.axis(List.of(1L)));
    }
    return y;
  }

  /** One convolution, or one per group of input channels and filters, concatenated. */
  private Operand<TFloat32> grouped(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      long[] stride4) {
    String tfPadding = padding.equals("same") ? "same" : "valid";
    if (groups == 1) {
      return ConvSupport.conv2d(tf, x, kernel, stride4, tfPadding);
    }
    List<Output<TFloat32>> xs = tf.split(tf.constant(3), x, (long) groups).output();
    List<Output<TFloat32>> ks = tf.split(tf.constant(3), kernel, (long) groups).output();
    List<Operand<TFloat32>> ys = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      ys.add(ConvSupport.conv2d(tf, xs.get(g), ks.get(g), stride4, tfPadding));
    }
    return tf.concat(ys, tf.constant(3));
  }

  /** Keras's convolution arguments, shared by Conv1D's, Conv2D's and Conv3D's builders. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<L extends BaseConv, B extends Builder<L, B>>
      extends ConvolutionBuilder<L, B> {
    final int filters;
    int groups = 1;
    Initializer kernelInitializer;
    Regularizer kernelRegularizer;
    Constraint kernelConstraint;

    Builder(int filters, int[] kernelSize) {
      super(kernelSize);
      this.filters = filters;
    }

    /** Keras's {@code groups}: the channels and filters in as many independent groups. */
    public B groups(int groups) {
      this.groups = groups;
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
