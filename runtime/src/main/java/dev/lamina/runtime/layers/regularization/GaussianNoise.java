package dev.lamina.runtime.layers.regularization;

import dev.lamina.runtime.SeedStream;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * Keras's {@code GaussianNoise(stddev, seed=None)}: in training ({@code fit}) adds zero-centred
 * Gaussian noise of standard deviation {@code stddev} to every value; in {@code predict} and
 * {@code evaluate} it is the identity. The noise is Keras's TensorFlow backend's
 * {@code tf.random.stateless_normal(shape, mean=0, stddev, seed)}, its seed from the call's
 * {@link SeedStream}: {@code [seed, step]} with a seed of the layer's own, as Keras's
 * {@code seed=}; else from {@code FitOptions.seed}. Inputs of any rank; the mask passes through.
 */
public final class GaussianNoise extends GaussianLayer {

  private final double stddev;

  public GaussianNoise(double stddev) {
    this(null, stddev);
  }

  public GaussianNoise(String name, double stddev) {
    this(name, stddev, null);
  }

  /** A seeded layer, as Keras's {@code GaussianNoise(stddev, seed=seed)}. */
  public GaussianNoise(String name, double stddev, long seed) {
    this(name, stddev, Long.valueOf(seed));
  }

  /**
   * Keras's {@code GaussianNoise(stddev, seed=seed)}, {@code seed} null for none.
   *
   * @throws IllegalArgumentException unless {@code stddev} is in [0, 1], as Keras requires
   */
  public GaussianNoise(String name, double stddev, Long seed) {
    super(name, seed);
    if (!(stddev >= 0 && stddev <= 1)) {
      throw new IllegalArgumentException("GaussianNoise stddev must be in [0, 1] (as Keras "
          + "requires), got " + stddev);
    }
    this.stddev = stddev;
  }

  /** The noise's standard deviation. */
  public double stddev() {
    return stddev;
  }

  @Override
  public Map<String, Object> arguments() {
    return RandomLayers.arguments("stddev", stddev);
  }

  @Override
  boolean noiseless() {
    return stddev == 0;
  }

  /** {@code x + stateless_normal(shape(x), seed) * stddev}, in the input's dtype. */
  @Override
  <T extends TFloating> Operand<T> noisy(Ops tf, Operand<T> x, Operand<TInt64> seed) {
    // TensorFlow's Python marks random ops not differentiable; its C++ registry, which Java
    // trains with, knows no gradient for them at all: the noise is a constant to the gradient.
    Operand<T> normal = tf.stopGradient(
        tf.random.statelessRandomNormal(tf.shape(x, TInt64.class), seed, x.type()));
    return tf.math.add(x, tf.math.mul(normal, RandomLayers.constant(tf, stddev, x.type())));
  }
}
