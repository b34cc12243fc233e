package dev.lamina.samples;

import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import dev.lamina.annotations.Training;
import dev.lamina.runtime.SeedStream;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Lambdas with random ops, drawing from the call's seed stream. */
final class RandomLambdas {

  private RandomLambdas() {}

  /**
   * {@link SeedLambdas#gaussianNoise} with a seed of its own, as Keras's {@code seed=}: its draws
   * are {@code [seed, step]}, whatever {@code FitOptions.seed} is.
   */
  @Lambda
  static Operand<TFloat32> seededNoise(Ops tf, Operand<TFloat32> x, @Arg float stddev,
      @Arg long seed, @Training boolean training, SeedStream seeds) {
    if (!training) {
      return x;
    }
    // Random ops have no gradient in TensorFlow's C++ registry: to training, noise is a constant.
    Operand<TFloat32> noise = tf.stopGradient(tf.random.statelessRandomNormal(
        tf.shape(x, TInt64.class), seeds.next(seed), TFloat32.class));
    return tf.math.add(x, tf.math.mul(noise, tf.constant(stddev)));
  }
}
