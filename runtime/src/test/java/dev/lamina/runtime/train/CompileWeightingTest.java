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
      Map<String, Double> targetsByName = model.testOnBatch(X, Map.of("b", YB, "a", YA),
          Map.of("b", other, "a", W));
      assertEquals(byList, targetsByName, "y by output name, as Keras's dict");
      Map<String, Double> shared = model.testOnBatch(X, List.of(YA, YB), W);
      assertClose(mean(errors(1, YB), W, true), shared.get("b_loss"), "one array weighs both");
      Map<String, Double> none = model.evaluate(X, List.of(YA, YB), null, 4);
      assertClose(mean(errors(0, YA), null, true), none.get("a_loss"), "no weights");
    }
  }

  /** A batch's loss of one output: the mean of w e^2 over rows [from, to). */
  private static double batchLoss(double[] e, float[] w, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += w[i] * e[i] * e[i];
    }
    return sum / (to - from);
  }

  @Test
  void evaluateWeighsEveryBatchAndKeepsKerassBatchMeans() {
    try (Model model = twoOutputs()) {
      model.compile(new CompileOptions("sgd").loss("mse"));
      // Batches of 3 and 1: Keras's loss tracker weighs each batch's loss by its size, but each
      // output's tracker takes every batch once (keras_weighting_fixtures.py's notes).
      Map<String, Double> logs = model.evaluate(X, List.of(YA, YB), W, 3);
      double[] a = errors(0, YA);
      double[] b = errors(1, YB);
      double firstA = batchLoss(a, W, 0, 3);
      double secondA = batchLoss(a, W, 3, 4);
      double firstB = batchLoss(b, W, 0, 3);
      double secondB = batchLoss(b, W, 3, 4);
      assertClose((firstA + secondA) / 2, logs.get("a_loss"), "a over two batches, each once");
      assertClose((firstB + secondB) / 2, logs.get("b_loss"), "b over two batches, each once");
      assertClose((3 * (firstA + firstB) + (secondA + secondB)) / 4, logs.get("loss"),
          "loss over two batches, each by its size");
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
      // Batches of 3 and 1, each output's loss the mean of the two batches' (as Keras).
      double[] e = errors(0, YA);
      double first = (W[0] * Math.abs(e[0]) + W[1] * Math.abs(e[1]) + W[2] * Math.abs(e[2])) / 3;
      double second = W[3] * Math.abs(e[3]);
      assertClose((first + second) / 2, logs.get("a_loss"), "a");
    }
  }

  @Test
  void aCsvColumnCanHoldTheSampleWeights(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("weighted.csv");
    java.nio.file.Files.writeString(file, "f,y,w\n1,0,2\n3,1,0.5\n0,1,1\n");
    var x = Input.of(TFloat32.class, 1);
    var y = Dense.builder(1).kernel(new float[][] {{1}}).bias(new float[] {0}).build().apply(x);
    try (Model model = Model.of(x, y);
        var source = dev.lamina.runtime.data.CsvSource.builder(file)
            .columns(dev.lamina.runtime.data.CsvSource.Type.FLOAT, "f", "y", "w")
            .features("f").target("y").sampleWeight("w").batchSize(3).build()) {
      model.compile(new CompileOptions("sgd").loss("mse"));
      // Errors 1, 2, -1 weighed 2, 0.5, 1: (2 + 2 + 1) / 3.
      assertClose(5.0 / 3, model.evaluate(source).get("loss"), "weighted by the w column");
    }
    var noTarget = assertThrows(IllegalArgumentException.class,
        () -> dev.lamina.runtime.data.CsvSource.builder(file)
            .columns(dev.lamina.runtime.data.CsvSource.Type.FLOAT, "f", "y", "w")
            .features("f").sampleWeight("w").build());
    assertTrue(noTarget.getMessage().contains("need targets"), noTarget.getMessage());
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

  /**
   * An output with a mask (Embedding(mask_zero) then Dense on each step): Keras 3 leaves the
   * masked steps out of the loss and the mean metrics, not out of RootMeanSquaredError. The
   * expected values are what Keras 3.15 printed for this model (ones for the embeddings and
   * kernel, so every prediction is 2):
   * {@code {'loss': 2.0, 'mae': 1.3333334, 'root_mean_squared_error': 1.8257419,
   * 'weighted_mae': 1.3333334}}, and with the sample weights below {@code 'loss': 4.0,
   * 'weighted_mae': 1.3333333}.
   */
  @Test
  void anOutputsMaskWeighsItsLossAndMeanMetricsAsKeras() {
    var tokens = Input.of(org.tensorflow.types.TInt32.class, 3);
    var embedded = dev.lamina.runtime.layers.core.Embedding.builder(4, 2).maskZero(true)
        .embeddings(new float[] {1, 1, 1, 1, 1, 1, 1, 1}).build().apply(tokens);
    var y = Dense.builder(1).kernel(new float[][] {{1}, {1}}).bias(new float[] {0}).build()
        .apply(embedded);
    int[][] x = {{1, 2, 0}, {3, 0, 0}};
    float[][][] targets = {{{1}, {0}, {5}}, {{1}, {3}, {0}}};
    float[][] weights = {{1, 2, 1}, {3, 1, 0.5f}};
    try (Model model = Model.of(tokens, y)) {
      model.compile(new CompileOptions("sgd").loss("mse")
          .metrics("mae").metrics(Metrics.rootMeanSquaredError())
          .weightedMetrics("mae"));
      Map<String, Double> plain = model.evaluate(x, targets, null, 2);
      assertClose(2.0, plain.get("loss"), "loss over the 3 valid steps");
      assertClose(1.3333334, plain.get("mae"), "mae over the valid steps");
      assertClose(1.8257419, plain.get("root_mean_squared_error"), "rmse over every step");
      assertClose(1.3333334, plain.get("weighted_mae"), "weighted, no weights");
      Map<String, Double> weighted = model.evaluate(x, targets, weights, 2);
      assertClose(4.0, weighted.get("loss"), "weighted loss over the valid steps");
      assertClose(1.3333333, weighted.get("weighted_mae"), "weighted mae");
    }
  }

  /**
   * Keras's {@code loss={"a": "mse", "b": None}}: b is not trained and takes no targets; y is
   * a's alone, or given for both (b's ignored); a's loss alone is logged as {@code loss}.
   */
  @Test
  void anOutputWithoutALossTakesNoTargetsAndIsNotTrained(@TempDir Path dir) throws IOException {
    try (Model model = twoOutputs()) {
      model.compile(new CompileOptions(new Sgd(0.1)).loss("a", "mse").noLoss("b")
          .metricsFor("a", "mae"));
      Map<String, Double> alone = model.testOnBatch(X, YA);
      assertEquals(List.of("loss", "a_mae"), List.copyOf(alone.keySet()));
      assertClose(mean(errors(0, YA), null, true), alone.get("loss"), "a's loss alone");
      assertEquals(alone, model.testOnBatch(X, List.of(YA, YB)), "y for both outputs");
      assertEquals(alone, model.testOnBatch(X, Map.of("a", YA, "b", YB)), "y by name");
      model.trainOnBatch(X, YA);
      assertArrayEquals(new float[] {0, 1}, kernel(model, "b"), "b has no loss: it stays");
      assertTrue(kernel(model, "a")[0] != 1, "a's kernel trains");
      Path file = dir.resolve("partial.lamina");
      model.save(file);
      try (Model loaded = Model.load(file)) {
        assertEquals(model.testOnBatch(X, YA), loaded.testOnBatch(X, YA));
      }
      var metric = assertThrows(IllegalArgumentException.class, () -> model.compile(
          new CompileOptions("sgd").loss("a", "mse").noLoss("b").metricsFor("b", "mae")));
      assertTrue(metric.getMessage().contains("output 'b' has no loss"), metric.getMessage());
      var none = assertThrows(IllegalArgumentException.class, () -> model.compile(
          new CompileOptions("sgd").losses(null, null)));
      assertTrue(none.getMessage().contains("at least one"), none.getMessage());
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
    String json = new String(readModelJson(file)).replaceAll("\\s", "");
    assertTrue(json.contains("\"loss_weights\""), json);
    // A version-1 reader would drop the loss weights: the file says version 2.
    assertTrue(json.contains("\"version\":2"), json);
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
      var unknownTarget = assertThrows(IllegalArgumentException.class,
          () -> model.testOnBatch(X, Map.of("a", YA, "c", YB)));
      assertTrue(unknownTarget.getMessage().contains("output 'c'")
          && unknownTarget.getMessage().contains("[a, b]"), unknownTarget.getMessage());
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

  private static float[] kernel(Model model, String layer) {
    var kernel = model.getLayer(layer).getWeights().get(0);
    return new float[] {kernel.getFloat(0, 0), kernel.getFloat(1, 0)};
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
