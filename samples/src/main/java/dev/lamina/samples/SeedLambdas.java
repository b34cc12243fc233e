package dev.lamina.samples;

import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import dev.lamina.annotations.Training;
import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.backend.K;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/** The lambdas of the Keras {@code Lambda} tutorial, as Lamina declarations. */
public final class SeedLambdas {

  private SeedLambdas() {}

  /**
   * x -> x², element-wise: Keras's {@code Lambda(lambda x: x ** 2)}.
   *
   * @param x any numeric tensor
   */
  // README: square
  @Lambda
  static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
    return tf.math.square(x);
  }
  // END README: square

  /**
   * {@code x[:, :, index]}: column {@code index} of each n×c sample, the tutorial's {@code slice}.
   * Keras's tutorial declares {@code output_shape=(4, 1)}, which Keras never checks; the ops give
   * {@code (n)}, which is what Lamina declares (and checks).
   *
   * @param x samples of shape (n, c)
   * @param index the column to keep
   */
  // README: slice
  @Lambda(inputShape = "(n, c)", outputShape = "(n)", requires = "0 <= index && index < c")
  static Operand<TFloat32> slice(Ops tf, Operand<TFloat32> x, @Arg int index) {
    return tf.gather(x, tf.constant(index), tf.constant(2));
  }
  // END README: slice

  /**
   * The tutorial's antirectifier: centre each sample on its mean, L2-normalise it, and return the
   * positive part and the negated negative part side by side, doubling the features. Its output
   * shape comes from {@link #antirectifierShape}, as the tutorial's {@code output_shape} function.
   * The body is the tutorial's, line for line with Keras's backend {@code K}.
   */
  // README: antirectifier
  @Lambda(outputShapeFn = "antirectifierShape")
  static Operand<TFloat32> antirectifier(Ops tf, Operand<TFloat32> x) {
    x = tf.math.sub(x, K.mean(tf, x, 1, true));
    x = K.l2Normalize(tf, x, 1);
    Operand<TFloat32> pos = K.relu(tf, x);
    Operand<TFloat32> neg = K.relu(tf, tf.math.neg(x));
    return K.concatenate(tf, List.of(pos, neg), 1);
  }
  // END README: antirectifier

  /**
   * The tutorial's {@code antirectifier_output_shape}: rank 2 only, last dim doubled.
   *
   * @param input the full input shape, batch included
   */
  // README: antirectifier
  static Shape antirectifierShape(Shape input) {      // full shape, batch included
    if (input.numDimensions() != 2) {
      throw new IllegalArgumentException("the antirectifier takes (batch, features) inputs");
    }
    long features = input.get(1);
    return Shape.of(input.get(0), features == Shape.UNKNOWN_SIZE ? features : 2 * features);
  }
  // END README: antirectifier

  /** The same antirectifier with its shape as a declaration instead of a method. */
  @Lambda(inputShape = "(c)", outputShape = "(2 * c)")
  static Operand<TFloat32> antirectifierDeclared(Ops tf, Operand<TFloat32> x) {
    return antirectifier(tf, x);
  }

  /**
   * Adds Gaussian noise of standard deviation {@code stddev} while the model trains and passes
   * {@code x} through unchanged when it predicts or evaluates: Keras's {@code GaussianNoise}
   * layer written as a lambda that reads Keras's {@code training} flag. The noise comes from the
   * call's seed stream, so two fits with the same {@code FitOptions.seed} draw the same noise and
   * each training step draws new noise.
   *
   * @param x any float tensor
   * @param training true in {@code fit}, false in {@code predict} and {@code evaluate}
   * @param stddev the noise's standard deviation
   * @param seeds the call's seeds
   */
  // The draw is wrapped in stopGradient: random ops have no gradient in TensorFlow's C++
  // registry, so to training the noise is a constant.
  // README: gaussianNoise
  @Lambda
  static Operand<TFloat32> gaussianNoise(Ops tf, Operand<TFloat32> x, @Training boolean training,
      @Arg float stddev, SeedStream seeds) {
    if (!training) {
      return x;                               // predict and evaluate: no noise, deterministic
    }
    Operand<TFloat32> noise = tf.stopGradient(tf.random.statelessRandomNormal(
        tf.shape(x, TInt64.class), seeds.next(), TFloat32.class));
    return tf.math.add(x, tf.math.mul(noise, tf.constant(stddev)));
  }
  // END README: gaussianNoise
}
