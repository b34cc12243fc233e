package dev.lamina.runtime.train;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * Keras's {@code LearningRateScheduler(schedule, verbose=0)}: at the start of each epoch, sets
 * the optimizer's learning rate to {@code schedule(epoch, currentRate)}; at its end, puts the
 * rate (the float32 the optimizer holds, as Keras) in the logs as {@code learning_rate}.
 */
public final class LearningRateScheduler implements Callback {

  private final BiFunction<Integer, Double, Double> schedule;
  private final int verbose;
  private Training training;

  public LearningRateScheduler(BiFunction<Integer, Double, Double> schedule) {
    this(schedule, 0);
  }

  /** With verbose 1, prints Keras's line for each epoch's rate. */
  public LearningRateScheduler(BiFunction<Integer, Double, Double> schedule, int verbose) {
    this.schedule = schedule;
    this.verbose = verbose;
  }

  @Override
  public void onTrainBegin(Training training) {
    this.training = training;
  }

  @Override
  public void onEpochBegin(int epoch) {
    Optimizer optimizer = training.optimizer();
    // Keras passes float(the float32 variable it holds the rate in).
    Double rate = schedule.apply(epoch, (double) (float) optimizer.learningRate());
    if (rate == null || !(rate >= 0) || rate.isInfinite()) {
      throw new IllegalStateException("The learning-rate schedule returned " + rate
          + " for epoch " + epoch + "; it must return a finite rate of at least 0");
    }
    optimizer.setLearningRate(rate);
    if (verbose > 0) {
      training.out().println("\nEpoch " + (epoch + 1) + ": LearningRateScheduler setting "
          + "learning rate to " + PythonFormat.repr(rate) + ".");
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    logs.put("learning_rate", (double) (float) training.optimizer().learningRate());
  }
}
