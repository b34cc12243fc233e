package dev.lamina.runtime.layers.preprocessing;

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
 * Keras's RandomGrayscale, RandomInvert, Solarization, RandomPosterization, AutoContrast and
 * RandomColorDegeneration. In inference: Keras's {@code layer(x, training=False)} (the identity
 * but for AutoContrast, which stretches in inference too, constant channels included). In
 * training a seeded layer transforms as
 * Keras's: the script ({@code tools/keras_more_augmentation_fixtures.py}) trains
 * {@code Input -> layer(seed) -> Flatten -> Dense(1)} three steps with Keras; the Dense kernel's
 * gradient is the transformed batch, so Lamina's losses and weights match Keras's (1e-5) only if
 * each step drew and applied the same transformation (value ranges (0, 255), (0, 1), shifted and
 * reversed ones; numbers and pairs of factors, equal ones and posterization bits beyond 8; one,
 * two and three channels; AutoContrast applies in training as in inference).
 */
class MoreAugmentationLayersTest {

  private static final String FIXTURE = "more_augmentation.json";
  private static final List<String> TYPES = List.of("RandomGrayscale", "RandomInvert",
      "Solarization", "RandomPosterization", "AutoContrast", "RandomColorDegeneration");

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return AugmentationFixtures.inferenceCases(FIXTURE, TYPES);
  }


  static Stream<String> training() throws IOException {
    return AugmentationFixtures.ids(FIXTURE, "training");
  }

  private static List<JsonObject> trainingCases() throws IOException {
    return KerasLayerFixtures.fixture(FIXTURE).requireArray("training").objects();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void predictsAsKerasInInference(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  @Test
  void fixtureCoversTheCases() throws IOException {
    assertEquals(9, cases().count());
    assertEquals(17, training().count());
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
    AugmentationFixtures.assertFirstCallTransformsAndIsStepZero(FIXTURE, id);
  }

  static Stream<Arguments> unseeded() {
    return Stream.of(
        Arguments.of("RandomGrayscale", (Supplier<Layer>) () -> new RandomGrayscale(0.9)),
        Arguments.of("RandomInvert", (Supplier<Layer>) () ->
            RandomInvert.builder().valueRange(-3, 3).build()),
        Arguments.of("Solarization", (Supplier<Layer>) () ->
            Solarization.builder().additionFactor(0.01).thresholdFactor(0.01)
                .valueRange(-3, 3).build()),
        Arguments.of("AutoContrast", (Supplier<Layer>) () -> new AutoContrast(null, -3, 3)),
        Arguments.of("RandomColorDegeneration", (Supplier<Layer>) () ->
            RandomColorDegeneration.builder(0.5).valueRange(-3, 3).build()));
  }

  @Test
  void posterizationTrainsAtTheInput() {
    ImageLayerTests.assertTrainsBehind(x -> RandomPosterization.builder(2, 6).valueRange(-3, 3)
        .build().call(x), 5, 7, 3);
  }

  @Test
  void posterizationAfterAWeightIsAClearErrorAtTraining() {
    // the uint8 cast and bit shifts have no gradient (TensorFlow's C++ gradients)
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 3);
    SymbolicTensor<?> h = Dense.builder(3).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        new RandomPosterization(4).call(h)));
    try (Model model = Model.of(x, out)) {
      var e = assertThrows(IllegalStateException.class, () -> {
        model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
        model.trainOnBatch(ImageLayerTests.images(2, 5, 7, 3),
            NdArrays.ofFloats(Shape.of(2, 1)));
      });
      assertTrue(e.getMessage().contains("RandomPosterization '")
          && e.getMessage().contains("op Cast to TUint8")
          && e.getMessage().contains("has no gradient"), e.getMessage());
      // predict does not differentiate: the identity
      assertEquals(2, model.predict(ImageLayerTests.images(2, 5, 7, 3)).shape().get(0));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unseeded")
  void anUnseededLayerTrainsAtTheInput(String name, Supplier<Layer> make) {
    // no seed of its own: the draws come from FitOptions.seed; a step runs and the Dense moves
    ImageLayerTests.assertTrainsBehind(x -> make.get().call(x), 5, 7, 3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unseeded")
  void trainsAfterAWeight(String name, Supplier<Layer> make) {
    // every op (MatMul, select, sub, clip, the value-range scaling) has a gradient: the first
    // Dense moves too
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 3);
    SymbolicTensor<?> h = Dense.builder(3).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        make.get().call(h)));
    try (Model model = Model.of(x, out)) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      float[] before = model.weights().get(0).values();
      FloatNdArray y = NdArrays.ofFloats(Shape.of(4, 1));
      y.scalars().forEach(s -> s.setFloat(1f));
      double loss = model.trainOnBatch(ImageLayerTests.images(4, 5, 7, 3), y).get("loss");
      assertTrue(Double.isFinite(loss), name + " loss " + loss);
      assertFalse(Arrays.equals(before, model.weights().get(0).values()),
          name + ": the first Dense moved");
    }
  }

  @Test
  void savesAndLoads() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("gray.lamina"),
        RandomGrayscale.builder().factor(0.3).name("g").seed(4L).build(), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("gray_unseeded.lamina"),
        new RandomGrayscale(), 5, 7, 1);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("invert.lamina"),
        RandomInvert.builder().factor(0.2, 0.7).valueRange(1, -1).seed(5L).build(), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("solarize.lamina"),
        Solarization.builder().additionFactor(0.2).thresholdFactor(0.9, 0.1).valueRange(1, 0)
            .name("s").seed(6L).build(), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("solarize_default.lamina"),
        new Solarization(), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("posterize.lamina"),
        RandomPosterization.builder(6, 2).valueRange(3, -3).name("p").seed(7L).build(), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("posterize_unseeded.lamina"),
        new RandomPosterization(8), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("autocontrast.lamina"),
        AutoContrast.builder().name("ac").valueRange(3, -3).build(), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("autocontrast_default.lamina"),
        new AutoContrast(), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("degenerate.lamina"),
        RandomColorDegeneration.builder(0.4, -0.2).valueRange(3, -3).seed(8L).build(),
        5, 7, 3);
  }

  @Test
  void autoContrastStretchesByHand() {
    // one 1x3 gray image, value_range (0, 1): low 0.25, high 0.75; in (0, 255) the values
    // 63.75, 127.5, 191.25 become 0, 127.5, 255, so 0, 0.5, 1; a constant image stays as is
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 1, 3, 1);
    FloatNdArray data = NdArrays.ofFloats(Shape.of(2, 1, 3, 1));
    float[] values = {0.25f, 0.5f, 0.75f, 0.4f, 0.4f, 0.4f};
    long[] i = {0};
    data.scalars().forEach(v -> v.setFloat(values[(int) i[0]++]));
    try (Model model = Model.of(x, new AutoContrast(null, 0, 1).call(x))) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          new float[] {0, 0.5f, 1, 0.4f, 0.4f, 0.4f},
          KerasLayerFixtures.floats(model.predict(data)), 1e-6f);
    }
  }

  @Test
  void configsAreKerasOwn() {
    Map<String, Object> gray = new RandomGrayscale().config();
    assertEquals(0.5, gray.get("factor"));
    assertEquals("channels_last", gray.get("data_format"));
    assertEquals(null, gray.get("seed"));
    // RandomInvert: the number f is (0, f); value_range as given
    Map<String, Object> invert = RandomInvert.builder().valueRange(1, 0).seed(3L).build()
        .config();
    assertEquals(List.of(0.0, 1.0), invert.get("factor"));
    assertEquals(List.of(1.0, 0.0), invert.get("value_range"));
    assertEquals(3L, invert.get("seed"));
    assertEquals(List.of(0.2, 0.6),
        RandomInvert.builder().factor(0.6, 0.2).build().arguments().get("factor"));
    // Solarization: each factor (0, f) or sorted; value_range sorted
    Map<String, Object> solar = Solarization.builder().additionFactor(0.4)
        .thresholdFactor(0.9, 0.1).valueRange(2, -1).build().config();
    assertEquals(List.of(0.0, 0.4), solar.get("addition_factor"));
    assertEquals(List.of(0.1, 0.9), solar.get("threshold_factor"));
    assertEquals(List.of(-1.0, 2.0), solar.get("value_range"));
    Map<String, Object> defaults = new Solarization().config();
    assertEquals(List.of(0.0, 0.0), defaults.get("addition_factor"));
    assertEquals(List.of(0.0, 255.0), defaults.get("value_range"));
    // RandomPosterization: the number f is (1, f), integers; value_range sorted
    Map<String, Object> poster = RandomPosterization.builder(5).valueRange(1, 0).build()
        .config();
    assertEquals(List.of(1L, 5L), poster.get("factor"));
    assertEquals(List.of(0.0, 1.0), poster.get("value_range"));
    assertEquals(List.of(2L, 6L),
        RandomPosterization.builder(6, 2).build().arguments().get("factor"));
    // AutoContrast: value_range sorted, no seed
    Map<String, Object> auto = new AutoContrast(null, 1, -1).config();
    assertEquals(List.of(-1.0, 1.0), auto.get("value_range"));
    assertFalse(auto.containsKey("seed"));
    // RandomColorDegeneration: the number f is (-f, f)
    Map<String, Object> degenerate = new RandomColorDegeneration(0.3).config();
    assertEquals(List.of(-0.3, 0.3), degenerate.get("factor"));
    assertEquals(List.of(0.0, 255.0), degenerate.get("value_range"));
  }

  @Test
  void refusesFactorsOutOfKerasRanges() {
    assertRefused("RandomGrayscale factor", "[0, 1]", () -> new RandomGrayscale(1.5));
    assertRefused("RandomGrayscale factor", "[0, 1]", () -> new RandomGrayscale(-0.1));
    assertRefused("RandomGrayscale factor", "[0, 1]", () -> new RandomGrayscale(Double.NaN));
    assertRefused("RandomInvert factor", "[0, 1]", () -> RandomInvert.builder().factor(1.2));
    assertRefused("RandomInvert factor", "second at least 0",
        () -> RandomInvert.builder().factor(-0.5, -0.2));
    assertRefused("Solarization addition_factor", "[0, 1]",
        () -> Solarization.builder().additionFactor(1.1));
    // Solarization checks each number of a pair, unlike the base _set_factor
    assertRefused("Solarization threshold_factor", "[0, 1]",
        () -> Solarization.builder().thresholdFactor(-0.1, 0.5));
    assertRefused("RandomPosterization factor", "[1, 8]", () -> new RandomPosterization(9));
    assertRefused("RandomPosterization factor", "[1, 8]", () -> new RandomPosterization(0));
    assertRefused("RandomPosterization factor", "first is at most 8",
        () -> RandomPosterization.builder(9, 10));
    assertRefused("RandomPosterization factor", "must be integers",
        () -> RandomPosterization.builder(2.5));
    assertRefused("RandomColorDegeneration factor", "[-1, 1]",
        () -> new RandomColorDegeneration(1.5));
    assertRefused("RandomColorDegeneration factor", "second at least -1",
        () -> RandomColorDegeneration.builder(-3, -2));
  }

  @Test
  void refusesAFactorThatIsNotANumberOrAPair() {
    assertRefused("RandomInvert factor", "a number or a pair",
        () -> RandomInvert.builder().factor(0.1, 0.2, 0.3));
    assertRefused("Solarization addition_factor", "a number or a pair",
        () -> Solarization.builder().additionFactor());
    assertRefused("Solarization threshold_factor", "a number or a pair",
        () -> Solarization.builder().thresholdFactor(Double.NaN));
    assertRefused("RandomPosterization factor", "a number or a pair",
        () -> RandomPosterization.builder(1, 2, 3));
    assertRefused("RandomColorDegeneration factor", "a number or a pair",
        () -> RandomColorDegeneration.builder());
  }

  @Test
  void refusesAValueRangeThatIsNotAPair() {
    assertRefused("RandomInvert value_range", "a pair of numbers (low, high)",
        () -> RandomInvert.builder().valueRange(0, 1, 2));
    assertRefused("Solarization value_range", "a pair of numbers (low, high)",
        () -> Solarization.builder().valueRange(1));
    assertRefused("RandomPosterization value_range", "a pair of numbers (low, high)",
        () -> RandomPosterization.builder(3).valueRange(0, Double.NaN));
    assertRefused("AutoContrast value_range", "a pair of numbers (low, high)",
        () -> AutoContrast.builder().valueRange(0, 1, 2));
    assertRefused("RandomColorDegeneration value_range", "a pair of numbers (low, high)",
        () -> RandomColorDegeneration.builder(0.1).valueRange());
  }

  @Test
  void colorDegenerationRefusesImagesThatAreNotRgb() {
    for (long channels : new long[] {1, 4, -1}) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> new RandomColorDegeneration(0.2).call(Input.of(TFloat32.class, 5, 7, channels)));
      assertTrue(e.getMessage().contains("RandomColorDegeneration")
          && e.getMessage().contains("3 channels"), e.getMessage());
    }
  }

  @Test
  void grayscaleRefusesImagesNeitherGrayNorRgb() {
    for (long channels : new long[] {2, 4}) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> new RandomGrayscale().call(Input.of(TFloat32.class, 5, 7, channels)));
      assertTrue(e.getMessage().contains("RandomGrayscale")
          && e.getMessage().contains("1 (grayscale) or 3 (RGB) channels"), e.getMessage());
    }
    var e = assertThrows(IllegalArgumentException.class,
        () -> new RandomGrayscale().call(Input.of(TFloat32.class, 5, 7, -1)));
    assertTrue(e.getMessage().contains("unknown number"), e.getMessage());
  }

  @Test
  void refusesWhatIsNotABatchOfImages() {
    for (Layer layer : List.of(new RandomGrayscale(), new RandomInvert(), new Solarization(),
        new RandomPosterization(3), new AutoContrast(), new RandomColorDegeneration(0.1))) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> layer.call(Input.of(TFloat32.class, 5, 7)));
      assertTrue(e.getMessage().contains("(batch, height, width, channels)"), e.getMessage());
    }
  }

  @Test
  void importRefusesBadConfigsNamingTheKey() throws IOException {
    Map<String, Map<String, Object>> bad = Map.of(
        "RandomGrayscale", Map.of("data_format", "channels_first", "factor", 2.5),
        "RandomInvert", Map.of("data_format", "channels_first", "factor", 2.5,
            "value_range", List.of(0, 1, 2)),
        "Solarization", Map.of("data_format", "channels_first", "addition_factor", 2.5,
            "threshold_factor", List.of(0.1, 0.2, 0.3), "value_range", List.of(0, 1, 2)),
        "RandomPosterization", Map.of("data_format", "channels_first", "factor", 2.5,
            "value_range", List.of(0)),
        "AutoContrast", Map.of("data_format", "channels_first", "value_range", 5),
        "RandomColorDegeneration", Map.of("data_format", "channels_first",
            "factor", List.of(2, 3), "value_range", List.of(0, 1, 2)));
    for (JsonObject c : trainingCases()) {
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
