package dev.lamina.runtime.layers.normalization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Initializer;
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
import dev.lamina.runtime.regularizers.Regularizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
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
 * Keras 3 as the oracle for GroupNormalization ({@code tools/keras_group_norm_fixtures.py},
 * {@code group_norm.json}): each case's layer read from Keras's config through its registered
 * type, given Keras's weights (names, order and kind checked), must predict what Keras did, on
 * static and on data-given sizes, and again after a save and load; Keras's refusals are
 * Lamina's; and a GroupNormalization → Flatten → Dense model, with regularized gamma and beta,
 * takes Keras's three {@code train_on_batch} steps with SGD and Adam. All to 1e-5 relative.
 */
class GroupNormalizationTest {

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases(KerasTrainingSteps.FIXTURE, "GroupNormalization");
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
    // Keras's config once built: groups=-1 written as the number of channels
    assertEquals(c.requireObject("config").requireInt("groups"),
        layer.arguments().get("groups"), id + ": groups once built");
  }

  /** Every size but the channels' unknown until data arrives: the grouping reads them. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void runsOnSizesKnownOnlyFromData(String id, JsonObject c) throws IOException {
    GroupNormalization layer = (GroupNormalization) KerasLayerFixtures.fromKerasConfig(c);
    long[] shape = input(c).requireArray("shape").longs();
    long[] sample = Arrays.copyOfRange(shape, 1, shape.length);
    int channelAxis = Math.floorMod(c.requireObject("config").requireInt("axis"), shape.length)
        - 1;
    for (int i = 0; i < sample.length; i++) {
      if (i != channelAxis) {
        sample[i] = -1;
      }
    }
    var x = Input.of(TFloat32.class, sample);
    var y = layer.apply(x);
    KerasLayerFixtures.setWeights(layer, c.requireArray("weights"));
    try (Model model = Model.of(x, y)) {
      KerasLayerFixtures.assertClose(expected(c), predict(model, c), id + " (unknown sizes)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void savesAndLoads(String id, JsonObject c) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(c);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input(c));
    SymbolicTensor<?> y = layer.call(x);
    KerasLayerFixtures.setWeights(layer, c.requireArray("weights"));
    Path file = dir.resolve("gn.lamina");
    try (Model model = Model.of(List.of(x), List.of(y))) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Layer back = loaded.layers().get(1);
      assertEquals(layer.config(), back.config());
      KerasLayerFixtures.assertClose(expected(c), predict(loaded, c), id + " after loading");
      assertTrue(loaded.summary().contains("(GroupNormalization)"), loaded.summary());
    }
  }

  /** Keras's initial weights from non-default initializers, and its serialized options. */
  @Test
  void takesKerassInitializersRegularizersAndConstraints() throws IOException {
    JsonObject c = cases().map(a -> (JsonObject) a.get()[1])
        .filter(o -> o.get("id").equals("GroupNormalization/initializers")).findFirst()
        .orElseThrow();
    Layer layer = KerasLayerFixtures.fromKerasConfig(c);
    SymbolicTensor<?> x = KerasLayerFixtures.input(input(c));
    SymbolicTensor<?> y = layer.call(x);
    try (Model model = Model.of(List.of(x), List.of(y))) {
      List<JsonObject> weights = c.requireArray("weights").objects();
      for (int i = 0; i < weights.size(); i++) {
        assertEquals(weights.get(i).requireString("name"), layer.weights().get(i).name());
        KerasLayerFixtures.assertClose(weights.get(i).requireArray("values").floats(),
            layer.weights().get(i).values(), "initial " + weights.get(i).requireString("name"));
      }
      KerasLayerFixtures.assertClose(expected(c), predict(model, c), "initial weights");
    }
    JsonObject keras = c.requireObject("config");
    Map<String, Object> lamina = layer.config();
    for (String key : List.of("beta_initializer", "gamma_initializer", "beta_regularizer",
        "gamma_regularizer", "beta_constraint", "gamma_constraint")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) lamina.get(key);
      JsonObject expected = keras.requireObject(key);
      assertEquals(expected.requireString("class_name"), object.get("class_name"), key);
      assertEquals(expected.requireObject("config").keySet(),
          ((Map<?, ?>) object.get("config")).keySet(), key);
    }
  }

  /** Keras refuses these when it builds the layer; Lamina when it applies it. */
  @Test
  void refusesWhatKerasRefuses() throws IOException {
    for (JsonObject e : KerasLayerFixtures.fixture(KerasTrainingSteps.FIXTURE)
        .requireArray("errors").objects()) {
      Layer layer = KerasLayerFixtures.fromKerasConfig(e);
      long[] shape = e.requireArray("input_shape").longs();
      var thrown = assertThrows(IllegalArgumentException.class,
          () -> layer.call(Input.of(TFloat32.class, shape)), e.requireString("id"));
      String groups = String.valueOf(e.requireObject("config").requireInt("groups"));
      assertTrue(thrown.getMessage().contains("GroupNormalization")
          && thrown.getMessage().contains("groups (" + groups + ")"), thrown.getMessage());
    }
    var e = assertThrows(IllegalArgumentException.class,
        () -> new GroupNormalization(0));
    assertTrue(e.getMessage().contains("GroupNormalization") && e.getMessage().contains("-1"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> GroupNormalization.builder().groups(2).axis(0).build()
            .apply(Input.of(TFloat32.class, 4)));
    assertTrue(e.getMessage().contains("batch axis"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new GroupNormalization(2).apply(Input.of(TFloat32.class, 3, -1)));
    assertTrue(e.getMessage().contains("known size"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GroupNormalization(1)
        .call(Input.of(org.tensorflow.types.TFloat64.class, 4)));
    assertTrue(e.getMessage().contains("float32"), e.getMessage());
    ModelFormatException read = assertThrows(ModelFormatException.class,
        () -> KerasLayerFixtures.fromKerasConfig(dev.lamina.runtime.io.Json.parseObject(
            ("{\"class_name\": \"GroupNormalization\", \"config\": {\"name\": \"g\", "
                + "\"groups\": -2}}").getBytes(java.nio.charset.StandardCharsets.UTF_8), "t")));
    assertTrue(read.getMessage().contains("groups"), read.getMessage());
  }

  @Test
  void typedApiHasKerassDefaults() {
    GroupNormalization layer = GroupNormalization.builder().build();
    assertEquals(Map.of("groups", 32, "axis", -1, "epsilon", 1e-3, "center", true, "scale",
        true), layer.arguments());
    Map<String, Object> config = layer.config();
    assertEquals(Initializer.zeros().config(), config.get("beta_initializer"));
    assertEquals(Initializer.ones().config(), config.get("gamma_initializer"));
    assertTrue(!config.containsKey("beta_regularizer"), config.toString());
  }

  /** The mask passes through unused, as Keras's supports_masking. */
  @Test
  void passesTheMaskOn() {
    var x = Input.of(TFloat32.class, 3, 4);
    var m = Input.of(TFloat32.class, 3);
    var y = new GroupNormalization(2).apply(new WithMask().apply(x, m));
    assertTrue(y.mask().isPresent());
  }

  static Stream<Arguments> training() throws IOException {
    return KerasTrainingSteps.runs("group_norm/");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void takesKerassTrainingSteps(String id, JsonObject t) throws IOException {
    var x = Input.of(TFloat32.class, 4, 4, 6);
    var h = GroupNormalization.builder().groups(3).name("group_normalization")
        .gammaRegularizer(Regularizer.l2(0.01)).betaRegularizer(Regularizer.l1(0.02)).build()
        .apply(x);
    var y = Dense.builder(2).name("dense").build().apply(new Flatten().apply(h));
    KerasTrainingSteps.assertTakesKerassSteps(id, t, Model.of(x, y));
  }

  /** The trained layer's Keras config reads as the layer the test builds. */
  @Test
  void readsTheTrainedLayersKerasConfig() throws IOException {
    JsonObject t = (JsonObject) training().findFirst().orElseThrow().get()[1];
    LayerConfig read = new LayerConfig(t.requireObject("layer_config"), "group_normalization",
        LayerConfig.Origin.KERAS);
    read.ignore("name", "trainable", "dtype");
    GroupNormalization layer = (GroupNormalization) LayerTypes
        .byKerasClassName("GroupNormalization").orElseThrow().fromConfig("g", read);
    read.rejectUnread("GroupNormalization");
    assertEquals(3, layer.groups());
    // Keras keeps the factors as float32: 0.02 reads 0.019999999552965164
    assertFactor("L2", "l2", 0.01, layer.config().get("gamma_regularizer"));
    assertFactor("L1", "l1", 0.02, layer.config().get("beta_regularizer"));
  }

  private static void assertFactor(String className, String key, double factor, Object object) {
    Map<?, ?> map = (Map<?, ?>) object;
    assertEquals(className, map.get("class_name"));
    assertEquals(factor, ((Number) ((Map<?, ?>) map.get("config")).get(key)).doubleValue(), 1e-9);
  }
}
