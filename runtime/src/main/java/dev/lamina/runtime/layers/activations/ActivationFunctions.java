package dev.lamina.runtime.layers.activations;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * Keras 3's activation functions as TensorFlow graph ops, each written as Keras 3's TensorFlow
 * backend computes it ({@code keras/src/backend/tensorflow/nn.py} and the TensorFlow Python ops
 * it calls), op for op, so that results agree to float rounding and not merely to the formula:
 * e.g. {@code gelu} is {@code 0.5 * x * erfc(-x * 0.7071067811865476)} as TensorFlow's
 * {@code tf.nn.gelu} computes it, not {@code 1 + erf(x / sqrt(2))}. Every op used has a
 * gradient in TensorFlow's C++ registry, which training relies on.
 */
public final class ActivationFunctions {

  private ActivationFunctions() {}

  /** A scalar of {@code x}'s dtype (a Python float converted to the tensor's dtype). */
  @SuppressWarnings("unchecked")
  static <T extends TNumber> Operand<T> scalar(Ops tf, double value, Operand<T> x) {
    if (x.type() == TFloat32.class) {
      return (Operand<T>) tf.constant((float) value);
    }
    if (x.type() == TFloat64.class) {
      return (Operand<T>) tf.constant(value);
    }
    return tf.dtypes.cast(tf.constant(value), x.type());
  }

  /**
   * Keras's {@code relu(x, negative_slope, max_value, threshold)} (Keras's {@code ReLU.static_call}):
   * {@code x} above {@code threshold} (else 0), clipped at {@code max_value}, minus
   * {@code negative_slope * relu(threshold - x)}.
   *
   * @param maxValue {@code null} for Keras's {@code None} (no upper bound)
   */
  public static <T extends TNumber> Operand<T> relu(Ops tf, Operand<T> x, double negativeSlope,
      Double maxValue, double threshold) {
    Operand<T> negativePart = null;
    if (negativeSlope != 0.0) {
      if (maxValue == null && threshold == 0) {
        return tf.nn.leakyRelu(x, LeakyRelu.alpha((float) negativeSlope));
      }
      negativePart = threshold != 0
          ? tf.nn.relu(tf.math.add(tf.math.neg(x), scalar(tf, threshold, x)))
          : tf.nn.relu(tf.math.neg(x));
    }
    boolean clipMax = maxValue != null;
    Operand<T> y;
    if (threshold != 0) {
      y = tf.select(tf.math.greater(x, scalar(tf, threshold, x)), x, tf.zerosLike(x));
    } else if (maxValue != null && maxValue == 6) {
      y = tf.nn.relu6(x); // Keras uses the native op for max_value 6 without threshold
      clipMax = false;
    } else {
      y = tf.nn.relu(x);
    }
    if (clipMax) {
      y = clip(tf, y, 0, maxValue);
    }
    if (negativePart != null) {
      y = tf.math.sub(y, tf.math.mul(scalar(tf, negativeSlope, x), negativePart));
    }
    return y;
  }

  /** {@code tf.clip_by_value}: TensorFlow computes it as a minimum, then a maximum. */
  static <T extends TNumber> Operand<T> clip(Ops tf, Operand<T> x, double min, double max) {
    return tf.math.maximum(tf.math.minimum(x, scalar(tf, max, x)), scalar(tf, min, x));
  }

  /** Keras's {@code leaky_relu(x, negative_slope)}: TensorFlow's LeakyRelu op. */
  public static <T extends TNumber> Operand<T> leakyRelu(Ops tf, Operand<T> x,
      double negativeSlope) {
    return tf.nn.leakyRelu(x, LeakyRelu.alpha((float) negativeSlope));
  }

  /** Keras's {@code elu(x, alpha)}: TensorFlow's Elu, its negative side scaled when alpha != 1. */
  public static <T extends TNumber> Operand<T> elu(Ops tf, Operand<T> x, double alpha) {
    Operand<T> res = tf.nn.elu(x);
    if (alpha == 1) {
      return res;
    }
    return tf.select(tf.math.greater(x, scalar(tf, 0, x)), res,
        tf.math.mul(scalar(tf, alpha, x), res));
  }

