package dev.lamina.runtime.layers.regularization;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code Dropout(rate, seed=None)}: in training ({@code fit}) each value is zeroed with
 * probability {@code rate} and the rest are scaled by {@code 1 / (1 - rate)} (inverted dropout,
 * so the expected value is unchanged); in {@code predict} and {@code evaluate} it is the
 * identity. Its masks come from the call's {@link dev.lamina.runtime.SeedStream}: with a seed of
 * its own, step {@code k} draws from {@code [seed, k]} as Keras's {@code Dropout(seed=seed)}
 * does (TensorFlow's stateless dropout); without one, from {@code FitOptions.seed}.
 */
public final class Dropout extends Layer {

  private final double rate;
  /** Keras's {@code seed}, or null: the masks then follow {@code FitOptions.seed}. */
  private final Long seed;

  public Dropout(double rate) {
    this(null, rate);
  }

  public Dropout(String name, double rate) {
    this(name, rate, null);
  }

  /**
   * A seeded dropout, as Keras's {@code Dropout(rate, seed=seed)}; the model names it
   * ({@code dropout}, {@code dropout_1}, ...).
   */
  public Dropout(double rate, long seed) {
    this(null, rate, Long.valueOf(seed));
  }

  /** A seeded dropout, as Keras's {@code Dropout(rate, seed=seed, name=name)}. */
  public Dropout(String name, double rate, long seed) {
    this(name, rate, Long.valueOf(seed));
  }

  /** Keras's {@code Dropout(rate, seed=seed)}, {@code seed} null for none. */
  public Dropout(String name, double rate, Long seed) {
    super(name);
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + rate);
    }
    this.rate = rate;
    this.seed = seed;
  }

  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    return RandomLayers.arguments("rate", rate);
  }

  /** The rate and the seed (null if none), so that a loaded model drops as the saved one would. */
  @Override
  public Map<String, Object> config() {
    return RandomLayers.configWithSeed(arguments(), seed);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    return Layers.spec(inputs.get(0).shape(), inputs.get(0).dtype());
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      CallContext context) {
    Operand<?> x = inputs.get(0);
    if (!context.training() || rate == 0 || !TNumber.class.isAssignableFrom(x.type())) {
      return tf.identity(x);
    }
    return dropout(tf, (Operand<TNumber>) x, RandomLayers.nextSeed(context, seed));
  }

  /** TensorFlow's {@code stateless_dropout}, as Keras's TensorFlow backend calls it. */
  private <T extends TNumber> Operand<T> dropout(Ops tf, Operand<T> x, Operand<TInt64> seed) {
    Operand<TFloat32> uniform =
        tf.random.statelessRandomUniform(tf.shape(x, TInt64.class), seed, TFloat32.class);
    Operand<T> keep = tf.dtypes.cast(
        tf.math.greaterEqual(uniform, tf.constant((float) rate)), x.type());
    Operand<T> scale = tf.dtypes.cast(tf.constant((float) (1 / (1 - rate))), x.type());
    return tf.math.mul(tf.math.mul(x, scale), keep);
  }
}
