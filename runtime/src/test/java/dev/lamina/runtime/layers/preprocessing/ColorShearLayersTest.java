package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Keras's RandomShear. In inference: Keras's {@code layer(x, training=False)}, the identity. In
 * training a seeded layer transforms as Keras's: the script
 * ({@code tools/keras_color_shear_fixtures.py}) trains
 * {@code Input -> layer(seed) -> Flatten -> Dense(1)} three steps with Keras; the Dense kernel's
 * gradient is the transformed batch, so Lamina's losses and weights match Keras's (1e-5) only if
 * each step drew and applied the same transformation (numbers and pairs of factors, one factor
 * left 0; every fill mode, both interpolations; one, two and three channels).
 */
class ColorShearLayersTest {

  private static final String FIXTURE = "color_shear.json";
  private static final List<String> TYPES = List.of("RandomShear");

  @TempDir
  Path dir;

  static Stream<Arguments> cases() {
    return TYPES.stream().flatMap(type -> {
      try {
        return KerasLayerFixtures.cases(FIXTURE, type);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  static Stream<String> training() throws IOException {
    return AugmentationFixtures.ids(FIXTURE, "training");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void predictsAsKerasInInference(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  @Test
  void fixtureCoversTheCases() throws IOException {
    assertEquals(1, cases().count());
    assertEquals(4, training().count());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void transformsAsKerasInTraining(String id) throws IOException {
    AugmentationFixtures.trainedAsKeras(AugmentationFixtures.find(FIXTURE, "training", id), id)
        .close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void kerasFirstCallIsStepZerosBatch(String id) throws IOException {
    JsonObject c = AugmentationFixtures.find(FIXTURE, "training", id);
    FloatNdArray x = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("x"));
    FloatNdArray moved = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("first_call"));
    assertFalse(Arrays.equals(KerasLayerFixtures.floats(x), KerasLayerFixtures.floats(moved)),
        id + ": Keras transformed the batch");
    AugmentationFixtures.assertFirstCallIsStepZero(c, moved, id);
  }

  @Test
  void shearTrainsAtTheInputUnseeded() {
    // no seed of its own: the draws come from FitOptions.seed; a step runs and the Dense moves
    ImageLayerTests.assertTrainsBehind(x -> new RandomShear(0.4, 0.4).call(x), 5, 7, 3);
  }

  @Test
  void shearAfterAWeightIsAClearErrorAtTraining() {
    // TensorFlow has no C++ gradient of ImageProjectiveTransformV3
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 2);
    SymbolicTensor<?> h = Dense.builder(2).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        new RandomShear(0.3, 0.3).call(h)));
    try (Model model = Model.of(x, out)) {
      var e = assertThrows(IllegalStateException.class, () -> {
        model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
        model.trainOnBatch(ImageLayerTests.images(2, 5, 7, 2),
            NdArrays.ofFloats(Shape.of(2, 1)));
      });
      assertTrue(e.getMessage().contains("RandomShear '")
          && e.getMessage().contains("ImageProjectiveTransformV3 has no gradient"),
          e.getMessage());
      // predict does not differentiate: the identity
      assertEquals(2, model.predict(ImageLayerTests.images(2, 5, 7, 2)).shape().get(0));
    }
  }

  @Test
  void shearSamplesWhereKerasMatrixSaysByHand() {
    // x_factor (1, 1), y 0, nearest, constant 9: the output point (x, y) samples the input at
    // (x + y, y), or (x - y, y) where invert drew -1. One 3x3 image of the values 0..8. Read
    // through one SGD step of Flatten -> Dense(1) from zero weights: with y = 1 and learning
    // rate 0.5 the kernel becomes 0.5 * 2 * (1 - 0) * the sheared image, the image itself.
    FloatNdArray data = NdArrays.ofFloats(Shape.of(1, 3, 3, 1));
    long[] i = {0};
    data.scalars().forEach(v -> v.setFloat(i[0]++));
    FloatNdArray target = NdArrays.ofFloats(Shape.of(1, 1));
    target.setFloat(1f, 0, 0);
    Layer shear = RandomShear.builder().xFactor(1, 1).interpolation("nearest")
        .fillMode("constant").fillValue(9).seed(5L).build();
    try (Model model = AugmentationFixtures.model(shear, data.shape())) {
      model.setWeights(List.of(NdArrays.ofFloats(Shape.of(9, 1)), NdArrays.ofFloats(Shape.of(1))));
      // inference: the identity
      assertArrayEquals(new float[] {0}, KerasLayerFixtures.floats(model.predict(data)));
      model.compile(new Sgd(0.5), Losses.get("mean_squared_error", false));
      model.trainOnBatch(data, target);
      float[] sheared = model.weights().get(0).values();
      float[] right = {0, 1, 2, 4, 5, 9, 8, 9, 9};
      float[] left = {0, 1, 2, 9, 3, 4, 9, 9, 6};
      assertTrue(Arrays.equals(right, sheared) || Arrays.equals(left, sheared),
          Arrays.toString(sheared));
    }
  }

  @Test
  void savesAndLoads() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("shear.lamina"),
        RandomShear.builder().xFactor(0.6, 0.1).yFactor(0.3).fillMode("constant")
            .fillValue(2.5).interpolation("nearest").name("s").seed(9L).build(), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("shear_default.lamina"),
        RandomShear.builder().build(), 5, 7, 1);
  }

  @Test
  void configsAreKerasOwn() {
    Map<String, Object> shear = RandomShear.builder().xFactor(0.3).yFactor(0.9, 0.2).build()
        .config();
    assertEquals(List.of(-0.3, 0.3), shear.get("x_factor"));
    assertEquals(List.of(0.2, 0.9), shear.get("y_factor"));
    assertEquals("reflect", shear.get("fill_mode"));
    assertEquals("bilinear", shear.get("interpolation"));
    assertEquals(0.0, shear.get("fill_value"));
    assertEquals("channels_last", shear.get("data_format"));
    assertEquals(null, shear.get("seed"));
  }

  @Test
  void refusesFactorsOutOfKerasRanges() {
    assertRefused("RandomShear x_factor", "[0, 1]", () -> RandomShear.builder().xFactor(1.5));
    // Keras checks each number, a negative number too
    assertRefused("RandomShear x_factor", "[0, 1]", () -> RandomShear.builder().xFactor(-0.2));
    assertRefused("RandomShear y_factor", "[0, 1]",
        () -> RandomShear.builder().yFactor(-0.1, 0.5));
  }

  @Test
  void refusesAFactorThatIsNotANumberOrAPair() {
    assertRefused("RandomShear x_factor", "a number or a pair",
        () -> RandomShear.builder().xFactor(0.1, 0.2, 0.3));
    assertRefused("RandomShear y_factor", "a number or a pair",
        () -> RandomShear.builder().yFactor(Double.NaN));
  }

  @Test
  void refusesUnknownFillModesAndInterpolations() {
    assertRefused("RandomShear fill_mode", "'reflect', 'wrap', 'constant' or 'nearest'",
        () -> RandomShear.builder().fillMode("mirror"));
    assertRefused("RandomShear interpolation", "'nearest' or 'bilinear'",
        () -> RandomShear.builder().interpolation("bicubic"));
  }

  @Test
  void refusesWhatIsNotABatchOfImages() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new RandomShear(0.1, 0.1).call(Input.of(TFloat32.class, 5, 7)));
    assertTrue(e.getMessage().contains("(batch, height, width, channels)"), e.getMessage());
  }

  @Test
  void importRefusesBadConfigsNamingTheKey() throws IOException {
    Map<String, Map<String, Object>> bad = Map.of(
        "RandomShear", Map.of("data_format", "channels_first", "x_factor", 2.5,
            "y_factor", List.of(0.1, 0.2, 0.3), "fill_mode", "mirror",
            "interpolation", "bicubic", "fill_value", "zero", "seed", "s"));
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("training")
        .objects()) {
      JsonObject layer = c.requireObject("layer");
      JsonObject config = layer.requireObject("config");
      for (var change : bad.get(layer.requireString("class_name")).entrySet()) {
        JsonObject changed = layer.replaced("config", config.replaced(change.getKey(),
            change.getValue()));
        var e = assertThrows(ModelFormatException.class,
            () -> KerasLayerFixtures.fromKerasConfig(changed), change.getKey());
        assertTrue(e.getMessage().contains(change.getKey()), e.getMessage());
      }
    }
  }

  private static void assertRefused(String argument, String allowed, Executable make) {
    var e = assertThrows(IllegalArgumentException.class, make, argument);
    assertTrue(e.getMessage().contains(argument) && e.getMessage().contains(allowed),
        e.getMessage());
  }
}
