package dev.lamina.runtime.train.schedules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code ExponentialDecay(initial_learning_rate, decay_steps, decay_rate,
 * staircase=False)}: {@code initial_learning_rate * decay_rate ^ (step / decay_steps)}, the
 * exponent rounded down with {@code staircase}.
 */
public final class ExponentialDecay extends LearningRateSchedule {

  private final double initialLearningRate;
  private final long decaySteps;
  private final double decayRate;
  private final boolean staircase;

  public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
    this(initialLearningRate, decaySteps, decayRate, false);
  }

  public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate,
      boolean staircase) {
    this(initialLearningRate, decaySteps, decayRate, staircase, "ExponentialDecay");
  }

  public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate,
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
    return "ExponentialDecay";
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
    return tf.math.mul(c(tf, initialLearningRate), tf.math.pow(c(tf, decayRate), p));
  }

  @Override
  public double valueAt(long step) {
    double p = (double) step / decaySteps;
    return initialLearningRate * Math.pow(decayRate, staircase ? Math.floor(p) : p);
  }
}
