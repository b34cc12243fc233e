package dev.lamina.runtime.train;

import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/** Keras's built-in metrics. */
public final class Metrics {

  private Metrics() {}

  private interface Body {
    Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue, Operand<TFloat32> yPred);
  }

  private static Metric named(String name, Body body) {
    return new Metric() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue,
          Operand<TFloat32> yPred) {
        return body.perSample(tf, yTrue, yPred);
      }
    };
  }

  /** Keras's {@code categorical_accuracy}: the arg-max of target and prediction agree. */
  public static Metric categoricalAccuracy() {
    return categoricalAccuracy("categorical_accuracy");
  }

  private static Metric categoricalAccuracy(String name) {
    return named(name, (tf, y, p) -> tf.dtypes.cast(tf.math.equal(
        tf.math.argMax(y, tf.constant(-1), TInt64.class),
        tf.math.argMax(p, tf.constant(-1), TInt64.class)), TFloat32.class));
  }

  /** Keras's {@code sparse_categorical_accuracy}: the class index is the prediction's arg-max. */
  public static Metric sparseCategoricalAccuracy() {
    return sparseCategoricalAccuracy("sparse_categorical_accuracy");
  }

  private static Metric sparseCategoricalAccuracy(String name) {
    return named(name, (tf, y, p) -> {
      Operand<TInt64> labels = tf.reshape(tf.dtypes.cast(y, TInt64.class),
          tf.constant(new long[] {-1}));
      return tf.dtypes.cast(tf.math.equal(labels,
          tf.math.argMax(p, tf.constant(-1), TInt64.class)), TFloat32.class);
    });
  }

  /** Keras's {@code binary_accuracy} with threshold 0.5. */
  public static Metric binaryAccuracy() {
    return binaryAccuracy("binary_accuracy", 0.5f);
  }

  /** Keras's {@code BinaryAccuracy(threshold=...)}. */
  public static Metric binaryAccuracy(float threshold) {
    return binaryAccuracy("binary_accuracy", threshold);
  }

  @SuppressWarnings("unchecked")
  private static Metric binaryAccuracy(String name, float threshold) {
    return named(name, (tf, y, p) -> {
      Operand<TFloat32> predicted = tf.dtypes.cast(
          tf.math.greater(p, tf.constant(threshold)), TFloat32.class);
      Operand<TFloat32> hits = tf.dtypes.cast(
          tf.math.equal((Operand<TFloat32>) y, predicted), TFloat32.class);
      return tf.math.mean(hits, tf.constant(-1));
    });
  }

  /** Keras's {@code mean_squared_error} metric. */
  public static Metric meanSquaredError() {
    return fromLoss("mean_squared_error", Losses.meanSquaredError());
  }

  /** Keras's {@code mean_absolute_error} metric. */
  public static Metric meanAbsoluteError() {
    return fromLoss("mean_absolute_error", Losses.meanAbsoluteError());
  }

  private static Metric fromLoss(String name, Loss loss) {
    return named(name, loss::perSample);
  }

  /**
   * A metric by Keras's name. {@code "accuracy"} (or {@code "acc"}) is resolved as Keras resolves
   * it: binary accuracy for a one-unit output, sparse categorical accuracy for class-index targets
   * (a sparse loss), categorical accuracy otherwise. As in Keras, logs use the name as
   * given.
   *
   * @param loss the compiled loss, which decides what {@code accuracy} means
   * @param outputUnits the size of the output's last axis
   * @throws IllegalArgumentException naming the known metrics
   */
  public static Metric get(String name, Loss loss, long outputUnits) {
    Metric metric = resolve(name, loss, outputUnits);
    return named(name, metric::perSample); // Keras logs a metric by the name it was given
  }

  private static Metric resolve(String name, Loss loss, long outputUnits) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "accuracy": case "acc":
        if (outputUnits == 1) {
          return binaryAccuracy("accuracy", 0.5f);
        }
        return loss.sparseTargets()
            ? sparseCategoricalAccuracy("accuracy") : categoricalAccuracy("accuracy");
      case "binary_accuracy":
        return binaryAccuracy();
      case "categorical_accuracy":
        return categoricalAccuracy();
      case "sparse_categorical_accuracy":
        return sparseCategoricalAccuracy();
      case "mse": case "mean_squared_error":
        return meanSquaredError();
      case "mae": case "mean_absolute_error":
        return meanAbsoluteError();
      default:
        throw new IllegalArgumentException("Unknown metric '" + name + "'; Lamina knows "
            + List.of("accuracy", "binary_accuracy", "categorical_accuracy",
                "sparse_categorical_accuracy", "mse", "mae"));
    }
  }
}
