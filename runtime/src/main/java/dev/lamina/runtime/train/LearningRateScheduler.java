package dev.lamina.runtime.train;

import java.util.function.BiFunction;

/**
 * Keras's {@code LearningRateScheduler(schedule)}: at the start of each epoch, sets the
 * optimizer's learning rate to {@code schedule(epoch, currentRate)}.
 */
public final class LearningRateScheduler implements Callback {

  private final BiFunction<Integer, Double, Double> schedule;
  private Training training;

  public LearningRateScheduler(BiFunction<Integer, Double, Double> schedule) {
    this.schedule = schedule;
  }

  @Override
  public void onTrainBegin(Training training) {
    this.training = training;
  }

  @Override
  public void onEpochBegin(int epoch) {
    Optimizer optimizer = training.optimizer();
    Double rate = schedule.apply(epoch, optimizer.learningRate());
    if (rate == null || !(rate >= 0) || rate.isInfinite()) {
      throw new IllegalStateException("The learning-rate schedule returned " + rate
          + " for epoch " + epoch + "; it must return a finite rate of at least 0");
    }
    optimizer.setLearningRate(rate);
  }
}
