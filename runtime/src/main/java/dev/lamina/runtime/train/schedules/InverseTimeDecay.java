package dev.lamina.runtime.train.schedules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate,
 * staircase=False)}: {@code initial_learning_rate / (1 + decay_rate * step / decay_steps)}, the
 * quotient {@code step / decay_steps} rounded down with {@code staircase}.
 */
public final class InverseTimeDecay extends LearningRateSchedule {

  private final double initialLearningRate;
  private final long decaySteps;
  private final double decayRate;
  private final boolean staircase;

  public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate) {
    this(initialLearningRate, decaySteps, decayRate, false);
  }

  public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate,
      boolean staircase) {
    this(initialLearningRate, decaySteps, decayRate, staircase, "InverseTimeDecay");
  }

  public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate,
      boolean staircase, String name) {
    super(name);
    requirePositiveSteps("decay_steps", decaySteps);
    this.initialLearningRate = initialLearningRate;
    this.decaySteps = decaySteps;
    this.decayRate = decayRate;
    this.staircase = staircase;
  }

  @Override
  public String className() {
    return "InverseTimeDecay";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("initial_learning_rate", initialLearningRate);
    config.put("decay_steps", decaySteps);
    config.put("decay_rate", decayRate);
    config.put("staircase", staircase);
    config.put("name", name());
    return config;
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TInt64> step) {
    Operand<TFloat32> p = tf.math.div(stepAsFloat(tf, step), c(tf, decaySteps));
    if (staircase) {
      p = tf.math.floor(p);
    }
    Operand<TFloat32> denominator = tf.math.add(c(tf, 1), tf.math.mul(c(tf, decayRate), p));
    return tf.math.div(c(tf, initialLearningRate), denominator);
  }

  @Override
  public double valueAt(long step) {
    double p = (double) step / decaySteps;
    return initialLearningRate / (1 + decayRate * (staircase ? Math.floor(p) : p));
  }
}
