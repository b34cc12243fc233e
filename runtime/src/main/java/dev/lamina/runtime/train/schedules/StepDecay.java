package dev.lamina.runtime.train.schedules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * What {@link ExponentialDecay} and {@link InverseTimeDecay} share: Keras's arguments
 * {@code (initial_learning_rate, decay_steps, decay_rate, staircase=False, name)}, their config,
 * and the quotient {@code step / decay_steps}, rounded down with {@code staircase}; each
 * subclass only says how the quotient decays the initial rate.
 */
abstract class StepDecay extends LearningRateSchedule {

  final double initialLearningRate;
  private final long decaySteps;
  final double decayRate;
  private final boolean staircase;

  StepDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase,
      String name) {
    super(name);
    requirePositiveSteps("decay_steps", decaySteps);
    this.initialLearningRate = initialLearningRate;
    this.decaySteps = decaySteps;
    this.decayRate = decayRate;
    this.staircase = staircase;
  }

  @Override
  public final Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("initial_learning_rate", initialLearningRate);
    config.put("decay_steps", decaySteps);
    config.put("decay_rate", decayRate);
    config.put("staircase", staircase);
    config.put("name", name());
    return config;
  }

  @Override
  public final Operand<TFloat32> apply(Ops tf, Operand<TInt64> step) {
    Operand<TFloat32> p = tf.math.div(stepAsFloat(tf, step), c(tf, decaySteps));
    return decayed(tf, staircase ? tf.math.floor(p) : p);
  }

  @Override
  public final double valueAt(long step) {
    double p = (double) step / decaySteps;
    return decayed(staircase ? Math.floor(p) : p);
  }

  /** The rate at quotient {@code p}, in the graph. */
  abstract Operand<TFloat32> decayed(Ops tf, Operand<TFloat32> p);

  /** The rate at quotient {@code p}, as {@link #decayed(Ops, Operand)} computes it. */
  abstract double decayed(double p);
}
