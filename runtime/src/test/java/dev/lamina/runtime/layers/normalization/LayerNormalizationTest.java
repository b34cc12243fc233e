package dev.lamina.runtime.layers.normalization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.types.TFloat32;

/** Keras's LayerNormalization: every fixture case, training through it, save and load. */
class LayerNormalizationTest {

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases("LayerNormalization");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trainingCases")
  void trainsAsKeras(String id) throws IOException {
    JsonObject testCase = KerasLayerFixtures.training(id);
    var x = Input.of(TFloat32.class, 5);
    var y = Dense.builder(2).seed(1).build().apply(
        new LayerNormalization().apply(Dense.builder(4).seed(0).build().apply(x)));
    try (Model model = Model.of(x, y)) {
      KerasLayerFixtures.assertTrainsAsKeras(testCase, model,
          KerasLayerFixtures.rows(testCase.requireObject("x")));
    }
  }

  static Stream<String> trainingCases() {
    return Stream.of("dense_layernorm/SGD", "dense_layernorm/Adam");
  }

  @Test
  void savesAndLoadsBitForBit() throws IOException {
    var x = Input.of(TFloat32.class, 3, 2);
    var norm = LayerNormalization.builder().axis(1, 2).epsilon(0.01).center(false).name("ln")
        .build();
    var y = norm.apply(x);
    float[][][] data = {{{1, 2}, {3, -4}, {0.5f, 7}}, {{-1, 0}, {2, 2}, {3, 1}}};
    Path file = dir.resolve("ln.lamina");
    float[][][] before;
    try (Model model = Model.of(x, y)) {
      norm.weights().get(0).assign(new float[] {1, 2, 3, 4, 5, 6});
      before = model.predict(data, float[][][].class);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      LayerNormalization layer = (LayerNormalization) loaded.layers().stream()
          .filter(l -> l instanceof LayerNormalization).findFirst().orElseThrow();
      assertEquals(norm.arguments(), layer.arguments());
      assertEquals(List.of("gamma"), layer.weights().stream().map(w -> w.name()).toList());
      float[][][] after = loaded.predict(data, float[][][].class);
      for (int i = 0; i < data.length; i++) {
        for (int j = 0; j < 3; j++) {
          assertArrayEquals(before[i][j], after[i][j]);
        }
      }
    }
  }

  @Test
  void hasKerassWeightsAndRefusesBadAxes() {
    var norm = new LayerNormalization();
    norm.apply(Input.of(TFloat32.class, 4));
    assertEquals(List.of("gamma", "beta"), norm.weights().stream().map(w -> w.name()).toList());
    var rms = LayerNormalization.builder().rmsScaling(true).build();
    rms.apply(Input.of(TFloat32.class, 4));
    assertEquals(List.of("gamma"), rms.weights().stream().map(w -> w.name()).toList());
    var e = assertThrows(IllegalArgumentException.class,
        () -> LayerNormalization.builder().axis(2).build().apply(Input.of(TFloat32.class, 4)));
    assertTrue(e.getMessage().contains("axis 2 is out of range"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> LayerNormalization.builder().axis(0).build().apply(Input.of(TFloat32.class, 4)));
    assertTrue(e.getMessage().contains("needs a known size on axis 0"), e.getMessage());
  }
}
