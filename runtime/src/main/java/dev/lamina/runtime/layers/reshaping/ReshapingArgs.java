package dev.lamina.runtime.layers.reshaping;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/** What the reshaping layers share: Keras's int / pair / pair-of-pairs arguments, repeating. */
final class ReshapingArgs {

  private ReshapingArgs() {}

  /** Checks amounts are not negative; {@code what} names them for the message. */
  static int[][] checkPairs(String layer, String what, int[][] pairs, int dims) {
    if (pairs.length != dims) {
      throw new IllegalArgumentException(layer + " needs " + dims + " pairs of " + what
          + ", got " + pairs.length);
    }
    int[][] out = new int[dims][];
    for (int i = 0; i < dims; i++) {
      if (pairs[i].length != 2 || pairs[i][0] < 0 || pairs[i][1] < 0) {
        throw new IllegalArgumentException(layer + ": " + what + " must be pairs of ints 0 or "
            + "more, got " + format(pairs));
      }
      out[i] = pairs[i].clone();
    }
    return out;
  }

  /** For {@code arguments()}: {@code [[a, b], [c, d]]} as nested lists of longs. */
  static List<Object> asList(int[][] pairs) {
    List<Object> out = new ArrayList<>();
    for (int[] pair : pairs) {
      out.add(List.of((long) pair[0], (long) pair[1]));
    }
    return List.copyOf(out);
  }

  static String format(int[][] pairs) {
    return asList(pairs).toString();
  }

  /** The input's shape, checked to have {@code rank} axes (the batch included). */
  static Shape requireRank(Layer layer, SymbolicTensor<?> x,
      int rank, String what) {
    Shape shape = x.shape();
    if (shape.isUnknown() || shape.numDimensions() != rank) {
      throw new IllegalArgumentException(layer.describe() + " needs an input of rank " + rank
          + " " + what + ", got " + Shapes.format(shape));
    }
    return shape;
  }

  /** A size along an axis after adding {@code delta} (unknown stays unknown). */
  static long plus(long size, long delta) {
    return size == Shape.UNKNOWN_SIZE ? size : size + delta;
  }

  /** A size along an axis times {@code factor} (unknown stays unknown). */
  static long times(long size, long factor) {
    return size == Shape.UNKNOWN_SIZE ? size : Math.multiplyExact(size, factor);
  }

  /** Checks UpSampling's sizes are 1 or more, naming {@code layer}. */
  static int[] checkSizes(String layer, int... size) {
    for (int s : size) {
      if (s < 1) {
        throw new IllegalArgumentException(layer + "'s size must be 1 or more, got "
            + Arrays.toString(size));
      }
    }
    return size.clone();
  }

  /** The shape after repeating spatial axis {@code i + 1} {@code size[i]} times. */
  static Shape repeatedShape(Shape shape, int[] size) {
    long[] out = shape.asArray();
    for (int i = 0; i < size.length; i++) {
      out[i + 1] = times(out[i + 1], size[i]);
    }
    return Shape.of(out);
  }

  /** Keras's UpSampling: {@link #repeat} along each spatial axis {@code i + 1}, in order. */
  static <T extends TType> Operand<T> repeatAll(Ops tf, Operand<T> x, int[] size) {
    Operand<T> y = x;
    for (int i = 0; i < size.length; i++) {
      y = repeat(tf, y, size[i], i + 1);
    }
    return y;
  }

  /**
   * Keras's {@code ops.repeat(x, n, axis)}: each element along {@code axis} {@code n} times in a
   * row. A new axis after {@code axis} holds {@code n} copies (ConcatV2, which has a gradient),
   * then the two axes merge; sizes unknown until data arrives come from the data.
   */
  static <T extends TType> Operand<T> repeat(Ops tf, Operand<T> x,
      int n, int axis) {
    if (n == 1) {
      return x;
    }
    Operand<T> stacked = stack(tf, x, n, axis + 1);
    Shape shape = x.shape();
    int rank = shape.numDimensions();
    boolean known = true;
    for (int i = 1; i < rank; i++) {
      known &= shape.get(i) != Shape.UNKNOWN_SIZE;
    }
    if (known) {
      long[] target = shape.asArray();
      target[0] = -1;
      target[axis] = shape.get(axis) * n;
      return tf.reshape(stacked, tf.constant(target));
    }
    // [d0, ..., d(axis) * n, ...] from the data's shape
    Operand<TInt32> dims = tf.shape(x);
    Operand<TInt32> scale = tf.constant(scaleVector(rank, axis, n));
    return tf.reshape(stacked, tf.math.mul(dims, scale));
  }

  /** {@code n} copies of {@code x} along a new axis {@code axis} (ConcatV2: has a gradient). */
  static <T extends TType> Operand<T> stack(Ops tf, Operand<T> x,
      int n, int axis) {
    Operand<T> expanded = tf.expandDims(x, tf.constant(axis));
    if (n == 1) {
      return expanded;
    }
    List<Operand<T>> copies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      copies.add(expanded);
    }
    return tf.concat(copies, tf.constant(axis));
  }

  private static int[] scaleVector(int rank, int axis, int n) {
    int[] out = new int[rank];
    Arrays.fill(out, 1);
    out[axis] = n;
    return out;
  }
}
