package dev.lamina.runtime.train;

import java.util.Map;

/**
 * Keras's {@code TerminateOnNaN}: stops training at the first batch whose loss is NaN or
 * infinite. The weights are those after that batch, as in Keras.
 */
public final class TerminateOnNaN implements Callback {

  private Training training;
  private int stoppedAtBatch = -1;

  @Override
  public void onTrainBegin(Training training) {
    this.training = training;
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    Double loss = logs.get("loss");
    if (loss != null && (loss.isNaN() || loss.isInfinite())) {
      stoppedAtBatch = batch;
      training.stop();
    }
  }

  /** The batch of the epoch whose loss was not finite, or -1. */
  public int stoppedAtBatch() {
    return stoppedAtBatch;
  }
}
