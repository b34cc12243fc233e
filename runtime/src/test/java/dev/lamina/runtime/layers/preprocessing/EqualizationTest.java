package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Equalization against Keras 3.15.1 (tools/keras_equalization_fixtures.py): in inference the
 * images pass unchanged, as Keras's {@code layer(x, training=False)}; in training a model
 * Input → Equalization → Flatten → Dense(1) takes the three SGD steps Keras's Flatten → Dense(1)
 * takes on Keras's {@code layer(x, training=True)} (the Dense kernel's gradient is the equalized
 * batch), each loss and weight to 1e-5; a save and load; Keras's config and refusals.
 */
class EqualizationTest {

  private static final String FIXTURE = "equalization.json";

  @TempDir Path dir;

  static Stream<Arguments> cases() throws IOException {
    return list("cases");
  }

  static Stream<Arguments> fits() throws IOException {
    return list("fits");
  }

  private static Stream<Arguments> list(String key) throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray(key).objects()) {
      out.add(Arguments.of(c.requireString("id"), c));
    }
    return out.stream();
  }

  private static Equalization fromConfig(JsonObject json) throws ModelFormatException {
    LayerConfig read = new LayerConfig(json, "equalization", LayerConfig.Origin.KERAS);
    read.ignore("name", "trainable", "dtype");
    Equalization layer = (Equalization) LayerTypes.byKerasClassName("Equalization")
        .orElseThrow().fromConfig("eq", read);
    read.rejectUnread("Equalization");
    return layer;
  }

  private static Model model(Equalization layer, NdArray<?> x) {
    SymbolicTensor<TFloat32> in = Input.of(TFloat32.class, x.shape().get(1), x.shape().get(2),
        x.shape().get(3));
    return Model.of(in, layer.apply(in));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void passesImagesThroughInInference(String id, JsonObject c) throws IOException {
    NdArray<?> x = KerasLayerFixtures.array(c.requireObject("x"));
    try (Model model = model(fromConfig(c.requireObject("config")), x)) {
      assertArrayEquals(c.requireObject("inference").requireArray("values").floats(),
          KerasLayerFixtures.floats(model.predict(List.of(x)).get(0)), id);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fits")
  void equalizesInTrainingAsKeras(String id, JsonObject c) throws IOException {
    NdArray<?> x = KerasLayerFixtures.array(c.requireObject("x"));
    SymbolicTensor<TFloat32> in = Input.of(TFloat32.class, x.shape().get(1), x.shape().get(2),
        x.shape().get(3));
    SymbolicTensor<?> h = fromConfig(c.requireObject("config")).apply(in);
    try (Model model = Model.of(in, Dense.builder(1).name("dense").build()
        .call(new Flatten().call(h)))) {
      List<NdArray<?>> initial = new ArrayList<>();
      for (JsonObject w : c.requireArray("initial").objects()) {
        initial.add(KerasLayerFixtures.array(w));
      }
      model.setWeightArrays(initial);
      model.compile(new Sgd(c.requireDouble("learning_rate")),
          Losses.get("mean_squared_error", false));
      NdArray<?> y = KerasLayerFixtures.array(c.requireObject("y"));
      List<JsonObject> steps = c.requireArray("steps").objects();
      assertEquals(3, steps.size());
      for (int step = 0; step < steps.size(); step++) {
        double loss = model.trainOnBatch(x, y).get("loss");
        double keras = steps.get(step).requireDouble("loss");
        KerasLayerFixtures.assertClose(new float[] {(float) keras}, new float[] {(float) loss},
            id + ": loss of step " + (step + 1));
        List<JsonObject> weights = steps.get(step).requireArray("weights").objects();
        for (int w = 0; w < weights.size(); w++) {
          KerasLayerFixtures.assertClose(weights.get(w).requireArray("values").floats(),
              model.weights().get(w).values(), id + ": weight " + w + " after step "
                  + (step + 1));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void savesAndLoads(String id, JsonObject c) throws IOException {
    Equalization layer = fromConfig(c.requireObject("config"));
    NdArray<?> x = KerasLayerFixtures.array(c.requireObject("x"));
    Path file = dir.resolve("eq.lamina");
    try (Model model = model(layer, x)) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Equalization back = (Equalization) loaded.layers().get(1);
      assertEquals(layer.config(), back.config());
      assertEquals(c.requireObject("config").requireInt("bins"), back.bins());
      assertArrayEquals(c.requireObject("config").requireArray("value_range").doubles(),
          back.valueRange());
    }
  }

  @Test
  void refusesWhatKerasRefuses() throws IOException {
    for (String[] bad : new String[][] {{"bins", "0"}, {"value_range", "[1, 2, 3]"},
        {"data_format", "\"channels_first\""}}) {
      String json = "{\"name\": \"eq\", \"" + bad[0] + "\": " + bad[1] + "}";
      var e = assertThrows(ModelFormatException.class,
          () -> fromConfig((JsonObject) Json.parse(json, "test")));
      assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
    }
    var ints = assertThrows(IllegalArgumentException.class,
        () -> new Equalization().call(Input.of(TInt32.class, 4, 4, 3)));
    assertTrue(ints.getMessage().contains("float32"), ints.getMessage());
    var rank = assertThrows(IllegalArgumentException.class,
        () -> new Equalization().call(Input.of(TFloat32.class, 4, 4)));
    assertTrue(rank.getMessage().contains("Equalization"), rank.getMessage());
  }
}
