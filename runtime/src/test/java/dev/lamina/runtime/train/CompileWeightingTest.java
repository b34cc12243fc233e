package dev.lamina.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.data.BatchSource;
import dev.lamina.runtime.data.BatchSources;
import dev.lamina.runtime.layers.core.Dense;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3's compile for several outputs, and sample and class weights, on models whose outputs
 * are the inputs' features themselves (kernels of ones and zeros), so that every expected loss
 * and metric is arithmetic done here by hand: Keras's "sum_over_batch_size" is the mean of
 * weight × per-sample loss over the samples (not divided by the weights' sum), a weighted mean
 * metric is Σ w·v / Σ w, and the total loss is Σ loss weight × output loss. Keras itself is the
 * oracle in {@code KerasWeightingTest}.
 */
class CompileWeightingTest {

  /** x: two features per sample; output "a" = x0, output "b" = x1. */
  private static final float[][] X = {{1, 2}, {3, 5}, {0, -1}, {2, 2}};
  private static final float[][] YA = {{0}, {1}, {1}, {2}};
  private static final float[][] YB = {{1}, {1}, {1}, {1}};
  private static final float[] W = {1, 0.5f, 2, 0};

  private static Model twoOutputs() {
    var x = Input.of(TFloat32.class, 2);
    var a = Dense.builder(1).name("a").kernel(new float[][] {{1}, {0}}).bias(new float[] {0})
        .build().apply(x);
    var b = Dense.builder(1).name("b").kernel(new float[][] {{0}, {1}}).bias(new float[] {0})
        .build().apply(x);
    return Model.of(List.of(x), List.of(a, b));
  }

  private static double[] errors(int feature, float[][] y) {
    double[] e = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      e[i] = X[i][feature] - y[i][0];
    }
    return e;
  }

  private static double mean(double[] values, float[] weights, boolean square) {
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      double v = square ? values[i] * values[i] : Math.abs(values[i]);
      sum += (weights == null ? 1 : weights[i]) * v;
    }
    return sum / values.length;
  }

  private static double weightedMean(double[] values, float[] weights) {
    double sum = 0;
    double total = 0;
    for (int i = 0; i < values.length; i++) {
      sum += weights[i] * Math.abs(values[i]);
      total += weights[i];
    }
    return sum / total;
  }

  private static void assertClose(double expected, Double actual, String what) {
    assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
  }

  @Test
  void aLossPerOutputWeightedAndLoggedAsKeras() {
    try (Model model = twoOutputs()) {
      model.compile(new CompileOptions(new Sgd(0.1))
          .loss("a", "mean_squared_error").loss("b", Losses.meanAbsoluteError())
          .lossWeight("a", 2.0).lossWeight("b", 0.5)
          .metricsFor("a", "mae")
          .weightedMetrics("mae"));
      Map<String, Double> logs = model.testOnBatch(X, List.of(YA, YB), W);
      double lossA = mean(errors(0, YA), W, true);
      double lossB = mean(errors(1, YB), W, false);
      assertEquals(List.of("loss", "a_loss", "b_loss", "a_mae", "a_weighted_mae", "b_mae"),
          List.copyOf(logs.keySet()));
      assertClose(lossA, logs.get("a_loss"), "a's own loss, unweighted by its loss weight");
      assertClose(lossB, logs.get("b_loss"), "b's own loss");
      assertClose(2.0 * lossA + 0.5 * lossB, logs.get("loss"), "the total");
      assertClose(mean(errors(0, YA), null, false), logs.get("a_mae"),
          "a plain metric ignores the sample weights");
      assertClose(weightedMean(errors(0, YA), W), logs.get("a_weighted_mae"),
          "a weighted metric is sum(w v) / sum(w)");
      assertClose(weightedMean(errors(1, YB), W), logs.get("b_mae"), "b's weighted mae");
    }
  }

  @Test
  void sampleWeightsByListByMapAndOneForAll() {
    float[] other = {0, 1, 1, 3};
    try (Model model = twoOutputs()) {
      model.compile(new CompileOptions("sgd").losses("mse", "mse"));
      double lossA = mean(errors(0, YA), W, true);
      double lossB = mean(errors(1, YB), other, true);
      Map<String, Double> byList = model.testOnBatch(X, List.of(YA, YB),
          List.of(W, other));
      Map<String, Double> byMap = model.testOnBatch(X, List.of(YA, YB),
          Map.of("b", other, "a", W));
      for (Map<String, Double> logs : List.of(byList, byMap)) {
        assertClose(lossA, logs.get("a_loss"), "a");
        assertClose(lossB, logs.get("b_loss"), "b");
        assertClose(lossA + lossB, logs.get("loss"), "no loss weights: each counts once");
      }
      Map<String, Double> shared = model.testOnBatch(X, List.of(YA, YB), W);
      assertClose(mean(errors(1, YB), W, true), shared.get("b_loss"), "one array weighs both");
      Map<String, Double> none = model.evaluate(X, List.of(YA, YB), null, 3);
      assertClose(mean(errors(0, YA), null, true), none.get("a_loss"), "no weights");
    }
  }

  @Test
  void evaluateWeighsEveryBatchAndKeepsKerassBatchMeans() {
    try (Model model = twoOutputs()) {
      model.compile(new CompileOptions("sgd").loss("mse"));
      // Batches of 3 and 1: Keras's loss tracker weighs each batch's mean by its size.
      Map<String, Double> logs = model.evaluate(X, List.of(YA, YB), W, 3);
      double[] e = errors(0, YA);
      double first = (W[0] * e[0] * e[0] + W[1] * e[1] * e[1] + W[2] * e[2] * e[2]) / 3;
      double second = W[3] * e[3] * e[3];
      assertClose((3 * first + second) / 4, logs.get("a_loss"), "a over two batches");
    }
  }

  @Test
  void classWeightsWeighEachSampleByItsClass() {
    float[][] x = {{2, 0, 0}, {0, 1, 0}, {0, 0, 3}, {1, 1, 1}, {0, 2, 0}};
    long[] sparse = {0, 1, 2, 0, 1};
    Map<Integer, Double> classWeight = Map.of(0, 1.0, 1, 2.0, 2, 0.5);
    float[] byHand = {1, 2, 0.5f, 1, 2};
    float[][] oneHot = new float[5][3];
    for (int i = 0; i < 5; i++) {
      oneHot[i][(int) sparse[i]] = 1;
    }
    for (boolean isSparse : new boolean[] {true, false}) {
      List<float[]> fitted;
      List<float[]> stepped;
      try (Model model = classifier()) {
        model.compile(new Sgd(0.5), isSparse ? Losses.sparseCategoricalCrossentropy()
            : Losses.categoricalCrossentropy());
        model.fit(x, isSparse ? sparse : oneHot, new FitOptions().batchSize(5).shuffle(false)
            .verbose(0).classWeight(classWeight));
        fitted = weights(model);
      }
      try (Model model = classifier()) {
        model.compile(new Sgd(0.5), isSparse ? Losses.sparseCategoricalCrossentropy()
            : Losses.categoricalCrossentropy());
        model.trainOnBatch(x, isSparse ? sparse : oneHot, byHand);
        stepped = weights(model);
      }
      for (int i = 0; i < fitted.size(); i++) {
        assertArrayEquals(stepped.get(i), fitted.get(i), 1e-6f,
            (isSparse ? "sparse" : "one-hot") + " weight " + i);
      }
    }
  }

  @Test
  void binaryClassWeightsRoundTheSingleColumn() {
    float[][] x = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    float[][] y = {{0}, {1}, {0.6f}}; // 0.6 rounds to class 1, as numpy's round in Keras
    List<float[]> fitted;
    List<float[]> stepped;
    try (Model model = binary()) {
      model.compile(new Sgd(0.5), Losses.binaryCrossentropy());
      model.fit(x, y, new FitOptions().batchSize(3).shuffle(false).verbose(0)
          .classWeight(Map.of(0, 1.0, 1, 3.0)));
      fitted = weights(model);
    }
    try (Model model = binary()) {
      model.compile(new Sgd(0.5), Losses.binaryCrossentropy());
      model.trainOnBatch(x, y, new float[] {1, 3, 3});
      stepped = weights(model);
    }
    for (int i = 0; i < fitted.size(); i++) {
      assertArrayEquals(stepped.get(i), fitted.get(i), 1e-6f, "weight " + i);
    }
  }

  @Test
  void aBatchSourceGivesItsWeightsWithEachBatch() {
    try (Model model = twoOutputs()) {
      model.compile(new CompileOptions("sgd").loss("mae"));
      BatchSource source = BatchSources.of(X, List.of(YA, YB), W, 3);
      Map<String, Double> logs = model.evaluate(source);
      assertClose(mean(errors(0, YA), W, false), logs.get("a_loss"), "a");
    }
  }

  @Test
  void temporalWeightsWeighEachStep() {
    // Output (samples, 2 steps, 1): the input itself; loss mse per step.
    var x = Input.of(TFloat32.class, 2, 1);
    var y = Dense.builder(1).name("same").kernel(new float[][] {{1}}).bias(new float[] {0})
        .build().apply(x);
    float[][][] xs = {{{1}, {2}}, {{3}, {-1}}};
    float[][][] ys = {{{0}, {0}}, {{1}, {1}}};
    float[][] w = {{1, 0}, {2, 3}};
    try (Model model = Model.of(x, y)) {
      model.compile(new CompileOptions("sgd").loss("mse").weightedMetrics("mae"));
      Map<String, Double> logs = model.testOnBatch(xs, ys, w);
      // Per-step squared errors 1, 4 | 4, 4; weighted 1, 0 | 8, 12; mean of four values.
      assertClose((1 + 0 + 8 + 12) / 4.0, logs.get("loss"), "per step");
      // Weighted mae: per step |e| * w = 1, 0 | 4, 6; sample means 0.5, 5; weights' sample
      // means 0.5, 2.5 (Keras's reduce_to_samplewise_values).
      assertClose((0.5 + 5) / (0.5 + 2.5), logs.get("mae"), "weighted mae per step");
    }
  }

  @Test
  void aCompileOfSeveralOutputsSavesAndLoads(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("two.lamina");
    Map<String, Double> before;
    try (Model model = twoOutputs()) {
      model.compile(new CompileOptions(new Sgd(0.1))
          .loss("a", "mse").loss("b", "mae").lossWeights(2, 0.5)
          .metricsFor("b", "mse").weightedMetrics(Metrics.rootMeanSquaredError()));
      before = model.evaluate(X, List.of(YA, YB), W, 4);
      model.save(file);
    }
    String json = new String(readModelJson(file));
    assertTrue(json.contains("\"loss_weights\""), json);
    try (Model loaded = Model.load(file)) {
      Map<String, Double> after = loaded.evaluate(X, List.of(YA, YB), W, 4);
      assertEquals(before, after);
    }
  }

  private static byte[] readModelJson(Path file) throws IOException {
    try (var zip = new java.util.zip.ZipFile(file.toFile())) {
      return zip.getInputStream(zip.getEntry("model.json")).readAllBytes();
    }
  }

  @Test
  void mistakesAreNamed() {
    try (Model model = twoOutputs()) {
      var unknown = assertThrows(IllegalArgumentException.class,
          () -> model.compile(new CompileOptions("sgd").loss("a", "mse").loss("c", "mse")));
      assertTrue(unknown.getMessage().contains("no output 'c'")
          && unknown.getMessage().contains("[a, b]"), unknown.getMessage());
      var missing = assertThrows(IllegalArgumentException.class,
          () -> model.compile(new CompileOptions("sgd").loss("a", "mse")));
      assertTrue(missing.getMessage().contains("output 'b' has no loss"), missing.getMessage());
      var metric = assertThrows(IllegalArgumentException.class,
          () -> model.compile(new CompileOptions("sgd").loss("mse").metricsFor("z", "mae")));
      assertTrue(metric.getMessage().contains("metricsFor(\"z\""), metric.getMessage());
      var count = assertThrows(IllegalArgumentException.class,
          () -> model.compile(new CompileOptions("sgd").loss("mse").lossWeights(1)));
      assertTrue(count.getMessage().contains("1 weights for 2 outputs"), count.getMessage());

      model.compile(new CompileOptions("sgd").loss("mse"));
      var both = assertThrows(IllegalArgumentException.class, () -> model.fit(X,
          List.of(YA, YB), new FitOptions().verbose(0).sampleWeight(W)
              .classWeight(Map.of(0, 2.0))));
      assertTrue(both.getMessage().contains("same time"), both.getMessage());
      var several = assertThrows(IllegalArgumentException.class, () -> model.fit(X,
          List.of(YA, YB), new FitOptions().verbose(0).classWeight(Map.of(0, 2.0))));
      assertTrue(several.getMessage().contains("single output"), several.getMessage());
      var arrays = assertThrows(IllegalArgumentException.class,
          () -> model.testOnBatch(X, List.of(YA, YB), List.of(W)));
      assertTrue(arrays.getMessage().contains("1 arrays for 2 outputs"), arrays.getMessage());
      var samples = assertThrows(IllegalArgumentException.class,
          () -> model.testOnBatch(X, List.of(YA, YB), new float[] {1, 2}));
      assertTrue(samples.getMessage().contains("one weight per sample (4)"),
          samples.getMessage());
      var perStep = assertThrows(IllegalArgumentException.class,
          () -> model.testOnBatch(X, List.of(YA, YB), new float[][] {{1, 2}, {1, 2},
              {1, 2}, {1, 2}}));
      assertTrue(perStep.getMessage().contains("one weight per sample"), perStep.getMessage());
    }
  }

  private static Model classifier() {
    var x = Input.of(TFloat32.class, 3);
    var y = Dense.builder(3).activation("softmax")
        .kernel(new float[][] {{0.1f, -0.2f, 0.3f}, {0.0f, 0.2f, -0.1f}, {-0.3f, 0.1f, 0.2f}})
        .bias(new float[] {0, 0.1f, -0.1f}).build().apply(x);
    return Model.of(x, y);
  }

  private static Model binary() {
    var x = Input.of(TFloat32.class, 3);
    var y = Dense.builder(1).activation("sigmoid")
        .kernel(new float[][] {{0.2f}, {-0.1f}, {0.3f}}).bias(new float[] {0.05f}).build()
        .apply(x);
    return Model.of(x, y);
  }

  private static List<float[]> weights(Model model) {
    return model.getWeights().stream().map(w -> {
      float[] values = new float[(int) w.shape().size()];
      w.copyTo(org.tensorflow.ndarray.NdArrays.wrap(w.shape(),
          org.tensorflow.ndarray.buffer.DataBuffers.of(values, false, false)));
      return values;
    }).toList();
  }
}
