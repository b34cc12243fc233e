package dev.lamina.runtime.layers.normalization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
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

/** Keras's UnitNormalization: every fixture case, by hand, save and load. */
class UnitNormalizationTest {

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases("UnitNormalization");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  @Test
  void scalesToUnitLengthAndKeepsZeros() {
    var x = Input.of(TFloat32.class, 2);
    try (Model model = Model.of(x, new UnitNormalization().apply(x))) {
      // (3, 4) has length 5; (0, 0) stays (0, 0) as in Keras.
      float[][] y = model.predict(new float[][] {{3, 4}, {0, 0}}, float[][].class);
      assertArrayEquals(new float[] {0.6f, 0.8f}, y[0], 1e-7f);
      assertArrayEquals(new float[] {0, 0}, y[1]);
    }
  }

  @Test
  void savesAndLoadsBitForBit() throws IOException {
    var x = Input.of(TFloat32.class, 2, 2);
    var y = new UnitNormalization("unit", 1, 2).apply(x);
    float[][][] data = {{{1, 2}, {3, -4}}, {{-1, 0}, {2, 2}}};
    Path file = dir.resolve("unit.lamina");
    float[][][] before;
    try (Model model = Model.of(x, y)) {
      before = model.predict(data, float[][][].class);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertEquals(Map.of("axis", List.of(1, 2)), loaded.layers().stream()
          .filter(l -> l instanceof UnitNormalization).findFirst().orElseThrow().arguments());
      float[][][] after = loaded.predict(data, float[][][].class);
      for (int i = 0; i < data.length; i++) {
        for (int j = 0; j < 2; j++) {
          assertArrayEquals(before[i][j], after[i][j]);
        }
      }
    }
  }
}
