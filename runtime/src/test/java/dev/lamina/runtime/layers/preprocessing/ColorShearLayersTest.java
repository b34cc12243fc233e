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
 * Keras's RandomShear, RandomSaturation, RandomHue and RandomSharpness. In inference: Keras's {@code layer(x, training=False)}, the identity. In
 * training a seeded layer transforms as Keras's: the script
 * ({@code tools/keras_color_shear_fixtures.py}) trains
 * {@code Input -> layer(seed) -> Flatten -> Dense(1)} three steps with Keras; the Dense kernel's
 * gradient is the transformed batch, so Lamina's losses and weights match Keras's (1e-5) only if
 * each step drew and applied the same transformation (numbers and pairs of factors, one factor
 * left 0; every fill mode, both interpolations; value ranges (0, 255), (0, 1), reversed ones
 * and, for RandomSaturation, one that clips the saturation; one, two and three channels).
 */
class ColorShearLayersTest {

  private static final String FIXTURE = "color_shear.json";
  private static final List<String> TYPES = List.of("RandomShear", "RandomSaturation",
      "RandomHue", "RandomSharpness");

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return AugmentationFixtures.inferenceCases(FIXTURE, TYPES);
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
    assertEquals(4, cases().count());
    assertEquals(13, training().count());
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

  static Stream<Arguments> hsv() {
    return Stream.of(
        Arguments.of("RandomSaturation", (Supplier<Layer>) () ->
            RandomSaturation.builder(0.6).valueRange(0, 1).build()),
        Arguments.of("RandomHue", (Supplier<Layer>) () ->
            RandomHue.builder(0.6).valueRange(-3, 3).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hsv")
  void hsvLayerTrainsAtTheInputUnseeded(String name, Supplier<Layer> make) {
    ImageLayerTests.assertTrainsBehind(x -> make.get().call(x), 5, 7, 3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hsv")
  void hsvLayerAfterAWeightIsAClearErrorAtTraining(String name, Supplier<Layer> make) {
    // TensorFlow has no gradient of HSVToRGB (none registered) and only a Python one of RGBToHSV
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 3);
    SymbolicTensor<?> h = Dense.builder(3).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        make.get().call(h)));
    try (Model model = Model.of(x, out)) {
      var e = assertThrows(IllegalStateException.class, () -> {
        model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
        model.trainOnBatch(ImageLayerTests.images(2, 5, 7, 3),
            NdArrays.ofFloats(Shape.of(2, 1)));
      });
      assertTrue(e.getMessage().contains(name + " '")
          && (e.getMessage().contains("HSVToRGB has no gradient")
          || e.getMessage().contains("RGBToHSV has no gradient")), e.getMessage());
      // predict does not differentiate: the identity
      assertEquals(2, model.predict(ImageLayerTests.images(2, 5, 7, 3)).shape().get(0));
    }
  }

  @Test
  void sharpnessTrainsAtTheInputUnseeded() {
    ImageLayerTests.assertTrainsBehind(x -> RandomSharpness.builder(0.2, 0.8).valueRange(-3, 3)
        .build().call(x), 5, 7, 2);
  }

  @Test
  void sharpnessTrainsAfterAWeight() {
    // the depthwise convolution, sub, mul and clip have gradients: the first Dense moves too
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 3);
    SymbolicTensor<?> h = Dense.builder(3).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        RandomSharpness.builder(0.1, 0.9).valueRange(-3, 3).build().call(h)));
    try (Model model = Model.of(x, out)) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      float[] before = model.weights().get(0).values();
      FloatNdArray y = NdArrays.ofFloats(Shape.of(4, 1));
      y.scalars().forEach(v -> v.setFloat(1f));
      double loss = model.trainOnBatch(ImageLayerTests.images(4, 5, 7, 3), y).get("loss");
      assertTrue(Double.isFinite(loss), "loss " + loss);
      assertFalse(Arrays.equals(before, model.weights().get(0).values()),
          "the first Dense moved");
    }
  }

  @Test
  void sharpnessBlursByHand() {
    // factor (0, 0): f = 0, so x + (1 - 0) * (blur - x) = blur. A 3x3 one-channel image with
    // 13 in the middle and 0 elsewhere: the blur is 13 * 5/13 = 5 in the middle and
    // 13 * 1/13 = 1 at every neighbour (zero padding). Read through one SGD step from zero
    // weights, y = 1, learning rate 0.5: the kernel becomes the blurred image.
    FloatNdArray data = NdArrays.ofFloats(Shape.of(1, 3, 3, 1));
    data.setFloat(13f, 0, 1, 1, 0);
    FloatNdArray target = NdArrays.ofFloats(Shape.of(1, 1));
    target.setFloat(1f, 0, 0);
    Layer sharpness = RandomSharpness.builder(0, 0).seed(2L).build();
    try (Model model = AugmentationFixtures.model(sharpness, data.shape())) {
      model.setWeights(List.of(NdArrays.ofFloats(Shape.of(9, 1)), NdArrays.ofFloats(Shape.of(1))));
      model.compile(new Sgd(0.5), Losses.get("mean_squared_error", false));
      model.trainOnBatch(data, target);
      assertArrayEquals(new float[] {1, 1, 1, 1, 5, 1, 1, 1, 1},
          model.weights().get(0).values(), 1e-5f);
    }
  }

  @Test
  void colorLayersRefuseImagesThatAreNotRgb() {
    for (Supplier<Layer> make : List.<Supplier<Layer>>of(() -> new RandomSaturation(0.2),
        () -> new RandomHue(0.2))) {
      for (long channels : new long[] {1, 4, -1}) {
        Layer layer = make.get();
        var e = assertThrows(IllegalArgumentException.class,
            () -> layer.call(Input.of(TFloat32.class, 5, 7, channels)));
        assertTrue(e.getMessage().contains(layer.getClass().getSimpleName())
            && e.getMessage().contains("3 channels"), e.getMessage());
      }
    }
  }

  @Test
  void savesAndLoads() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("shear.lamina"),
        RandomShear.builder().xFactor(0.6, 0.1).yFactor(0.3).fillMode("constant")
            .fillValue(2.5).interpolation("nearest").name("s").seed(9L).build(), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("shear_default.lamina"),
        RandomShear.builder().build(), 5, 7, 1);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("saturation.lamina"),
        RandomSaturation.builder(0.7, -0.2).valueRange(1, 0).name("sat").seed(10L).build(),
        5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("hue.lamina"),
        RandomHue.builder(0.4).valueRange(1, -1).seed(11L).build(), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("hue_unseeded.lamina"),
        new RandomHue(0.9), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("sharpness.lamina"),
        RandomSharpness.builder(0.8, 0.3).valueRange(3, -3).name("sh").seed(12L).build(),
        5, 7, 2);
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
    // RandomSaturation: bounds [-1, 1], the number f is (-f, f); value_range sorted
    Map<String, Object> saturation = RandomSaturation.builder(0.5).valueRange(1, 0).build()
        .config();
    assertEquals(List.of(-0.5, 0.5), saturation.get("factor"));
    assertEquals(List.of(0.0, 1.0), saturation.get("value_range"));
    // RandomHue: bounds [0, 1], the number f is (0, f); value_range as given
    Map<String, Object> hue = RandomHue.builder(0.5).valueRange(1, 0).seed(4L).build().config();
    assertEquals(List.of(0.0, 0.5), hue.get("factor"));
    assertEquals(List.of(1.0, 0.0), hue.get("value_range"));
    assertEquals(4L, hue.get("seed"));
    // RandomSharpness: bounds [0, 1]; value_range sorted
    Map<String, Object> sharp = RandomSharpness.builder(0.9, 0.2).valueRange(1, 0).build()
        .config();
    assertEquals(List.of(0.2, 0.9), sharp.get("factor"));
    assertEquals(List.of(0.0, 1.0), sharp.get("value_range"));
    assertEquals(List.of(0.0, 255.0), new RandomSharpness(0.1).config().get("value_range"));
  }

  @Test
  void refusesFactorsOutOfKerasRanges() {
    assertRefused("RandomShear x_factor", "[0, 1]", () -> RandomShear.builder().xFactor(1.5));
    // Keras checks each number, a negative number too
    assertRefused("RandomShear x_factor", "[0, 1]", () -> RandomShear.builder().xFactor(-0.2));
    assertRefused("RandomShear y_factor", "[0, 1]",
        () -> RandomShear.builder().yFactor(-0.1, 0.5));
    assertRefused("RandomSaturation factor", "[-1, 1]", () -> new RandomSaturation(1.5));
    assertRefused("RandomSaturation factor", "second at least -1",
        () -> RandomSaturation.builder(-3, -2));
    assertRefused("RandomHue factor", "[0, 1]", () -> new RandomHue(-0.1));
    assertRefused("RandomHue factor", "first is at most 1", () -> RandomHue.builder(1.5, 2));
    assertRefused("RandomSharpness factor", "[0, 1]", () -> new RandomSharpness(1.1));
    assertRefused("RandomSharpness factor", "second at least 0",
        () -> RandomSharpness.builder(-0.5, -0.1));
  }

  @Test
  void refusesAFactorThatIsNotANumberOrAPair() {
    assertRefused("RandomShear x_factor", "a number or a pair",
        () -> RandomShear.builder().xFactor(0.1, 0.2, 0.3));
    assertRefused("RandomShear y_factor", "a number or a pair",
        () -> RandomShear.builder().yFactor(Double.NaN));
    assertRefused("RandomSaturation factor", "a number or a pair",
        () -> RandomSaturation.builder(0.1, 0.2, 0.3));
    assertRefused("RandomHue factor", "a number or a pair", () -> RandomHue.builder());
    assertRefused("RandomSharpness factor", "a number or a pair",
        () -> RandomSharpness.builder(Double.NaN));
  }

  @Test
  void refusesAValueRangeThatIsNotAPair() {
    assertRefused("RandomSaturation value_range", "a pair of numbers (low, high)",
        () -> RandomSaturation.builder(0.1).valueRange(0, 1, 2));
    assertRefused("RandomHue value_range", "a pair of numbers (low, high)",
        () -> RandomHue.builder(0.1).valueRange(1));
    assertRefused("RandomSharpness value_range", "a pair of numbers (low, high)",
        () -> RandomSharpness.builder(0.1).valueRange(0, Double.NaN));
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
    for (Layer layer : List.of(new RandomShear(0.1, 0.1), new RandomSaturation(0.1),
        new RandomHue(0.1), new RandomSharpness(0.1))) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> layer.call(Input.of(TFloat32.class, 5, 7)));
      assertTrue(e.getMessage().contains("(batch, height, width, channels)"), e.getMessage());
    }
  }

  @Test
  void importRefusesBadConfigsNamingTheKey() throws IOException {
    Map<String, Map<String, Object>> bad = Map.of(
        "RandomShear", Map.of("data_format", "channels_first", "x_factor", 2.5,
            "y_factor", List.of(0.1, 0.2, 0.3), "fill_mode", "mirror",
            "interpolation", "bicubic", "fill_value", "zero", "seed", "s"),
        "RandomSaturation", Map.of("data_format", "channels_first", "factor", 2.5,
            "value_range", List.of(0, 1, 2), "seed", 1.5),
        "RandomHue", Map.of("data_format", "channels_first", "factor", List.of(2, 3),
            "value_range", 255),
        "RandomSharpness", Map.of("data_format", "channels_first", "factor", "high",
            "value_range", List.of(0)));
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

  @Test
  void importReadsKerasWrittenNumberAndRefusesOtherNegativePairs() throws IOException {
    JsonObject layer = AugmentationFixtures.find(FIXTURE, "training",
        "RandomShear/training_default_fill").requireObject("layer");
    JsonObject config = layer.requireObject("config");
    // Keras writes x_factor=0.3 as [-0.3, 0.3]: read as the number 0.3
    assertEquals(List.of(-0.3, 0.3), ((RandomShear) KerasLayerFixtures.fromKerasConfig(layer))
        .arguments().get("x_factor"));
    JsonObject changed = layer.replaced("config", config.replaced("x_factor",
        dev.lamina.runtime.io.Json.parse("[-0.2, 0.5]", "test")));
    var e = assertThrows(ModelFormatException.class,
        () -> KerasLayerFixtures.fromKerasConfig(changed));
    assertTrue(e.getMessage().contains("x_factor") && e.getMessage().contains("[0, 1]"),
        e.getMessage());
  }

  private static void assertRefused(String argument, String allowed, Executable make) {
    var e = assertThrows(IllegalArgumentException.class, make, argument);
    assertTrue(e.getMessage().contains(argument) && e.getMessage().contains(allowed),
        e.getMessage());
  }
}
