package dev.lamina.runtime.backend;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * A few of Keras's backend functions ({@code keras.backend}, imported as {@code K}), so that a
 * Keras lambda ports line for line: {@code K.mean(x, axis=1, keepdims=True)} becomes
 * {@code K.mean(tf, x, 1, true)}. Each is a thin composition of TensorFlow ops. Axes may be
 * negative, counted from the end, as in Keras.
 */
public final class K {

  /** Keras's {@code epsilon()} for {@code l2_normalize}. */
  public static final float L2_EPSILON = 1e-12f;

  private K() {}

  /** {@code K.mean(x, axis, keepdims)}. */
  public static <T extends TNumber> Operand<T> mean(Ops tf, Operand<T> x, int axis,
      boolean keepDims) {
    return tf.math.mean(x, tf.constant(axis), Mean.keepDims(keepDims));
  }

  /** {@code K.sum(x, axis, keepdims)}. */
  public static <T extends TNumber> Operand<T> sum(Ops tf, Operand<T> x, int axis,
      boolean keepDims) {
    return tf.reduceSum(x, tf.constant(axis), ReduceSum.keepDims(keepDims));
  }

  /** {@code K.max(x, axis, keepdims)}. */
  public static <T extends TNumber> Operand<T> max(Ops tf, Operand<T> x, int axis,
      boolean keepDims) {
    return tf.max(x, tf.constant(axis), Max.keepDims(keepDims));
  }

  /** {@code K.l2_normalize(x, axis)}: {@code x / sqrt(max(sum(x²), 1e-12))} along the axis. */
  public static <T extends TNumber> Operand<T> l2Normalize(Ops tf, Operand<T> x, int axis) {
    Operand<T> squares = sum(tf, tf.math.square(x), axis, true);
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(squares, constant(tf, L2_EPSILON, x))));
  }

  /** {@code value} in {@code like}'s dtype: a constant of it for floats, else a cast. */
  @SuppressWarnings("unchecked")
  private static <T extends TNumber> Operand<T> constant(Ops tf, float value, Operand<T> like) {
    if (like.type() == TFloat32.class) {
      return (Operand<T>) tf.constant(value);
    }
    if (like.type() == TFloat64.class) {
      return (Operand<T>) tf.constant((double) value);
    }
    return tf.dtypes.cast(tf.constant(value), like.type());
  }

  /** {@code K.relu(x)}. */
  public static <T extends TNumber> Operand<T> relu(Ops tf, Operand<T> x) {
    return tf.nn.relu(x);
  }

  /** {@code K.square(x)}. */
  public static <T extends TType> Operand<T> square(Ops tf, Operand<T> x) {
    return tf.math.square(x);
  }

  /** {@code K.sqrt(x)}. */
  public static <T extends TType> Operand<T> sqrt(Ops tf, Operand<T> x) {
    return tf.math.sqrt(x);
  }

  /** {@code K.concatenate([a, b, ...], axis)}. */
  public static <T extends TType> Operand<T> concatenate(Ops tf, List<Operand<T>> tensors,
      int axis) {
    return tf.concat(tensors, tf.constant(axis));
  }

  /** {@code x[..., i, ...]} with {@code i} on {@code axis}: that axis is dropped. */
  public static <T extends TType> Operand<T> take(Ops tf, Operand<T> x, int axis, int index) {
    return tf.gather(x, tf.constant(index), tf.constant(axis));
  }

  /** {@code x[..., begin:end, ...]} on {@code axis}: that axis is kept, {@code end - begin} long. */
  public static <T extends TType> Operand<T> slice(Ops tf, Operand<T> x, int axis, int begin,
      int end) {
    int rank = x.shape().numDimensions();
    int at = axis < 0 ? rank + axis : axis;
    if (x.shape().isUnknown() || at < 0 || at >= rank || begin < 0 || end < begin) {
      throw new IllegalArgumentException("Cannot slice [" + begin + ":" + end + "] on axis "
          + axis + " of a tensor of shape " + x.shape());
    }
    int[] begins = new int[rank];
    int[] sizes = new int[rank];
    java.util.Arrays.fill(sizes, -1);
    begins[at] = begin;
    sizes[at] = end - begin;
    return tf.slice(x, tf.constant(begins), tf.constant(sizes));
  }
}
