package dev.lamina.runtime.train.schedules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code PolynomialDecay(initial_learning_rate, decay_steps, end_learning_rate=0.0001,
 * power=1.0, cycle=False)}: from the initial rate to the end rate along
 * {@code (1 - step / decay_steps) ^ power}, then the end rate; with {@code cycle}, the decay
 * restarts over the next multiple of {@code decay_steps} instead.
 */
public final class PolynomialDecay extends LearningRateSchedule {

  private final double initialLearningRate;
  private final long decaySteps;
  private final double endLearningRate;
  private final double power;
  private final boolean cycle;

  public PolynomialDecay(double initialLearningRate, long decaySteps) {
    this(initialLearningRate, decaySteps, 0.0001, 1.0, false);
  }

  public PolynomialDecay(double initialLearningRate, long decaySteps, double endLearningRate,
      double power, boolean cycle) {
    this(initialLearningRate, decaySteps, endLearningRate, power, cycle, "PolynomialDecay");
  }

  public PolynomialDecay(double initialLearningRate, long decaySteps, double endLearningRate,
      double power, boolean cycle, String name) {
    super(name);
    requirePositiveSteps("decay_steps", decaySteps);
    this.initialLearningRate = initialLearningRate;
    this.decaySteps = decaySteps;
    this.endLearningRate = endLearningRate;
    this.power = power;
    this.cycle = cycle;
  }

  @Override
  public String className() {
    return "PolynomialDecay";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("initial_learning_rate", initialLearningRate);
    config.put("decay_steps", decaySteps);
    config.put("end_learning_rate", endLearningRate);
    config.put("power", power);
    config.put("cycle", cycle);
    config.put("name", name());
    return config;
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TInt64> step) {
    Operand<TFloat32> global = stepAsFloat(tf, step);
    Operand<TFloat32> steps = c(tf, decaySteps);
    if (cycle) {
      // The first multiple of decay_steps above the step; 1 at step 0.
      Operand<TFloat32> multiplier = tf.select(tf.math.equal(global, c(tf, 0)), c(tf, 1),
          tf.math.ceil(tf.math.div(global, c(tf, decaySteps))));
      steps = tf.math.mul(steps, multiplier);
    } else {
      global = tf.math.minimum(global, steps);
    }
    Operand<TFloat32> p = tf.math.div(global, steps);
    Operand<TFloat32> end = c(tf, endLearningRate);
    return tf.math.add(tf.math.mul(tf.math.sub(c(tf, initialLearningRate), end),
        tf.math.pow(tf.math.sub(c(tf, 1), p), c(tf, power))), end);
  }

  @Override
  public double valueAt(long step) {
    double steps = decaySteps;
    double global = step;
    if (cycle) {
      steps *= step == 0 ? 1 : Math.ceil(global / decaySteps);
    } else {
      global = Math.min(global, steps);
    }
    return (initialLearningRate - endLearningRate) * Math.pow(1 - global / steps, power)
        + endLearningRate;
  }
}
