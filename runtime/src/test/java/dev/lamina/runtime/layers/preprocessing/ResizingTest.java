package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
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
 * Keras's Resizing: every case of {@code tools/keras_image_preprocessing_fixtures.py} (every
 * interpolation, up and down, odd sizes, crop and pad to the aspect ratio), with the sizes known
 * and unknown, to 1e-5 relative (the same TensorFlow kernels as Keras's backend), refusals, save
 * and load, a training step.
 */
class ResizingTest {

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases("image_preprocessing.json", "Resizing");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  /** The same cases with the input's height and width unknown (None): the sizes come at run time. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKerasWithUnknownSizes(String id, JsonObject testCase) throws IOException {
    ImageLayerTests.assertMatchesKerasWithUnknownSizes(testCase);
  }

  @Test
  void outputShapeAndRefusals() {
    var x = Input.of(TFloat32.class, -1, -1, 3);
    assertEquals(java.util.List.of(-1L, 4L, 5L, 3L), java.util.Arrays.stream(
        new Resizing(4, 5).apply(x).shape().asArray()).boxed().toList());
    var bogus = assertThrows(IllegalArgumentException.class,
        () -> Resizing.builder(4, 5).interpolation("cubic").build());
    assertTrue(bogus.getMessage().contains("'cubic' is not one of Keras's"), bogus.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Resizing.builder(4, 5)
        .cropToAspectRatio(true).padToAspectRatio(true).build());
    var ints = assertThrows(IllegalArgumentException.class,
        () -> new Resizing(4, 5).call(Input.of(TInt32.class, 3, 3, 1)));
    assertTrue(ints.getMessage().contains("floating-point"), ints.getMessage());
    var rank = assertThrows(IllegalArgumentException.class,
        () -> new Resizing(4, 5).apply(Input.of(TFloat32.class, 3, 3)));
    assertTrue(rank.getMessage().contains("(batch, height, width, channels)"),
        rank.getMessage());
  }

  @Test
  void importRefusesWhatLaminaDoesNotImplement() throws IOException {
    JsonObject c = KerasLayerFixtures.fixture("image_preprocessing.json").requireArray("cases")
        .requireObject(0);
    JsonObject config = c.requireObject("config");
    for (var change : java.util.Map.<String, Object>of("antialias", true, "data_format",
        "channels_first", "interpolation", "cubic", "fill_mode", "reflect").entrySet()) {
      JsonObject changed = c.replaced("config", config.replaced(change.getKey(),
          change.getValue()));
      var e = assertThrows(ModelFormatException.class,
          () -> KerasLayerFixtures.fromKerasConfig(changed), change.getKey());
      assertTrue(e.getMessage().contains(change.getKey()), e.getMessage());
    }
  }

  @Test
  void anAreaResizingAfterAWeightIsAClearErrorAtCompile() {
    // TensorFlow has no gradient of ResizeArea; at the input (trainsAModelBehindIt) none is asked
    var x = Input.of(TFloat32.class, 5, 7, 2);
    var h = dev.lamina.runtime.layers.core.Dense.builder(2).seed(1).build().apply(x);
    var y = Resizing.builder(3, 4).interpolation("area").build().apply(h);
    var out = dev.lamina.runtime.layers.core.Dense.builder(1).seed(2).build()
        .apply(new dev.lamina.runtime.layers.reshaping.Flatten().apply(y));
    try (var model = dev.lamina.runtime.Model.of(x, out)) {
      var e = assertThrows(IllegalStateException.class, () -> {
        model.compile(new dev.lamina.runtime.train.Sgd(0.1),
            dev.lamina.runtime.train.Losses.get("mean_squared_error", false));
        model.trainOnBatch(ImageLayerTests.images(2, 5, 7, 2),
            org.tensorflow.ndarray.NdArrays.ofFloats(org.tensorflow.ndarray.Shape.of(2, 1)));
      });
      assertTrue(e.getMessage().contains("Resizing 'resizing'")
          && e.getMessage().contains("ResizeArea has no gradient"), e.getMessage());
    }
  }

  @Test
  void savesAndLoads() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("resizing.lamina"), Resizing.builder(3, 7)
        .name("r").interpolation("nearest").padToAspectRatio(true).fillValue(0.25).build(),
        5, 4, 2);
  }

  @Test
  void trainsAModelBehindIt() {
    ImageLayerTests.assertTrainsBehind(x -> new Resizing(3, 4).apply(x), 5, 7, 2);
    for (String interpolation : new String[] {"nearest", "bicubic", "area", "lanczos3",
        "lanczos5"}) {
      ImageLayerTests.assertTrainsBehind(
          x -> Resizing.builder(3, 4).interpolation(interpolation).build().apply(x), 5, 7, 2);
    }
  }
}
