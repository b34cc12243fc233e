package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.util.Map;

/**
 * What {@link Adamax}, {@link Nadam} and {@link Lamb} share: Keras's {@code beta_1},
 * {@code beta_2} and {@code epsilon} arguments, kept and written to the config in Keras's order.
 * Each subclass has its own update.
 */
abstract class AdamFamily extends Optimizer {

  final double beta1;
  final double beta2;
  final double epsilon;

  AdamFamily(double learningRate, double beta1, double beta2, double epsilon) {
    super(learningRate);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  AdamFamily(LearningRateSchedule schedule, double beta1, double beta2, double epsilon) {
    super(schedule);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  @Override
  protected final void addOptions(Map<String, Object> config) {
    config.put("beta_1", beta1);
    config.put("beta_2", beta2);
    config.put("epsilon", epsilon);
  }
}
