package dev.lamina.runtime.train;

import dev.lamina.runtime.train.schedules.LearningRateSchedule;

/**
 * Keras's {@code AdamW(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
 * epsilon=1e-7, amsgrad=False)}: Adam with decoupled weight decay, applied as Keras 3 applies it
 * before each update, {@code w -= w · weight_decay · lr} (weights named by
 * {@link #excludeFromWeightDecay} aside).
 */
public final class AdamW extends Adam {

  /** Keras's defaults. */
  public AdamW() {
    this(0.001);
  }

  public AdamW(double learningRate) {
    this(learningRate, 0.004);
  }

  public AdamW(double learningRate, double weightDecay) {
    this(learningRate, weightDecay, 0.9, 0.999, 1e-7, false);
  }

  public AdamW(double learningRate, double weightDecay, double beta1, double beta2,
      double epsilon, boolean amsgrad) {
    super(learningRate, beta1, beta2, epsilon, amsgrad);
    weightDecay(weightDecay);
  }

  /** Keras's defaults, the learning rate from {@code schedule}. */
  public AdamW(LearningRateSchedule schedule) {
    this(schedule, 0.004, 0.9, 0.999, 1e-7, false);
  }

  public AdamW(LearningRateSchedule schedule, double weightDecay) {
    this(schedule, weightDecay, 0.9, 0.999, 1e-7, false);
  }

  public AdamW(LearningRateSchedule schedule, double weightDecay, double beta1, double beta2,
      double epsilon, boolean amsgrad) {
    super(schedule, beta1, beta2, epsilon, amsgrad);
    weightDecay(weightDecay);
  }

  @Override
  public String name() {
    return "adamw";
  }
}
