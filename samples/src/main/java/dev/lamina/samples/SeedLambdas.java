package dev.lamina.samples;

import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/** The lambdas of the Keras {@code Lambda} tutorial, as Lamina declarations. */
public final class SeedLambdas {

  private SeedLambdas() {}

  /**
   * x -> x², element-wise: Keras's {@code Lambda(lambda x: x ** 2)}.
   *
   * @param x any numeric tensor
   */
  @Lambda
  static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
    return tf.math.square(x);
  }

  /**
   * {@code x[:, :, index]}: column {@code index} of each 4×2 sample, the tutorial's {@code slice}.
   * Keras's tutorial declares {@code output_shape=(4, 1)}, which Keras never checks; the ops give
   * {@code (4)}, which is what Lamina declares (and checks).
   *
   * @param x samples of shape (4, 2)
   * @param index the column to keep, 0 or 1
   */
  @Lambda(outputShape = "(4)")
  static Operand<TFloat32> slice(Ops tf, Operand<TFloat32> x, @Arg int index) {
    return tf.gather(x, tf.constant(index), tf.constant(2));
  }
}
