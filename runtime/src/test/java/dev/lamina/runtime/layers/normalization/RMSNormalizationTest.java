package dev.lamina.runtime.layers.normalization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.WithMask;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3 as the oracle for RMSNormalization ({@code tools/keras_core_layer_fixtures.py}, {@code
 * core_layers.json}): each case's layer read from Keras's config through its registered type,
 * given Keras's {@code scale} (name, order and kind checked), must predict what Keras did, again
 * after a save and load; what Keras's multiply refuses Lamina refuses when the layer is applied;
 * and an RMSNormalization → Flatten → Dense model takes Keras's three SGD {@code train_on_batch}
 * steps. All to 1e-5 relative.
 */
class RMSNormalizationTest {

  static final String FIXTURE = "core_layers.json";

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases(FIXTURE, "RMSNormalization");
  }

  private static JsonObject input(JsonObject c) throws IOException {
    return c.requireArray("inputs").requireObject(0);
  }

  private static float[] expected(JsonObject c) throws IOException {
    return c.requireObject("outputs").requireArray("inference").requireObject(0)
        .requireArray("values").floats();
  }

  private static float[] predict(Model model, JsonObject c) throws IOException {
    return KerasLayerFixtures.floats(model.predict(List.of(KerasLayerFixtures.array(input(c))))
        .get(0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inferenceIsKerass(String id, JsonObject c) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(c);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input(c));
    SymbolicTensor<?> y = layer.call(x);
    assertEquals(x.shape(), y.shape());
    KerasLayerFixtures.setWeights(layer, c.requireArray("weights"));
    try (Model model = Model.of(List.of(x), List.of(y))) {
      KerasLayerFixtures.assertClose(expected(c), predict(model, c), id);
    }
    // Keras's config once built: axis a list
    JsonObject keras = c.requireObject("config");
    assertEquals(java.util.Arrays.stream(keras.requireArray("axis").ints()).boxed().toList(),
        layer.arguments().get("axis"), id + ": axis");
    assertEquals(keras.requireDouble("epsilon"),
        (double) layer.arguments().get("epsilon"), id + ": epsilon");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void savesAndLoads(String id, JsonObject c) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(c);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input(c));
    SymbolicTensor<?> y = layer.call(x);
    KerasLayerFixtures.setWeights(layer, c.requireArray("weights"));
    Path file = dir.resolve("rms.lamina");
    try (Model model = Model.of(List.of(x), List.of(y))) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Layer back = loaded.layers().get(1);
      assertEquals(layer.config(), back.config());
      KerasLayerFixtures.assertClose(expected(c), predict(loaded, c), id + " after loading");
      String summary = loaded.summary();
      assertTrue(summary.contains("(RMSNormalization)"), summary);
      long params = layer.weights().get(0).shape().size();
      assertTrue(summary.contains("Total params: " + params), summary);
    }
  }

  /** Keras's multiply fails for these; Lamina refuses them when the layer is applied. */
  @Test
  void refusesWhatKerasRefuses() throws IOException {
    for (JsonObject e : KerasLayerFixtures.fixture(FIXTURE).requireArray("errors").objects()) {
      if (!e.requireString("class_name").equals("RMSNormalization")) {
        continue;
      }
      Layer layer = KerasLayerFixtures.fromKerasConfig(e);
      long[] shape = e.requireArray("input_shape").longs();
      var thrown = assertThrows(IllegalArgumentException.class,
          () -> layer.call(Input.of(TFloat32.class, shape)), e.requireString("id"));
      assertTrue(thrown.getMessage().contains("RMSNormalization")
          && thrown.getMessage().contains("last"), thrown.getMessage());
      assertTrue(layer.weights().isEmpty(), "no weight for a refused call");
    }
    // Keras broadcasts scale (3,) against a last axis of 1 and grows the output: refused here
    var e = assertThrows(IllegalArgumentException.class,
        () -> RMSNormalization.builder().axis(-2).build().apply(Input.of(TFloat32.class, 3, 1)));
    assertTrue(e.getMessage().contains("scale"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> RMSNormalization.builder().axis(3).build().apply(Input.of(TFloat32.class, 3, 4)));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new RMSNormalization().apply(Input.of(TFloat32.class, 3, -1)));
    assertTrue(e.getMessage().contains("known size"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RMSNormalization()
        .call(Input.of(org.tensorflow.types.TFloat64.class, 4)));
    assertTrue(e.getMessage().contains("float32"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> RMSNormalization.builder().epsilon(-1).build());
    assertTrue(e.getMessage().contains("epsilon"), e.getMessage());
    RMSNormalization built = new RMSNormalization();
    built.apply(Input.of(TFloat32.class, 4));
    e = assertThrows(IllegalArgumentException.class,
        () -> built.apply(Input.of(TFloat32.class, 5)));
    assertTrue(e.getMessage().contains("built for"), e.getMessage());
    ModelFormatException read = assertThrows(ModelFormatException.class,
        () -> KerasLayerFixtures.fromKerasConfig(dev.lamina.runtime.io.Json.parseObject(
            ("{\"class_name\": \"RMSNormalization\", \"config\": {\"name\": \"r\", "
                + "\"epsilon\": -0.5}}").getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "t")));
    assertTrue(read.getMessage().contains("epsilon"), read.getMessage());
  }

  @Test
  void typedApiHasKerassDefaults() {
    RMSNormalization layer = new RMSNormalization();
    assertEquals(Map.of("axis", List.of(-1), "epsilon", 1e-6), layer.config());
    assertEquals("rms_normalization", layer.defaultName());
    layer.apply(Input.of(TFloat32.class, 2, 6));
    assertEquals("scale", layer.weights().get(0).name());
    assertEquals(org.tensorflow.ndarray.Shape.of(6), layer.weights().get(0).shape());
    for (float v : layer.weights().get(0).values()) {
      assertEquals(1f, v);
    }
    // a list is sorted, as Keras's build sorts it
    assertEquals(List.of(1, 2),
        RMSNormalization.builder().axis(2, 1).build().arguments().get("axis"));
  }

  /** Keras's RMSNormalization does not support masking: the mask ends here. */
  @Test
  void dropsTheMaskAsKeras() {
    var x = Input.of(TFloat32.class, 3, 4);
    var m = Input.of(TFloat32.class, 3);
    var y = new RMSNormalization().apply(new WithMask().apply(x, m));
    assertTrue(y.mask().isEmpty());
  }

  static Stream<Arguments> training() throws IOException {
    return KerasLayerFixtures.fixture(FIXTURE).requireArray("training").objects().stream()
        .filter(t -> ((String) t.get("id")).startsWith("rms_norm/"))
        .map(t -> Arguments.of(t.get("id"), t));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void takesKerassTrainingSteps(String id, JsonObject t) throws IOException {
    var x = Input.of(TFloat32.class, 3, 4);
    var h = RMSNormalization.builder().epsilon(1e-3).name("rms_normalization").build().apply(x);
    var y = Dense.builder(2).name("dense").build().apply(new Flatten().apply(h));
    try (Model model = Model.of(x, y)) {
      KerasLayerFixtures.assertTrainsAsKeras(t, model,
          KerasLayerFixtures.array(t.requireObject("x")));
    }
  }

  /** The trained layer's Keras config reads as the layer the test builds. */
  @Test
  void readsTheTrainedLayersKerasConfig() throws IOException {
    JsonObject t = (JsonObject) training().findFirst().orElseThrow().get()[1];
    LayerConfig read = new LayerConfig(t.requireObject("layer_config"), "rms_normalization",
        LayerConfig.Origin.KERAS);
    read.ignore("name", "trainable", "dtype");
    RMSNormalization layer = (RMSNormalization) LayerTypes
        .byKerasClassName("RMSNormalization").orElseThrow().fromConfig("r", read);
    read.rejectUnread("RMSNormalization");
    assertEquals(1e-3, layer.epsilon(), 1e-12);
    assertEquals(List.of(-1), layer.arguments().get("axis"));
  }
}
