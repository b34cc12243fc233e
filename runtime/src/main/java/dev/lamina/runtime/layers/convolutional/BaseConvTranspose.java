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
 * What Keras's {@code BaseConvTranspose} gives {@link Conv1DTranspose}, {@link Conv2DTranspose} and
 * {@link Conv3DTranspose}, channels_last: {@code activation(conv_transpose(x, kernel) + bias)} with
 * Keras's {@code filters}, {@code kernel_size}, {@code strides}, {@code padding} ({@code valid} or
 * {@code same}), {@code output_padding}, {@code dilation_rate}, {@code use_bias}, and the kernel's
 * and bias's initializers, regularizers and constraints. The kernel is Keras's, {@code kernel_size
 * + (filters, input channels)}; the bias has one value per filter.
 *
 * <p>The output's size along each axis is Keras's: {@code valid}: {@code (size - 1) * stride +
 * effective_kernel + output_padding} (without {@code output_padding}, {@code max(effective_kernel,
 * stride) - effective_kernel}); {@code same}: {@code size * stride}, or with {@code
 * output_padding}, {@code (size - 1) * stride + effective_kernel % 2 + output_padding}, where
 * {@code effective_kernel = (kernel - 1) * dilation + 1}. The computation is TensorFlow's, as
 * Keras's TensorFlow backend's: the gradient of a Conv2D ({@code Conv2DBackpropInput}; 1D over a
 * height of one) to that size, whose C API gradients are a Conv2D and a {@code
 * Conv2DBackpropFilter}; dilation is a kernel with zeros between its taps, as in {@link
 * BaseConv}. 3D is the same values (Keras's backend: {@code Conv3DBackpropInputV2}, which the C
 * API cannot differentiate) as a {@code Conv2DBackpropInput} of the rows and cols and the depth
 * by hand, with pads, reshapes and sums (see {@code conv3dTranspose}), so that it trains.
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
    if (rank == 3) {
      return ConvSupport.biasAndActivation(tf, conv3dTranspose(tf, x, kernel),
          useBias ? weights.get(1) : null, activation);
    }
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

  /** The output's size along spatial {@code axis} of an input whose size there is {@code in}. */
  private Operand<TInt32> outputSize(Ops tf, Operand<?> x, int inputAxis, int axis) {
    long known = x.shape().get(inputAxis);
    return known != Shape.UNKNOWN_SIZE ? ConvSupport.constant(tf, outputSize(known, axis))
        : dynamicOutputSize(tf, ConvSupport.size(tf, x, inputAxis), axis);
  }

  /**
   * Conv3DTranspose with ops that TensorFlow's C API differentiates (it has no gradient of
   * {@code Conv3DBackpropInputV2}, for the kernel or the input): the rows and cols are one
   * {@code Conv2DBackpropInput} over every input depth, {@code (batch * depth, rows, cols, c)},
   * with the kernel {@code (kd, kh, kw, f, c)} laid out as {@code (kh, kw, kd * f, c)}, which
   * gives each input depth's contribution through each depth tap; the depth is then the same
   * transposed convolution by hand: the input depths {@code stride} apart (zeros between), each
   * tap's contributions shifted by {@code tap * dilation} and added, and the output's depths cut
   * from that where TensorFlow's padding puts them ({@code same}: half the padding a
   * convolution of the output back to the input needs, before; a constant, as is the cut after).
   */
  private Operand<TFloat32> conv3dTranspose(Ops tf, Operand<TFloat32> x,
      Operand<TFloat32> kernel) {
    int kd = kernelSize[0];
    int sd = strides[0];
    int dd = dilationRate[0];
    int effective = (kd - 1) * dd + 1;
    Operand<TFloat32> flat = tf.reshape(x, ConvSupport.shape(tf, List.of(
        tf.constant(new int[] {-1}), ConvSupport.size(tf, x, 2), ConvSupport.size(tf, x, 3),
        ConvSupport.constant(tf, channels))));
    // (kd, kh, kw, f, c) → (kh, kw, kd, f, c) → (kh, kw, kd * f, c)
    long[] kernelShape = {kernelSize[1], kernelSize[2], (long) kd * filters, channels};
    Operand<TFloat32> k = tf.reshape(tf.linalg.transpose(kernel,
        tf.constant(new int[] {1, 2, 0, 3, 4})), tf.constant(kernelShape));
    k = ConvSupport.spread(tf, k, kernelShape, new int[] {dilationRate[1], dilationRate[2]});
    Operand<TFloat32> planes = tf.nn.conv2dBackpropInput(ConvSupport.shape(tf, List.of(
        ConvSupport.size(tf, flat, 0), outputSize(tf, x, 2, 1), outputSize(tf, x, 3, 2),
        ConvSupport.constant(tf, (long) kd * filters))), k, flat,
        List.of(1L, (long) strides[1], (long) strides[2], 1L),
        padding.equals("same") ? "SAME" : "VALID");
    // (batch, depth, rows', cols', kd, f), the input depths stride apart: (batch, depth * sd, ...)
    Operand<TInt32> depth = ConvSupport.size(tf, x, 1);
    Operand<TInt32> rows = ConvSupport.size(tf, planes, 1);
    Operand<TInt32> cols = ConvSupport.size(tf, planes, 2);
    Operand<TFloat32> y = tf.reshape(planes, ConvSupport.shape(tf, List.of(
        tf.constant(new int[] {-1}), depth, rows, cols, ConvSupport.constant(tf, kd),
        ConvSupport.constant(tf, filters))));
    if (sd > 1) {
      // int32 paddings: TensorFlow's gradient of Pad slices them with int32 indices
      int[][] apart = new int[7][2];
      apart[2][1] = sd - 1;
      y = tf.reshape(tf.pad(tf.expandDims(y, tf.constant(2)), tf.constant(apart),
          tf.constant(0f)), ConvSupport.shape(tf, List.of(tf.constant(new int[] {-1}),
          tf.math.mul(depth, tf.constant(sd)), rows, cols, ConvSupport.constant(tf, kd),
          ConvSupport.constant(tf, filters))));
    }
    // tap t of input depth i reaches depth i * sd + t * dd of the uncut output
    List<Operand<TFloat32>> taps = new ArrayList<>();
    for (int t = 0; t < kd; t++) {
      Operand<TFloat32> tap = tf.gather(y, tf.constant(t), tf.constant(4));
      taps.add(kd == 1 ? tap : tf.pad(tap, tf.constant(new int[][] {{0, 0},
          {t * dd, (kd - 1 - t) * dd}, {0, 0}, {0, 0}, {0, 0}}), tf.constant(0f)));
    }
    Operand<TFloat32> uncut = taps.size() == 1 ? taps.get(0) : tf.math.addN(taps);
    long before = 0;
    if (padding.equals("same")) {
      // TensorFlow's padding of the convolution from the output back to the input: the
      // difference of (depth - 1) * sd + effective and the output's depth is a constant
      long out = outputSize(1, 0);
      before = Math.max(effective - out, 0) / 2;
    }
    return tf.slice(uncut, tf.constant(new int[] {0, Math.toIntExact(before), 0, 0, 0}),
        ConvSupport.shape(tf, List.of(tf.constant(new int[] {-1}), outputSize(tf, x, 1, 0),
            tf.constant(new int[] {-1, -1, -1}))));
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

  /** Keras's transposed convolution arguments, shared by the Conv1DTranspose, Conv2DTranspose and
   * Conv3DTranspose builders. */
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