  /** Keras's {@code gelu(x, approximate)}, as {@code tf.nn.gelu}. */
  public static <T extends TNumber> Operand<T> gelu(Ops tf, Operand<T> x, boolean approximate) {
    Operand<T> half = tf.math.mul(scalar(tf, 0.5, x), x);
    if (approximate) {
      Operand<T> cube = tf.math.pow(x, scalar(tf, 3, x));
      Operand<T> inner = tf.math.mul(scalar(tf, 0.7978845608028654, x),
          tf.math.add(x, tf.math.mul(scalar(tf, 0.044715, x), cube)));
      return tf.math.mul(half, tf.math.add(scalar(tf, 1, x), tf.math.tanh(inner)));
    }
    Operand<T> exact = tf.math.mul(half,
        tf.math.erfc(tf.math.mul(tf.math.neg(x), scalar(tf, 0.7071067811865476, x))));
    // TensorFlow's C++ gradient registry (which TF Java differentiates with) has no Erfc: the
    // value is erfc's, the gradient that of the same function written with Erf, which has one
    // (surrogate - stopGradient(surrogate) is exactly 0 for finite values).
    Operand<T> surrogate = tf.math.mul(half, tf.math.add(scalar(tf, 1, x),
        tf.math.erf(tf.math.mul(x, scalar(tf, 0.7071067811865476, x)))));
    return tf.math.add(tf.stopGradient(exact),
        tf.math.sub(surrogate, tf.stopGradient(surrogate)));
  }

  /** Keras's {@code celu(x, alpha)}: {@code max(x, 0) + alpha * expm1(min(x, 0) / alpha)}. */
  public static <T extends TNumber> Operand<T> celu(Ops tf, Operand<T> x, double alpha) {
    Operand<T> zero = scalar(tf, 0, x);
    return tf.math.add(tf.math.maximum(x, zero), tf.math.mul(scalar(tf, alpha, x),
        tf.math.expm1(tf.math.div(tf.math.minimum(x, zero), scalar(tf, alpha, x)))));
  }

  /** Keras's {@code hard_sigmoid}: {@code relu6(x + 3) / 6}. */
  public static <T extends TNumber> Operand<T> hardSigmoid(Ops tf, Operand<T> x) {
    return tf.math.div(tf.nn.relu6(tf.math.add(x, scalar(tf, 3, x))), scalar(tf, 6, x));
  }

  /** Keras's {@code hard_shrink(x, threshold)}: {@code x} where {@code |x| > threshold}, else 0. */
  public static <T extends TNumber> Operand<T> hardShrink(Ops tf, Operand<T> x, double threshold) {
    return tf.select(tf.math.greater(tf.math.abs(x), scalar(tf, threshold, x)), x,
        tf.zerosLike(x));
  }

  /** Keras's {@code soft_shrink(x, threshold)}: {@code x} moved toward 0 by threshold, or 0. */
  public static <T extends TNumber> Operand<T> softShrink(Ops tf, Operand<T> x, double threshold) {
    Operand<T> t = scalar(tf, threshold, x);
    return tf.select(tf.math.greater(x, t), tf.math.sub(x, t),
        tf.select(tf.math.less(x, scalar(tf, -threshold, x)), tf.math.add(x, t),
            tf.zerosLike(x)));
  }

  /** Keras's {@code squareplus(x, b)}: {@code (x + sqrt(x² + b)) / 2}. */
  public static <T extends TNumber> Operand<T> squareplus(Ops tf, Operand<T> x, double b) {
    Operand<T> y = tf.math.add(x,
        tf.math.sqrt(tf.math.add(tf.math.square(x), scalar(tf, b, x))));
    return tf.math.div(y, scalar(tf, 2, x));
  }

  /** Keras's {@code softmax(x, axis)}: TensorFlow's Softmax, which works on the last axis. */
  public static <T extends TNumber> Operand<T> softmax(Ops tf, Operand<T> x, int axis) {
    return onLastAxis(tf, x, axis, tf.nn::softmax);
  }

  /** Keras's {@code log_softmax(x, axis)}: TensorFlow's LogSoftmax. */
  public static <T extends TNumber> Operand<T> logSoftmax(Ops tf, Operand<T> x, int axis) {
    return onLastAxis(tf, x, axis, tf.nn::logSoftmax);
  }

