package dev.lamina.runtime.layers.activations;

import static dev.lamina.runtime.layers.activations.ActivationFixture.fixture;
import static dev.lamina.runtime.layers.activations.ActivationFixture.floats;
import static dev.lamina.runtime.layers.activations.ActivationFixture.sample;
import static dev.lamina.runtime.layers.activations.ActivationFixture.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * PReLU's alpha trains as Keras's does (three {@code train_on_batch} steps recorded by Keras 3),
 * every activation trains (its ops have gradients), and models with each new layer save and
 * load to the same predictions, bit for bit.
 */
class ActivationTrainingAndFilesTest {

  static Stream<Arguments> preluTraining() throws Exception {
    List<Arguments> cases = new ArrayList<>();
    for (JsonObject t : fixture().requireArray("training").objects()) {
      if (t.requireString("id").startsWith("dense_prelu/")) {
        cases.add(Arguments.of(t.requireString("id"), t));
      }
    }
    assertEquals(2, cases.size(), "the fixture trains Dense -> PReLU -> Dense with SGD and Adam");
    return cases.stream();
  }

  /**
   * Keras: Input(5) → Dense(3) → PReLU(Constant(0.25)) → Dense(2), mse. The losses are those
   * train_on_batch returned; the weights, every weight after each step, to 1e-5 of each weight
   * tensor's largest magnitude (as the samples' training fixture test).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("preluTraining")
  void preluTrainsAsKeras(String id, JsonObject t) throws Exception {
    JsonArray initial = t.requireArray("initial_weights");
    var x = Input.of(TFloat32.class, sample(shape(t.requireObject("x"))));
    PReLU prelu = PReLU.builder().alphaInitializer(0.25f).name("p_re_lu").build();
    var y = new Dense(2).apply(prelu.apply(new Dense(3).apply(x)));
    try (Model model = Model.of(x, y)) {
      List<FloatNdArray> start = new ArrayList<>();
      for (JsonObject w : initial.objects()) {
        start.add(floats(w));
      }
      model.setWeights(start);
      Map<String, Object> options = new LinkedHashMap<>(t.requireObject("optimizer"));
      options.remove("class");
      model.compile(Optimizer.fromConfig(t.requireObject("optimizer").requireString("class"),
          options), Losses.get(t.requireString("loss")));
      FloatNdArray inputs = floats(t.requireObject("x"));
      FloatNdArray targets = floats(t.requireObject("y"));
      List<JsonObject> steps = t.requireArray("steps").objects();
      for (int step = 0; step < steps.size(); step++) {
        Map<String, Double> logs = model.trainOnBatch(inputs, targets);
        double kerasLoss = steps.get(step).requireDouble("returned_loss");
        assertEquals(kerasLoss, logs.get("loss"), 1e-5 * Math.abs(kerasLoss) + 1e-7,
            id + ": loss of step " + (step + 1));
        JsonArray weights = steps.get(step).requireArray("weights");
        assertEquals(weights.size(), model.weights().size());
        for (int w = 0; w < weights.size(); w++) {
          JsonObject expected = weights.requireObject(w);
          assertCloseToLargest(expected.requireArray("values").floats(),
              model.weights().get(w).values(),
              id + ": " + expected.requireString("path") + " after step " + (step + 1));
        }
      }
      float[] alpha = model.weights().get(2).values();
      assertTrue(alpha[0] != 0.25f, "alpha trained");
      ActivationFixture.assertClose(t.requireObject("predict_after"),
          model.predict(List.of(inputs)).get(0), id + ": predict after training");
    }
  }

  private static void assertCloseToLargest(float[] keras, float[] lamina, String what) {
    assertEquals(keras.length, lamina.length, what);
    double scale = 0;
    for (float v : keras) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < keras.length; i++) {
      assertTrue(Math.abs(keras[i] - lamina[i]) <= 1e-5 * scale, what + "[" + i + "]: Keras "
          + keras[i] + ", Lamina " + lamina[i]);
    }
  }

  /**
   * TensorFlow Java differentiates with TensorFlow's C++ gradient registry: an op without a
   * gradient there would make compile or the first step fail. One step with each activation.
   */
  @Test
  void everyActivationAndLayerTrains() {
    float[][] xs = {{-4f, -3f, -1f, -0.5f}, {0f, 0.5f, 1f, 3f}, {0.3f, -2f, 1.5f, 0.7f}};
    List<String> failed = new ArrayList<>();
    List<java.util.function.Function<SymbolicTensor<TFloat32>, SymbolicTensor<TFloat32>>> heads =
        new ArrayList<>();
    for (String name : Activation.KERAS_NAMES.keySet()) {
      heads.add(h -> new Activation(name).apply(h));
    }
    heads.add(h -> new ReLU(null, 2.0, 0.25, 0.5).apply(h));
    heads.add(h -> new LeakyReLU().apply(h));
    heads.add(h -> new ELU(null, 0.5).apply(h));
    heads.add(h -> PReLU.builder().alphaInitializer(0.1f).build().apply(h));
    heads.add(h -> new Softmax(null, 0, 1).apply(h));
    List<String> labels = new ArrayList<>(Activation.KERAS_NAMES.keySet());
    labels.addAll(List.of("ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax(axis=[0, 1])"));
    for (int i = 0; i < heads.size(); i++) {
      var x = Input.of(TFloat32.class, 4);
      var h = Dense.builder(4).seed(1).build().apply(x);
      var y = new Dense(1).apply(heads.get(i).apply(h));
      try (Model model = Model.of(x, y)) {
        model.compile("sgd", "mse");
        double loss = model.trainOnBatch(xs, new float[][] {{1f}, {0f}, {1f}}).get("loss");
        if (!Double.isFinite(loss)) {
          failed.add(labels.get(i) + ": loss " + loss);
        }
      } catch (RuntimeException e) {
        failed.add(labels.get(i) + ": " + e.getMessage());
      }
    }
    assertEquals(List.of(), failed);
  }

