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
import org.tensorflow.types.TInt32;

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
    Operand<TFloat32> y = rank == 3 ? conv3d(tf, x, kernel) : conv(tf, x, kernel);
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

  /**
   * Conv3D as one Conv2D (TensorFlow's C API has no gradient of Conv3D): the depth taps of each
   * output depth are gathered into the channels, {@code (batch, out_depth, kd, rows, cols, c)}
   * → {@code (batch * out_depth, rows, cols, kd * c)}, and the kernel {@code (kd, kh, kw, c, f)}
   * is laid out to match, {@code (kh, kw, kd * c, f)}; per group of channels when {@code groups
   * > 1}. The depth's padding ({@code same}) is TensorFlow's, half before, the odd one after;
   * the rows' and cols' are the Conv2D's.
   */
  private Operand<TFloat32> conv3d(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel) {
    int kd = kernelSize[0];
    int sd = strides[0];
    int dd = dilationRate[0];
    int effective = dd * (kd - 1) + 1;
    long depth = x.shape().get(1);
    Operand<TInt32> outDepth; // (1,)
    Operand<TInt32> taps; // (out_depth, kd): the input depths of each output depth
    int[] offsets = new int[kd];
    for (int i = 0; i < kd; i++) {
      offsets[i] = i * dd;
    }
    if (depth != Shape.UNKNOWN_SIZE) {
      long out = ConvSupport.convSize(depth, kd, sd, dd, padding);
      if (padding.equals("same")) {
        long total = Math.max((out - 1) * sd + effective - depth, 0);
        x = tf.pad(x, tf.constant(new int[][] {{0, 0},
            {(int) (total / 2), (int) (total - total / 2)}, {0, 0}, {0, 0}, {0, 0}}),
            tf.constant(0f));
      }
      int[][] index = new int[Math.toIntExact(out)][kd];
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < kd; i++) {
          index[o][i] = o * sd + offsets[i];
        }
      }
      taps = tf.constant(index);
      outDepth = ConvSupport.constant(tf, out);
    } else {
      Operand<TInt32> d = ConvSupport.size(tf, x, 1);
      Operand<TInt32> s = tf.constant(sd);
      if (padding.equals("same")) {
        outDepth = tf.math.floorDiv(tf.math.add(d, tf.constant(sd - 1)), s);
        Operand<TInt32> total = tf.math.maximum(tf.math.sub(tf.math.add(tf.math.mul(
            tf.math.sub(outDepth, tf.constant(1)), s), tf.constant(effective)), d),
            tf.constant(0));
        Operand<TInt32> before = tf.math.floorDiv(total, tf.constant(2));
        Operand<TInt32> paddings = tf.reshape(tf.concat(List.of(tf.constant(new int[] {0, 0}),
            before, tf.math.sub(total, before), tf.constant(new int[6])), tf.constant(0)),
            tf.constant(new int[] {5, 2}));
        x = tf.pad(x, paddings, tf.constant(0f));
      } else {
        outDepth = tf.math.add(tf.math.floorDiv(tf.math.sub(d, tf.constant(effective)), s),
            tf.constant(1));
      }
      Operand<TInt32> starts = tf.math.mul(tf.range(tf.constant(0),
          tf.reshape(outDepth, tf.constant(new int[0])), tf.constant(1)), s);
      taps = tf.math.add(tf.expandDims(starts, tf.constant(1)),
          tf.constant(new int[][] {offsets}));
    }
    long cg = channels / groups;
    long fg = filters / groups;
    List<Operand<TFloat32>> xs = new ArrayList<>();
    List<Operand<TFloat32>> ks = new ArrayList<>();
    if (groups == 1) {
      xs.add(x);
      ks.add(kernel);
    } else {
      xs.addAll(tf.split(tf.constant(4), x, (long) groups).output());
      ks.addAll(tf.split(tf.constant(4), kernel, (long) groups).output());
    }
    int[] spatial = {kernelSize[1], kernelSize[2]};
    long[] stride4 = {1, strides[1], strides[2], 1};
    List<Operand<TFloat32>> ys = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      // (batch, out_depth, kd, rows, cols, cg) → (batch, out_depth, rows, cols, kd, cg)
      Operand<TFloat32> gathered = tf.linalg.transpose(tf.gather(xs.get(g), taps,
          tf.constant(1)), tf.constant(new int[] {0, 1, 3, 4, 2, 5}));
      Operand<TFloat32> flat = tf.reshape(gathered, ConvSupport.shape(tf, List.of(
          tf.constant(new int[] {-1}), ConvSupport.size(tf, gathered, 2),
          ConvSupport.size(tf, gathered, 3), ConvSupport.constant(tf, kd * cg))));
      // (kd, kh, kw, cg, fg) → (kh, kw, kd, cg, fg) → (kh, kw, kd * cg, fg)
      long[] kernelShape = {kernelSize[1], kernelSize[2], kd * cg, fg};
      Operand<TFloat32> k = tf.reshape(tf.linalg.transpose(ks.get(g),
          tf.constant(new int[] {1, 2, 0, 3, 4})), tf.constant(kernelShape));
      k = ConvSupport.spread(tf, k, kernelShape, new int[] {dilationRate[1], dilationRate[2]});
      ys.add(ConvSupport.conv2d(tf, flat, k, stride4, padding));
    }
    Operand<TFloat32> y = groups == 1 ? ys.get(0) : tf.concat(ys, tf.constant(3));
    return tf.reshape(y, ConvSupport.shape(tf, List.of(tf.constant(new int[] {-1}), outDepth,
        ConvSupport.size(tf, y, 1), ConvSupport.size(tf, y, 2),
        ConvSupport.constant(tf, filters))));
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
