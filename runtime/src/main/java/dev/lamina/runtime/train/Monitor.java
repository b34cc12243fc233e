package dev.lamina.runtime.train;

import java.util.Locale;
import java.util.Set;

/**
 * Keras's {@code MonitorCallback}: which way a monitored quantity improves ({@code mode} min, max
 * or auto) and whether a value improves on a reference by more than {@code min_delta}. In auto
 * mode, as Keras 3: {@code loss} (and {@code val_loss}) minimise, a metric the model was
 * compiled with maximises or minimises as its Keras class's {@code _direction} says, and any
 * other name (a metric not compiled, one of the user's) is an error asking for
 * {@code mode="min"} or {@code "max"}.
 */
final class Monitor {

  /** Keras's metrics whose {@code _direction} is "up", by the names Keras logs them under. */
  private static final Set<String> UP = Set.of("accuracy", "acc", "binary_accuracy",
      "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy",
      "sparse_top_k_categorical_accuracy", "auc", "precision", "recall", "f1_score",
      "fbeta_score", "r2_score", "iou", "mean_iou", "binary_iou", "one_hot_iou",
      "one_hot_mean_iou", "pearson_correlation", "concordance_correlation",
      "cosine_similarity", "precision_at_recall", "recall_at_precision",
      "sensitivity_at_specificity", "specificity_at_sensitivity", "true_positives",
      "true_negatives");

  /** Keras's metrics whose {@code _direction} is "down", and the losses Keras wraps as metrics. */
  private static final Set<String> DOWN = Set.of("mse", "mae", "mape", "msle",
      "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
      "mean_squared_logarithmic_error", "root_mean_squared_error", "log_cosh_error", "logcosh",
      "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
      "binary_focal_crossentropy", "categorical_focal_crossentropy", "kl_divergence",
      "kullback_leibler_divergence", "poisson", "hinge", "squared_hinge", "categorical_hinge",
      "huber", "false_positives", "false_negatives");

  private final String owner;
  private final String monitor;
  private final String mode;
  private final double minDelta;
  private Boolean maximise;
  private java.util.List<String> metrics = java.util.List.of("loss");
  private java.util.Map<String, String> directions = java.util.Map.of();

  Monitor(String owner, String monitor, String mode, double minDelta) {
    this.owner = owner;
    this.monitor = java.util.Objects.requireNonNull(monitor, "monitor");
    String m = mode.toLowerCase(Locale.ROOT);
    if (!m.equals("auto") && !m.equals("min") && !m.equals("max")) {
      throw new IllegalArgumentException(owner + " mode must be \"auto\", \"min\" or \"max\", "
          + "got \"" + mode + "\"");
    }
    if (Double.isNaN(minDelta)) {
      throw new IllegalArgumentException(owner + " min_delta must be a number, got NaN");
    }
    this.mode = m;
    this.minDelta = Math.abs(minDelta);
    if (!m.equals("auto")) {
      maximise = m.equals("max");
    }
  }

  String monitor() {
    return monitor;
  }

  /**
   * The monitored value in this epoch's logs. Keras warns and goes on when it is missing; a
   * monitor never logged would make the callback do nothing, so here it is an error.
   */
  double current(java.util.Map<String, Double> logs) {
    Double current = logs.get(monitor);
    if (current == null) {
      throw new IllegalStateException(owner + " monitors '" + monitor
          + "', which this fit does not log; it logs " + logs.keySet());
    }
    return current;
  }

  String mode() {
    return mode;
  }

  /** The model's loss and metric names (from {@code onTrainBegin}), for auto mode. */
  void bind(Callback.Training training) {
    this.metrics = training.metricNames();
    this.directions = training.metricDirections();
    if (mode.equals("auto")) {
      maximise = null; // a later fit may compile other metrics
    }
  }

  /**
   * Whether the quantity improves upwards, resolving auto mode on first use as Keras 3:
   * {@code loss} minimises; a metric the model was compiled with goes its Keras class's way.
   */
  boolean maximise() {
    if (maximise == null) {
      String name = monitor.startsWith("val_") ? monitor.substring(4) : monitor;
      boolean compiled = metrics.contains(name);
      String direction = compiled ? directions.get(name) : null; // the metric's own, by Keras
      if (name.equals("loss") || "down".equals(direction)
          || (compiled && direction == null && DOWN.contains(name))) {
        maximise = false;
      } else if ("up".equals(direction) || (compiled && UP.contains(name))) {
        maximise = true;
      } else {
        throw new IllegalArgumentException(owner + " callback received monitor=" + monitor
            + ", but Keras isn't able to automatically determine whether that metric should be "
            + "maximized or minimized. Pass mode \"max\" in order to monitor based on the "
            + "highest metric value, or mode \"min\" in order to use the lowest value.");
      }
    }
    return maximise;
  }

  /**
   * Keras's {@code _is_improvement}: {@code value} beats {@code reference} by more than
   * min_delta; anything beats {@code null} (Keras's {@code None}).
   */
  boolean improves(double value, Double reference) {
    boolean up = maximise(); // resolved first, as Keras's _set_monitor_op
    if (reference == null) {
      return true;
    }
    return up ? value - minDelta > reference : value + minDelta < reference;
  }
}
