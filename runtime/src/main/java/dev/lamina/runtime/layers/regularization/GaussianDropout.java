package dev.lamina.runtime.layers.regularization;

import dev.lamina.runtime.SeedStream;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * Keras's {@code GaussianDropout(rate, seed=None)}: in training ({@code fit}) multiplies every
 * value by 1-centred Gaussian noise of standard deviation {@code sqrt(rate / (1 - rate))}; in
 * {@code predict} and {@code evaluate} it is the identity. The noise is Keras's TensorFlow
 * backend's {@code tf.random.stateless_normal(shape, mean=1, stddev, seed)}, its seed from the
 * call's {@link SeedStream}: {@code [seed, step]} with a seed of the layer's own, as Keras's
 * {@code seed=}; else from {@code FitOptions.seed}. Inputs of any rank; the mask passes through.
 */
public final class GaussianDropout extends GaussianLayer {

  private final double rate;

  public GaussianDropout(double rate) {
    this(null, rate);
  }

  public GaussianDropout(String name, double rate) {
    this(name, rate, null);
  }

  /** A seeded layer, as Keras's {@code GaussianDropout(rate, seed=seed)}. */
  public GaussianDropout(String name, double rate, long seed) {
    this(name, rate, Long.valueOf(seed));
  }

  /**
   * Keras's {@code GaussianDropout(rate, seed=seed)}, {@code seed} null for none.
   *
   * @throws IllegalArgumentException unless {@code rate} is in [0, 1], as Keras requires (a rate
   *     of 1, whose noise is infinite, can predict but not train, as in Keras)
   */
  public GaussianDropout(String name, double rate, Long seed) {
    super(name, seed);
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("GaussianDropout rate must be in [0, 1], got " + rate);
    }
    this.rate = rate;
  }

  /** Keras's {@code rate}: the noise's standard deviation is {@code sqrt(rate / (1 - rate))}. */
  public double rate() {
    return rate;
  }

  @Override
  public Map<String, Object> arguments() {
    return RandomLayers.arguments("rate", rate);
  }

  @Override
  boolean noiseless() {
    return rate == 0;
  }

  @Override
  void checkTrainable() {
    if (rate == 1) {
      throw new IllegalArgumentException(describe() + ": rate 1 gives noise of infinite standard "
          + "deviation, so the layer cannot train (Keras divides by zero); use a rate below 1");
    }
  }

  /** {@code x * (stateless_normal(shape(x), seed) * stddev + 1)}, in the input's dtype. */
  @Override
  <T extends TFloating> Operand<T> noisy(Ops tf, Operand<T> x, Operand<TInt64> seed) {
    double stddev = Math.sqrt(rate / (1.0 - rate));
    // TensorFlow's Python marks random ops not differentiable; its C++ registry, which Java
    // trains with, knows no gradient for them at all: the noise is a constant to the gradient.
    Operand<T> normal = tf.stopGradient(
        tf.random.statelessRandomNormal(tf.shape(x, TInt64.class), seed, x.type()));
    Operand<T> noise = tf.math.add(tf.math.mul(normal, RandomLayers.constant(tf, stddev, x.type())),
        RandomLayers.constant(tf, 1.0, x.type()));
    return tf.math.mul(x, noise);
  }
}
