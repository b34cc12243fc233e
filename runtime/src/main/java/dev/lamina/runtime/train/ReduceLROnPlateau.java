package dev.lamina.runtime.train;

import java.util.Map;

/**
 * Keras's {@code ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10, verbose=0,
 * mode="auto", min_delta=1e-4, cooldown=0, min_lr=0.0)}: multiplies the optimizer's learning
 * rate by {@code factor} (never below {@code minLr}) once the monitored value has not improved
 * by more than {@code minDelta} for {@code patience} epochs, then waits {@code cooldown} epochs
 * before counting again. At each epoch's end it puts the learning rate in the logs as
 * {@code learning_rate} (before any reduction, as Keras), so the progress line, the history and
 * the callbacks after it show it.
 *
 * <p>As in Keras, the rate is read as the float32 the optimizer holds, so the rates and the
 * message ({@code Epoch 5: ReduceLROnPlateau reducing learning rate to 0.004999999888241291.})
 * are Keras's digits.
 *
 * <pre>{@code
 * new ReduceLROnPlateau.Builder().monitor("val_loss").factor(0.2).patience(5).minLr(0.001).build()
 * }</pre>
 */
public final class ReduceLROnPlateau implements Callback {

  private final Monitor monitor;
  private final double factor;
  private final int patience;
  private final int verbose;
  private final int cooldown;
  private final double minLr;
  private Training training;
  private Double best;
  private int wait;
  private int cooldownCounter;

  /** Keras's defaults. */
  public ReduceLROnPlateau() {
    this(new Builder());
  }

  private ReduceLROnPlateau(Builder b) {
    if (!(b.factor < 1.0)) {
      throw new IllegalArgumentException("ReduceLROnPlateau does not support a factor >= 1.0. "
          + "Received factor=" + b.factor);
    }
    if (b.patience < 0 || b.cooldown < 0) {
      throw new IllegalArgumentException("ReduceLROnPlateau patience and cooldown must be at "
          + "least 0, got " + b.patience + " and " + b.cooldown);
    }
    this.monitor = new Monitor("ReduceLROnPlateau", b.monitor, b.mode, b.minDelta);
    this.factor = b.factor;
    this.patience = b.patience;
    this.verbose = b.verbose;
    this.cooldown = b.cooldown;
    this.minLr = b.minLr;
  }

  /** Keras's arguments by name, with its defaults. */
  public static final class Builder {
    private String monitor = "val_loss";
    private double factor = 0.1;
    private int patience = 10;
    private int verbose;
    private String mode = "auto";
    private double minDelta = 1e-4;
    private int cooldown;
    private double minLr;

    public Builder monitor(String monitor) {
      this.monitor = java.util.Objects.requireNonNull(monitor, "monitor");
      return this;
    }

    /** What the rate is multiplied by; below 1. */
    public Builder factor(double factor) {
      this.factor = factor;
      return this;
    }

    public Builder patience(int patience) {
      this.patience = patience;
      return this;
    }

    /** 0: silent; 1: prints each reduction. */
    public Builder verbose(int verbose) {
      this.verbose = verbose;
      return this;
    }

    /** {@code "auto"}, {@code "min"} or {@code "max"}. */
    public Builder mode(String mode) {
      this.mode = java.util.Objects.requireNonNull(mode, "mode");
      return this;
    }

    public Builder minDelta(double minDelta) {
      this.minDelta = minDelta;
      return this;
    }

    /** Epochs to wait after a reduction before counting epochs without improvement again. */
    public Builder cooldown(int cooldown) {
      this.cooldown = cooldown;
      return this;
    }

    /** The rate's floor. */
    public Builder minLr(double minLr) {
      this.minLr = minLr;
      return this;
    }

    public ReduceLROnPlateau build() {
      return new ReduceLROnPlateau(this);
    }
  }

  @Override
  public void onTrainBegin(Training training) {
    this.training = training;
    monitor.bind(training);
    best = null;
    cooldownCounter = 0;
    wait = 0;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    monitor.maximise(); // as Keras: resolved (or refused) first
    Optimizer optimizer = training.optimizer();
    logs.put("learning_rate", (double) (float) optimizer.learningRate());
    double current = monitor.current(logs);
    if (inCooldown()) {
      cooldownCounter--;
      wait = 0;
    }
    if (monitor.improves(current, best)) {
      best = current;
      wait = 0;
    } else if (!inCooldown()) {
      wait++;
      if (wait >= patience) {
        double oldLr = (float) optimizer.learningRate(); // Keras's rate is a float32 variable
        if (oldLr > (double) (float) minLr) {
          double newLr = Math.max(oldLr * factor, minLr);
          optimizer.setLearningRate(newLr);
          if (verbose > 0) {
            training.out().println("\nEpoch " + (epoch + 1) + ": ReduceLROnPlateau reducing "
                + "learning rate to " + PythonFormat.repr(newLr) + ".");
          }
          cooldownCounter = cooldown;
          wait = 0;
        }
      }
    }
  }

  private boolean inCooldown() {
    return cooldownCounter > 0;
  }

  /** Epochs since the last improvement (Keras's {@code wait}). */
  public int waited() {
    return wait;
  }

  /** The best monitored value so far, or {@code null} before the first. */
  public Double best() {
    return best;
  }
}
