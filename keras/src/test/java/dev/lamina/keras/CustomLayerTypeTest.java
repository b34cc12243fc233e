package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * A layer type written in this test source set ({@link Scale}, registered by its service file)
 * saves, loads, trains and imports from a Keras file whose Python class is registered as
 * {@code lamina_test>Scale}, with no change to the runtime or the importer.
 */
class CustomLayerTypeTest {

  @TempDir
  Path dir;

  private static final float[][] X = {{0.5f, -1f, 2f}, {1f, 0.25f, -0.75f}};

  private static Model model() {
    var x = Input.of(TFloat32.class, 3);
    var h = Dense.builder(4).seed(3).build().apply(x);
    var s = new Scale("scale", 0.5).call(h);
    return Model.of(x, Dense.builder(2).seed(4).build().call(s));
  }

  @Test
  void theTypeIsFoundByItsNameItsKerasNameAndItsLayers() {
    assertEquals(Scale.TYPE, LayerTypes.byName("Scale").orElseThrow());
    assertEquals(Scale.TYPE, LayerTypes.byKerasClassName("lamina_test>Scale").orElseThrow());
    assertEquals(Scale.TYPE, LayerTypes.of(new Scale(null, 1)).orElseThrow());
    assertTrue(LayerTypes.names().containsAll(List.of("Dense", "Scale")));
  }

  @Test
  void savesAndLoadsWithItsWeightAndOffset() throws Exception {
    Path file = dir.resolve("custom.lamina");
    float[][] before;
    try (Model model = model()) {
      Layer scale = model.layers().stream().filter(l -> l instanceof Scale).findFirst()
          .orElseThrow();
      scale.setWeights(List.of(NdArrays.wrap(Shape.of(4),
          DataBuffers.of(new float[] {1.5f, -2f, 0.25f, 3f}, true, false))));
      before = model.predict(X, float[][].class);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      Scale scale = (Scale) loaded.layers().stream().filter(l -> l instanceof Scale).findFirst()
          .orElseThrow();
      assertEquals(java.util.Map.of("offset", 0.5), scale.arguments());
      float[] kernel = new float[4];
      loaded.getWeights().get(2).copyTo(NdArrays.wrap(Shape.of(4),
          DataBuffers.of(kernel, false, false)));
      assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 3f}, kernel);
      float[][] after = loaded.predict(X, float[][].class);
      for (int i = 0; i < X.length; i++) {
        assertArrayEquals(before[i], after[i], "row " + i + " after the round trip");
      }
      assertTrue(loaded.summary().contains("scale (Scale)"), loaded.summary());
    }
  }

  @Test
  void itsWeightTrains() {
    try (Model model = model()) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      float[] before = model.weights().get(2).values();
      model.fit(X, new float[][] {{1, 0}, {0, 1}}, new FitOptions().epochs(1).verbose(0));
      assertNotEquals(before[0], model.weights().get(2).values()[0]);
    }
  }

  @Test
  void importsFromKerasByTheRegisteredName() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("custom_layer.keras"))) {
      Layer scale = model.layers().stream().filter(l -> model.nameOf(l).equals("scale"))
          .findFirst().orElseThrow();
      assertInstanceOf(Scale.class, scale);
      assertEquals(java.util.Map.of("offset", 0.5), scale.arguments());
      Fixtures.assertPredictsAsKeras(model, "custom_layer");
    }
  }

  @Test
  void anUnregisteredCustomClassNamesWhatToRegister() throws Exception {
    // The same file with the class registered under another name: no type has it.
    Path file = KerasZips.withConfig(dir, "custom_layer.keras",
        config -> config.replace("lamina_test>Scale", "other>Scale"));
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(file));
    assertTrue(e.getMessage().contains("registered name 'other>Scale'"), e.getMessage());
    assertTrue(e.getMessage().contains("kerasClassName() is \"other>Scale\""), e.getMessage());
  }

  @Test
  void aKeyTheTypeDoesNotReadIsRefused() throws Exception {
    Path file = KerasZips.withConfig(dir, "custom_layer.keras",
        config -> config.replace("\"offset\": 0.5", "\"offset\": 0.5, \"bias\": 2"));
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(file));
    assertTrue(e.getMessage().contains("has option 'bias', which Lamina's lamina_test>Scale "
        + "does not support"), e.getMessage());
  }

  @Test
  void registeringATakenNameIsRefused() {
    LayerType<Scale> clash = LayerType.of("Dense", Scale.class,
        (String name, LayerConfig config) -> new Scale(name, 0));
    var e = assertThrows(IllegalArgumentException.class, () -> LayerTypes.register(clash));
    assertTrue(e.getMessage().contains("the name 'Dense' is taken"), e.getMessage());
  }
}
