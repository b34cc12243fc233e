package dev.lamina.runtime.train;

import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/** Keras's built-in metrics. */
public final class Metrics {

  private Metrics() {}

  private interface Body {
    Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue, Operand<TFloat32> yPred);
  }

  /**
   * A mean metric (Keras's {@code MeanMetricWrapper}): {@code body}'s per-sample values averaged
   * over the epoch, with Keras's class name and the config entries after {@code name}.
   */
  private record MeanMetric(String name, String className, java.util.Map<String, Object> options,
      Body body) implements Metric {

    @Override
    public Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue,
        Operand<TFloat32> yPred) {
      return body.perSample(tf, yTrue, yPred);
    }

    @Override
    public java.util.Map<String, Object> config() {
      java.util.Map<String, Object> config = new java.util.LinkedHashMap<>();
      config.put("name", name);
      config.putAll(options);
      return config;
    }
  }

  private static Metric mean(String name, String className, Body body) {
    return new MeanMetric(name, className, java.util.Map.of(), body);
  }

  /** Keras's {@code categorical_accuracy}: the arg-max of target and prediction agree. */
  public static Metric categoricalAccuracy() {
    return mean("categorical_accuracy", "CategoricalAccuracy", (tf, y, p) -> tf.dtypes.cast(tf.math.equal(
        tf.math.argMax(y, tf.constant(-1), TInt64.class),
        tf.math.argMax(p, tf.constant(-1), TInt64.class)), TFloat32.class));
  }

  /** Keras's {@code sparse_categorical_accuracy}: the class index is the prediction's arg-max. */
  public static Metric sparseCategoricalAccuracy() {
    return mean("sparse_categorical_accuracy", "SparseCategoricalAccuracy", (tf, y, p) -> {
      Operand<TInt64> labels = tf.reshape(tf.dtypes.cast(y, TInt64.class),
          tf.constant(new long[] {-1}));
      return tf.dtypes.cast(tf.math.equal(labels,
          tf.math.argMax(p, tf.constant(-1), TInt64.class)), TFloat32.class);
    });
  }

  /** Keras's {@code binary_accuracy} with threshold 0.5. */
  public static Metric binaryAccuracy() {
    return binaryAccuracy(0.5f);
  }

  /** Keras's {@code BinaryAccuracy(threshold=...)}. */
  public static Metric binaryAccuracy(float threshold) {
    return new MeanMetric("binary_accuracy", "BinaryAccuracy",
        java.util.Map.of("threshold", Double.parseDouble(Float.toString(threshold))),
        (tf, y, p) -> {
          Operand<TFloat32> predicted = tf.dtypes.cast(
              tf.math.greater(p, tf.constant(threshold)), TFloat32.class);
          @SuppressWarnings("unchecked")
          Operand<TFloat32> hits = tf.dtypes.cast(
              tf.math.equal((Operand<TFloat32>) y, predicted), TFloat32.class);
          return tf.math.mean(hits, tf.constant(-1));
        });
  }

  /** Keras's {@code mean_squared_error} metric. */
  public static Metric meanSquaredError() {
    return mean("mean_squared_error", "MeanSquaredError", Losses.meanSquaredError()::perSample);
  }

  /** Keras's {@code mean_absolute_error} metric. */
  public static Metric meanAbsoluteError() {
    return mean("mean_absolute_error", "MeanAbsoluteError",
        Losses.meanAbsoluteError()::perSample);
  }

  /** Keras's {@code mean_absolute_percentage_error} ({@code "mape"}), in percent. */
  public static Metric meanAbsolutePercentageError() {
    return mean("mean_absolute_percentage_error", "MeanAbsolutePercentageError",
        (tf, y, p) -> {
          @SuppressWarnings("unchecked")
          Operand<TFloat32> t = (Operand<TFloat32>) y;
          Operand<TFloat32> diff = tf.math.abs(tf.math.div(tf.math.sub(t, p),
              tf.math.maximum(tf.math.abs(t), tf.constant(Losses.EPSILON))));
          return tf.math.mul(tf.constant(100f), tf.math.mean(diff, tf.constant(-1)));
        });
  }

  /** Keras's {@code binary_crossentropy} metric, on probabilities. */
  public static Metric binaryCrossentropy() {
    return binaryCrossentropy(false);
  }

  /** Keras's {@code BinaryCrossentropy(from_logits=...)} metric. */
  public static Metric binaryCrossentropy(boolean fromLogits) {
    return crossentropy("BinaryCrossentropy", "binary_crossentropy",
        Losses.binaryCrossentropy(fromLogits), fromLogits);
  }

  /** Keras's {@code categorical_crossentropy} metric, on probabilities and one-hot targets. */
  public static Metric categoricalCrossentropy() {
    return categoricalCrossentropy(false);
  }

  /** Keras's {@code CategoricalCrossentropy(from_logits=...)} metric. */
  public static Metric categoricalCrossentropy(boolean fromLogits) {
    return crossentropy("CategoricalCrossentropy", "categorical_crossentropy",
        Losses.categoricalCrossentropy(fromLogits), fromLogits);
  }

  /** Keras's {@code sparse_categorical_crossentropy} metric, on probabilities, class indices. */
  public static Metric sparseCategoricalCrossentropy() {
    return sparseCategoricalCrossentropy(false);
  }

  /** Keras's {@code SparseCategoricalCrossentropy(from_logits=...)} metric. */
  public static Metric sparseCategoricalCrossentropy(boolean fromLogits) {
    return crossentropy("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy",
        Losses.sparseCategoricalCrossentropy(fromLogits), fromLogits);
  }

  private static Metric crossentropy(String className, String name, Loss loss,
      boolean fromLogits) {
    return new MeanMetric(name, className, java.util.Map.of("from_logits", fromLogits),
        (tf, yTrue, yPred) -> loss.perSample(tf, loss.sparseTargets()
            ? tf.dtypes.cast(yTrue, TInt64.class) : tf.dtypes.cast(yTrue, TFloat32.class), yPred));
  }

  /** Keras's {@code top_k_categorical_accuracy} with k = 5. */
  public static Metric topKCategoricalAccuracy() {
    return topKCategoricalAccuracy(5);
  }

  /**
   * Keras's {@code TopKCategoricalAccuracy(k=...)}: the target's arg-max is among the {@code k}
   * highest predictions (TensorFlow's {@code in_top_k}: ties at the boundary count as in).
   */
  public static Metric topKCategoricalAccuracy(int k) {
    return topK("top_k_categorical_accuracy", "TopKCategoricalAccuracy", k, false);
  }

  /** Keras's {@code sparse_top_k_categorical_accuracy} with k = 5. */
  public static Metric sparseTopKCategoricalAccuracy() {
    return sparseTopKCategoricalAccuracy(5);
  }

  /** Keras's {@code SparseTopKCategoricalAccuracy(k=...)}, for class-index targets. */
  public static Metric sparseTopKCategoricalAccuracy(int k) {
    return topK("sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy", k, true);
  }

  private static Metric topK(String name, String className, int k, boolean sparse) {
    if (k < 1) {
      throw new IllegalArgumentException(className + ": k must be at least 1, got " + k);
    }
    return new MeanMetric(name, className, java.util.Map.of("k", k), (tf, y, p) -> {
      long classes = p.shape().get(p.shape().numDimensions() - 1);
      Operand<TFloat32> rows = tf.reshape(p, tf.constant(new long[] {-1, classes}));
      Operand<TInt64> labels = sparse ? tf.dtypes.cast(y, TInt64.class)
          : tf.math.argMax(y, tf.constant(-1), TInt64.class);
      labels = tf.reshape(labels, tf.constant(new long[] {-1}));
      return tf.dtypes.cast(tf.nn.inTopK(rows, labels, tf.constant((long) k)), TFloat32.class);
    });
  }

  /** Keras's {@code root_mean_squared_error}: the square root of the epoch's mean squared error. */
  public static Metric rootMeanSquaredError() {
    return new Forwarding(meanSquaredError()) {
      @Override
      public String name() {
        return "root_mean_squared_error";
      }

      @Override
      public Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue,
          Operand<TFloat32> yPred) {
        throw new UnsupportedOperationException(name() + " has no per-sample values; it "
            + "overrides statistics and result");
      }

      @Override
      public double result(double[] totals) {
        return Math.sqrt(super.result(totals));
      }

      @Override
      public boolean usesOutputMask() {
        return false; // Keras's RootMeanSquaredError is a Mean of its own errors, unmasked
      }

      @Override
      public String className() {
        return "RootMeanSquaredError";
      }

      @Override
      public java.util.Map<String, Object> config() {
        return java.util.Map.of("name", name());
      }

      @Override
      public String direction() {
        return directionOf(className());
      }
    };
  }

  /** A metric that does what another does; subclasses change what differs. */
  private static class Forwarding implements Metric {
    private final Metric metric;

    Forwarding(Metric metric) {
      this.metric = metric;
    }

    @Override
    public String name() {
      return metric.name();
    }

    @Override
    public Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue,
        Operand<TFloat32> yPred) {
      return metric.perSample(tf, yTrue, yPred);
    }

    @Override
    public Operand<TFloat32> statistics(Ops tf, Operand<? extends TType> yTrue,
        Operand<TFloat32> yPred) {
      return metric.statistics(tf, yTrue, yPred);
    }

    @Override
    public Operand<TFloat32> weightedStatistics(Ops tf, Operand<? extends TType> yTrue,
        Operand<TFloat32> yPred, Operand<TFloat32> sampleWeight) {
      return metric.weightedStatistics(tf, yTrue, yPred, sampleWeight);
    }

    @Override
    public double result(double[] totals) {
      return metric.result(totals);
    }

    @Override
    public java.util.Map<String, Object> config() {
      return metric.config();
    }

    @Override
    public String className() {
      return metric.className();
    }

    @Override
    public String direction() {
      return metric.direction();
    }

    @Override
    public boolean usesOutputMask() {
      return metric.usesOutputMask();
    }
  }

  /** Keras's {@code AUC()}: ROC, 200 thresholds, interpolation. */
  public static Auc auc() {
    return new Auc("auc", 200, "ROC", "interpolation", false, false);
  }

  /** Keras's {@code Precision()}: threshold 0.5. */
  public static ConfusionMetric precision() {
    return new ConfusionMetric("precision", true, null, null, null);
  }

  /** Keras's {@code Precision(thresholds=...)}. */
  public static ConfusionMetric precision(double threshold) {
    return new ConfusionMetric("precision", true, (float) threshold, null, null);
  }

  /** Keras's {@code Recall()}: threshold 0.5. */
  public static ConfusionMetric recall() {
    return new ConfusionMetric("recall", false, null, null, null);
  }

  /** Keras's {@code Recall(thresholds=...)}. */
  public static ConfusionMetric recall(double threshold) {
    return new ConfusionMetric("recall", false, (float) threshold, null, null);
  }

  /** Keras's {@code R2Score()}: uniform average over the outputs, no regressors. */
  public static R2Score r2Score() {
    return new R2Score("r2_score", "uniform_average", 0);
  }

  /**
   * A metric whose state is counts or sums (AUC's confusion matrices, precision and recall's,
   * R²'s sums) rather than a mean of per-sample values: sample weights weigh each prediction's
   * contribution, and the output's mask is not read (as Keras's).
   */
  public interface CountedMetric extends Metric {

    /** The statistics of a batch, each prediction counting its sample's weight if given. */
    Operand<TFloat32> statisticsOf(Ops tf, Operand<? extends TType> yTrue,
        Operand<TFloat32> yPred, Operand<TFloat32> sampleWeight);

    @Override
    default Operand<TFloat32> statistics(Ops tf, Operand<? extends TType> yTrue,
        Operand<TFloat32> yPred) {
      return statisticsOf(tf, yTrue, yPred, null);
    }

    @Override
    default Operand<TFloat32> weightedStatistics(Ops tf, Operand<? extends TType> yTrue,
        Operand<TFloat32> yPred, Operand<TFloat32> sampleWeight) {
      return statisticsOf(tf, yTrue, yPred, sampleWeight);
    }

    @Override
    default boolean usesOutputMask() {
      return false;
    }
  }

  /** Keras's {@code 0 - epsilon} and {@code 1 + epsilon} around AUC's inner thresholds. */
  private static final float AUC_EPSILON = 1e-7f;

  /**
   * Keras's {@code AUC}: confusion matrices at {@code numThresholds} evenly spaced thresholds,
   * accumulated over every batch of the epoch, and the area under the ROC or precision-recall
   * curve of the totals (a Riemann sum, or for PR with interpolation Davis and Goadrich's
   * interpolation, as Keras). Labels count as positive when non-zero; predictions are clipped to
   * [0, 1] (Keras's bucketed update). Immutable: each setter returns a new metric.
   */
  public static final class Auc implements CountedMetric {
    private final String name;
    private final int numThresholds;
    private final String curve;
    private final String summationMethod;
    private final boolean fromLogits;
    private final boolean multiLabel;

    private Auc(String name, int numThresholds, String curve, String summationMethod,
        boolean fromLogits, boolean multiLabel) {
      if (numThresholds <= 1) {
        throw new IllegalArgumentException("AUC: num_thresholds must be > 1, got "
            + numThresholds);
      }
      String c = curve.toUpperCase(Locale.ROOT);
      if (!c.equals("ROC") && !c.equals("PR")) {
        throw new IllegalArgumentException("AUC: curve must be \"ROC\" or \"PR\", got \""
            + curve + "\"" + (c.equals("PRGAIN") ? " (Lamina has no PRGAIN)" : ""));
      }
      String m = summationMethod.toLowerCase(Locale.ROOT);
      if (!List.of("interpolation", "minoring", "majoring").contains(m)) {
        throw new IllegalArgumentException("AUC: summation_method must be \"interpolation\", "
            + "\"minoring\" or \"majoring\", got \"" + summationMethod + "\"");
      }
      this.name = name;
      this.numThresholds = numThresholds;
      this.curve = c;
      this.summationMethod = m;
      this.fromLogits = fromLogits;
      this.multiLabel = multiLabel;
    }

    /** Keras's {@code num_thresholds} (200). */
    public Auc numThresholds(int numThresholds) {
      return new Auc(name, numThresholds, curve, summationMethod, fromLogits, multiLabel);
    }

    /** Keras's {@code curve}: {@code "ROC"} (default) or {@code "PR"}. */
    public Auc curve(String curve) {
      return new Auc(name, numThresholds, curve, summationMethod, fromLogits, multiLabel);
    }

    /** Keras's {@code summation_method}: interpolation (default), minoring or majoring. */
    public Auc summationMethod(String method) {
      return new Auc(name, numThresholds, curve, method, fromLogits, multiLabel);
    }

    /** Keras's {@code from_logits}: a sigmoid is applied to the predictions first. */
    public Auc fromLogits(boolean fromLogits) {
      return new Auc(name, numThresholds, curve, summationMethod, fromLogits, multiLabel);
    }

    /**
     * Keras's {@code multi_label}: with predictions (samples, labels), one curve per label (the
     * last axis) and the mean of their areas; otherwise (default) every value is one sample of a
     * single curve.
     */
    public Auc multiLabel(boolean multiLabel) {
      return new Auc(name, numThresholds, curve, summationMethod, fromLogits, multiLabel);
    }

    /** Keras's {@code name}. */
    public Auc name(String name) {
      return new Auc(name, numThresholds, curve, summationMethod, fromLogits, multiLabel);
    }

    @Override
    public String name() {
      return name;
    }

    /** Keras's thresholds: {@code -eps, 1/(n-1), ..., (n-2)/(n-1), 1+eps}. */
    public float[] thresholds() {
      float[] thresholds = new float[numThresholds];
      thresholds[0] = 0f - AUC_EPSILON;
      for (int i = 1; i < numThresholds - 1; i++) {
        thresholds[i] = (float) (i * 1.0 / (numThresholds - 1));
      }
      thresholds[numThresholds - 1] = 1f + AUC_EPSILON;
      return thresholds;
    }

    /**
     * {@code tp} and {@code fp} per threshold (and per label, labels fastest, with multiLabel),
     * then the batch's positives and negatives (per label).
     */
    @Override
    public Operand<TFloat32> statisticsOf(Ops tf, Operand<? extends TType> yTrue,
        Operand<TFloat32> yPred, Operand<TFloat32> sampleWeight) {
      long labels = 1;
      if (multiLabel) {
        if (yPred.shape().numDimensions() != 2 || yPred.shape().get(1) < 1) {
          throw new IllegalArgumentException("AUC(multi_label=True) needs predictions of shape "
              + "(samples, labels), got " + yPred.shape());
        }
        labels = yPred.shape().get(1);
      }
      Operand<TFloat32> p = tf.reshape(fromLogits ? tf.math.sigmoid(yPred) : yPred,
          tf.constant(new long[] {-1}));
      p = tf.math.minimum(tf.math.maximum(p, tf.constant(0f)), tf.constant(1f));
      Operand<TFloat32> y = tf.dtypes.cast(tf.math.notEqual(
          tf.reshape(tf.dtypes.cast(yTrue, TFloat32.class), tf.constant(new long[] {-1})),
          tf.constant(0f)), TFloat32.class);
      Operand<TFloat32> notY = tf.math.sub(tf.constant(1f), y);
      if (sampleWeight != null) {
        Operand<TFloat32> weights = tf.reshape(perElement(tf, sampleWeight, yPred),
            tf.constant(new long[] {-1}));
        y = tf.math.mul(y, weights);
        notY = tf.math.mul(notY, weights);
      }
      // Keras's bucket of a prediction: ceil(p * (n - 1)) - 1, at least 0.
      Operand<TInt32> buckets = tf.dtypes.cast(tf.math.maximum(tf.math.sub(
          tf.math.ceil(tf.math.mul(p, tf.constant((float) (numThresholds - 1)))),
          tf.constant(1f)), tf.constant(0f)), TInt32.class);
      if (labels > 1) {
        // Segment bucket * labels + label: one histogram per label, row-major (n, labels).
        Operand<TInt32> label = tf.math.floorMod(tf.range(tf.constant(0), tf.size(buckets),
            tf.constant(1)), tf.constant((int) labels));
        buckets = tf.math.add(tf.math.mul(buckets, tf.constant((int) labels)), label);
      }
      Operand<TInt32> segments = tf.constant((int) (numThresholds * labels));
      Operand<TInt64> grid = tf.constant(new long[] {numThresholds, labels});
      Operand<TFloat32> tp = tf.math.cumsum(tf.reshape(tf.math.unsortedSegmentSum(y, buckets,
          segments), grid), tf.constant(0), org.tensorflow.op.math.Cumsum.reverse(true));
      Operand<TFloat32> fp = tf.math.cumsum(tf.reshape(tf.math.unsortedSegmentSum(notY, buckets,
          segments), grid), tf.constant(0), org.tensorflow.op.math.Cumsum.reverse(true));
      Operand<TInt64> flat = tf.constant(new long[] {-1});
      Operand<TInt64> perLabel = tf.constant(new long[] {-1, labels});
      Operand<TInt32> axis = tf.constant(0);
      return tf.concat(List.of(tf.reshape(tp, flat), tf.reshape(fp, flat),
          tf.reduceSum(tf.reshape(y, perLabel), axis),
          tf.reduceSum(tf.reshape(notY, perLabel), axis)), tf.constant(0));
    }

    @Override
    public double result(double[] totals) {
      int n = numThresholds;
      int labels = totals.length / (2 * n + 2);
      double sum = 0;
      for (int l = 0; l < labels; l++) {
        double[] tp = new double[n];
        double[] fp = new double[n];
        for (int i = 0; i < n; i++) {
          tp[i] = totals[i * labels + l];
          fp[i] = totals[(n + i) * labels + l];
        }
        sum += area(tp, fp, totals[2 * n * labels + l], totals[(2 * n + 1) * labels + l]);
      }
      return sum / labels; // Keras: the unweighted mean of the labels' areas
    }

    /** Keras's {@code result()} of one curve's confusion matrices. */
    private double area(double[] tp, double[] fp, double positives, double negatives) {
      int n = numThresholds;
      double[] tn = new double[n];
      double[] fn = new double[n];
      for (int i = 0; i < n; i++) {
        fn[i] = positives - tp[i];
        tn[i] = negatives - fp[i];
      }
      double sum = 0;
      if (curve.equals("PR") && summationMethod.equals("interpolation")) {
        for (int i = 0; i < n - 1; i++) {
          double dtp = tp[i] - tp[i + 1];
          double pA = tp[i] + fp[i];
          double pB = tp[i + 1] + fp[i + 1];
          double slope = divideNoNan(dtp, Math.max(pA - pB, 0));
          double intercept = tp[i + 1] - slope * pB;
          double ratio = pA > 0 && pB > 0 ? divideNoNan(pA, Math.max(pB, 0)) : 1;
          sum += divideNoNan(slope * (dtp + intercept * Math.log(ratio)),
              Math.max(tp[i + 1] + fn[i + 1], 0));
        }
        return sum;
      }
      double[] x = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        double recall = divideNoNan(tp[i], tp[i] + fn[i]);
        if (curve.equals("ROC")) {
          x[i] = divideNoNan(fp[i], fp[i] + tn[i]);
          y[i] = recall;
        } else {
          x[i] = recall;
          y[i] = divideNoNan(tp[i], tp[i] + fp[i]);
        }
      }
      for (int i = 0; i < n - 1; i++) {
        double height = switch (summationMethod) {
          case "interpolation" -> (y[i] + y[i + 1]) / 2;
          case "minoring" -> Math.min(y[i], y[i + 1]);
          default -> Math.max(y[i], y[i + 1]);
        };
        sum += (x[i] - x[i + 1]) * height;
      }
      return sum;
    }

    @Override
    public String className() {
      return "AUC";
    }

    @Override
    public java.util.Map<String, Object> config() {
      java.util.Map<String, Object> config = new java.util.LinkedHashMap<>();
      config.put("name", name);
      config.put("num_thresholds", numThresholds);
      config.put("curve", curve);
      config.put("summation_method", summationMethod);
      config.put("multi_label", multiLabel);
      config.put("from_logits", fromLogits);
      return config;
    }
  }

  /** Each sample's mean over every axis but the first: {@code (batch)} from any rank. */
  static Operand<TFloat32> perSampleMean(Ops tf, Operand<TFloat32> values) {
    if (values.shape().numDimensions() == 1) {
      return values;
    }
    Operand<TInt64> batch = tf.reshape(tf.dtypes.cast(tf.gather(tf.shape(values), tf.constant(0),
        tf.constant(0)), TInt64.class), tf.constant(new long[] {1}));
    return tf.math.mean(tf.reshape(values, tf.concat(List.of(batch, tf.constant(new long[] {-1})),
        tf.constant(0))), tf.constant(1));
  }

  /**
   * Sample weights, given at the shape of the per-sample loss values ({@code (batch)} or
   * {@code (batch, steps)}), as one weight per element of {@code like} (Keras's confusion
   * matrices broadcast them over the predictions): each sample's mean weight, repeated along
   * its other axes.
   */
  static Operand<TFloat32> perElement(Ops tf, Operand<TFloat32> sampleWeight,
      Operand<TFloat32> like) {
    Operand<TFloat32> perSample = perSampleMean(tf, sampleWeight);
    long[] shape = new long[Math.max(1, like.shape().numDimensions())];
    java.util.Arrays.fill(shape, 1);
    shape[0] = -1;
    return tf.broadcastTo(tf.reshape(perSample, tf.constant(shape)), tf.shape(like));
  }

  static double divideNoNan(double a, double b) {
    return b == 0 ? 0 : a / b;
  }

  /**
   * Keras's {@code Precision} or {@code Recall} at one threshold: true positives, false positives
   * and false negatives accumulated over every batch of the epoch, the result from the totals.
   * A prediction is positive above the threshold; a label when non-zero. {@code topK} keeps each
   * sample's k highest predictions (the others count as negative), {@code classId} looks at one
   * class. Immutable: each setter returns a new metric.
   */
  public static final class ConfusionMetric implements CountedMetric {
    private final String name;
    private final boolean precision;
    /** {@code null}: Keras's default, 0.5, or with top_k every kept prediction (-1e10). */
    private final Float threshold;
    private final Integer topK;
    private final Integer classId;

    private ConfusionMetric(String name, boolean precision, Float threshold, Integer topK,
        Integer classId) {
      String kind = precision ? "Precision" : "Recall";
      if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
        throw new IllegalArgumentException(kind + ": threshold values must be in [0, 1], got "
            + threshold);
      }
      if (topK != null && topK < 1) {
        throw new IllegalArgumentException(kind + ": top_k must be at least 1, got " + topK);
      }
      if (classId != null && classId < 0) {
        throw new IllegalArgumentException(kind + ": class_id must be at least 0, got "
            + classId);
      }
      this.name = name;
      this.precision = precision;
      this.threshold = threshold;
      this.topK = topK;
      this.classId = classId;
    }

    /**
     * Keras's {@code thresholds} (one value): a prediction above it is positive. By default 0.5,
     * or with {@code topK} every kept prediction.
     */
    public ConfusionMetric threshold(double threshold) {
      return new ConfusionMetric(name, precision, (float) threshold, topK, classId);
    }

    /** Keras's {@code top_k}. */
    public ConfusionMetric topK(int k) {
      return new ConfusionMetric(name, precision, threshold, k, classId);
    }

    /** Keras's {@code class_id}. */
    public ConfusionMetric classId(int classId) {
      return new ConfusionMetric(name, precision, threshold, topK, classId);
    }

    /** Keras's {@code name}. */
    public ConfusionMetric name(String name) {
      return new ConfusionMetric(name, precision, threshold, topK, classId);
    }

    @Override
    public String name() {
      return name;
    }

    /** True positives, false positives, false negatives of the batch. */
    @Override
    public Operand<TFloat32> statisticsOf(Ops tf, Operand<? extends TType> yTrue,
        Operand<TFloat32> yPred, Operand<TFloat32> sampleWeight) {
      Operand<TFloat32> weights = sampleWeight == null ? null
          : perElement(tf, sampleWeight, yPred);
      Operand<TFloat32> p = yPred;
      Operand<TFloat32> y = tf.dtypes.cast(yTrue, TFloat32.class);
      long classes = p.shape().get(p.shape().numDimensions() - 1);
      if (topK != null) {
        // Keras's _filter_top_k: the others become -1e10.
        var top = tf.nn.topK(p, tf.constant(topK), new org.tensorflow.op.nn.TopK.Options[] {org.tensorflow.op.nn.TopK.sorted(false)});
        Operand<TFloat32> mask = tf.reduceSum(tf.oneHot(top.indices(),
            tf.constant((int) classes), tf.constant(1f), tf.constant(0f)), tf.constant(-2));
        p = tf.math.add(tf.math.mul(p, mask),
            tf.math.mul(tf.constant(-1e10f), tf.math.sub(tf.constant(1f), mask)));
      }
      if (classId != null) {
        if (p.shape().numDimensions() < 2 || classId >= classes) {
          throw new IllegalArgumentException(className() + ": class_id " + classId
              + " needs predictions of shape (samples, classes) with more than " + classId
              + " classes, got " + p.shape());
        }
        p = tf.gather(p, tf.constant(classId), tf.constant(-1));
        y = tf.gather(y, tf.constant(classId), tf.constant(-1));
        if (weights != null) {
          weights = tf.gather(weights, tf.constant(classId), tf.constant(-1));
        }
      }
      Operand<TFloat32> predicted = tf.dtypes.cast(tf.math.greater(
          tf.reshape(p, tf.constant(new long[] {-1})), tf.constant(threshold != null ? threshold
              : topK == null ? 0.5f : -1e10f)), TFloat32.class);
      Operand<TFloat32> actual = tf.dtypes.cast(tf.math.notEqual(
          tf.reshape(y, tf.constant(new long[] {-1})), tf.constant(0f)), TFloat32.class);
      Operand<TFloat32> one = tf.constant(1f);
      Operand<TInt32> axis = tf.constant(0);
      if (weights != null) {
        actual = tf.math.mul(actual, tf.reshape(weights, tf.constant(new long[] {-1})));
        // Negatives weigh their sample's weight too: 1 - actual becomes weight - actual.
        Operand<TFloat32> w = tf.reshape(weights, tf.constant(new long[] {-1}));
        return tf.stack(List.of(
            tf.reduceSum(tf.math.mul(predicted, actual), axis),
            tf.reduceSum(tf.math.mul(predicted, tf.math.sub(w, actual)), axis),
            tf.reduceSum(tf.math.mul(tf.math.sub(one, predicted), actual), axis)));
      }
      return tf.stack(List.of(
          tf.reduceSum(tf.math.mul(predicted, actual), axis),
          tf.reduceSum(tf.math.mul(predicted, tf.math.sub(one, actual)), axis),
          tf.reduceSum(tf.math.mul(tf.math.sub(one, predicted), actual), axis)));
    }

    @Override
    public double result(double[] totals) {
      return divideNoNan(totals[0], totals[0] + (precision ? totals[1] : totals[2]));
    }

    @Override
    public String className() {
      return precision ? "Precision" : "Recall";
    }

    @Override
    public java.util.Map<String, Object> config() {
      java.util.Map<String, Object> config = new java.util.LinkedHashMap<>();
      config.put("name", name);
      config.put("thresholds", threshold == null ? null
          : Double.parseDouble(Float.toString(threshold)));
      config.put("top_k", topK);
      config.put("class_id", classId);
      return config;
    }
  }

  /**
   * Keras's {@code R2Score}: per output column, the sums of targets, of their squares and of the
   * squared errors, and the sample count, accumulated over every batch of the epoch; the
   * coefficient of determination of the totals, averaged over the columns. Targets and
   * predictions are (samples, outputs). Immutable: each setter returns a new metric.
   */
  public static final class R2Score implements CountedMetric {
    private final String name;
    private final String classAggregation;
    private final int numRegressors;

    private R2Score(String name, String classAggregation, int numRegressors) {
      if (!List.of("uniform_average", "variance_weighted_average").contains(classAggregation)) {
        throw new IllegalArgumentException("R2Score: class_aggregation must be "
            + "\"uniform_average\" or \"variance_weighted_average\", got \"" + classAggregation
            + "\"" + (classAggregation.equals("None") ? " (Lamina's metrics are scalars)" : ""));
      }
      if (numRegressors < 0) {
        throw new IllegalArgumentException("R2Score: num_regressors must be at least 0, got "
            + numRegressors);
      }
      this.name = name;
      this.classAggregation = classAggregation;
      this.numRegressors = numRegressors;
    }

    /** Keras's {@code class_aggregation}: uniform_average or variance_weighted_average. */
    public R2Score classAggregation(String classAggregation) {
      return new R2Score(name, classAggregation, numRegressors);
    }

    /** Keras's {@code num_regressors}, for the adjusted R². */
    public R2Score numRegressors(int numRegressors) {
      return new R2Score(name, classAggregation, numRegressors);
    }

    /** Keras's {@code name}. */
    public R2Score name(String name) {
      return new R2Score(name, classAggregation, numRegressors);
    }

    @Override
    public String name() {
      return name;
    }

    /**
     * Per column: sum, squared sum, squared error sum; then the weight of the samples (their
     * count, unweighted) and their count.
     */
    @Override
    public Operand<TFloat32> statisticsOf(Ops tf, Operand<? extends TType> yTrue,
        Operand<TFloat32> yPred, Operand<TFloat32> sampleWeight) {
      if (yPred.shape().numDimensions() != 2) {
        throw new IllegalArgumentException("R2Score needs outputs of shape (samples, outputs), "
            + "got " + yPred.shape());
      }
      Operand<TFloat32> y = tf.dtypes.cast(yTrue, TFloat32.class);
      Operand<TInt32> axis = tf.constant(0);
      Operand<TFloat32> count = tf.reshape(tf.dtypes.cast(tf.gather(tf.shape(yPred),
          tf.constant(0), tf.constant(0)), TFloat32.class), tf.constant(new long[] {1}));
      Operand<TFloat32> weight = count;
      Operand<TFloat32> weightedY = y;
      Operand<TFloat32> squaredErrors = tf.math.square(tf.math.sub(y, yPred));
      if (sampleWeight != null) {
        Operand<TFloat32> w = tf.reshape(perSampleMean(tf, sampleWeight),
            tf.constant(new long[] {-1, 1}));
        weightedY = tf.math.mul(y, w);
        squaredErrors = tf.math.mul(squaredErrors, w);
        weight = tf.reshape(tf.reduceSum(w, tf.constant(new int[] {0, 1})),
            tf.constant(new long[] {1}));
      }
      return tf.concat(List.of(tf.reduceSum(weightedY, axis),
          tf.reduceSum(tf.math.mul(y, weightedY), axis), tf.reduceSum(squaredErrors, axis),
          weight, count), tf.constant(0));
    }

    @Override
    public double result(double[] totals) {
      int outputs = (totals.length - 2) / 3;
      double count = totals[3 * outputs];
      double samples = totals[3 * outputs + 1];
      double weighted = 0;
      double weights = 0;
      double sum = 0;
      for (int i = 0; i < outputs; i++) {
        double mean = totals[i] / count;
        double total = totals[outputs + i] - totals[i] * mean;
        double raw = 1 - totals[2 * outputs + i] / total;
        if (Double.isInfinite(raw)) {
          raw = 0;
        }
        sum += raw;
        weighted += total * raw;
        weights += total;
      }
      double r2 = classAggregation.equals("uniform_average") ? sum / outputs : weighted / weights;
      if (numRegressors != 0) {
        double n = samples * outputs; // Keras's num_samples: ops.size(y_true)
        if (numRegressors < n - 1) {
          r2 = 1 - (1 - r2) * (n - 1) / (n - numRegressors - 1);
        }
      }
      return r2;
    }

    @Override
    public String className() {
      return "R2Score";
    }

    @Override
    public java.util.Map<String, Object> config() {
      java.util.Map<String, Object> config = new java.util.LinkedHashMap<>();
      config.put("name", name);
      config.put("class_aggregation", classAggregation);
      config.put("num_regressors", numRegressors);
      return config;
    }
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
    return renamed(name, metric); // Keras logs a metric by the name it was given
  }

  /**
   * A metric from Keras's serialized form ({@code keras.metrics.serialize}: class name and
   * {@code get_config()}), e.g. {@code ("AUC", {"curve": "PR", "num_thresholds": 100})}. Missing
   * arguments take Keras's defaults; an argument Lamina does not support at a value other than
   * Keras's default is an error, never ignored.
   *
   * @throws IllegalArgumentException for an unknown class, argument or value
   */
  public static Metric fromConfig(String className, java.util.Map<String, ?> config) {
    Args args = new Args(className, config);
    Metric metric;
    switch (className) {
      case "AUC": {
        boolean multiLabel = args.bool("multi_label", false);
        args.take("num_labels"); // Keras's hint for building early; the output's shape gives it
        args.require("label_weights", null);
        args.require("thresholds", null);
        metric = auc().numThresholds(args.integer("num_thresholds", 200))
            .curve(args.string("curve", "ROC"))
            .summationMethod(args.string("summation_method", "interpolation"))
            .fromLogits(args.bool("from_logits", false)).multiLabel(multiLabel);
        break;
      }
      case "Precision": case "Recall": {
        ConfusionMetric m = className.equals("Precision") ? precision() : recall();
        Object thresholds = args.take("thresholds");
        if (thresholds instanceof List<?> list) {
          if (list.size() != 1) {
            throw new IllegalArgumentException(className + ": Lamina takes one threshold, got "
                + list);
          }
          thresholds = list.get(0);
        }
        if (thresholds != null) {
          if (!(thresholds instanceof Number number)) {
            throw new IllegalArgumentException(className + ": thresholds must be a number, got "
                + thresholds);
          }
          m = m.threshold(number.doubleValue());
        }
        Integer topK = args.optInteger("top_k");
        if (topK != null) {
          m = m.topK(topK);
        }
        Integer classId = args.optInteger("class_id");
        if (classId != null) {
          m = m.classId(classId);
        }
        metric = m;
        break;
      }
      case "TopKCategoricalAccuracy":
        metric = topKCategoricalAccuracy(args.integer("k", 5));
        break;
      case "SparseTopKCategoricalAccuracy":
        args.require("from_sorted_ids", false);
        metric = sparseTopKCategoricalAccuracy(args.integer("k", 5));
        break;
      case "R2Score":
        metric = r2Score().classAggregation(args.string("class_aggregation", "uniform_average"))
            .numRegressors(args.integer("num_regressors", 0));
        break;
      case "BinaryAccuracy":
        metric = binaryAccuracy((float) args.number("threshold", 0.5));
        break;
      case "BinaryCrossentropy": case "CategoricalCrossentropy":
      case "SparseCategoricalCrossentropy": {
        boolean fromLogits = args.bool("from_logits", false);
        args.require("label_smoothing", 0);
        args.require("axis", -1);
        args.require("ignore_class", null);
        metric = className.equals("BinaryCrossentropy") ? binaryCrossentropy(fromLogits)
            : className.equals("CategoricalCrossentropy") ? categoricalCrossentropy(fromLogits)
            : sparseCategoricalCrossentropy(fromLogits);
        break;
      }
      case "CategoricalAccuracy": case "SparseCategoricalAccuracy": case "MeanSquaredError":
      case "MeanAbsoluteError": case "RootMeanSquaredError": case "MeanAbsolutePercentageError":
        metric = resolve(className, null, 0);
        break;
      default:
        throw new IllegalArgumentException("Unknown metric class '" + className + "'; Lamina "
            + "knows AUC, Precision, Recall, TopKCategoricalAccuracy, "
            + "SparseTopKCategoricalAccuracy, R2Score, BinaryAccuracy, CategoricalAccuracy, "
            + "SparseCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError, "
            + "RootMeanSquaredError, MeanAbsolutePercentageError, BinaryCrossentropy, "
            + "CategoricalCrossentropy, SparseCategoricalCrossentropy");
    }
    String name = args.string("name", null);
    args.finish();
    return name == null ? metric : renamed(name, metric);
  }

  /** A config's arguments, each taken once; what is left over is an error. */
  private static final class Args {
    private final String className;
    private final java.util.Map<String, Object> left = new java.util.LinkedHashMap<>();

    Args(String className, java.util.Map<String, ?> config) {
      this.className = className;
      left.putAll(config);
      require("dtype", "float32"); // Lamina's metrics compute in float32, as Keras's default
    }

    Object take(String key) {
      return left.remove(key);
    }

    void require(String key, Object expected) {
      Object value = take(key);
      boolean same = value == null ? expected == null : expected != null
          && (value instanceof Number n && expected instanceof Number e
              ? n.doubleValue() == e.doubleValue() : value.equals(expected));
      if (value != null && !same) {
        throw new IllegalArgumentException(className + ": Lamina supports " + key + "="
            + expected + " only, got " + value);
      }
    }

    int integer(String key, int fallback) {
      Integer value = optInteger(key);
      return value == null ? fallback : value;
    }

    Integer optInteger(String key) {
      Object value = take(key);
      if (value == null) {
        return null;
      }
      if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new IllegalArgumentException(className + ": " + key + " must be an integer, got "
            + value);
      }
      return n.intValue();
    }

    double number(String key, double fallback) {
      Object value = take(key);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof Number n)) {
        throw new IllegalArgumentException(className + ": " + key + " must be a number, got "
            + value);
      }
      return n.doubleValue();
    }

    String string(String key, String fallback) {
      Object value = take(key);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof String text)) {
        throw new IllegalArgumentException(className + ": " + key + " must be a string, got "
            + value);
      }
      return text;
    }

    boolean bool(String key, boolean fallback) {
      Object value = take(key);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof Boolean b)) {
        throw new IllegalArgumentException(className + ": " + key + " must be true or false, "
            + "got " + value);
      }
      return b;
    }

    void finish() {
      if (!left.isEmpty()) {
        throw new IllegalArgumentException(className + ": unknown argument(s) " + left.keySet());
      }
    }
  }

  private static final java.util.Set<String> UP = java.util.Set.of("AUC", "Precision", "Recall",
      "R2Score", "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "BinaryAccuracy",
      "CategoricalAccuracy", "SparseCategoricalAccuracy");
  private static final java.util.Set<String> DOWN = java.util.Set.of("MeanSquaredError",
      "MeanAbsoluteError", "RootMeanSquaredError", "MeanAbsolutePercentageError",
      "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy");

  /** Keras's {@code _direction} of a built-in metric class, or {@code null}. */
  static String directionOf(String className) {
    return className == null ? null : UP.contains(className) ? "up"
        : DOWN.contains(className) ? "down" : null;
  }

  /**
   * {@code metric} under another name (Keras's {@code name=...}), its state, result and
   * direction unchanged.
   */
  public static Metric renamed(String name, Metric metric) {
    if (metric.name().equals(name)) {
      return metric;
    }
    return new Forwarding(metric) {
      @Override
      public String name() {
        return name;
      }

      @Override
      public java.util.Map<String, Object> config() {
        java.util.Map<String, Object> config = new java.util.LinkedHashMap<>(metric.config());
        config.put("name", name);
        return config;
      }
    };
  }

  private static Metric resolve(String name, Loss loss, long outputUnits) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "accuracy": case "acc":
        if (outputUnits == 1) {
          return binaryAccuracy();
        }
        return loss.sparseTargets() ? sparseCategoricalAccuracy() : categoricalAccuracy();
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
        break;
    }
    // Keras's metrics.get: a class name or its snake case, or one of its few aliases; exact
    // case, as Keras's dictionary lookup.
    switch (name) {
      case "BinaryAccuracy":
        return binaryAccuracy();
      case "CategoricalAccuracy":
        return categoricalAccuracy();
      case "SparseCategoricalAccuracy":
        return sparseCategoricalAccuracy();
      case "MeanSquaredError": case "MSE":
        return meanSquaredError();
      case "MeanAbsoluteError": case "MAE":
        return meanAbsoluteError();
      case "root_mean_squared_error": case "RootMeanSquaredError":
        return rootMeanSquaredError();
      case "rmse":
        // Not a key of Keras 3's dictionary, but what users reach for first: Lamina's alias,
        // logged as given.
        return renamed("rmse", rootMeanSquaredError());
      case "mean_absolute_percentage_error": case "MeanAbsolutePercentageError":
      case "mape": case "MAPE":
        return meanAbsolutePercentageError();
      case "auc": case "AUC":
        return auc();
      case "precision": case "Precision":
        return precision();
      case "recall": case "Recall":
        return recall();
      case "top_k_categorical_accuracy": case "TopKCategoricalAccuracy":
        return topKCategoricalAccuracy();
      case "sparse_top_k_categorical_accuracy": case "SparseTopKCategoricalAccuracy":
        return sparseTopKCategoricalAccuracy();
      case "binary_crossentropy": case "BinaryCrossentropy": case "bce": case "BCE":
        return binaryCrossentropy();
      case "categorical_crossentropy": case "CategoricalCrossentropy":
        return categoricalCrossentropy();
      case "sparse_categorical_crossentropy": case "SparseCategoricalCrossentropy":
        return sparseCategoricalCrossentropy();
      case "r2_score": case "R2Score":
        return r2Score();
      default:
        String hint = "";
        for (String known : KNOWN) {
          if (known.equalsIgnoreCase(name)) {
            hint = " (Keras's names are case-sensitive: '" + known + "')";
          }
        }
        throw new IllegalArgumentException("Unknown metric '" + name + "'" + hint
            + "; Lamina knows " + KNOWN);
    }
  }

  private static final List<String> KNOWN = List.of("accuracy", "binary_accuracy",
      "categorical_accuracy", "sparse_categorical_accuracy", "mse", "mae",
      "root_mean_squared_error", "rmse", "mape", "auc", "precision", "recall",
      "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "binary_crossentropy",
      "categorical_crossentropy", "sparse_categorical_crossentropy", "r2_score",
      "or their Keras class names (AUC, Precision, RootMeanSquaredError, ...)");
}
