package dev.lamina.runtime.train.schedules;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code ExponentialDecay(initial_learning_rate, decay_steps, decay_rate,
 * staircase=False)}: {@code initial_learning_rate * decay_rate ^ (step / decay_steps)}, the
 * exponent rounded down with {@code staircase}.
 */
public final class ExponentialDecay extends StepDecay {

  public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
    this(initialLearningRate, decaySteps, decayRate, false);
  }

  public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate,
      boolean staircase) {
    this(initialLearningRate, decaySteps, decayRate, staircase, "ExponentialDecay");
  }

  public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate,
      boolean staircase, String name) {
    super(initialLearningRate, decaySteps, decayRate, staircase, name);
  }

  @Override
  public String className() {
    return "ExponentialDecay";
  }

  @Override
  Operand<TFloat32> decayed(Ops tf, Operand<TFloat32> p) {
    return tf.math.mul(c(tf, initialLearningRate), tf.math.pow(c(tf, decayRate), p));
  }

  @Override
  double decayed(double p) {
    return initialLearningRate * Math.pow(decayRate, p);
  }
}
