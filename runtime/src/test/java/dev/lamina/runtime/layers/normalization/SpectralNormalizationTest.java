package dev.lamina.runtime.layers.normalization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.convolutional.Conv2D;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import java.io.IOException;
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
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.types.TFloat32;

/**
 * SpectralNormalization against Keras 3.15.1 (tools/keras_spectral_normalization_fixtures.py):
 * predictions with the kernel as it is, three train_on_batch steps (SGD and Adam; each step's
 * loss and every weight after it, vector_u and the assigned-then-stepped kernel included), a
 * save and load, the Keras config read back, and the refusals.
 */
class SpectralNormalizationTest {

  private static final String FIXTURE = "spectral_normalization.json";

  @TempDir Path dir;

  static Stream<Arguments> training() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject t : KerasLayerFixtures.fixture(FIXTURE).requireArray("training").objects()) {
      out.add(Arguments.of(t.requireString("id"), t));
    }
    return out.stream();
  }

  private static Model build(String id) {
    if (id.startsWith("dense/")) {
      var x = Input.of(TFloat32.class, 5);
      return Model.of(x, new SpectralNormalization(new Dense(3)).<TFloat32>apply(x));
    }
    var x = Input.of(TFloat32.class, 5, 5, 2);
    SymbolicTensor<TFloat32> h = new SpectralNormalization(new Conv2D(3, 2, "relu"), 2).apply(x);
    return Model.of(x, new Dense(3).apply(new Flatten().apply(h)));
  }

  private static void setInitial(Model model, JsonObject t, String id) throws IOException {
    List<JsonObject> initial = t.requireArray("initial_weights").objects();
    List<Weight> all = model.weights();
    assertEquals(initial.size(), all.size(), id + ": number of weights");
    List<NdArray<?>> values = new ArrayList<>();
    for (int w = 0; w < all.size(); w++) {
      JsonObject weight = initial.get(w);
      assertEquals(weight.requireString("name"), all.get(w).name(), id + ": weight " + w);
      assertEquals(weight.requireBoolean("trainable"), all.get(w).declaredTrainable(),
          id + ": whether " + weight.requireString("path") + " is trainable");
      values.add(KerasLayerFixtures.weightValue(weight));
    }
    model.setWeightArrays(values);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void predictsWithTheKernelAsItIs(String id, JsonObject t) throws IOException {
    try (Model model = build(id)) {
      setInitial(model, t, id);
      NdArray<?> x = KerasLayerFixtures.array(t.requireObject("x"));
      KerasLayerFixtures.assertClose(t.requireObject("predict_before").requireArray("values")
          .floats(), KerasLayerFixtures.floats(model.predict(List.of(x)).get(0)),
          id + ": predictions before training");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void takesKerassTrainingSteps(String id, JsonObject t) throws IOException {
    try (Model model = build(id)) {
      setInitial(model, t, id);
      List<Weight> all = model.weights();
      JsonObject optimizer = t.requireObject("optimizer");
      Map<String, Object> options = new LinkedHashMap<>(optimizer);
      options.remove("class");
      model.compile(Optimizer.fromConfig(optimizer.requireString("class"), options),
          Losses.get("mean_squared_error", false));
      NdArray<?> x = KerasLayerFixtures.array(t.requireObject("x"));
      NdArray<?> y = KerasLayerFixtures.array(t.requireObject("y"));
      List<JsonObject> steps = t.requireArray("steps").objects();
      assertEquals(3, steps.size());
      for (int step = 0; step < steps.size(); step++) {
        double loss = model.trainOnBatch(x, y).get("loss");
        double keras = steps.get(step).requireDouble("returned_loss");
        KerasLayerFixtures.assertClose(new float[] {(float) keras}, new float[] {(float) loss},
            id + ": loss of step " + (step + 1));
        List<JsonObject> weights = steps.get(step).requireArray("weights").objects();
        for (int w = 0; w < all.size(); w++) {
          KerasLayerFixtures.assertClose(weights.get(w).requireArray("values").floats(),
              all.get(w).values(), id + ": " + weights.get(w).requireString("path")
                  + " after step " + (step + 1));
        }
      }
      KerasLayerFixtures.assertClose(t.requireObject("predict_after").requireArray("values")
          .floats(), KerasLayerFixtures.floats(model.predict(List.of(x)).get(0)),
          id + ": predictions after the steps");
    }
  }

  @Test
  void savesAndLoads() throws IOException {
    JsonObject t = (JsonObject) training().filter(a -> a.get()[0].toString()
        .startsWith("conv2d/")).findFirst().orElseThrow().get()[1];
    NdArray<?> x = KerasLayerFixtures.array(t.requireObject("x"));
    Path file = dir.resolve("sn.lamina");
    try (Model model = build("conv2d/")) {
      setInitial(model, t, "conv2d");
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      SpectralNormalization back = (SpectralNormalization) loaded.layers().get(1);
      assertEquals(2, back.powerIterations());
      assertTrue(back.layer() instanceof Conv2D);
      assertEquals(List.of("kernel", "bias", "vector_u"),
          back.weights().stream().map(Weight::name).toList());
      KerasLayerFixtures.assertClose(t.requireObject("predict_before").requireArray("values")
          .floats(), KerasLayerFixtures.floats(loaded.predict(List.of(x)).get(0)),
          "predictions after loading");
    }
  }

  /** Keras's config, the wrapped Conv2D's nested, reads as the layer the test builds. */
  @Test
  void readsKerassConfig() throws IOException {
    JsonObject t = (JsonObject) training().filter(a -> a.get()[0].toString()
        .startsWith("conv2d/")).findFirst().orElseThrow().get()[1];
    SpectralNormalization layer = fromConfig(t.requireObject("layer_config"));
    assertEquals(2, layer.powerIterations());
    assertTrue(layer.layer() instanceof Conv2D);
    assertEquals(2, layer.config().get("power_iterations"));
  }

  private static SpectralNormalization fromConfig(JsonObject json)
      throws ModelFormatException {
    LayerConfig read = new LayerConfig(json, "spectral_normalization", LayerConfig.Origin.KERAS);
    read.ignore("name", "trainable", "dtype");
    SpectralNormalization layer = (SpectralNormalization) LayerTypes
        .byKerasClassName("SpectralNormalization").orElseThrow().fromConfig("sn", read);
    read.rejectUnread("SpectralNormalization");
    return layer;
  }

  @Test
  void refusesWhatKerasRefuses() throws IOException {
    var iterations = assertThrows(IllegalArgumentException.class,
        () -> new SpectralNormalization(new Dense(2), 0));
    assertTrue(iterations.getMessage().contains("power_iterations"), iterations.getMessage());
    var noKernel = assertThrows(IllegalArgumentException.class,
        () -> new SpectralNormalization(new Flatten()).apply(Input.of(TFloat32.class, 3, 2)));
    assertTrue(noKernel.getMessage().contains("kernel"), noKernel.getMessage());
    JsonObject bad = (JsonObject) dev.lamina.runtime.io.Json.parse("{\"name\": \"sn\", "
        + "\"layer\": {\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", "
        + "\"units\": 2}}, \"power_iterations\": 0}", "test");
    var config = assertThrows(ModelFormatException.class, () -> fromConfig(bad));
    assertTrue(config.getMessage().contains("power_iterations"), config.getMessage());
  }
}
