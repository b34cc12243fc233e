package dev.lamina.runtime.train;

import java.util.Map;

/**
 * Keras's {@code TerminateOnNaN(raise_error=False)}: at the first batch whose loss is NaN or
 * infinite, prints Keras's {@code Batch 3: Invalid loss, terminating training} and stops
 * training after that batch (the weights are those after it, as in Keras), the other callbacks'
 * {@code onTrainEnd} still called; or, with {@code raiseError}, throws at once, so that no
 * {@code onTrainEnd} runs (a {@link BackupAndRestore} keeps its backup).
 */
public final class TerminateOnNaN implements Callback {

  private final boolean raiseError;
  private Training training;
  private int stoppedAtBatch = -1;

  /** Keras's default: stop gracefully. */
  public TerminateOnNaN() {
    this(false);
  }

  public TerminateOnNaN(boolean raiseError) {
    this.raiseError = raiseError;
  }

  @Override
  public void onTrainBegin(Training training) {
    this.training = training;
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    Double loss = logs.get("loss");
    if (loss != null && (loss.isNaN() || loss.isInfinite())) {
      stoppedAtBatch = batch;
      if (raiseError) {
        throw new IllegalStateException("NaN or Inf loss encountered at batch " + batch
            + ". Loss value: " + PythonFormat.repr(loss) + ". Terminating training immediately.");
      }
      training.out().println("Batch " + batch + ": Invalid loss, terminating training");
      training.stop();
    }
  }

  /** The batch of the epoch whose loss was not finite, or -1. */
  public int stoppedAtBatch() {
    return stoppedAtBatch;
  }
}
