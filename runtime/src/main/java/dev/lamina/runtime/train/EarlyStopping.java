package dev.lamina.runtime.train;

import java.util.List;
import java.util.Map;

/**
 * Keras's {@code EarlyStopping(monitor="val_loss", min_delta=0, patience=0, mode="auto",
 * restore_best_weights=False)}: stops when the monitored value has not improved by more than
 * {@code minDelta} for {@code patience} epochs, and optionally restores the weights of the best
 * epoch when training ends (stopped early or not). Mode {@code auto} minimises, except for accuracy-like names, which it maximises.
 */
public final class EarlyStopping implements Callback {

  private final String monitor;
  private final double minDelta;
  private final int patience;
  private final boolean restoreBestWeights;
  private final boolean maximise;
  private Training training;
  private double best;
  private int wait;
  private int bestEpoch = -1;
  private int stoppedEpoch = -1;
  private List<org.tensorflow.ndarray.NdArray<?>> bestWeights;

  public EarlyStopping(String monitor, double minDelta, int patience, boolean restoreBestWeights) {
    this.monitor = monitor;
    this.minDelta = Math.abs(minDelta);
    this.patience = patience;
    this.restoreBestWeights = restoreBestWeights;
    this.maximise = monitor.endsWith("acc") || monitor.endsWith("accuracy")
        || monitor.startsWith("fmeasure");
  }

  /** Keras's defaults: monitor {@code val_loss}, patience 0. */
  public EarlyStopping() {
    this("val_loss", 0, 0, false);
  }

  @Override
  public void onTrainBegin(Training training) {
    this.training = training;
    best = maximise ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    wait = 0;
    bestEpoch = -1;
    stoppedEpoch = -1;
    bestWeights = null;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Double value = logs.get(monitor);
    if (value == null) {
      throw new IllegalStateException("EarlyStopping monitors '" + monitor
          + "', which this fit does not log; it logs " + logs.keySet());
    }
    if (restoreBestWeights && bestWeights == null) {
      bestWeights = training.weightArrays(); // Keras keeps the first epoch's as a start
      bestEpoch = epoch;
    }
    wait++;
    if (improves(value)) {
      best = value;
      bestEpoch = epoch;
      if (restoreBestWeights) {
        bestWeights = training.weightArrays();
      }
      wait = 0;
      return;
    }
    if (wait >= patience && epoch > 0) {
      stoppedEpoch = epoch;
      training.stop();
    }
  }

  /** As Keras 3: the best epoch's weights come back whether or not training stopped early. */
  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (restoreBestWeights && bestWeights != null) {
      training.setWeightArrays(bestWeights);
    }
  }

  private boolean improves(double value) {
    return maximise ? value - minDelta > best : value + minDelta < best;
  }

  /** The epoch training stopped at, or -1. */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** The epoch with the best monitored value, or -1. */
  public int bestEpoch() {
    return bestEpoch;
  }
}
