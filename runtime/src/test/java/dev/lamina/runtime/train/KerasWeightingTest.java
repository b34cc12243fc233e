package dev.lamina.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.data.BatchSource;
import dev.lamina.runtime.data.BatchSources;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3's weighting in compile and fit against {@code weighting.json}
 * ({@code tools/keras_weighting_fixtures.py}): per-output losses with {@code loss_weights},
 * per-output and weighted metrics, {@code sample_weight} (one array for every output, one per
 * output as a list or by name, temporal, on validation data) and {@code class_weight}, from
 * arrays and from batch sources; fit histories, weights after training, evaluate, test_on_batch
 * and train_on_batch logs, all to 1e-5 relative, with Keras's exact log keys.
 * The numbers are Keras's only; the fixture's notes say how Keras arrives at them (among them:
 * the per-output loss logs of an epoch are the plain mean of the batches' values, not weighted
 * by batch size as {@code loss} is).
 */
class KerasWeightingTest {

  private static final String FIXTURE = "weighting.json";

  private static JsonObject fixture() throws IOException {
    return KerasLayerFixtures.fixture(FIXTURE);
  }

  private static void assertClose(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
  }

  // ---- reading the fixture ----------------------------------------------------------------

  private static int[] shape(JsonObject array) throws IOException {
    return array.requireArray("shape").ints();
  }

  /** A float array of the fixture as float[], float[][] or float[][][] by its rank. */
  private static Object floats(JsonObject array) throws IOException {
    return floats(array, 0, shape(array)[0]);
  }

  /** Rows [from, to) of a float array of the fixture, as {@link #floats(JsonObject)}. */
  private static Object floats(JsonObject array, int from, int to) throws IOException {
    int[] shape = shape(array);
    float[] values = array.requireArray("values").floats();
    int row = values.length / shape[0];
    switch (shape.length) {
      case 1: {
        float[] out = new float[to - from];
        System.arraycopy(values, from, out, 0, to - from);
        return out;
      }
      case 2: {
        float[][] out = new float[to - from][shape[1]];
        for (int r = from; r < to; r++) {
          System.arraycopy(values, r * row, out[r - from], 0, row);
        }
        return out;
      }
      case 3: {
        float[][][] out = new float[to - from][shape[1]][shape[2]];
        for (int r = from; r < to; r++) {
          for (int i = 0; i < shape[1]; i++) {
            System.arraycopy(values, r * row + i * shape[2], out[r - from][i], 0, shape[2]);
          }
        }
        return out;
      }
      default:
        throw new IllegalArgumentException("rank " + shape.length);
    }
  }

  /** Integer class ids (sparse targets) as long[], rows [from, to). */
  private static long[] labels(JsonObject array, int from, int to) throws IOException {
    long[] all = array.requireArray("values").longs();
    long[] out = new long[to - from];
    System.arraycopy(all, from, out, 0, to - from);
    return out;
  }

  private static FloatNdArray ndarray(JsonObject array) throws IOException {
    long[] dims = array.requireArray("shape").longs();
    return NdArrays.wrap(Shape.of(dims), DataBuffers.of(array.requireArray("values").floats(),
        false, false));
  }

  private static int samples(JsonObject array) throws IOException {
    return shape(array)[0];
  }

  // ---- models ---------------------------------------------------------------------------------

  /** Input(4) -> Dense(3, tanh, "hidden") -> [Dense(1, "price"), Dense(3, softmax, "kind")]. */
  private static Model twoOutputModel(JsonObject mo) throws IOException {
    var x = Input.of(TFloat32.class, 4);
    Map<String, SymbolicTensor<?>> out = new LinkedHashMap<>();
    SymbolicTensor<TFloat32> hidden = null;
    for (JsonObject layer : mo.requireArray("layers").objects()) {
      Dense.Builder dense = Dense.builder(layer.requireInt("units"))
          .name(layer.requireString("name"));
      if (!layer.isNull("activation")) {
        dense = dense.activation(layer.requireString("activation"));
      }
      if (hidden == null) {
        hidden = dense.build().apply(x);
      } else {
        out.put(layer.requireString("name"), dense.build().apply(hidden));
      }
    }
    List<SymbolicTensor<?>> outputs = new ArrayList<>();
    for (String name : mo.requireArray("output_names").strings()) {
      outputs.add(out.get(name));
    }
    Model model = Model.of(List.of(x), outputs);
    JsonObject initial = mo.requireObject("initial_weights");
    for (String layer : initial.keySet()) {
      List<FloatNdArray> values = new ArrayList<>();
      for (JsonObject w : initial.requireArray(layer).objects()) {
        values.add(ndarray(w));
      }
      model.getLayer(layer).setWeights(values);
    }
    return model;
  }

