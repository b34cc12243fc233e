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
 * Keras's RandomContrast, RandomBrightness and RandomCrop. In inference: the identity for the
 * first two, Keras's fixed window for RandomCrop (the fixture's cases,
 * {@code tools/keras_random_color_crop_fixtures.py}: Keras's code for {@code training=False}'s
 * window, see RandomCrop's Javadoc). In training a seeded layer transforms as Keras's: the
 * script trains {@code Input -> layer(seed) -> Flatten -> Dense(1)} three steps with Keras; the
 * Dense kernel's gradient is the transformed batch, so Lamina's losses and weights match Keras's
 * (1e-5) only if each step drew and applied the same transformation (value ranges (0, 255),
 * (0, 1) and a reversed one; numbers and pairs of factors, one negative; crops from inputs
 * larger, smaller and larger on one side only, none square).
 */
class RandomColorCropLayersTest {

  private static final String FIXTURE = "random_color_crop.json";

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return AugmentationFixtures.inferenceCases(FIXTURE,
        List.of("RandomContrast", "RandomBrightness", "RandomCrop"));
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
    assertEquals(6, cases().count());
    assertEquals(10, training().count());
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
        Arguments.of("RandomContrast", (Supplier<Layer>) () -> new RandomContrast(0.5)),
        Arguments.of("RandomBrightness", (Supplier<Layer>) () ->
            RandomBrightness.builder(-0.2, 0.3).valueRange(-3, 3).build()),
        Arguments.of("RandomCrop", (Supplier<Layer>) () -> new RandomCrop(3, 4)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unseeded")
  void anUnseededLayerTrainsAtTheInput(String name, Supplier<Layer> make) {
    // no seed of its own: the draws come from FitOptions.seed; a step runs and the Dense moves
    ImageLayerTests.assertTrainsBehind(x -> make.get().call(x), 5, 7, 2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unseeded")
  void trainsAfterAWeight(String name, Supplier<Layer> make) {
    // every op (mean, clip, slice, bilinear resize) has a gradient: the first Dense moves too
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 2);
    SymbolicTensor<?> h = Dense.builder(2).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        make.get().call(h)));
    try (Model model = Model.of(x, out)) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      float[] before = model.weights().get(0).values();
      FloatNdArray y = NdArrays.ofFloats(Shape.of(4, 1));
      y.scalars().forEach(s -> s.setFloat(1f));
      double loss = model.trainOnBatch(ImageLayerTests.images(4, 5, 7, 2), y).get("loss");
      assertTrue(Double.isFinite(loss), name + " loss " + loss);
      assertFalse(Arrays.equals(before, model.weights().get(0).values()),
          name + ": the first Dense moved");
    }
  }

  @Test
  void cropsASmallerInputByHandInInference() {
    // 2x3 image 0..5, target 4x2: Keras's window starts at (0, int((3 - 1) / 2)) = (0, 1),
    // takes rows 0..1 and columns 1..2 ([[1, 2], [4, 5]]) and resizes them to 4x2
    // bilinearly (half-pixel centres): rows 1, 1.75, 3.25, 4 (clamped at the edges)
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 2, 3, 1);
    FloatNdArray data = NdArrays.ofFloats(Shape.of(1, 2, 3, 1));
    long[] i = {0};
    data.scalars().forEach(s -> s.setFloat(i[0]++));
    try (Model model = Model.of(x, new RandomCrop(4, 2).call(x))) {
      FloatNdArray out = model.predict(data);
      assertEquals(Shape.of(1, 4, 2, 1), out.shape());
      assertArrayEquals(new float[] {1, 2, 1.75f, 2.75f, 3.25f, 4.25f, 4, 5},
          KerasLayerFixtures.floats(out), 1e-6f);
    }
  }

  @Test
  void savesAndLoads() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("contrast.lamina"),
        RandomContrast.builder(-0.2, 0.5).name("c").valueRange(0, 1).seed(4L).build(), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("contrast_unseeded.lamina"),
        new RandomContrast(0.3), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("brightness.lamina"),
        RandomBrightness.builder(0.2).valueRange(1, -1).seed(5L).build(), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("crop.lamina"),
        RandomCrop.builder(3, 4).name("crop").seed(6L).build(), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("crop_smaller.lamina"),
        new RandomCrop(6, 9), 5, 7, 2);
  }

  @Test
  void configsAreKerasOwn() {
    // factor: the (lower, upper) Keras's _set_factor keeps; contrast's number f is (0, f)
    Map<String, Object> contrast = new RandomContrast(0.3).config();
    assertEquals(List.of(0.0, 0.3), contrast.get("factor"));
    assertEquals(List.of(0.0, 255.0), contrast.get("value_range"));
    assertEquals("channels_last", contrast.get("data_format"));
    assertEquals(null, contrast.get("seed"));
    assertEquals(List.of(0.2, 0.5),
        RandomContrast.builder(0.5, 0.2).build().arguments().get("factor"));
    // contrast keeps value_range as given, brightness sorts it
    assertEquals(List.of(1.0, 0.0), RandomContrast.builder(0.1).valueRange(1, 0).build()
        .arguments().get("value_range"));
    Map<String, Object> brightness = RandomBrightness.builder(-0.3).valueRange(1, -1).build()
        .config();
    assertEquals(List.of(-0.3, 0.3), brightness.get("factor"));
    assertEquals(List.of(-1.0, 1.0), brightness.get("value_range"));
    assertEquals(List.of(0.0, 255.0), new RandomBrightness(0.1).config().get("value_range"));
    Map<String, Object> crop = RandomCrop.builder(3, 4).seed(7L).build().config();
    assertEquals(3, crop.get("height"));
    assertEquals(4, crop.get("width"));
    assertEquals(7L, crop.get("seed"));
    assertEquals("channels_last", crop.get("data_format"));
  }

  @Test
  void acceptsKerasBoundaryFactors() {
    // a pair is only refused if its first is above the upper bound or its second below the
    // lower bound, as Keras's _set_factor
    assertEquals(List.of(-5.0, 0.5),
        RandomContrast.builder(-5, 0.5).build().arguments().get("factor"));
    assertEquals(List.of(0.5, 5.0),
        RandomBrightness.builder(0.5, 5).build().arguments().get("factor"));
    assertEquals(List.of(0.0, 1.0), new RandomContrast(1).arguments().get("factor"));
    assertEquals(List.of(-1.0, 1.0), new RandomBrightness(-1).arguments().get("factor"));
  }

  @Test
  void refusesFactorsOutOfKerasRanges() {
    assertRefused("RandomContrast factor", "[0, 1]", () -> new RandomContrast(1.5));
    assertRefused("RandomContrast factor", "[0, 1]", () -> new RandomContrast(-0.1));
    assertRefused("RandomContrast factor", "first is at most 1",
        () -> RandomContrast.builder(1.2, 1.5).build());
    assertRefused("RandomContrast factor", "second at least 0",
        () -> RandomContrast.builder(0.2, -0.5).build());
    assertRefused("RandomBrightness factor", "[-1, 1]", () -> new RandomBrightness(1.01));
    assertRefused("RandomBrightness factor", "second at least -1",
        () -> RandomBrightness.builder(-3, -2).build());
  }

  @Test
  void refusesAFactorThatIsNotANumberOrAPair() {
    assertRefused("RandomContrast factor", "a number or a pair",
        () -> RandomContrast.builder(0.1, 0.2, 0.3).build());
    assertRefused("RandomBrightness factor", "a number or a pair",
        () -> RandomBrightness.builder().build());
    assertRefused("RandomBrightness factor", "a number or a pair",
        () -> RandomBrightness.builder(Double.NaN).build());
  }

  @Test
  void refusesAValueRangeThatIsNotAPair() {
    assertRefused("RandomContrast value_range", "a pair of numbers (low, high)",
        () -> RandomContrast.builder(0.1).valueRange(0, 1, 2).build());
    assertRefused("RandomBrightness value_range", "a pair of numbers (low, high)",
        () -> RandomBrightness.builder(0.1).valueRange(1).build());
  }

  @Test
  void refusesACropSizeThatIsNotPositive() {
    assertRefused("RandomCrop height", "must be positive", () -> new RandomCrop(0, 4));
    assertRefused("RandomCrop width", "must be positive", () -> new RandomCrop(3, -1));
  }

  @Test
  void refusesWhatIsNotABatchOfImages() {
    for (Layer layer : List.of(new RandomContrast(0.1), new RandomBrightness(0.1),
        new RandomCrop(2, 2))) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> layer.call(Input.of(TFloat32.class, 5, 7)));
      assertTrue(e.getMessage().contains("(batch, height, width, channels)"), e.getMessage());
    }
  }

  @Test
  void cropRefusesUnknownSizesAsKeras() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new RandomCrop(2, 2).call(Input.of(TFloat32.class, -1, 7, 2)));
    assertTrue(e.getMessage().contains("RandomCrop")
        && e.getMessage().contains("height and width known"), e.getMessage());
  }

  @Test
  void importRefusesBadConfigsNamingTheKey() throws IOException {
    for (JsonObject c : trainingCases()) {
      JsonObject layer = c.requireObject("layer");
      JsonObject config = layer.requireObject("config");
      boolean crop = layer.requireString("class_name").equals("RandomCrop");
      Map<String, Object> changes = crop
          ? Map.of("data_format", "channels_first", "height", 0, "width", -2)
          : Map.of("data_format", "channels_first", "factor", 2.5,
              "value_range", List.of(0, 1, 2));
      for (var change : changes.entrySet()) {
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
