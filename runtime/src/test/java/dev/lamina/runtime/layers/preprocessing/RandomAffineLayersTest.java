package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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
 * Keras's RandomRotation, RandomZoom and RandomTranslation. In inference the identity (Keras's
 * {@code training=False} fixture cases). In training a seeded layer transforms as Keras's:
 * {@code tools/keras_random_affine_fixtures.py} trains {@code Input(5, 7, 2) -> layer(seed) ->
 * Flatten -> Dense(1)} three steps with Keras; the Dense kernel's gradient is the transformed
 * batch, so Lamina's losses and weights match Keras's (1e-5) only if each step drew the same
 * random transformations and sampled the images as Keras did (fill modes reflect, wrap, constant
 * with a fill value, nearest; bilinear and nearest interpolation). Keras's first call of a fresh
 * layer ({@code layer(x, training=True)}, its first draws) is step 0's batch: training a plain
 * {@code Flatten -> Dense(1)} on it gives step 0's weights too.
 */
class RandomAffineLayersTest {

  private static final String FIXTURE = "random_affine.json";

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return AugmentationFixtures.inferenceCases(FIXTURE,
        List.of("RandomRotation", "RandomZoom", "RandomTranslation"));
  }


  static Stream<String> training() throws IOException {
    return AugmentationFixtures.ids(FIXTURE, "training");
  }

  private static List<JsonObject> trainingCases() throws IOException {
    return KerasLayerFixtures.fixture(FIXTURE).requireArray("training").objects();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isTheIdentityInInference(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void transformsAsKerasInTraining(String id) throws IOException {
    JsonObject c = AugmentationFixtures.find(FIXTURE, "training", id);
    FloatNdArray x = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("x"));
    try (Model model = AugmentationFixtures.trainedAsKeras(c, id)) {
      // predict: the identity
      ImageLayerTests.assertSameValues(AugmentationFixtures.plainPredict(model, x),
          model.predict(x), id);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void kerasFirstCallIsStepZerosBatch(String id) throws IOException {
    AugmentationFixtures.assertFirstCallTransformsAndIsStepZero(FIXTURE, id);
  }

  static Stream<Arguments> unseeded() {
    return Stream.of(
        Arguments.of("RandomRotation", (Supplier<Layer>) () -> new RandomRotation(0.2)),
        Arguments.of("RandomZoom", (Supplier<Layer>) () -> new RandomZoom(0.2)),
        Arguments.of("RandomZoom width", (Supplier<Layer>) () ->
            RandomZoom.builder(0.2).widthFactor(-0.1, 0.3).build()),
        Arguments.of("RandomTranslation", (Supplier<Layer>) () -> new RandomTranslation(0.2,
            0.1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unseeded")
  void anUnseededLayerTrainsAtTheInput(String name, Supplier<Layer> make) {
    // no seed of its own: the draws come from FitOptions.seed; a step runs and the Dense moves
    ImageLayerTests.assertTrainsBehind(x -> make.get().call(x), 5, 7, 2);
    // and with the input's height and width unknown
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, -1, -1, 2);
    SymbolicTensor<?> pooled = new dev.lamina.runtime.layers.pooling.GlobalAveragePooling2D()
        .call(make.get().call(x));
    try (Model model = Model.of(x, Dense.builder(1).seed(3).build().call(pooled))) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      double loss = model.trainOnBatch(ImageLayerTests.images(3, 5, 7, 2),
          NdArrays.ofFloats(Shape.of(3, 1))).get("loss");
      assertTrue(Double.isFinite(loss), name + " loss " + loss);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unseeded")
  void afterAWeightIsAClearErrorAtTraining(String name, Supplier<Layer> make) {
    // TensorFlow has no C++ gradient of ImageProjectiveTransformV3
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 2);
    SymbolicTensor<?> h = Dense.builder(2).seed(1).build().call(x);
    Layer layer = make.get();
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        layer.call(h)));
    try (Model model = Model.of(x, out)) {
      var e = assertThrows(IllegalStateException.class, () -> {
        model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
        model.trainOnBatch(ImageLayerTests.images(2, 5, 7, 2),
            NdArrays.ofFloats(Shape.of(2, 1)));
      });
      String type = layer.getClass().getSimpleName();
      assertTrue(e.getMessage().contains(type + " '")
          && e.getMessage().contains("ImageProjectiveTransformV3 has no gradient"),
          e.getMessage());
      // predict does not differentiate: the identity
      assertEquals(2, model.predict(ImageLayerTests.images(2, 5, 7, 2)).shape().get(0));
    }
  }

  @Test
  void savesAndLoads() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("rotation.lamina"),
        RandomRotation.builder(-0.1, 0.3).name("r").fillMode("constant").fillValue(0.5)
            .interpolation("nearest").seed(4L).build(), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("rotation_unseeded.lamina"),
        new RandomRotation(0.2), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("zoom.lamina"),
        RandomZoom.builder(0.2).widthFactor(-0.1, 0.3).fillMode("wrap").seed(5L).build(),
        5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("zoom_unseeded.lamina"),
        RandomZoom.builder(-0.2, 0.3).build(), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("translation.lamina"),
        RandomTranslation.builder(new double[] {-0.1, 0.3}, new double[] {0.2})
            .fillMode("nearest").interpolation("nearest").seed(6L).build(), 5, 7, 2);
  }

  @Test
  void configsAreKerasOwn() {
    // factor: RandomRotation writes its sorted bounds, the others the factors as given
    assertEquals(List.of(-0.2, 0.2), new RandomRotation(0.2).arguments().get("factor"));
    assertEquals(List.of(-0.1, 0.3),
        RandomRotation.builder(0.3, -0.1).build().arguments().get("factor"));
    Map<String, Object> zoom = new RandomZoom(0.2).config();
    assertEquals(0.2, zoom.get("height_factor"));
    assertEquals(null, zoom.get("width_factor"));
    assertEquals("reflect", zoom.get("fill_mode"));
    assertEquals("bilinear", zoom.get("interpolation"));
    assertEquals(0.0, zoom.get("fill_value"));
    assertEquals(null, zoom.get("seed"));
    assertEquals(List.of(0.3, -0.1), RandomTranslation.builder(new double[] {0.3, -0.1},
        new double[] {0.2}).build().arguments().get("height_factor"));
  }

  @Test
  void refusesFactorsOutOfKerasRanges() {
    assertRefused("RandomRotation factor", "[-1, 1]", () -> new RandomRotation(1.5));
    assertRefused("RandomRotation factor", "[-1, 1]",
        () -> RandomRotation.builder(1.2, 1.5).build());
    assertRefused("RandomZoom height_factor", "(-1, 1]", () -> new RandomZoom(-1.0));
    assertRefused("RandomZoom width_factor", "(-1, 1]",
        () -> RandomZoom.builder(0.2).widthFactor(-1.0, 0.5).build());
    assertRefused("RandomTranslation height_factor", "[-1, 1]",
        () -> new RandomTranslation(1.01, 0.1));
    assertRefused("RandomTranslation width_factor", "[-1, 1]",
        () -> RandomTranslation.builder(0.1, 0.1).widthFactor(-0.5, -1.5).build());
  }

  @Test
  void acceptsKerasBoundaryFactors() {
    // Keras's bounds: rotation and translation [-1, 1], zoom (-1, 1]; a rotation pair only
    // refused if its first is above 1 or its second below -1
    assertEquals(List.of(-1.0, 1.0), new RandomRotation(-1).arguments().get("factor"));
    assertEquals(List.of(-5.0, 0.5),
        RandomRotation.builder(-5, 0.5).build().arguments().get("factor"));
    assertEquals(1.0, new RandomZoom(1.0).arguments().get("height_factor"));
    assertEquals(List.of(-1.0, 1.0), RandomTranslation.builder(0, 0).heightFactor(-1, 1)
        .build().arguments().get("height_factor"));
  }

  @Test
  void refusesAFactorThatIsNotANumberOrAPair() {
    assertRefused("RandomRotation factor", "a number or a pair",
        () -> RandomRotation.builder(0.1, 0.2, 0.3).build());
    assertRefused("RandomZoom height_factor", "a number or a pair",
        () -> RandomZoom.builder().build());
    assertRefused("RandomTranslation width_factor", "a number or a pair",
        () -> RandomTranslation.builder(0.1, Double.NaN).build());
  }

  @Test
  void refusesAnUnknownFillMode() {
    assertRefused("RandomRotation fill_mode", "'reflect', 'wrap', 'constant' or 'nearest'",
        () -> RandomRotation.builder(0.1).fillMode("mirror").build());
    assertRefused("RandomZoom fill_mode", "'mirror'",
        () -> RandomZoom.builder(0.1).fillMode("mirror").build());
    assertRefused("RandomTranslation fill_mode", "'mirror'",
        () -> RandomTranslation.builder(0.1, 0.1).fillMode("mirror").build());
  }

  @Test
  void refusesAnUnknownInterpolation() {
    assertRefused("RandomRotation interpolation", "'nearest' or 'bilinear'",
        () -> RandomRotation.builder(0.1).interpolation("bicubic").build());
    assertRefused("RandomZoom interpolation", "'bicubic'",
        () -> RandomZoom.builder(0.1).interpolation("bicubic").build());
    assertRefused("RandomTranslation interpolation", "'bicubic'",
        () -> RandomTranslation.builder(0.1, 0.1).interpolation("bicubic").build());
  }

  @Test
  void refusesWhatIsNotABatchOfImages() {
    for (Layer layer : List.of(new RandomRotation(0.1), new RandomZoom(0.1),
        new RandomTranslation(0.1, 0.1))) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> layer.call(Input.of(TFloat32.class, 5, 7)));
      assertTrue(e.getMessage().contains("(batch, height, width, channels)"), e.getMessage());
    }
  }

  @Test
  void importRefusesBadConfigsNamingTheKey() throws IOException {
    for (JsonObject c : trainingCases()) {
      JsonObject layer = c.requireObject("layer");
      JsonObject config = layer.requireObject("config");
      String factorKey = config.get("factor") != null ? "factor" : "height_factor";
      for (var change : Map.<String, Object>of("data_format", "channels_first",
          "fill_mode", "mirror", "interpolation", "bicubic", factorKey, 2.5).entrySet()) {
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
