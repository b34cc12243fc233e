package dev.lamina.runtime.layers.regularization;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code Dropout(rate, seed=None)}: in training ({@code fit}) each value is zeroed with
 * probability {@code rate} and the rest are scaled by {@code 1 / (1 - rate)} (inverted dropout,
 * so the expected value is unchanged); in {@code predict} and {@code evaluate} it is the
 * identity. A seeded layer draws the same masks in every run of a model built the same way.
 */
public final class Dropout extends Layer {

  private final double rate;
  private final long seed;

  public Dropout(double rate) {
    this(null, rate);
  }

  public Dropout(String name, double rate) {
    this(name, rate, ThreadLocalRandom.current().nextLong());
  }

  /** A seeded dropout, as Keras's {@code Dropout(rate, seed=seed)}. */
  public Dropout(String name, double rate, long seed) {
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
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("rate", rate);
    return arguments;
  }

  /** The rate and the seed, so that a loaded model drops as the saved one would. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    config.put("seed", seed);
    return config;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    return Layers.spec(inputs.get(0).shape(), inputs.get(0).dtype());
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<?> x = inputs.get(0);
    if (!training || rate == 0 || !TNumber.class.isAssignableFrom(x.type())) {
      return tf.identity(x);
    }
    return dropout(tf, (Operand<TNumber>) x);
  }

  private <T extends TNumber> Operand<T> dropout(Ops tf, Operand<T> x) {
    // Two 31-bit halves of the layer's seed: TensorFlow's op-level seed pair.
    Operand<TFloat32> uniform = tf.random.randomUniform(tf.shape(x, TInt64.class), TFloat32.class,
        RandomUniform.seed(seed & 0x7fffffffL).seed2((seed >>> 33) | 1));
    Operand<T> keep = tf.dtypes.cast(
        tf.math.greaterEqual(uniform, tf.constant((float) rate)), x.type());
    Operand<T> scale = tf.dtypes.cast(tf.constant((float) (1 / (1 - rate))), x.type());
    return tf.math.mul(tf.math.mul(x, keep), scale);
  }
}
