package dev.lamina.samples;

import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/** Lambdas compiled by the processor for the tests only. */
final class TestLambdas {

  private TestLambdas() {}

  /** Declares three values per sample but keeps the first four: a wrong outputShape. */
  @Lambda(outputShape = "(3)")
  static Operand<TFloat32> firstFour(Ops tf, Operand<TFloat32> x) {
    return tf.slice(x, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 4}));
  }

  /** Column {@code index} of a (batch, n) input, kept as a trailing axis of size 1. */
  @Lambda(outputShape = "(1)")
  static Operand<TFloat32> column(Ops tf, Operand<TFloat32> x, @Arg int index) {
    return tf.slice(x, tf.constant(new int[] {0, index}), tf.constant(new int[] {-1, 1}));
  }

  /** x + y, both of one numeric type. */
  @Lambda
  static <T extends TNumber> Operand<T> sum(Ops tf, Operand<T> x, Operand<T> y) {
    return tf.math.add(x, y);
  }

  /** x * factor. */
  @Lambda
  static Operand<TFloat32> scale(Ops tf, Operand<TFloat32> x, @Arg float factor) {
    return tf.math.mul(x, tf.constant(factor));
  }

  /** The tutorial's slice with the tutorial's own (wrong) output_shape=(4, 1). */
  @Lambda(outputShape = "(4, 1)")
  static Operand<TFloat32> kerasSlice(Ops tf, Operand<TFloat32> x, @Arg int index) {
    return tf.gather(x, tf.constant(index), tf.constant(2));
  }

  /** x + y for two batches of n×4 samples. */
  @Lambda(inputShape = {"(n, 4)", "(n, 4)"}, outputShape = "(n, 4)")
  static Operand<TFloat32> pairSum(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y) {
    return tf.math.add(x, y);
  }

  /** Any leading dims, at least two features in the last one. */
  @Lambda(inputShape = "(..., c)", requires = "c >= 2")
  static Operand<TFloat32> wide(Ops tf, Operand<TFloat32> x) {
    return tf.identity(x);
  }

  /** x unchanged, masked where it is positive. */
  @Lambda(mask = "positiveMask")
  static Operand<TFloat32> markPositive(Ops tf, Operand<TFloat32> x) {
    return tf.identity(x);
  }

  static Operand<TBool> positiveMask(Ops tf, Operand<TFloat32> x, Operand<TBool> xMask) {
    return tf.math.greater(x, tf.constant(0f));
  }

  /** x * factor; the mask keeps the input's mask where x * factor stays below 10. */
  @Lambda(mask = "belowTenMask")
  static Operand<TFloat32> scaleMasked(Ops tf, Operand<TFloat32> x, @Arg float factor) {
    return tf.math.mul(x, tf.constant(factor));
  }

  static Operand<TBool> belowTenMask(
      Ops tf, Operand<TFloat32> x, Operand<TBool> xMask, float factor) {
    Operand<TBool> below = tf.math.less(tf.math.mul(x, tf.constant(factor)), tf.constant(10f));
    return xMask == null ? below : tf.math.logicalAnd(xMask, below);
  }

  /** Keras's Masking(0.): x unchanged, a step masked out when all its features are 0. */
  @Lambda(mask = "nonZeroSteps")
  static Operand<TFloat32> maskZeroSteps(Ops tf, Operand<TFloat32> x) {
    return tf.identity(x);
  }

  static Operand<TBool> nonZeroSteps(Ops tf, Operand<TFloat32> x, Operand<TBool> xMask) {
    return tf.reduceAny(tf.math.notEqual(x, tf.constant(0f)), tf.constant(-1));
  }

  /** x[:, begin:begin+size], as Keras's x[:, i:i+n]. */
  @Lambda(inputShape = "(c)", outputShape = "(size)", requires = "0 <= begin && begin + size <= c")
  static Operand<TFloat32> window(Ops tf, Operand<TFloat32> x, @Arg int begin, @Arg int size) {
    return dev.lamina.runtime.backend.K.slice(tf, x, 1, begin, begin + size);
  }

  /** Digamma, an op TensorFlow can run but not differentiate (no gradient in its C++ registry). */
  @Lambda
  static Operand<TFloat32> digamma(Ops tf, Operand<TFloat32> x) {
    return tf.math.digamma(x);
  }
}