  /** Keras's compile arguments of the two-output model, through CompileOptions. */
  private static CompileOptions twoOutputCompile(JsonObject mo) throws IOException {
    CompileOptions options = new CompileOptions(new Sgd(0.1));
    JsonObject loss = mo.requireObject("loss");
    for (String output : loss.keySet()) {
      options = options.loss(output, loss.requireString(output));
    }
    JsonObject weights = mo.requireObject("loss_weights");
    for (String output : weights.keySet()) {
      options = options.lossWeight(output, weights.requireDouble(output));
    }
    JsonObject metrics = mo.requireObject("metrics");
    for (String output : metrics.keySet()) {
      options = options.metricsFor(output,
          metrics.requireArray(output).strings().toArray(String[]::new));
    }
    JsonObject weighted = mo.requireObject("weighted_metrics");
    for (String output : weighted.keySet()) {
      options = options.weightedMetricsFor(output,
          weighted.requireArray(output).strings().toArray(String[]::new));
    }
    return options;
  }

  /** Input(shape) -> Dense(units, activation, "dense") with the fixture's kernel and bias. */
  private static Model denseModel(JsonObject c, String activation, long... inputShape)
      throws IOException {
    var x = Input.of(TFloat32.class, inputShape);
    Dense.Builder dense = Dense.builder(shape(c.requireObject("bias"))[0]).name("dense");
    if (activation != null) {
      dense = dense.activation(activation);
    }
    Model model = Model.of(x, dense.build().apply(x));
    model.getLayer("dense").setWeights(List.of(ndarray(c.requireObject("kernel")),
        ndarray(c.requireObject("bias"))));
    return model;
  }

  private static String activation(JsonObject c) throws IOException {
    return c.isNull("activation") ? null : c.requireString("activation");
  }

  // ---- comparing --------------------------------------------------------------------------------

