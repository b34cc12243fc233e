package dev.lamina.runtime.train.schedules;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate,
 * staircase=False)}: {@code initial_learning_rate / (1 + decay_rate * step / decay_steps)}, the
 * quotient {@code step / decay_steps} rounded down with {@code staircase}.
 */
public final class InverseTimeDecay extends StepDecay {

  public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate) {
    this(initialLearningRate, decaySteps, decayRate, false);
  }

  public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate,
      boolean staircase) {
    this(initialLearningRate, decaySteps, decayRate, staircase, "InverseTimeDecay");
  }

  public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate,
      boolean staircase, String name) {
    super(initialLearningRate, decaySteps, decayRate, staircase, name);
  }

  @Override
  public String className() {
    return "InverseTimeDecay";
  }

  @Override
  Operand<TFloat32> decayed(Ops tf, Operand<TFloat32> p) {
    Operand<TFloat32> denominator = tf.math.add(c(tf, 1), tf.math.mul(c(tf, decayRate), p));
    return tf.math.div(c(tf, initialLearningRate), denominator);
  }

  @Override
  double decayed(double p) {
    return initialLearningRate / (1 + decayRate * p);
  }
}
