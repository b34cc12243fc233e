package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.layers.activations.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What the convolution layers share: Keras's argument checks ({@code standardize_tuple}, {@code
 * standardize_padding}), its output sizes ({@code compute_conv_output_shape}, {@code
 * compute_conv_transpose_output_shape}), the kernel spread for dilation, and shape vectors for
 * reshapes whose sizes may only be known at run time.
 */
final class ConvSupport {

  private ConvSupport() {}

  /** Keras's {@code standardize_tuple}: one int for every axis, or one per axis, each ≥ min. */
  static int[] tuple(String kind, String what, int[] values, int rank, int min) {
    if (values == null || (values.length != 1 && values.length != rank)) {
      throw new IllegalArgumentException(kind + " " + what + " must be an int or " + rank
          + " ints, got " + (values == null ? "none" : Arrays.toString(values)));
    }
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = values[values.length == 1 ? 0 : i];
      if (out[i] < min) {
        throw new IllegalArgumentException(kind + " " + what + " must be " + min
            + " or more, got " + Arrays.toString(values));
      }
    }
    return out;
  }

  static List<Long> asList(int[] values) {
    List<Long> out = new ArrayList<>();
    for (int v : values) {
      out.add((long) v);
    }
    return List.copyOf(out);
  }

  /** Keras's {@code standardize_padding}: {@code valid} or {@code same}, case-insensitive. */
  static String padding(String kind, String padding, boolean causal) {
    String pad = padding == null ? "" : padding.toLowerCase(Locale.ROOT);
    if (!(pad.equals("valid") || pad.equals("same") || (causal && pad.equals("causal")))) {
      throw new IllegalArgumentException(kind + " padding is '" + padding + "'; it must be "
          + (causal ? "'valid', 'same' or 'causal'" : "'valid' or 'same'"));
    }
    return pad;
  }

  /** Keras's refusal of {@code strides > 1} with {@code dilation_rate > 1}. */
  static void stridesOrDilation(String kind, int[] strides, int[] dilationRate) {
    if (Arrays.stream(strides).anyMatch(s -> s > 1)
        && Arrays.stream(dilationRate).anyMatch(d -> d > 1)) {
      throw new IllegalArgumentException(kind + ": strides > 1 with dilation_rate > 1 is not "
          + "supported (as in Keras); got strides " + Arrays.toString(strides)
          + " and dilation_rate " + Arrays.toString(dilationRate));
    }
  }

  /** The activation, checked now (an unknown name fails at once); {@code null} for linear. */
  static String activation(String activation) {
    if (activation != null) {
      Activation.resolve(activation);
    }
    return activation;
  }

  /** The spatial axes' names of an input of {@code rank} spatial axes, for messages. */
  static String axes(int rank) {
    return switch (rank) {
      case 1 -> "(batch, steps, channels)";
      case 2 -> "(batch, rows, cols, channels)";
      default -> "(batch, depth, rows, cols, channels)";
    };
  }

  /**
   * The one float32 input of rank {@code rank + 2}, with known channels, of a layer built for
   * {@code built} channels ({@code -1}: not built yet); its channels.
   */
  static long channels(Layer layer, List<SymbolicTensor<?>> inputs, int rank, long built) {
    Layers.requireInputs(layer, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    Shape shape = x.shape();
    if (x.dtype() != TFloat32.class) {
      throw new IllegalArgumentException(layer.describe() + " takes float32 inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    if (shape.isUnknown() || shape.numDimensions() != rank + 2
        || shape.get(rank + 1) == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(layer.describe() + " needs inputs of rank " + (rank + 2)
          + " " + axes(rank) + " with known channels, got " + Shapes.format(shape));
    }
    long in = shape.get(rank + 1);
    if (built >= 0 && built != in) {
      throw new IllegalArgumentException(layer.describe() + " was built for inputs with "
          + built + " channels, got " + Shapes.format(shape));
    }
    return in;
  }

  /** Keras's {@code compute_conv_output_shape} along one axis (valid, same, causal). */
  static long convSize(long size, int kernel, int stride, int dilation, String padding) {
    if (size == Shape.UNKNOWN_SIZE) {
      return size;
    }
    if (padding.equals("valid")) {
      long effective = (long) dilation * (kernel - 1) + 1;
      return Math.floorDiv(size - effective, stride) + 1;
    }
    return Math.floorDiv(size - 1, stride) + 1; // same, and causal: ceil(size / stride)
  }

  /**
   * Keras's {@code _get_output_shape_given_tf_padding} along one axis: a transposed
   * convolution's output size, {@code outputPadding < 0} for none.
   */
  static long transposeSize(long size, int kernel, int stride, int dilation, String padding,
      int outputPadding) {
    if (size == Shape.UNKNOWN_SIZE) {
      return size;
    }
    long effective = (long) (kernel - 1) * dilation + 1;
    if (padding.equals("valid")) {
      long extra = outputPadding < 0 ? Math.max(effective, stride) - effective : outputPadding;
      return (size - 1) * stride + effective + extra;
    }
    return outputPadding < 0 ? size * stride
        : (size - 1) * stride + effective % 2 + outputPadding;
  }

  /** The output's spatial sizes, checked to be at least 1. */
  static void checkNotEmpty(Layer layer, Shape input, long[] output, int[] kernelSize,
      int[] dilationRate, String padding) {
    for (int i = 1; i < output.length - 1; i++) {
      if (output[i] != Shape.UNKNOWN_SIZE && output[i] < 1) {
        throw new IllegalArgumentException(layer.describe() + ": the input "
            + Shapes.format(input) + " is too small for kernel_size "
            + Arrays.toString(kernelSize) + ", dilation_rate " + Arrays.toString(dilationRate)
            + " and padding '" + padding + "' (the output would be empty)");
      }
    }
  }

  /**
   * A 4-D kernel {@code shape} dilated along its axes 0 and 1 by {@code dilation} (the rows' and
   * cols' rates): {@code d - 1} zeros between its taps, so that the convolution itself is
   * undilated (TensorFlow's CPU gradients of dilated convolutions can abort the process, in
   * oneDNN). {@code shape} is updated to the spread kernel's.
   */
  static Operand<TFloat32> spread(Ops tf, Operand<TFloat32> kernel, long[] shape,
      int[] dilation) {
    for (int axis = 0; axis < 2; axis++) {
      int d = dilation[axis];
      if (d > 1) {
        kernel = dilate(tf, kernel, shape, axis, d);
        shape[axis] = d * (shape[axis] - 1) + 1;
      }
    }
    return kernel;
  }

  /** The kernel with {@code d - 1} zeros between its taps along {@code axis}. */
  private static Operand<TFloat32> dilate(Ops tf, Operand<TFloat32> kernel, long[] shape,
      int axis, int d) {
    long k = shape[axis];
    long[] expanded = new long[5];
    int[][] paddings = new int[5][2]; // int32: TensorFlow's gradient of Pad slices with them
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

  /** An undilated 2-D convolution, NHWC. */
  static Operand<TFloat32> conv2d(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      long[] strides, String padding) {
    return tf.nn.conv2d(x, kernel, Arrays.stream(strides).boxed().toList(),
        padding.equals("same") ? "SAME" : "VALID",
        Conv2d.dilations(List.of(1L, 1L, 1L, 1L)));
  }

  /**
   * Conv3D (BaseConv's, and ConvLSTM3D's through {@link ConvolutionOps}) as one Conv2D
   * (TensorFlow's C API has no gradient of Conv3D): the depth taps of each output depth are
   * gathered into the channels, {@code (batch, out_depth, kd, rows, cols, c)}
   * → {@code (batch * out_depth, rows, cols, kd * c)}, and the kernel {@code (kd, kh, kw, c, f)}
   * is laid out to match, {@code (kh, kw, kd * c, f)}; per group of channels when {@code groups
   * > 1}. The depth's padding ({@code same}) is TensorFlow's, half before, the odd one after;
   * the rows' and cols' are the Conv2D's.
   */
  static Operand<TFloat32> conv3d(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      long channels, long filters, int[] kernelSize, int[] strides, int[] dilationRate,
      String padding, int groups) {
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
      long out = convSize(depth, kd, sd, dd, padding);
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
      outDepth = constant(tf, out);
    } else {
      Operand<TInt32> d = size(tf, x, 1);
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
      Operand<TFloat32> flat = tf.reshape(gathered, shape(tf, List.of(
          tf.constant(new int[] {-1}), size(tf, gathered, 2),
          size(tf, gathered, 3), constant(tf, kd * cg))));
      // (kd, kh, kw, cg, fg) → (kh, kw, kd, cg, fg) → (kh, kw, kd * cg, fg)
      long[] kernelShape = {kernelSize[1], kernelSize[2], kd * cg, fg};
      Operand<TFloat32> k = tf.reshape(tf.linalg.transpose(ks.get(g),
          tf.constant(new int[] {1, 2, 0, 3, 4})), tf.constant(kernelShape));
      k = spread(tf, k, kernelShape, new int[] {dilationRate[1], dilationRate[2]});
      ys.add(conv2d(tf, flat, k, stride4, padding));
    }
    Operand<TFloat32> y = groups == 1 ? ys.get(0) : tf.concat(ys, tf.constant(3));
    return tf.reshape(y, shape(tf, List.of(tf.constant(new int[] {-1}), outDepth,
        size(tf, y, 1), size(tf, y, 2),
        constant(tf, filters))));
  }

  /**
   * A depthwise convolution of a 4-D input (1D: a height of one) with a 4-D kernel {@code (rows,
   * cols, channels, depth_multiplier)}, dilated by {@code dilation} (rows, cols) as a spread
   * kernel, so that strides and dilation may go together (Keras's TensorFlow backend strides a
   * dilated convolution's output; the same values). {@code kernelShape} is updated as by {@link
   * #spread}.
   */
  static Operand<TFloat32> depthwise(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      long[] kernelShape, long[] strides, int[] dilation, String padding) {
    kernel = spread(tf, kernel, kernelShape, dilation);
    return tf.nn.depthwiseConv2dNative(x, kernel, Arrays.stream(strides).boxed().toList(),
        padding.equals("same") ? "SAME" : "VALID");
  }

  /** {@code activation(y + bias)}, either optional. */
  static Operand<TFloat32> biasAndActivation(Ops tf, Operand<TFloat32> y, Operand<TFloat32> bias,
      String activation) {
    if (bias != null) {
      y = tf.nn.biasAdd(y, bias);
    }
    return activation == null ? y : Activation.apply(tf, activation, y);
  }

  /**
   * The size of {@code x}'s {@code axis} as a one-element int32 vector: a constant when the
   * graph knows it, else read at run time.
   */
  static Operand<TInt32> size(Ops tf, Operand<?> x, int axis) {
    long known = x.shape().isUnknown() ? Shape.UNKNOWN_SIZE : x.shape().get(axis);
    if (known != Shape.UNKNOWN_SIZE) {
      return tf.constant(new int[] {Math.toIntExact(known)});
    }
    return tf.slice(tf.shape(x), tf.constant(new int[] {axis}), tf.constant(new int[] {1}));
  }

  /**
   * A shape vector of one-element int32 pieces ({@link #size}, or constants such as {@code -1}
   * for the one size a reshape infers).
   */
  static Operand<TInt32> shape(Ops tf, List<Operand<TInt32>> pieces) {
    return tf.concat(pieces, tf.constant(0));
  }

  static Operand<TInt32> constant(Ops tf, long value) {
    return tf.constant(new int[] {Math.toIntExact(value)});
  }
}