  private static void assertLogs(JsonObject expected, Map<String, Double> got, String what)
      throws IOException {
    assertEquals(expected.keySet(), got.keySet(), what + ": Keras's log keys");
    List<String> wrong = new ArrayList<>();
    for (String key : expected.keySet()) {
      check(wrong, expected.requireDouble(key), got.get(key), what + " " + key);
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  /** Notes a value off by more than 1e-5 relative: a failure then lists every wrong key. */
  private static void check(List<String> wrong, double expected, double actual, String what) {
    if (!(Math.abs(expected - actual) <= 1e-5 * Math.max(1, Math.abs(expected)))) {
      wrong.add(what + ": Keras " + expected + ", Lamina " + actual);
    }
  }

  private static void assertHistory(JsonObject expected, History history, String what)
      throws IOException {
    assertEquals(expected.keySet(), history.history().keySet(), what + ": Keras's log keys");
    List<String> wrong = new ArrayList<>();
    for (String key : expected.keySet()) {
      double[] want = expected.requireArray(key).doubles();
      List<Double> got = history.get(key);
      assertEquals(want.length, got.size(), what + " " + key + ": epochs");
      for (int e = 0; e < want.length; e++) {
        check(wrong, want[e], got.get(e), what + " " + key + " epoch " + e);
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  /** The model's weights, by layer name, in each layer's order. */
  private static Map<String, List<float[]>> weightsByLayer(Model model) {
    List<FloatNdArray> values = model.getWeights();
    List<Weight> weights = model.weights();
    Map<String, List<float[]>> out = new LinkedHashMap<>();
    for (int i = 0; i < weights.size(); i++) {
      FloatNdArray value = values.get(i);
      float[] flat = new float[Math.toIntExact(value.size())];
      value.copyTo(DataBuffers.of(flat, false, false));
      out.computeIfAbsent(weights.get(i).layer().explicitName().orElseThrow(),
          k -> new ArrayList<>()).add(flat);
    }
    return out;
  }

  private static void assertWeights(String layer, JsonArray expected, List<float[]> got,
      String what) throws IOException {
    List<JsonObject> want = expected.objects();
    assertEquals(want.size(), got.size(), what + " " + layer + ": weight count");
    for (int w = 0; w < want.size(); w++) {
      double[] values = want.get(w).requireArray("values").doubles();
      assertEquals(values.length, got.get(w).length, what + " " + layer + " weight " + w);
      for (int i = 0; i < values.length; i++) {
        assertClose(values[i], got.get(w)[i], what + " " + layer + " weight " + w + "[" + i
            + "]");
      }
    }
  }

  private static void assertWeights(JsonObject expected, Model model, String what)
      throws IOException {
    Map<String, List<float[]>> got = weightsByLayer(model);
    for (String layer : expected.keySet()) {
      assertWeights(layer, expected.requireArray(layer), got.get(layer), what);
    }
  }

  // ---- scenario 1: two outputs ------------------------------------------------------------------

  /** How a case's sample weights are given: "list" (output order) or "map" (output names). */
  static Stream<Arguments> twoOutputCases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : fixture().requireObject("multi_output").requireArray("cases")
        .objects()) {
      boolean perOutput = "per_output".equals(c.isNull("sample_weight") ? null
          : c.requireString("sample_weight"));
      out.add(Arguments.of(c.requireString("label") + (perOutput ? " (list)" : ""), "list", c));
      if (perOutput) {
        out.add(Arguments.of(c.requireString("label") + " (map)", "map", c));
      }
    }
    return out.stream();
  }

  /** The targets of rows [from, to) in output order: price (n, 1) floats, kind class ids. */
  private static List<Object> twoOutputTargets(JsonObject mo, int from, int to)
      throws IOException {
    JsonObject y = mo.requireObject("y");
    return List.of(floats(y.requireObject("price"), from, to),
        labels(y.requireObject("kind"), from, to));
  }

  private static Object twoOutputSampleWeight(JsonObject mo, JsonObject c, String form, int from,
      int to) throws IOException {
    if (c.isNull("sample_weight")) {
      return null;
    }
    JsonObject sw = mo.requireObject("sample_weight");
    if (c.requireString("sample_weight").equals("both")) {
      return floats(sw.requireObject("both"), from, to);
    }
    if (c.requireString("sample_weight").equals("both_column")) {
      float[] both = (float[]) floats(sw.requireObject("both"), from, to);
      float[][] column = new float[both.length][1];
      for (int i = 0; i < both.length; i++) {
        column[i][0] = both[i];
      }
      return column;
    }
    Object price = floats(sw.requireObject("price"), from, to);
    Object kind = floats(sw.requireObject("kind"), from, to);
    if (form.equals("map")) {
      Map<String, Object> byName = new LinkedHashMap<>();
      byName.put("kind", kind);
      byName.put("price", price);
      return byName;
    }
    return List.of(price, kind);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("twoOutputCases")
  void twoOutputsWeighAsKeras(String label, String form, JsonObject c) throws IOException {
    JsonObject mo = fixture().requireObject("multi_output");
    JsonObject xJson = mo.requireObject("x");
    int n = samples(xJson);
    try (Model model = twoOutputModel(mo)) {
      model.compile(twoOutputCompile(mo));
      switch (c.requireString("op")) {
        case "fit": {
          FitOptions options = new FitOptions().batchSize(c.requireInt("batch_size"))
              .epochs(c.requireInt("epochs")).shuffle(false).verbose(0);
          Object sw = twoOutputSampleWeight(mo, c, form, 0, n);
          if (sw != null) {
            options = options.sampleWeight(sw);
          }
          if (c.containsKey("validation")) {
            JsonObject weights = mo.requireObject("sample_weight");
            Object price = floats(weights.requireObject("validation_price"));
            Object kind = floats(weights.requireObject("validation_kind"));
            options = options.validationData(floats(xJson), twoOutputTargets(mo, 0, n),
                form.equals("map") ? Map.of("price", price, "kind", kind)
                    : List.of(price, kind));
          }
          History history = model.fit(floats(xJson), twoOutputTargets(mo, 0, n), options);
          assertHistory(c.requireObject("history"), history, label);
          assertWeights(c.requireObject("weights"), model, label + " weights after fit");
          break;
        }
        case "fit_source": {
          // Keras's PyDataset of the same batches, each (x, y, sample_weight).
          BatchSource source = BatchSources.of(floats(xJson), twoOutputTargets(mo, 0, n),
              twoOutputSampleWeight(mo, c, form, 0, n), c.requireInt("batch_size"));
          History history = model.fit(source, new FitOptions().epochs(c.requireInt("epochs"))
              .shuffle(false).verbose(0));
          assertHistory(c.requireObject("history"), history, label);
          assertWeights(c.requireObject("weights"), model, label + " weights after fit");
          break;
        }
        case "test_on_batch": {
          Map<String, Double> logs = model.testOnBatch(floats(xJson), twoOutputTargets(mo, 0, n),
              twoOutputSampleWeight(mo, c, form, 0, n));
          assertLogs(c.requireObject("logs"), logs, label);
          break;
        }
        case "evaluate": {
          Map<String, Double> logs = model.evaluate(floats(xJson), twoOutputTargets(mo, 0, n),
              twoOutputSampleWeight(mo, c, form, 0, n), c.requireInt("batch_size"));
          assertLogs(c.requireObject("logs"), logs, label);
          break;
        }
        case "train_on_batch": {
          for (JsonObject step : c.requireArray("steps").objects()) {
            int from = step.requireInt("from");
            int to = step.requireInt("to");
            String what = label + " rows " + from + ".." + to;
            Map<String, Double> logs = model.trainOnBatch(floats(xJson, from, to),
                twoOutputTargets(mo, from, to), twoOutputSampleWeight(mo, c, form, from, to));
            assertLogs(step.requireObject("logs"), logs, what);
            assertWeights(step.requireObject("weights"), model, what + " weights after");
          }
          break;
        }
        default:
          throw new AssertionError(c.requireString("op"));
      }
    }
  }

  /**
   * Loss weights in output order mean the same as by name; and the fixture's fit of the
   * unweighted case is what {@code lossWeights(1.0, 0.2)} gives.
   */
  @Test
  void lossWeightsInOutputOrderAsByName() throws IOException {
    JsonObject mo = fixture().requireObject("multi_output");
    JsonObject c = mo.requireArray("cases").objects().get(0);
    assertEquals("fit_unweighted", c.requireString("label"));
    JsonObject weights = mo.requireObject("loss_weights");
    double[] inOrder = new double[2];
    List<String> names = mo.requireArray("output_names").strings();
    for (int i = 0; i < names.size(); i++) {
      inOrder[i] = weights.requireDouble(names.get(i));
    }
    JsonObject xJson = mo.requireObject("x");
    int n = samples(xJson);
    try (Model model = twoOutputModel(mo)) {
      JsonObject loss = mo.requireObject("loss");
      CompileOptions options = new CompileOptions(new Sgd(0.1)).lossWeights(inOrder);
      for (String output : loss.keySet()) {
        options = options.loss(output, Losses.get(loss.requireString(output)));
      }
      options = options.metricsFor("price", "mae").metricsFor("kind", "accuracy")
          .weightedMetricsFor("kind", "accuracy");
      model.compile(options);
      History history = model.fit(floats(xJson), twoOutputTargets(mo, 0, n),
          new FitOptions().batchSize(c.requireInt("batch_size")).epochs(c.requireInt("epochs"))
              .shuffle(false).verbose(0));
      assertHistory(c.requireObject("history"), history, "lossWeights(double...)");
    }
  }

  // ---- scenario 2: class_weight ------------------------------------------------------------------

  /** Each case from arrays, and from a batch source of the same batches (Keras: the same). */
  static Stream<Arguments> classWeightCases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : fixture().requireArray("class_weight").objects()) {
      out.add(Arguments.of(c.requireString("label"), false, c));
      out.add(Arguments.of(c.requireString("label") + " (source)", true, c));
    }
    return out.stream();
  }

  private static Object targets(JsonObject c) throws IOException {
    JsonObject y = c.requireObject("y");
    return c.requireString("targets").equals("sparse") ? labels(y, 0, samples(y)) : floats(y);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("classWeightCases")
  void classWeightAsKeras(String label, boolean fromSource, JsonObject c) throws IOException {
    Map<Integer, Double> classWeight = new LinkedHashMap<>();
    JsonObject cw = c.requireObject("class_weight");
    for (String k : cw.keySet()) {
      classWeight.put(Integer.parseInt(k), cw.requireDouble(k));
    }
    try (Model model = denseModel(c, activation(c), 4)) {
      model.compile(new CompileOptions(new Sgd(0.1)).loss(c.requireString("loss"))
          .metrics(c.requireArray("metrics").strings().toArray(String[]::new))
          .weightedMetrics(c.requireArray("weighted_metrics").strings().toArray(String[]::new)));
      FitOptions options = new FitOptions().classWeight(classWeight)
          .epochs(c.requireInt("epochs")).shuffle(false).verbose(0);
      Object x = floats(c.requireObject("x"));
      int batchSize = c.requireInt("batch_size");
      History history = fromSource
          ? model.fit(BatchSources.of(x, targets(c), batchSize), options)
          : model.fit(x, targets(c), options.batchSize(batchSize));
      assertHistory(c.requireObject("history"), history, label);
      assertWeights("dense", c.requireArray("weights"), weightsByLayer(model).get("dense"),
          label + " weights after fit");
    }
  }

  // ---- scenario 3: weighted metrics on a fixed model ------------------------------------------

  static Stream<Arguments> weightedMetricCases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : fixture().requireArray("weighted_metrics").objects()) {
      out.add(Arguments.of(c.requireString("label"), c));
    }
    return out.stream();
  }

  /** A compile entry: a Keras name, or {"class_name", "config"}. */
  private static Metric metric(Object entry, Loss loss, long units) throws IOException {
    if (entry instanceof String name) {
      return Metrics.get(name, loss, units);
    }
    JsonObject object = (JsonObject) entry;
    return Metrics.fromConfig(object.requireString("class_name"),
        object.requireObject("config"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("weightedMetricCases")
  void weightedMetricsAsKeras(String label, JsonObject c) throws IOException {
    Loss loss = Losses.get(c.requireString("loss"));
    int units = c.requireInt("units");
    List<Metric> weighted = new ArrayList<>();
    for (Object entry : c.requireArray("weighted_metrics")) {
      weighted.add(metric(entry, loss, units));
    }
    CompileOptions options = new CompileOptions(new Sgd(0.1)).loss(loss)
        .weightedMetrics(weighted.toArray(Metric[]::new));
    List<String> metrics = c.requireArray("metrics").strings();
    if (!metrics.isEmpty()) {
      options = options.metrics(metrics.toArray(String[]::new));
    }
    try (Model model = denseModel(c, activation(c), 4)) {
      model.compile(options);
      Map<String, Double> logs = model.evaluate(floats(c.requireObject("x")), targets(c),
          floats(c.requireObject("sample_weight")), c.requireInt("batch_size"));
      assertLogs(c.requireObject("logs"), logs, label);
    }
  }

  // ---- scenario 4: temporal sample weights ----------------------------------------------------

  @Test
  void temporalSampleWeightsAsKeras() throws IOException {
    JsonObject t = fixture().requireObject("temporal");
    int[] xShape = shape(t.requireObject("x"));
    try (Model model = denseModel(t, null, xShape[1], xShape[2])) {
      model.compile(new CompileOptions(new Sgd(0.1)).loss(t.requireString("loss"))
          .weightedMetrics(t.requireArray("weighted_metrics").strings().toArray(String[]::new)));
      Object x = floats(t.requireObject("x"));
      Object y = floats(t.requireObject("y"));
      Object sw = floats(t.requireObject("sample_weight"));
      History history = model.fit(x, y, new FitOptions().sampleWeight(sw)
          .batchSize(t.requireInt("batch_size")).epochs(t.requireInt("epochs")).shuffle(false)
          .verbose(0));
      assertHistory(t.requireObject("history"), history, "temporal fit");
      assertWeights("dense", t.requireArray("weights"), weightsByLayer(model).get("dense"),
          "temporal weights after fit");
      assertLogs(t.requireObject("evaluate"), model.evaluate(x, y, sw,
          t.requireInt("batch_size")), "temporal evaluate");
    }
  }

  // ---- scenario 5: what Keras refuses ---------------------------------------------------------

  @Test
  void refusesWhatKerasRefuses() throws IOException {
    List<String> errors = new ArrayList<>();
    for (JsonObject e : fixture().requireArray("errors").objects()) {
      assertTrue(e.requireBoolean("raises"), e.requireString("label"));
      errors.add(e.requireString("label"));
    }
    assertEquals(List.of("class_weight_with_two_outputs", "sample_weight_and_class_weight"),
        errors);
    JsonObject mo = fixture().requireObject("multi_output");
    JsonObject xJson = mo.requireObject("x");
    int n = samples(xJson);
    try (Model model = twoOutputModel(mo)) {
      model.compile(twoOutputCompile(mo));
      assertThrows(IllegalArgumentException.class, () -> model.fit(floats(xJson),
          twoOutputTargets(mo, 0, n), new FitOptions().classWeight(Map.of(0, 1.0, 1, 2.0))
              .batchSize(4).epochs(1).verbose(0)), "class_weight with two outputs");
    }
    JsonObject c = fixture().requireArray("class_weight").objects().get(0);
    try (Model model = denseModel(c, activation(c), 4)) {
      model.compile(new CompileOptions(new Sgd(0.1)).loss(c.requireString("loss")));
      assertThrows(IllegalArgumentException.class, () -> model.fit(floats(c.requireObject("x")),
          targets(c), new FitOptions().classWeight(Map.of(0, 1.0, 1, 2.0))
              .sampleWeight(floats(mo.requireObject("sample_weight").requireObject("both")))
              .batchSize(4).epochs(1).verbose(0)), "sample_weight and class_weight together");
    }
  }
}
