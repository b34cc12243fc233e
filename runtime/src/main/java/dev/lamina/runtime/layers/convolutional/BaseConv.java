package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.types.TFloat32;

/**
 * What Keras's {@code BaseConv} gives {@link Conv1D} and {@link Conv2D}, channels_last: {@code
 * activation(conv(x, kernel) + bias)} with Keras's {@code filters}, {@code kernel_size}, {@code
 * strides}, {@code padding}, {@code dilation_rate}, {@code groups}, {@code use_bias}, and the
 * kernel's and bias's initializers, regularizers and constraints. The kernel's shape is Keras's,
 * {@code kernel_size + (input channels / groups, filters)}; the bias has one value per filter.
 *
 * <p>The convolution is TensorFlow's {@code Conv2D} (1D as 2D over a height of one, as Keras's
 * TensorFlow backend does through {@code tf.nn.convolution}), with a dilated kernel (zeros
 * between its taps) for {@code dilation_rate > 1}, as TensorFlow's CPU gradients of its own dilated
 * convolutions can abort the process. Grouped convolutions, which
 * TensorFlow's CPU kernels refuse (Keras compiles them with XLA), are one convolution per group of
 * input channels and filters, concatenated on the channels. As the layer is built by its first
 * {@code apply}, the input's channels are fixed then.
 */
public abstract class BaseConv extends Layer {

  /** Keras's paddings; {@code causal} is Conv1D's only. */
  static final List<String> PADDINGS = List.of("valid", "same", "causal");

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
    this.kernelSize = tuple(kind, "kernel_size", b.kernelSize, rank);
    this.strides = tuple(kind, "strides", b.strides == null ? new int[] {1} : b.strides, rank);
    this.dilationRate = tuple(kind, "dilation_rate",
        b.dilationRate == null ? new int[] {1} : b.dilationRate, rank);
    if (Arrays.stream(strides).anyMatch(s -> s > 1)
        && Arrays.stream(dilationRate).anyMatch(d -> d > 1)) {
      throw new IllegalArgumentException(kind + ": strides > 1 with dilation_rate > 1 is not "
          + "supported (as in Keras); got strides " + Arrays.toString(strides)
          + " and dilation_rate " + Arrays.toString(dilationRate));
    }
    String pad = b.padding.toLowerCase(java.util.Locale.ROOT);
    if (!PADDINGS.contains(pad) || (pad.equals("causal") && rank != 1)) {
      throw new IllegalArgumentException(kind + " padding is '" + b.padding + "'; it must be "
          + (rank == 1 ? "'valid', 'same' or 'causal'" : "'valid' or 'same'"));
    }
    this.padding = pad;
    if (b.groups < 1 || filters % b.groups != 0) {
      throw new IllegalArgumentException(kind + " groups is " + b.groups + "; it must be 1 or "
          + "more and divide filters (" + filters + ")");
    }
    this.groups = b.groups;
    this.activation = b.activation;
    if (activation != null) {
      Activation.resolve(activation); // fails now for an unknown name
    }
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

