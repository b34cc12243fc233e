package dev.lamina.samples;

import dev.lamina.annotations.Lambda;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
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
}
