package dev.lamina.runtime.train;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A metric, as Keras's: state accumulated over every batch of an epoch (or of an
 * {@code evaluate}), reset at each epoch's start and each evaluation, and a result computed from
 * the totals. Keras's mean metrics ({@code accuracy}, {@code mse}, ...) implement
 * {@link #perSample}: one value per sample, averaged over every sample seen (so the last batch, if
 * smaller, weighs by its size). Stateful metrics ({@code AUC}, {@code Precision}, {@code R2Score},
 * ...) instead override {@link #statistics} (what a batch adds to the state: Keras's
 * {@code update_state}) and {@link #result} (Keras's {@code result()} of the totals).
 * {@link Metrics} has the built-in ones.
 */
public interface Metric {

  /** The name in logs and {@link History}, e.g. {@code accuracy}. */
  String name();

  /**
   * One value per sample, for a mean metric.
   *
   * @param yTrue the targets as the loss takes them (class indices for sparse losses)
   * @param yPred the model's output
   */
  default Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue,
      Operand<TFloat32> yPred) {
    throw new UnsupportedOperationException(name() + " has no per-sample values; it overrides "
        + "statistics and result");
  }

  /**
   * What one batch adds to the metric's state, a vector of sums which the training loop adds up
   * over the batches (in double precision) and hands to {@link #result}. By default, for a mean
   * metric: the sum of the per-sample values (each sample's values averaged, as Keras's
   * {@code Mean} reduces them) and the number of samples.
   */
  default Operand<TFloat32> statistics(Ops tf, Operand<? extends TType> yTrue,
      Operand<TFloat32> yPred) {
    Operand<TFloat32> values = perSample(tf, yTrue, yPred);
    Operand<TFloat32> rows = tf.reshape(values, tf.constant(new long[] {-1, 1}));
    if (values.shape().numDimensions() > 1) {
      // Keras's reduce_to_samplewise_values: the mean over every axis but the batch.
      Operand<TFloat32> batch = tf.dtypes.cast(tf.gather(tf.shape(values), tf.constant(0),
          tf.constant(0)), TFloat32.class);
      Operand<TFloat32> flat = tf.reshape(values, tf.constant(new long[] {-1}));
      return tf.stack(java.util.List.of(
          tf.math.div(tf.reduceSum(flat, tf.constant(0)),
              tf.math.div(tf.dtypes.cast(tf.size(flat), TFloat32.class), batch)),
          batch));
    }
    return tf.stack(java.util.List.of(tf.reduceSum(rows, tf.constant(new int[] {0, 1})),
        tf.dtypes.cast(tf.size(rows), TFloat32.class)));
  }

  /**
   * What one batch adds to the state of a weighted metric (Keras's {@code weighted_metrics}:
   * {@code update_state(y_true, y_pred, sample_weight)}), in the layout of {@link #statistics}.
   * By default, for a mean metric, Keras's {@code Mean} with weights: the sum of each sample's
   * weighted values and the sum of the weights.
   *
   * @param sampleWeight the weights at the shape of the output's per-sample loss values:
   *     {@code (batch)} for an output of shape {@code (batch, units)}, {@code (batch, steps)}
   *     for {@code (batch, steps, units)}; a per-sample weight is the same along the steps
   * @throws UnsupportedOperationException for a metric that keeps other statistics and does not
   *     override this method: it cannot be a weighted metric
   */
  default Operand<TFloat32> weightedStatistics(Ops tf, Operand<? extends TType> yTrue,
      Operand<TFloat32> yPred, Operand<TFloat32> sampleWeight) {
    Operand<TFloat32> values;
    try {
      values = perSample(tf, yTrue, yPred);
    } catch (UnsupportedOperationException e) {
      throw new UnsupportedOperationException(name() + " takes no sample weights (it overrides "
          + "statistics but not weightedStatistics); compile it as a metric, not a weighted "
          + "metric", e);
    }
    // Keras's reduce_to_samplewise_values: values times weights, each sample's mean of them, and
    // each sample's mean weight as its count.
    Operand<TFloat32> weighted = tf.math.mul(values, sampleWeight);
    return tf.stack(java.util.List.of(
        tf.reduceSum(Metrics.perSampleMean(tf, weighted), tf.constant(0)),
        tf.reduceSum(Metrics.perSampleMean(tf, tf.broadcastTo(sampleWeight, tf.shape(values))),
            tf.constant(0))));
  }

  /** The metric's value from the totals of {@link #statistics} over the batches seen. */
  default double result(double[] totals) {
    return totals[1] == 0 ? 0 : totals[0] / totals[1];
  }

  /**
   * Keras's class name of the metric (e.g. {@code AUC}), which a model file saves it by with
   * {@link #config()}; {@code null} for a metric of the user's, which a model file cannot hold.
   */
  default String className() {
    return null;
  }

  /** Keras's {@code get_config()} of the metric: its name and arguments. */
  default java.util.Map<String, Object> config() {
    return java.util.Map.of("name", name());
  }

  /**
   * Keras's {@code _direction}: {@code "up"} if higher is better, {@code "down"} if lower is, or
   * {@code null} if unknown; what a callback's auto mode follows for this metric (whatever its
   * name). The built-in ones answer by their Keras class.
   */
  default String direction() {
    return Metrics.directionOf(className());
  }
}