  private static int[] tuple(String kind, String what, int[] values, int rank) {
    if (values == null || (values.length != 1 && values.length != rank)) {
      throw new IllegalArgumentException(kind + " " + what + " must be an int or " + rank
          + " ints, got " + (values == null ? "none" : Arrays.toString(values)));
    }
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = values[values.length == 1 ? 0 : i];
      if (out[i] < 1) {
        throw new IllegalArgumentException(kind + " " + what + " must be 1 or more, got "
            + Arrays.toString(values));
      }
    }
    return out;
  }

  private static List<Long> asList(int[] values) {
    List<Long> out = new ArrayList<>();
    for (int v : values) {
      out.add((long) v);
    }
    return List.copyOf(out);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("filters", filters);
    arguments.put("kernel_size", asList(kernelSize));
    arguments.put("strides", asList(strides));
    arguments.put("padding", padding);
    arguments.put("data_format", "channels_last");
    arguments.put("dilation_rate", asList(dilationRate));
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

  /** Keras's {@code compute_conv_output_shape} along one spatial axis. */
  private long outputSize(long size, int axis) {
    if (size == Shape.UNKNOWN_SIZE) {
      return size;
    }
    if (padding.equals("valid")) {
      long effective = (long) dilationRate[axis] * (kernelSize[axis] - 1) + 1;
      return Math.floorDiv(size - effective, strides[axis]) + 1;
    }
    // same, and causal (left padding, then valid): ceil(size / stride)
    return Math.floorDiv(size - 1, strides[axis]) + 1;
  }

  @Override
  protected synchronized OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    Shape shape = x.shape();
    if (x.dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes float32 inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    if (shape.isUnknown() || shape.numDimensions() != rank + 2
        || shape.get(rank + 1) == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(describe() + " needs inputs of rank " + (rank + 2)
          + " (batch, " + (rank == 1 ? "steps" : "rows, cols") + ", channels) with known "
          + "channels, got " + Shapes.format(shape));
    }
    long in = shape.get(rank + 1);
    if (channels >= 0 && channels != in) {
      throw new IllegalArgumentException(describe() + " was built for inputs with " + channels
          + " channels, got " + Shapes.format(shape));
    }
    if (in % groups != 0) {
      throw new IllegalArgumentException(describe() + ": the input's " + in + " channels are "
          + "not divisible by groups (" + groups + ")");
    }
    long[] out = new long[rank + 2];
    out[0] = shape.get(0);
    for (int i = 0; i < rank; i++) {
      out[i + 1] = outputSize(shape.get(i + 1), i);
      if (out[i + 1] != Shape.UNKNOWN_SIZE && out[i + 1] < 1) {
        throw new IllegalArgumentException(describe() + ": the input " + Shapes.format(shape)
            + " is too small for kernel_size " + Arrays.toString(kernelSize)
            + ", dilation_rate " + Arrays.toString(dilationRate) + " and padding '" + padding
            + "' (the output would be empty)");
      }
    }
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
    long[] stride4;
    long[] dilation4; // of the spatial axes (a height of one for 1D), 1 for the others
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
      dilation4 = new long[] {1, 1, dilationRate[0], 1};
    } else {
      stride4 = new long[] {1, strides[0], strides[1], 1};
      dilation4 = new long[] {1, dilationRate[0], dilationRate[1], 1};
    }
    // Dilation as a kernel with dilation - 1 zeros between its taps, and the op undilated:
    // TensorFlow's CPU gradients of dilated convolutions can abort the process (oneDNN).
    long[] kernelShape = rank == 1
        ? new long[] {1, kernelSize[0], channels / groups, filters}
        : new long[] {kernelSize[0], kernelSize[1], channels / groups, filters};
    for (int axis = 0; axis < 2; axis++) {
      int d = (int) dilation4[axis + 1];
      if (d > 1) {
        kernel = dilate(tf, kernel, kernelShape, axis, d);
        kernelShape[axis] = d * (kernelShape[axis] - 1) + 1;
      }
    }
    dilation4 = new long[] {1, 1, 1, 1};
    String tfPadding = padding.equals("same") ? "SAME" : "VALID";
    Operand<TFloat32> y;
    if (groups == 1) {
      y = conv(tf, x, kernel, stride4, dilation4, tfPadding);
    } else {
      List<Output<TFloat32>> xs = tf.split(tf.constant(3), x, (long) groups).output();
      List<Output<TFloat32>> ks = tf.split(tf.constant(3), kernel, (long) groups).output();
      List<Operand<TFloat32>> ys = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        ys.add(conv(tf, xs.get(g), ks.get(g), stride4, dilation4, tfPadding));
      }
      y = tf.concat(ys, tf.constant(3));
    }
    if (rank == 1) {
      y = tf.squeeze(y, Squeeze.axis(List.of(1L)));
    }
    if (useBias) {
      y = tf.nn.biasAdd(y, weights.get(1));
    }
    return activation == null ? y : Activation.apply(tf, activation, y);
  }

  /** The kernel with {@code d - 1} zeros between its taps along {@code axis}. */
  private static Operand<TFloat32> dilate(Ops tf, Operand<TFloat32> kernel, long[] shape,
      int axis, int d) {
    long k = shape[axis];
    long[] expanded = new long[5];
    int[][] paddings = new int[5][2]; // int32, as for the causal padding
    for (int i = 0, j = 0; i < 4; i++, j++) {
      expanded[j] = shape[i];
      if (i == axis) {
        expanded[++j] = 1;
      }
    }
    paddings[axis + 1][1] = d - 1;
    Operand<TFloat32> spread = tf.pad(tf.reshape(kernel, tf.constant(expanded)),
        tf.constant(paddings), tf.constant(0f));
    long[] merged = shape.clone();
    merged[axis] = k * d;
    long[] size = shape.clone();
    size[axis] = d * (k - 1) + 1;
    // int32 begin and size: TensorFlow's gradient of Slice mixes int64 ones with int32
    int[] size32 = Arrays.stream(size).mapToInt(Math::toIntExact).toArray();
    return tf.slice(tf.reshape(spread, tf.constant(merged)), tf.constant(new int[4]),
        tf.constant(size32));
  }

  private static Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      long[] strides, long[] dilations, String padding) {
    return tf.nn.conv2d(x, kernel, Arrays.stream(strides).boxed().toList(), padding,
        Conv2d.dilations(Arrays.stream(dilations).boxed().toList()));
  }

  /** Keras's convolution arguments, shared by {@link Conv1D.Builder} and {@link Conv2D.Builder}. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<L extends BaseConv, B extends Builder<L, B>> {
    final int filters;
    final int[] kernelSize;
    int[] strides;
    String padding = "valid";
    int[] dilationRate;
    int groups = 1;
    String activation;
    boolean useBias = true;
    long seed = ThreadLocalRandom.current().nextLong();
    String name;
    Initializer kernelInitializer;
    Initializer biasInitializer;
    Regularizer kernelRegularizer;
    Regularizer biasRegularizer;
    Regularizer activityRegularizer;
    Constraint kernelConstraint;
    Constraint biasConstraint;

    Builder(int filters, int[] kernelSize) {
      this.filters = filters;
      this.kernelSize = kernelSize.clone();
    }

    /** Keras's {@code strides}: one int for every axis, or one per axis; 1 by default. */
    public B strides(int... strides) {
      this.strides = strides.clone();
      return (B) this;
    }

    /** Keras's {@code padding}: {@code "valid"} (default), {@code "same"}; Conv1D also {@code
     * "causal"}. */
    public B padding(String padding) {
      this.padding = padding;
      return (B) this;
    }

    /** Keras's {@code dilation_rate}: one int for every axis, or one per axis; 1 by default. */
    public B dilationRate(int... dilationRate) {
      this.dilationRate = dilationRate.clone();
      return (B) this;
    }

    /** Keras's {@code groups}: the channels and filters in as many independent groups. */
    public B groups(int groups) {
      this.groups = groups;
      return (B) this;
    }

    /** A Keras activation name, e.g. {@code "relu"}; none (linear) by default. */
    public B activation(String activation) {
      this.activation = "linear".equals(activation) ? null : activation;
      return (B) this;
    }

    public B useBias(boolean useBias) {
      this.useBias = useBias;
      return (B) this;
    }

    /** The seed of the Glorot-uniform kernel; random by default, as Keras. */
    public B seed(long seed) {
      this.seed = seed;
      return (B) this;
    }

    public B name(String name) {
      this.name = name;
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

    /** Keras's {@code bias_initializer}: {@code zeros} by default. */
    public B biasInitializer(Initializer initializer) {
      this.biasInitializer = initializer;
      return (B) this;
    }

    public B biasInitializer(String name) {
      return biasInitializer(Initializer.get(name));
    }

    public B kernelRegularizer(Regularizer regularizer) {
      this.kernelRegularizer = regularizer;
      return (B) this;
    }

    public B kernelRegularizer(String name) {
      return kernelRegularizer(Regularizer.get(name));
    }

    public B biasRegularizer(Regularizer regularizer) {
      this.biasRegularizer = regularizer;
      return (B) this;
    }

    public B biasRegularizer(String name) {
      return biasRegularizer(Regularizer.get(name));
    }

    /** Keras's {@code activity_regularizer}: its penalty of the output, over the batch size. */
    public B activityRegularizer(Regularizer regularizer) {
      this.activityRegularizer = regularizer;
      return (B) this;
    }

    public B activityRegularizer(String name) {
      return activityRegularizer(Regularizer.get(name));
    }

    /** Keras's {@code kernel_constraint}: applied to the kernel after each optimizer step. */
    public B kernelConstraint(Constraint constraint) {
      this.kernelConstraint = constraint;
      return (B) this;
    }

    public B kernelConstraint(String name) {
      return kernelConstraint(Constraint.get(name));
    }

    public B biasConstraint(Constraint constraint) {
      this.biasConstraint = constraint;
      return (B) this;
    }

    public B biasConstraint(String name) {
      return biasConstraint(Constraint.get(name));
    }

    public abstract L build();
  }
}
