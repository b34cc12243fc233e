package dev.lamina.samples.readme;

// README: noisy
import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import dev.lamina.annotations.Training;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
// END README: noisy

/** The README's "Declaring a lambda": a lambda that reads Keras's {@code training} flag. */
public final class DeclaringLambdas {

  private DeclaringLambdas() {}

  /** Scales {@code x} by {@code rate} while the model trains; passes it through otherwise. */
  // README: noisy
  @Lambda
  static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x, @Arg float rate,
      @Training boolean training) {
    return training ? tf.math.mul(x, tf.constant(rate)) : x;
  }
  // END README: noisy
}
