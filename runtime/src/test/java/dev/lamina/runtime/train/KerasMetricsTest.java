package dev.lamina.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Keras 3's metrics against {@code metrics.json} ({@code tools/keras_metric_fixtures.py}): each
 * metric's result on fixed targets and predictions, in one update and accumulated batch by batch
 * ({@code update_state} per batch, then {@code result()}); and {@code fit}/{@code evaluate} logs
 * of a one-Dense model over two epochs of three batches with those metrics, all to 1e-5.
 */
class KerasMetricsTest {

  private static final String FIXTURE = "metrics.json";

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("cases").objects()) {
      out.add(Arguments.of(c.requireString("label"), c));
    }
    return out.stream();
  }

  static Stream<Arguments> fits() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("fits").objects()) {
      out.add(Arguments.of(c.requireString("label"), c));
    }
    return out.stream();
  }

  private static void assertClose(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
  }

  /** The metric's statistics of rows [from, to), run in a graph of their own. */
  private static double[] statistics(Metric metric, JsonObject data, boolean sparse, int from,
      int to) throws IOException {
    JsonObject yJson = data.requireObject("y_true");
    JsonObject pJson = data.requireObject("y_pred");
    long[] yShape = yJson.requireArray("shape").longs();
    long[] pShape = pJson.requireArray("shape").longs();
    float[] y = yJson.requireArray("values").floats();
    float[] p = pJson.requireArray("values").floats();
    int yRow = (int) (y.length / yShape[0]);
    int pRow = (int) (p.length / pShape[0]);
    yShape[0] = to - from;
    pShape[0] = to - from;
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      float[] ys = Arrays.copyOfRange(y, from * yRow, to * yRow);
      Operand<? extends TType> yTrue;
      if (sparse) {
        long[] labels = new long[ys.length];
        for (int i = 0; i < ys.length; i++) {
          labels[i] = (long) ys[i];
        }
        yTrue = tf.constant(Shape.of(to - from), DataBuffers.of(labels, true, false));
      } else {
        yTrue = tf.constant(Shape.of(yShape), DataBuffers.of(ys, true, false));
      }
      Operand<TFloat32> yPred = tf.constant(Shape.of(pShape),
          DataBuffers.of(Arrays.copyOfRange(p, from * pRow, to * pRow), true, false));
      Operand<TFloat32> stats = metric.statistics(tf, yTrue, yPred);
      try (TFloat32 value = (TFloat32) session.runner().fetch(stats).run().get(0)) {
        double[] out = new double[(int) value.shape().size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = value.getFloat(i);
        }
        return out;
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String label, JsonObject c) throws IOException {
    JsonObject fixture = KerasLayerFixtures.fixture(FIXTURE);
    String dataName = c.requireString("data");
    JsonObject data = fixture.requireObject("data").requireObject(dataName);
    boolean sparse = dataName.startsWith("sparse");
    Metric metric = Metrics.fromConfig(c.requireString("class_name"), c.requireObject("config"));
    int samples = (int) data.requireObject("y_true").requireArray("shape").longs()[0];

    double[] all = statistics(metric, data, sparse, 0, samples);
    assertClose(c.requireDouble("value"), metric.result(all), label + ": one update");

    double[] totals = null;
    int from = 0;
    for (int size : c.requireArray("batches").ints()) {
      double[] batch = statistics(metric, data, sparse, from, from + size);
      if (totals == null) {
        totals = new double[batch.length];
      }
      for (int i = 0; i < batch.length; i++) {
        totals[i] += batch[i];
      }
      from += size;
    }
    assertClose(c.requireDouble("accumulated"), metric.result(totals),
        label + ": accumulated over batches");
  }

  /** The fixture's AUC is a confusion matrix of the whole data, not a mean of batch AUCs. */
  @Test
  void fixtureTellsAccumulatedFromBatchMeans() throws IOException {
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("cases").objects()) {
      if (c.requireString("class_name").equals("AUC")
          || c.requireString("class_name").equals("R2Score")) {
        assertNotEquals(c.requireDouble("accumulated"), c.requireDouble("batch_mean"), 1e-3,
            c.requireString("label"));
      }
    }
  }

  private static Metric compiled(Object entry, Loss loss, long units) throws IOException {
    if (entry instanceof String name) {
      return Metrics.get(name, loss, units);
    }
    JsonObject object = (JsonObject) entry;
    return Metrics.fromConfig(object.requireString("class_name"),
        object.requireObject("config"));
  }

  private static Model model(JsonObject c) throws IOException {
    int units = c.requireInt("units");
    float[] kernel = c.requireArray("kernel").floats();
    float[][] k = new float[4][units];
    for (int r = 0; r < 4; r++) {
      System.arraycopy(kernel, r * units, k[r], 0, units);
    }
    var x = Input.of(TFloat32.class, 4);
    Dense.Builder dense = Dense.builder(units).kernel(k).bias(c.requireArray("bias").floats());
    if (!c.isNull("activation")) {
      dense = dense.activation(c.requireString("activation"));
    }
    return Model.of(x, dense.build().apply(x));
  }

  private static float[][] x(JsonObject c) throws IOException {
    float[] flat = c.requireArray("x").floats();
    float[][] x = new float[flat.length / 4][4];
    for (int r = 0; r < x.length; r++) {
      System.arraycopy(flat, r * 4, x[r], 0, 4);
    }
    return x;
  }

  private static Object y(JsonObject c, int samples) throws IOException {
    if (c.requireString("loss").startsWith("sparse")) {
      return c.requireArray("y").longs();
    }
    float[] flat = c.requireArray("y").floats();
    int cols = flat.length / samples;
    float[][] y = new float[samples][cols];
    for (int r = 0; r < samples; r++) {
      System.arraycopy(flat, r * cols, y[r], 0, cols);
    }
    return y;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fits")
  void fitAndEvaluateLogsMatchKeras(String label, JsonObject c) throws IOException {
    Loss loss = Losses.get(c.requireString("loss"));
    List<Metric> metrics = new ArrayList<>();
    for (Object entry : c.requireArray("metrics")) {
      metrics.add(compiled(entry, loss, c.requireInt("units")));
    }
    float[][] x = x(c);
    Object y = y(c, x.length);
    try (Model model = model(c)) {
      model.compile(new Sgd(0.1), loss, metrics);
      History history = model.fit(x, y, new FitOptions().batchSize(c.requireInt("batch_size"))
          .epochs(c.requireInt("epochs")).shuffle(false).verbose(0));
      JsonObject expected = c.requireObject("history");
      assertEquals(expected.keySet(), history.history().keySet(), label);
      for (String name : expected.keySet()) {
        double[] want = expected.requireArray(name).stream()
            .mapToDouble(v -> ((Number) v).doubleValue()).toArray();
        List<Double> got = history.get(name);
        for (int e = 0; e < want.length; e++) {
          assertClose(want[e], got.get(e), label + " fit " + name + " epoch " + e);
        }
      }
      Map<String, Double> evaluated = model.evaluate(x, y, c.requireInt("batch_size"));
      JsonObject want = c.requireObject("evaluate");
      assertEquals(want.keySet(), evaluated.keySet(), label);
      for (String name : want.keySet()) {
        assertClose(want.requireDouble(name), evaluated.get(name), label + " evaluate " + name);
      }
    }
  }

  /** Over a batch source (Keras's PyDataset), the same batches give Keras's epoch metrics. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fits")
  void fitOverASourceMatchesKeras(String label, JsonObject c) throws IOException {
    Loss loss = Losses.get(c.requireString("loss"));
    List<Metric> metrics = new ArrayList<>();
    for (Object entry : c.requireArray("metrics")) {
      metrics.add(compiled(entry, loss, c.requireInt("units")));
    }
    float[][] x = x(c);
    Object y = y(c, x.length);
    try (Model model = model(c)) {
      model.compile(new Sgd(0.1), loss, metrics);
      var source = dev.lamina.runtime.data.BatchSources.of(x, y, c.requireInt("batch_size"));
      History history = model.fit(source, new FitOptions().epochs(c.requireInt("epochs"))
          .shuffle(false).verbose(0));
      JsonObject expected = c.requireObject("history");
      for (String name : expected.keySet()) {
        List<Object> want = expected.requireArray(name);
        for (int e = 0; e < want.size(); e++) {
          assertClose(((Number) want.get(e)).doubleValue(), history.get(name).get(e),
              label + " fit over a source " + name + " epoch " + e);
        }
      }
      Map<String, Double> evaluated = model.evaluate(source);
      for (String name : c.requireObject("evaluate").keySet()) {
        assertClose(c.requireObject("evaluate").requireDouble(name), evaluated.get(name),
            label + " evaluate over a source " + name);
      }
    }
  }

  /** A model file keeps metric objects as Keras's class name and config, and names as given. */
  @Test
  void modelFilesKeepMetricConfigs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws IOException {
    JsonObject c = KerasLayerFixtures.fixture(FIXTURE).requireArray("fits").objects().get(0);
    float[][] x = x(c);
    Object y = y(c, x.length);
    List<Metric> metrics = List.of(Metrics.auc().curve("PR").numThresholds(50).name("pr_auc"),
        Metrics.precision(0.3), Metrics.recall().name("r"), Metrics.get("auc",
            Losses.binaryCrossentropy(), 1), Metrics.rootMeanSquaredError());
    for (boolean byName : new boolean[] {false, true}) {
      try (Model model = model(c)) {
        if (byName) {
          model.compile(new Sgd(0.1), Losses.binaryCrossentropy(), new String[] {"AUC",
              "precision", "r2_score", "mape", "top_k_categorical_accuracy"});
        } else {
          model.compile(new Sgd(0.1), Losses.binaryCrossentropy(), metrics);
        }
        model.fit(x, y, new FitOptions().batchSize(8).epochs(1).shuffle(false).verbose(0));
        java.nio.file.Path file = dir.resolve("m" + byName + ".lamina");
        model.save(file);
        Map<String, Double> before = model.evaluate(x, y, 8);
        try (Model loaded = Model.load(file)) {
          Map<String, Double> after = loaded.evaluate(x, y, 8);
          assertEquals(before.keySet(), after.keySet());
          for (String name : before.keySet()) {
            assertClose(before.get(name), after.get(name), name + " after loading");
          }
          if (!byName) {
            assertEquals(List.of("loss", "pr_auc", "precision", "r", "auc",
                "root_mean_squared_error"), List.copyOf(after.keySet()));
          }
        }
      }
    }
  }

  /** Auto mode follows a metric's Keras direction whatever its name, as Keras 3's callbacks. */
  @Test
  void callbacksFollowTheMetricsDirection() throws IOException {
    JsonObject c = KerasLayerFixtures.fixture(FIXTURE).requireArray("fits").objects().get(0);
    float[][] x = x(c);
    Object y = y(c, x.length);
    List<Map<String, String>> seen = new ArrayList<>();
    Callback capture = new Callback() {
      @Override
      public void onTrainBegin(Training training) {
        seen.add(training.metricDirections());
      }
    };
    try (Model model = model(c)) {
      model.compile(new Sgd(0.1), Losses.binaryCrossentropy(), List.of(
          Metrics.auc().curve("PR").name("pr_auc"), Metrics.rootMeanSquaredError(),
          Metrics.renamed("err", Metrics.meanAbsolutePercentageError())));
      model.fit(x, y, new FitOptions().batchSize(8).epochs(2).shuffle(false).verbose(0)
          .callbacks(capture, new EarlyStopping("pr_auc", 0, 5, false),
              new EarlyStopping("err", 0, 5, false)));
    }
    assertEquals(Map.of("pr_auc", "up", "root_mean_squared_error", "down", "err", "down"),
        seen.get(0));
  }

  /**
   * A metric of the user's keeps state the same way: its statistics (here the squared errors'
   * sum and the count) are summed over the epoch and its result taken from the totals, giving
   * Keras's root_mean_squared_error of the regression fit.
   */
  @Test
  void usersStatefulMetricAccumulatesOverTheEpoch() throws IOException {
    JsonObject c = null;
    for (JsonObject fit : KerasLayerFixtures.fixture(FIXTURE).requireArray("fits").objects()) {
      if (fit.requireString("label").equals("regression")) {
        c = fit;
      }
    }
    Metric mine = new Metric() {
      @Override
      public String name() {
        return "my_rmse";
      }

      @Override
      public Operand<TFloat32> statistics(Ops tf, Operand<? extends TType> yTrue,
          Operand<TFloat32> yPred) {
        @SuppressWarnings("unchecked")
        Operand<TFloat32> y = (Operand<TFloat32>) yTrue;
        Operand<TFloat32> perSample = tf.math.mean(tf.math.square(tf.math.sub(y, yPred)),
            tf.constant(-1));
        return tf.stack(List.of(tf.reduceSum(perSample, tf.constant(0)),
            tf.dtypes.cast(tf.size(perSample), TFloat32.class)));
      }

      @Override
      public double result(double[] totals) {
        return Math.sqrt(totals[0] / totals[1]);
      }
    };
    float[][] x = x(c);
    Object y = y(c, x.length);
    try (Model model = model(c)) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError(), List.of(mine));
      History history = model.fit(x, y, new FitOptions().batchSize(8).epochs(2)
          .shuffle(false).verbose(0));
      List<Object> want = c.requireObject("history").requireArray("root_mean_squared_error");
      for (int e = 0; e < want.size(); e++) {
        assertClose(((Number) want.get(e)).doubleValue(), history.get("my_rmse").get(e),
            "epoch " + e);
      }
      assertClose(c.requireObject("evaluate").requireDouble("root_mean_squared_error"),
          model.evaluate(x, y, 8).get("my_rmse"), "evaluate");
    }
  }

  @Test
  void namesResolveAsKeras() {
    Loss loss = Losses.binaryCrossentropy();
    for (String name : List.of("auc", "AUC", "precision", "Precision", "recall", "Recall",
        "root_mean_squared_error", "RootMeanSquaredError", "mape", "MAPE",
        "mean_absolute_percentage_error", "top_k_categorical_accuracy",
        "TopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy", "binary_crossentropy",
        "bce", "categorical_crossentropy", "sparse_categorical_crossentropy", "r2_score",
        "R2Score")) {
      assertEquals(name, Metrics.get(name, loss, 1).name(), "Keras logs the name as given");
    }
    // Keras's lookup is exact: "Auc" is no key of its dictionary.
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Metrics.get("Auc", loss, 1))
        .getMessage().contains("(Keras's names are case-sensitive: 'auc')"));
    // "rmse" is not one either, but a new user asked for it: Lamina's alias of
    // root_mean_squared_error, logged as given.
    assertEquals("rmse", Metrics.get("rmse", loss, 1).name());
    var x = Input.of(TFloat32.class, 1);
    try (Model model = Model.of(x, Dense.builder(1).kernel(new float[][] {{1}})
        .bias(new float[] {0}).build().apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError(), "rmse");
      // Errors 3 and 4: mean squared error 12.5, its root 3.5355.
      Map<String, Double> logs = model.evaluate(new float[][] {{1}, {2}}, new float[][] {{4}, {6}});
      assertEquals(Math.sqrt(12.5), logs.get("rmse"), 1e-5);
    }
  }

  @Test
  void objectsCarryKerasArguments() {
    Metrics.Auc auc = Metrics.auc().curve("PR").numThresholds(100);
    assertEquals("AUC", auc.className());
    assertEquals(Map.of("name", "auc", "num_thresholds", 100, "curve", "PR",
        "summation_method", "interpolation", "multi_label", false, "from_logits", false),
        auc.config());
    assertEquals(100, auc.thresholds().length);
    assertEquals(-1e-7f, auc.thresholds()[0]);
    assertEquals(1f / 99, auc.thresholds()[1]);
    assertEquals(0.3, Metrics.precision(0.3).config().get("thresholds"));
    Metric back = Metrics.fromConfig("AUC", auc.config());
    assertEquals(auc.config(), back.config());
    assertThrows(IllegalArgumentException.class, () -> Metrics.auc().curve("PRGAIN"));
    assertThrows(IllegalArgumentException.class, () -> Metrics.auc().numThresholds(1));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.fromConfig("AUC", Map.of("label_weights", List.of(1, 2))));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.fromConfig("Precision", Map.of("thresholds", List.of(0.2, 0.5))));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.fromConfig("Recall", Map.of("unknown", 1)));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.fromConfig("Recall", Map.of("thresholds", "high")));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.fromConfig("Recall", Map.of("thresholds", List.of("high"))));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.fromConfig("AUC", Map.of("curve", 3)));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.fromConfig("TopKCategoricalAccuracy", Map.of("k", 1.5)));
    assertTrue(Metrics.r2Score().config().containsKey("num_regressors"));
  }
}
