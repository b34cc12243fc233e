package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
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

/**
 * Keras's CenterCrop: every fixture case (odd differences, the same size, an input smaller than
 * the target on one or both sides, which Keras resizes), int inputs, refusals, save and load, a
 * training step behind it.
 */
class CenterCropTest {

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases("image_preprocessing.json", "CenterCrop");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  /**
   * With the input's height and width unknown (None) Keras's TensorFlow path slices the centred
   * window, as its known-size path does for an input at least the target's size: those cases.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKerasWithUnknownSizes(String id, JsonObject testCase) throws IOException {
    long[] in = testCase.requireArray("inputs").requireObject(0).requireArray("shape").longs();
    JsonObject config = testCase.requireObject("config");
    if (in[1] >= config.requireInt("height") && in[2] >= config.requireInt("width")) {
      ImageLayerTests.assertMatchesKerasWithUnknownSizes(testCase);
    }
  }

  @Test
  void cropsIntImagesByHand() {
    var x = Input.of(TInt32.class, 3, 4, 1);
    try (Model model = Model.of(x, new CenterCrop(1, 2).apply(x))) {
      // rows 0..2, columns 0..3: the window starts at row floor(2/2)=1, column floor(2/2)=1
      int[][][][] image = {{{{0}, {1}, {2}, {3}}, {{4}, {5}, {6}, {7}}, {{8}, {9}, {10}, {11}}}};
      float[][][][] out = model.predict(image, float[][][][].class);
      assertArrayEquals(new float[] {5}, out[0][0][0]);
      assertArrayEquals(new float[] {6}, out[0][0][1]);
    }
  }

  @Test
  void refusals() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> new CenterCrop(0, 2));
    CenterCrop shared = new CenterCrop(2, 2);
    shared.apply(Input.of(TFloat32.class, 4, 5, 3));
    var twoSizes = assertThrows(IllegalArgumentException.class,
        () -> shared.apply(Input.of(TFloat32.class, 6, 5, 3)));
    assertTrue(twoSizes.getMessage().contains("one input height and width"),
        twoSizes.getMessage());
    JsonObject c = KerasLayerFixtures.cases("image_preprocessing.json", "CenterCrop")
        .findFirst().map(a -> (JsonObject) a.get()[1]).orElseThrow();
    JsonObject changed = c.replaced("config",
        c.requireObject("config").replaced("data_format", "channels_first"));
    var e = assertThrows(ModelFormatException.class,
        () -> KerasLayerFixtures.fromKerasConfig(changed));
    assertTrue(e.getMessage().contains("channels_first"), e.getMessage());
  }

  @Test
  void savesAndLoads() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("crop.lamina"), new CenterCrop("c", 3, 2),
        5, 4, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("crop_resize.lamina"),
        new CenterCrop("c", 6, 2), 5, 4, 2);
  }

  @Test
  void trainsAModelBehindIt() {
    ImageLayerTests.assertTrainsBehind(x -> new CenterCrop(3, 4).apply(x), 5, 7, 2);
    ImageLayerTests.assertTrainsBehind(x -> new CenterCrop(6, 8).apply(x), 5, 7, 2);
  }
}