  /** A masked Softmax trains too: SelectV2 with a broadcast mask has a gradient. */
  @Test
  void maskedSoftmaxTrains() {
    var x = Input.of(TFloat32.class, 4);
    var mask = Input.of(TBool.class, 4);
    var y = new Dense(1).apply(new Softmax().apply(new Dense(4).apply(x), mask));
    try (Model model = Model.of(List.of(x, mask), List.of(y))) {
      model.compile("sgd", "mse");
      var logs = model.trainOnBatch(List.of(new float[][] {{1f, 2f, 3f, 4f}},
          new boolean[][] {{true, false, true, true}}), new float[][] {{1f}});
      assertTrue(Double.isFinite(logs.get("loss")));
    }
  }

  @Test
  void modelsWithEachNewLayerSaveAndLoadToTheSamePredictions(@TempDir Path dir)
      throws Exception {
    var x = Input.of(TFloat32.class, 2, 4);
    var mask = Input.of(TBool.class, 1, 4);
    var h = new ReLU("relu_all", 2.0, 0.25, 0.5).apply(new Dense(4).apply(x));
    h = new LeakyReLU("leaky", 0.05).apply(h);
    h = PReLU.builder().alphaInitializer(0.3f).sharedAxes(1).name("prelu").build().apply(h);
    h = new ELU("elu", 0.5).apply(h);
    h = new Softmax("softmax_axes", 1, 2).apply(h);
    h = new Softmax("softmax_masked").apply(h, mask);
    h = new Activation("gelu_exact", "gelu").apply(h);
    h = new Activation("old_name", "swish").apply(h);
    var y = Dense.builder(2).activation("hard_silu").build().apply(h);
    float[][][] xs = {{{-4f, -3f, -1f, -0.5f}, {0f, 0.5f, 1f, 3f}},
        {{0.3f, -2f, 1.5f, 0.7f}, {2f, -0.1f, 0.2f, -5f}}};
    boolean[][][] masks = {{{true, false, true, true}}, {{false, false, false, false}}};
    Path file = dir.resolve("activations.lamina");
    float[] before;
    try (Model model = Model.of(List.of(x, mask), List.of(y))) {
      before = flatOf(model.predict(List.of(xs, masks), List.of(float[][][].class)).get(0));
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      float[] after = flatOf(loaded.predict(List.of(xs, masks), List.of(float[][][].class))
          .get(0));
      assertArrayEquals(before, after);
      assertEquals("LeakyReLU 'leaky' (negative_slope=0.05)",
          loaded.getLayer("leaky").describe());
    }
    assertTrue(Files.size(file) > 0);
  }

  private static float[] flatOf(Object array) {
    float[][][] a = (float[][][]) array;
    List<Float> values = new ArrayList<>();
    for (float[][] m : a) {
      for (float[] r : m) {
        for (float v : r) {
          values.add(v);
        }
      }
    }
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** Each type's config, written in Lamina's format, reads back to the same layer. */
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void laminaConfigsRoundTrip() throws Exception {
    List<Layer> layers = List.of(new ReLU("a", null, 0.1, 0.0), new ReLU("b", 6.0, 0.0, 0.5),
        new LeakyReLU(), new ELU("e", 0.7), new Softmax(), new Softmax("s", 1, 2),
        PReLU.builder().sharedAxes(1, 2).alphaInitializer(0.5f).build(), new PReLU(),
        new Activation("RELU"), new Activation("hard_swish"));
    for (Layer layer : layers) {
      LayerType type = LayerTypes.of(layer).orElseThrow();
      Map<String, Object> config = type.config(layer);
      JsonObject json = dev.lamina.runtime.io.Json.parseObject(dev.lamina.runtime.io.Json
          .writeBytes(config, dev.lamina.runtime.io.Json.Style.COMPACT), "config");
      LayerConfig c = new LayerConfig(json, layer.describe(), LayerConfig.Origin.LAMINA);
      Layer read = type.fromConfig("copy", c);
      c.rejectUnread(type.name());
      assertEquals(layer.describe().replaceFirst("'[^']*'", ""),
          read.describe().replaceFirst("'[^']*'", ""), layer.describe());
    }
  }
}
