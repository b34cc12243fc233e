package dev.lamina.runtime.train;

import java.util.List;
import java.util.Map;

/**
 * Keras's {@code EarlyStopping(monitor="val_loss", min_delta=0, patience=0, verbose=0,
 * mode="auto", baseline=None, restore_best_weights=False, start_from_epoch=0)}: stops when the
 * monitored value has not improved by more than {@code minDelta} for {@code patience} epochs,
 * and optionally restores the weights of the best epoch when training ends (stopped early or
 * not, as Keras 3). Epochs before {@code startFromEpoch} are not monitored. With a
 * {@code baseline}, the patience restarts only for a value that beats both the best so far and
 * the baseline. Mode {@code auto} minimises losses and maximises accuracies (Keras's metric
 * directions). With verbose 1 it prints Keras's lines: {@code Epoch 5: early stopping} and
 * {@code Restoring model weights from the end of the best epoch: 3.}
 *
 * <pre>{@code
 * new EarlyStopping.Builder().monitor("val_loss").patience(3).restoreBestWeights(true).build()
 * }</pre>
 */
public final class EarlyStopping implements Callback {

  private final Monitor monitor;
  private final int patience;
  private final int verbose;
  private final Double baseline;
  private final boolean restoreBestWeights;
  private final int startFromEpoch;
  private Training training;
  private Double best;
  private int wait;
  private int bestEpoch = -1;
  private int stoppedEpoch = -1;
  private List<org.tensorflow.ndarray.NdArray<?>> bestWeights;

  public EarlyStopping(String monitor, double minDelta, int patience, boolean restoreBestWeights) {
    this(new Builder().monitor(monitor).minDelta(minDelta).patience(patience)
        .restoreBestWeights(restoreBestWeights));
  }

  /** Keras's defaults: monitor {@code val_loss}, patience 0. */
  public EarlyStopping() {
    this(new Builder());
  }

  private EarlyStopping(Builder b) {
    if (b.patience < 0) {
      throw new IllegalArgumentException("EarlyStopping patience must be at least 0, got "
          + b.patience);
    }
    this.monitor = new Monitor("EarlyStopping", b.monitor, b.mode, b.minDelta);
    this.patience = b.patience;
    this.verbose = b.verbose;
    this.baseline = b.baseline;
    this.restoreBestWeights = b.restoreBestWeights;
    this.startFromEpoch = b.startFromEpoch;
  }

  /** Keras's arguments by name, with its defaults. */
  public static final class Builder {
    private String monitor = "val_loss";
    private double minDelta;
    private int patience;
    private int verbose;
    private String mode = "auto";
    private Double baseline;
    private boolean restoreBestWeights;
    private int startFromEpoch;

    public Builder monitor(String monitor) {
      this.monitor = java.util.Objects.requireNonNull(monitor, "monitor");
      return this;
    }

    public Builder minDelta(double minDelta) {
      this.minDelta = minDelta;
      return this;
    }

    public Builder patience(int patience) {
      this.patience = patience;
      return this;
    }

    /** 0: silent; 1: prints when it stops and when it restores weights. */
    public Builder verbose(int verbose) {
      this.verbose = verbose;
      return this;
    }

    /** {@code "auto"}, {@code "min"} or {@code "max"}. */
    public Builder mode(String mode) {
      this.mode = java.util.Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** A value the monitored quantity must beat for the patience to restart; none by default. */
    public Builder baseline(Double baseline) {
      this.baseline = baseline;
      return this;
    }

    public Builder restoreBestWeights(boolean restoreBestWeights) {
      this.restoreBestWeights = restoreBestWeights;
      return this;
    }

    /** Epochs of warm-up, not monitored. */
    public Builder startFromEpoch(int startFromEpoch) {
      this.startFromEpoch = startFromEpoch;
      return this;
    }

    public EarlyStopping build() {
      return new EarlyStopping(this);
    }
  }

  @Override
  public void onTrainBegin(Training training) {
    // As Keras: reusable across fits.
    this.training = training;
    monitor.bind(training);
    best = null;
    wait = 0;
    bestEpoch = -1;
    stoppedEpoch = -1;
    bestWeights = null;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    double current = monitor.current(logs);
    monitor.maximise(); // Keras resolves the direction here, and fails for an unknown metric
    if (epoch < startFromEpoch) {
      return;
    }
    if (restoreBestWeights && bestWeights == null) {
      bestWeights = training.weightArrays(); // Keras keeps the first monitored epoch's as a start
      bestEpoch = epoch;
    }
    wait++;
    if (monitor.improves(current, best)) {
      best = current;
      bestEpoch = epoch;
      if (restoreBestWeights) {
        bestWeights = training.weightArrays();
      }
      if (baseline == null || monitor.improves(current, baseline)) {
        wait = 0;
      }
      return;
    }
    if (wait >= patience && epoch > 0) {
      stoppedEpoch = epoch;
      training.stop();
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (stoppedEpoch > 0 && verbose > 0) {
      training.out().println("Epoch " + (stoppedEpoch + 1) + ": early stopping");
    }
    if (restoreBestWeights && bestWeights != null) {
      if (verbose > 0) {
        training.out().println("Restoring model weights from the end of the best epoch: "
            + (bestEpoch + 1) + ".");
      }
      training.setWeightArrays(bestWeights);
    }
  }

  /** The epoch training stopped at (zero-based), or -1 if it did not stop early. */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** The epoch with the best monitored value (zero-based), or -1 before one is seen. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** The best monitored value so far, or {@code null} before the first. */
  public Double best() {
    return best;
  }

  /** Epochs since the last improvement (Keras's {@code wait}). */
  public int waited() {
    return wait;
  }
}
