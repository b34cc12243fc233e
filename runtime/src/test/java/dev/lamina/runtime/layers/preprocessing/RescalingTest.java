package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Keras's Rescaling: every fixture case, per-channel values, int inputs, save and load. */
class RescalingTest {

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases("Rescaling");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  @Test
  void perChannelOnIntInputs() {
    var x = Input.of(TInt32.class, 2);
    var y = Rescaling.perChannel(null, new float[] {2, 0.5f}, new float[] {1, -1}).apply(x);
    try (Model model = Model.of(x, y)) {
      // (4, 6) * (2, 0.5) + (1, -1) = (9, 2)
      float[][] out = model.predict(new int[][] {{4, 6}}, float[][].class);
      assertArrayEquals(new float[] {9, 2}, out[0]);
    }
    var e = assertThrows(IllegalArgumentException.class, () -> Rescaling.perChannel(null,
        new float[] {1, 2, 3}, new float[] {0}).apply(Input.of(TFloat32.class, 2)));
    assertTrue(e.getMessage().contains("3 per-channel values need inputs with 3 channels"),
        e.getMessage());
  }

  @Test
  void savesAndLoadsBitForBit() throws IOException {
    var x = Input.of(TFloat32.class, 2);
    var rescaling = Rescaling.perChannel("r", new float[] {1 / 255f, 3}, new float[] {-1});
    Path file = dir.resolve("rescaling.lamina");
    float[][] data = {{255, 1}, {127.5f, -2}};
    float[][] before;
    try (Model model = Model.of(x, rescaling.apply(x))) {
      before = model.predict(data, float[][].class);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertEquals(rescaling.arguments(), loaded.layers().stream()
          .filter(l -> l instanceof Rescaling).findFirst().orElseThrow().arguments());
      float[][] after = loaded.predict(data, float[][].class);
      assertArrayEquals(before[0], after[0]);
      assertArrayEquals(before[1], after[1]);
    }
  }
}