  /**
   * Applies a last-axis op on {@code axis}, as {@code tf.nn.softmax(axis=...)} does: swaps the
   * axis with the last, applies, swaps back.
   */
  static <T extends TNumber> Operand<T> onLastAxis(Ops tf, Operand<T> x, int axis,
      java.util.function.Function<Operand<T>, Operand<T>> op) {
    int rank = x.shape().numDimensions();
    int a = axis < 0 ? axis + rank : axis;
    if (a == rank - 1) {
      return op.apply(x);
    }
    int[] perm = new int[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[a] = rank - 1;
    perm[rank - 1] = a;
    Operand<TInt32> permutation = tf.constant(perm);
    return tf.linalg.transpose(op.apply(tf.linalg.transpose(x, permutation)), permutation);
  }

  /** Keras's {@code glu(x, axis)}: {@code axis} split in halves a, b; {@code a * sigmoid(b)}. */
  public static <T extends TNumber> Operand<T> glu(Ops tf, Operand<T> x, int axis) {
    var halves = tf.split(tf.constant(axis), x, 2L).output();
    return tf.math.mul(halves.get(0), tf.math.sigmoid(halves.get(1)));
  }

  /** Keras's {@code threshold(x, threshold, default_value)}: {@code x} above it, else default. */
  public static <T extends TNumber> Operand<T> threshold(Ops tf, Operand<T> x, double threshold,
      double defaultValue) {
    return tf.select(tf.math.greater(x, scalar(tf, threshold, x)), x,
        scalar(tf, defaultValue, x));
  }

  /** Keras's {@code sparsemax(x, axis)}: {@link #sparsemax(Ops, Operand)} on {@code axis}. */
  public static <T extends TNumber> Operand<T> sparsemax(Ops tf, Operand<T> x, int axis) {
    return onLastAxis(tf, x, axis, v -> sparsemax(tf, v));
  }

  /**
   * Keras's {@code sparsemax(x, axis=-1)}, as Keras 3's TensorFlow backend defines it: with the
   * values sorted in decreasing order ({@code s}), their cumulative sums {@code c} and positions
   * {@code p} (from 1), the support is {@code s - (c - 1) / p > 0}, {@code k} its size,
   * {@code tau = (sum of c over the support - 1) / k} (Keras sums the cumulative sums, kept as
   * Keras has it), and the result {@code max(x - tau, 0)}.
   *
   * <p>Keras sorts with {@code tf.sort} (TopKV2), which TensorFlow's C++ gradient registry
   * cannot differentiate. Here each value's position and cumulative sum come from pairwise
   * comparisons on the last axis instead ({@code j} precedes {@code i} if {@code x_j > x_i}, or
   * equal with {@code j <= i}, as the sort breaks ties; tied values share their sums, so the
   * order among them changes nothing): the same quantities, summed in another order (float
   * rounding may differ in the last bits), with a gradient. It takes n² values per row for a
   * last axis of size n.
   */
  public static <T extends TNumber> Operand<T> sparsemax(Ops tf, Operand<T> x) {
    int rank = x.shape().numDimensions();
    Operand<TInt32> last = tf.constant(-1);
    Operand<TInt32> n = tf.gather(tf.shape(x), tf.constant(rank - 1), tf.constant(0));
    Operand<T> xi = tf.expandDims(x, tf.constant(-1)); // [..., n, 1]: row i
    Operand<T> xj = tf.expandDims(x, tf.constant(-2)); // [..., 1, n]: column j
    Operand<TInt32> index = tf.range(tf.constant(0), n, tf.constant(1));
    Operand<TBool> jUpToI = tf.math.lessEqual(tf.expandDims(index, tf.constant(0)),
        tf.expandDims(index, tf.constant(1))); // [n, n]: j <= i
    Operand<TBool> precedes = tf.math.logicalOr(tf.math.greater(xj, xi),
        tf.math.logicalAnd(tf.math.equal(xj, xi), jUpToI));
    Operand<T> before = tf.dtypes.cast(precedes, x.type());
    Operand<T> position = tf.reduceSum(before, last); // p_i
    Operand<T> cumsum = tf.reduceSum(tf.math.mul(before, xj), last); // c at i's position
    Operand<T> one = scalar(tf, 1, x);
    var support = tf.math.greater(
        tf.math.sub(x, tf.math.div(tf.math.sub(cumsum, one), position)), scalar(tf, 0, x));
    Operand<T> cumsumSafe = tf.select(support, cumsum, tf.zerosLike(cumsum));
    Operand<T> k = tf.reduceSum(tf.dtypes.cast(support, x.type()), last,
        ReduceSum.keepDims(true));
    Operand<T> tau = tf.math.div(
        tf.math.sub(tf.reduceSum(cumsumSafe, last, ReduceSum.keepDims(true)), one), k);
    return tf.math.maximum(tf.math.sub(x, tau), scalar(tf, 0, x));
  }

  /**
   * Softmax over several axes, as Keras's {@code Softmax(axis=[...])}:
   * {@code exp(x - logsumexp(x, axes))}, with {@code tf.math.reduce_logsumexp}'s stabilizing
   * maximum (non-finite maxima replaced by 0, no gradient through it).
   */
  public static <T extends TNumber> Operand<T> softmaxAxes(Ops tf, Operand<T> x, int[] axes) {
    Operand<TInt32> axis = tf.constant(axes);
    Operand<T> rawMax = tf.reduceMax(x, axis, ReduceMax.keepDims(true));
    Operand<T> max = tf.stopGradient(
        tf.select(tf.math.isFinite(rawMax), rawMax, tf.zerosLike(rawMax)));
    Operand<T> logsumexp = tf.math.add(tf.math.log(tf.reduceSum(
        tf.math.exp(tf.math.sub(x, max)), axis, ReduceSum.keepDims(true))), max);
    return tf.math.exp(tf.math.sub(x, logsumexp));
  }

  /**
   * Keras 3's activation named {@code name} (one of {@link Activation#KERAS_NAMES}' values),
   * with Keras's defaults for its arguments, on the last axis where it has one.
   */
  public static <T extends TNumber> Operand<T> byName(Ops tf, String name, Operand<T> x) {
    switch (name) {
      case "linear":
        return x;
      case "relu":
        return tf.nn.relu(x);
      case "relu6":
        return tf.nn.relu6(x);
      case "leaky_relu":
        return leakyRelu(tf, x, 0.2);
      case "elu":
        return tf.nn.elu(x);
      case "selu":
        return tf.nn.selu(x);
      case "celu":
        return celu(tf, x, 1.0);
      case "gelu":
        return gelu(tf, x, false); // Keras's activations.gelu: approximate=False
      case "sigmoid":
        return tf.math.sigmoid(x);
      case "tanh":
        return tf.math.tanh(x);
      case "exponential":
        return tf.math.exp(x);
      case "softplus":
        return tf.math.softplus(x);
      case "softsign":
        return tf.nn.softsign(x);
      case "silu":
        return tf.math.mul(x, tf.math.sigmoid(x)); // tf.nn.silu with beta 1
      case "hard_sigmoid":
        return hardSigmoid(tf, x);
      case "hard_silu":
        return tf.math.mul(x, hardSigmoid(tf, x));
      case "hard_tanh":
        return clip(tf, x, -1, 1);
      case "hard_shrink":
        return hardShrink(tf, x, 0.5);
      case "soft_shrink":
        return softShrink(tf, x, 0.5);
      case "tanh_shrink":
        return tf.math.sub(x, tf.math.tanh(x));
      case "log_sigmoid":
        return tf.math.neg(tf.math.softplus(tf.math.neg(x))); // as tf.math.log_sigmoid
      case "mish":
        return tf.math.mul(x, tf.math.tanh(tf.math.softplus(x)));
      case "sparse_plus": {
        Operand<T> quarterSquare = tf.math.mul(scalar(tf, 0.25, x),
            tf.math.pow(tf.math.add(x, scalar(tf, 1, x)), scalar(tf, 2, x)));
        return tf.select(tf.math.lessEqual(x, scalar(tf, -1, x)), tf.zerosLike(x),
            tf.select(tf.math.less(x, scalar(tf, 1, x)), quarterSquare, x));
      }
      case "sparse_sigmoid":
        return tf.select(tf.math.lessEqual(x, scalar(tf, -1, x)), scalar(tf, 0, x),
            tf.select(tf.math.greaterEqual(x, scalar(tf, 1, x)), scalar(tf, 1, x),
                tf.math.mul(scalar(tf, 0.5, x), tf.math.add(x, scalar(tf, 1, x)))));
      case "squareplus":
        return squareplus(tf, x, 4);
      case "softmax":
        return tf.nn.softmax(x);
      case "log_softmax":
        return tf.nn.logSoftmax(x);
      case "glu":
        return glu(tf, x, -1);
      case "sparsemax":
        return sparsemax(tf, x);
      default:
        throw new IllegalArgumentException("Unknown activation '" + name + "'; use one of "
            + String.join(", ", NAMES));
    }
  }

  /** The names {@link #byName} computes. */
  static final List<String> NAMES = List.of("celu", "elu", "exponential", "gelu", "glu",
      "hard_shrink", "hard_sigmoid", "hard_silu", "hard_tanh", "leaky_relu", "linear",
      "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu",
      "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid",
      "sparsemax", "squareplus", "tanh", "tanh_shrink");
}
