package dev.lamina.samples.readme.keras;

// The README's "Bringing a Keras model to Java": the Java side of the Keras files' lambdas.
// README: my-lambdas
import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

final class MyLambdas {
  @Lambda(inputShape = "(n, c)", outputShape = "(n)", requires = "0 <= index && index < c")
  static Operand<TFloat32> slice(Ops tf, Operand<TFloat32> x, @Arg int index) {
    return tf.gather(x, tf.constant(index), tf.constant(2));
  }

  @Lambda
  static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
    return tf.math.square(x);
  }
}
// END README: my-lambdas
