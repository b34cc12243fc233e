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
 * Keras's RandomGaussianBlur, RandomErasing, RandomPerspective and RandomColorJitter. In
 * inference: Keras's {@code layer(x, training=False)}, the
 * identity. In training a seeded layer transforms as Keras's: the script
 * ({@code tools/keras_blur_erase_fixtures.py}) trains
 * {@code Input -> layer(seed) -> Flatten -> Dense(1)} three steps with Keras; the Dense kernel's
 * gradient is the transformed batch, so Lamina's losses and weights match Keras's (1e-5) only if
 * each step drew and applied the same transformation (defaults; pairs of factor and sigma,
 * kernel 5, range (0, 1); a (3, 5) kernel and a range that clips; erasing with noise, one fill
 * value and three clipped ones; perspective with defaults, a pair, nearest and a fill value, a
 * small scale; the jitter with all four factors, three of them as pairs, contrast alone; one,
 * two and three channels).
 */
class BlurErasePerspectiveTest {

  private static final String FIXTURE = "blur_erase.json";
  private static final List<String> TYPES = List.of("RandomGaussianBlur",
      "RandomErasing", "RandomPerspective", "RandomColorJitter");

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
    assertEquals(12, training().count());
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
  void blurTrainsAtTheInputUnseeded() {
    ImageLayerTests.assertTrainsBehind(x -> RandomGaussianBlur.builder().valueRange(-3, 3)
        .build().call(x), 5, 7, 2);
  }

  @Test
  void blurTrainsAfterAWeight() {
    // the depthwise convolution, select and clip have gradients: the first Dense moves too
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 3);
    SymbolicTensor<?> h = Dense.builder(3).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        RandomGaussianBlur.builder().factor(1, 1).valueRange(-3, 3).build().call(h)));
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
  void blursByHand() {
    // factor (1, 1): every image is blurred; sigma (0.5, 0.5): s = 0.5 + 1e-6 both ways. The
    // 1-D kernel is exp(-0.5 (x / s)^2) at x = -1, 0, 1 over its sum: e = exp(-2) (about), so
    // (e, 1, e) / (1 + 2e). A 3x3 one-channel image with 1 in the middle: the blur is the 2-D
    // kernel, c^2 in the middle, c d at the edges, d^2 at the corners (c = 1 / (1 + 2e),
    // d = e / (1 + 2e)). Read through one SGD step from zero weights, y = 1, learning rate
    // 0.5: the kernel becomes the blurred image.
    FloatNdArray data = NdArrays.ofFloats(Shape.of(1, 3, 3, 1));
    data.setFloat(1f, 0, 1, 1, 0);
    FloatNdArray target = NdArrays.ofFloats(Shape.of(1, 1));
    target.setFloat(1f, 0, 0);
    Layer blur = RandomGaussianBlur.builder().factor(1, 1).sigma(0.5, 0.5).seed(2L).build();
    float center = 0.61934492f;
    float edge = 0.08381989f;
    float corner = 0.01134388f;
    try (Model model = AugmentationFixtures.model(blur, data.shape())) {
      model.setWeights(List.of(NdArrays.ofFloats(Shape.of(9, 1)), NdArrays.ofFloats(Shape.of(1))));
      model.compile(new Sgd(0.5), Losses.get("mean_squared_error", false));
      model.trainOnBatch(data, target);
      assertArrayEquals(new float[] {corner, edge, corner, edge, center, edge, corner, edge,
          corner}, model.weights().get(0).values(), 1e-5f);
    }
  }

  @Test
  void savesAndLoads() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("blur.lamina"),
        RandomGaussianBlur.builder().factor(0.8, 0.3).kernelSize(3, 5).sigma(0.2, 0.9)
            .valueRange(3, -3).name("b").seed(12L).build(), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("blur_default.lamina"),
        new RandomGaussianBlur(), 5, 7, 3);
  }

  @Test
  void configsAreKerasOwn() {
    Map<String, Object> blur = RandomGaussianBlur.builder().factor(0.9, 0.2).kernelSize(5)
        .sigma(0.4).valueRange(1, 0).build().config();
    assertEquals(List.of(0.2, 0.9), blur.get("factor"));
    assertEquals(List.of(5, 5), blur.get("kernel_size"));
    assertEquals(List.of(0.0, 0.4), blur.get("sigma"));
    assertEquals(List.of(1.0, 0.0), blur.get("value_range"));
    Map<String, Object> defaults = new RandomGaussianBlur().config();
    assertEquals(List.of(0.0, 1.0), defaults.get("factor"));
    assertEquals(List.of(3, 3), defaults.get("kernel_size"));
    assertEquals(List.of(0.0, 1.0), defaults.get("sigma"));
    assertEquals(List.of(0.0, 255.0), defaults.get("value_range"));
  }

  @Test
  void refusesArgumentsOutOfKerasRanges() {
    assertRefused("RandomGaussianBlur factor", "[0, 1]",
        () -> RandomGaussianBlur.builder().factor(1.5));
    assertRefused("RandomGaussianBlur factor", "a number or a pair",
        () -> RandomGaussianBlur.builder().factor(0.1, 0.2, 0.3));
    assertRefused("RandomGaussianBlur sigma", "[0, 1]",
        () -> RandomGaussianBlur.builder().sigma(2.0));
    assertRefused("RandomGaussianBlur sigma", "second at least 0",
        () -> RandomGaussianBlur.builder().sigma(-0.5, -0.1));
    assertRefused("RandomGaussianBlur kernel_size", "odd",
        () -> RandomGaussianBlur.builder().kernelSize(4));
    assertRefused("RandomGaussianBlur kernel_size", "odd",
        () -> RandomGaussianBlur.builder().kernelSize(3, 2));
    assertRefused("RandomGaussianBlur kernel_size", "odd",
        () -> RandomGaussianBlur.builder().kernelSize(3, 3, 3));
    assertRefused("RandomGaussianBlur value_range", "a pair of numbers (low, high)",
        () -> RandomGaussianBlur.builder().valueRange(0, Double.NaN));
  }

  @Test
  void refusesWhatIsNotABatchOfImages() {
    for (Layer layer : List.<Layer>of(new RandomGaussianBlur(), new RandomErasing(),
        new RandomPerspective(), new RandomColorJitter())) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> layer.call(Input.of(TFloat32.class, 5, 7)));
      assertTrue(e.getMessage().contains("(batch, height, width, channels)"), e.getMessage());
    }
  }

  @Test
  void importRefusesBadConfigsNamingTheKey() throws IOException {
    Map<String, Map<String, Object>> bad = Map.of(
        "RandomGaussianBlur", Map.of("data_format", "channels_first", "factor", 2.5,
            "kernel_size", List.of(3, 4), "sigma", List.of(2, 3), "value_range", List.of(0),
            "seed", 1.5),
        "RandomErasing", Map.of("data_format", "channels_first", "factor", List.of(2, 3),
            "scale", 1.5, "fill_value", List.of(1, 2), "value_range", 255, "seed", "s"),
        "RandomPerspective", Map.of("data_format", "channels_first", "factor", 1.5,
            "scale", 1.5, "interpolation", "bicubic", "fill_value", "zero", "seed", 2.5),
        "RandomColorJitter", Map.of("data_format", "channels_first", "value_range", 255,
            "brightness_factor", 1.5, "contrast_factor", List.of(1, 2, 3),
            "saturation_factor", "high", "hue_factor", 2, "seed", "s"));
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
  void importReadsAKernelSizeNumber() throws IOException {
    JsonObject layer = AugmentationFixtures.find(FIXTURE, "training",
        "RandomGaussianBlur/training_defaults").requireObject("layer");
    JsonObject changed = layer.replaced("config", layer.requireObject("config")
        .replaced("kernel_size", dev.lamina.runtime.io.Json.parse("5", "test")));
    assertEquals(List.of(5, 5), ((RandomGaussianBlur) KerasLayerFixtures
        .fromKerasConfig(changed)).arguments().get("kernel_size"));
  }

  @Test
  void erasingTrainsAfterAWeight() {
    // the selections have gradients: the first Dense moves too
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 3);
    SymbolicTensor<?> h = Dense.builder(3).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        RandomErasing.builder().valueRange(-3, 3).build().call(h)));
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
  void erasingTrainsAtTheInputUnseeded() {
    ImageLayerTests.assertTrainsBehind(x -> new RandomErasing().call(x), 5, 7, 3);
  }

  @Test
  void erasesByHand() {
    // factor (1, 1): every image is erased. scale (0.25, 0.25): each side's ratio is
    // sqrt(0.25) = 0.5, so on a 2x2 image the box is 1 wide and 1 high, starting at u * (2 - 1)
    // with u in [0, 1): columns (and rows) x with u <= x < u + 1 are only x = 1 (u > 0). A 2x2
    // image of ones, fill 7: pixel (1, 1) becomes 7. Read through one SGD step from zero
    // weights, y = 1, learning rate 0.5: the kernel becomes the erased image.
    FloatNdArray data = NdArrays.ofFloats(Shape.of(1, 2, 2, 1));
    data.scalars().forEach(v -> v.setFloat(1f));
    FloatNdArray target = NdArrays.ofFloats(Shape.of(1, 1));
    target.setFloat(1f, 0, 0);
    Layer erasing = RandomErasing.builder().factor(1, 1).scale(0.25, 0.25).fillValue(7)
        .seed(5L).build();
    try (Model model = AugmentationFixtures.model(erasing, data.shape())) {
      model.setWeights(List.of(NdArrays.ofFloats(Shape.of(4, 1)), NdArrays.ofFloats(Shape.of(1))));
      model.compile(new Sgd(0.5), Losses.get("mean_squared_error", false));
      model.trainOnBatch(data, target);
      assertArrayEquals(new float[] {1, 1, 1, 7}, model.weights().get(0).values(), 1e-6f);
    }
  }

  @Test
  void erasingSavesLoadsAndKeepsKerasConfig() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("erasing.lamina"),
        RandomErasing.builder().factor(0.8, 0.3).scale(0.4).fillValue(1, 2, 3)
            .valueRange(3, -3).name("e").seed(13L).build(), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("erasing_default.lamina"),
        new RandomErasing(), 5, 7, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("erasing_number.lamina"),
        RandomErasing.builder().fillValue(0.5).seed(3L).build(), 5, 7, 1);
    Map<String, Object> defaults = new RandomErasing().config();
    assertEquals(List.of(0.0, 1.0), defaults.get("factor"));
    assertEquals(List.of(0.02, 0.33), defaults.get("scale"));
    assertTrue(defaults.containsKey("fill_value") && defaults.get("fill_value") == null);
    assertEquals(List.of(0.0, 255.0), defaults.get("value_range"));
    Map<String, Object> set = RandomErasing.builder().scale(0.6, 0.2).fillValue(0.25)
        .valueRange(1, 0).build().config();
    assertEquals(List.of(0.2, 0.6), set.get("scale"));
    assertEquals(0.25, set.get("fill_value"));
    assertEquals(List.of(1.0, 0.0), set.get("value_range"));
  }

  @Test
  void erasingRefusesArgumentsOutOfKerasRanges() {
    assertRefused("RandomErasing factor", "[0, 1]", () -> RandomErasing.builder().factor(-0.5));
    assertRefused("RandomErasing scale", "[0, 1]", () -> RandomErasing.builder().scale(1.5));
    assertRefused("RandomErasing scale", "first is at most 1",
        () -> RandomErasing.builder().scale(2, 3));
    assertRefused("RandomErasing fill_value", "a list of three numbers",
        () -> RandomErasing.builder().fillValue(1, 2));
    assertRefused("RandomErasing value_range", "a pair of numbers (low, high)",
        () -> RandomErasing.builder().valueRange(1));
    var e = assertThrows(IllegalArgumentException.class, () -> RandomErasing.builder()
        .fillValue(1, 2, 3).build().call(Input.of(TFloat32.class, 5, 7, 1)));
    assertTrue(e.getMessage().contains("RandomErasing with three fill values")
        && e.getMessage().contains("3 channels"), e.getMessage());
  }

  @Test
  void perspectiveTrainsAtTheInputUnseeded() {
    ImageLayerTests.assertTrainsBehind(x -> new RandomPerspective().call(x), 5, 7, 3);
  }

  @Test
  void perspectiveAfterAWeightIsAClearErrorAtTraining() {
    // TensorFlow has no C++ gradient of ImageProjectiveTransformV3
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 2);
    SymbolicTensor<?> h = Dense.builder(2).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        new RandomPerspective().call(h)));
    try (Model model = Model.of(x, out)) {
      var e = assertThrows(IllegalStateException.class, () -> {
        model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
        model.trainOnBatch(ImageLayerTests.images(2, 5, 7, 2),
            NdArrays.ofFloats(Shape.of(2, 1)));
      });
      assertTrue(e.getMessage().contains("RandomPerspective '")
          && e.getMessage().contains("ImageProjectiveTransformV3 has no gradient"),
          e.getMessage());
      // predict does not differentiate: the identity
      assertEquals(2, model.predict(ImageLayerTests.images(2, 5, 7, 2)).shape().get(0));
    }
  }

  @Test
  void perspectiveWithScaleZeroKeepsTheImageByHand() {
    // scale 0: every offset is 0, the corners do not move, the homography is the identity and
    // bilinear sampling at the pixels themselves returns them. Read through one SGD step from
    // zero weights, y = 1, learning rate 0.5: the kernel becomes the image.
    FloatNdArray data = NdArrays.ofFloats(Shape.of(1, 2, 3, 1));
    float[] pixels = {1, 2, 3, 4, 5, 6};
    long[] k = {0};
    data.scalars().forEach(v -> v.setFloat(pixels[(int) k[0]++]));
    FloatNdArray target = NdArrays.ofFloats(Shape.of(1, 1));
    target.setFloat(1f, 0, 0);
    Layer perspective = RandomPerspective.builder().factor(1, 1).scale(0).seed(4L).build();
    try (Model model = AugmentationFixtures.model(perspective, data.shape())) {
      model.setWeights(List.of(NdArrays.ofFloats(Shape.of(6, 1)), NdArrays.ofFloats(Shape.of(1))));
      model.compile(new Sgd(0.5), Losses.get("mean_squared_error", false));
      model.trainOnBatch(data, target);
      assertArrayEquals(pixels, model.weights().get(0).values(), 1e-5f);
    }
  }

  @Test
  void perspectiveSavesLoadsAndKeepsKerasConfig() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("perspective.lamina"),
        RandomPerspective.builder().factor(0.8, 0.3).scale(0.4).interpolation("nearest")
            .fillValue(2.5).name("p").seed(14L).build(), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("perspective_default.lamina"),
        new RandomPerspective(), 5, 7, 1);
    Map<String, Object> defaults = new RandomPerspective().config();
    assertEquals(List.of(0.0, 1.0), defaults.get("factor"));
    assertEquals(1.0, defaults.get("scale"));
    assertEquals("bilinear", defaults.get("interpolation"));
    assertEquals(0.0, defaults.get("fill_value"));
  }

  @Test
  void perspectiveRefusesArgumentsOutOfKerasRanges() {
    assertRefused("RandomPerspective factor", "[0, 1]",
        () -> RandomPerspective.builder().factor(2));
    assertRefused("RandomPerspective scale", "[0, 1]",
        () -> RandomPerspective.builder().scale(-0.1));
    assertRefused("RandomPerspective scale", "[0, 1]",
        () -> RandomPerspective.builder().scale(Double.NaN));
    assertRefused("RandomPerspective interpolation", "'nearest' or 'bilinear'",
        () -> RandomPerspective.builder().interpolation("bicubic"));
    var e = assertThrows(IllegalArgumentException.class,
        () -> new RandomPerspective().call(Input.of(TFloat32.class, -1, 7, 3)));
    assertTrue(e.getMessage().contains("RandomPerspective needs images of known height"),
        e.getMessage());
  }

  @Test
  void jitterTrainsAtTheInputUnseeded() {
    ImageLayerTests.assertTrainsBehind(x -> RandomColorJitter.builder().brightnessFactor(0.2)
        .contrastFactor(0.3).saturationFactor(0.4).hueFactor(0.1).build().call(x), 5, 7, 3);
  }

  @Test
  void jitterOfBrightnessAndContrastTrainsAfterAWeight() {
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 3);
    SymbolicTensor<?> h = Dense.builder(3).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        RandomColorJitter.builder().valueRange(-3, 3).brightnessFactor(0.2)
            .contrastFactor(0.3).build().call(h)));
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
  void jitterWithHueAfterAWeightIsAClearErrorAtTraining() {
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 5, 7, 3);
    SymbolicTensor<?> h = Dense.builder(3).seed(1).build().call(x);
    SymbolicTensor<?> out = Dense.builder(1).seed(2).build().call(new Flatten().call(
        RandomColorJitter.builder().hueFactor(0.2).build().call(h)));
    try (Model model = Model.of(x, out)) {
      var e = assertThrows(IllegalStateException.class, () -> {
        model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
        model.trainOnBatch(ImageLayerTests.images(2, 5, 7, 3),
            NdArrays.ofFloats(Shape.of(2, 1)));
      });
      assertTrue(e.getMessage().contains("RandomColorJitter '")
          && e.getMessage().contains("has no gradient"), e.getMessage());
    }
  }

  @Test
  void jitterBrightensByHand() {
    // brightness_factor (0.5, 0.5), value_range (0, 1): every pixel + 0.5 * (1 - 0), clipped
    // to [0, 1]: 0.2 -> 0.7, 0.6 -> 1. Read through one SGD step from zero weights, y = 1,
    // learning rate 0.5: the kernel becomes the brightened image.
    FloatNdArray data = NdArrays.ofFloats(Shape.of(1, 1, 2, 1));
    data.setFloat(0.2f, 0, 0, 0, 0);
    data.setFloat(0.6f, 0, 0, 1, 0);
    FloatNdArray target = NdArrays.ofFloats(Shape.of(1, 1));
    target.setFloat(1f, 0, 0);
    Layer jitter = RandomColorJitter.builder().valueRange(0, 1).brightnessFactor(0.5, 0.5)
        .seed(6L).build();
    try (Model model = AugmentationFixtures.model(jitter, data.shape())) {
      model.setWeights(List.of(NdArrays.ofFloats(Shape.of(2, 1)), NdArrays.ofFloats(Shape.of(1))));
      model.compile(new Sgd(0.5), Losses.get("mean_squared_error", false));
      model.trainOnBatch(data, target);
      assertArrayEquals(new float[] {0.7f, 1f}, model.weights().get(0).values(), 1e-6f);
    }
  }

  @Test
  void jitterSavesLoadsAndKeepsKerasConfig() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("jitter.lamina"),
        RandomColorJitter.builder().valueRange(0, 1).brightnessFactor(-0.1, 0.3)
            .contrastFactor(0.4).saturationFactor(0.2, 0.8).hueFactor(0.3).name("j")
            .seed(15L).build(), 5, 7, 3);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("jitter_default.lamina"),
        new RandomColorJitter(), 5, 7, 1);
    Map<String, Object> config = RandomColorJitter.builder().brightnessFactor(0.2)
        .hueFactor(0.1, 0.4).build().config();
    assertEquals(List.of(0.0, 255.0), config.get("value_range"));
    assertEquals(0.2, config.get("brightness_factor"));
    assertTrue(config.containsKey("contrast_factor") && config.get("contrast_factor") == null);
    assertTrue(config.containsKey("saturation_factor")
        && config.get("saturation_factor") == null);
    assertEquals(List.of(0.1, 0.4), config.get("hue_factor"));
  }

  @Test
  void jitterRefusesFactorsNamingTheArgument() {
    assertRefused("RandomColorJitter brightness_factor", "RandomBrightness factor",
        () -> RandomColorJitter.builder().brightnessFactor(1.5).build());
    assertRefused("RandomColorJitter contrast_factor", "RandomContrast factor",
        () -> RandomColorJitter.builder().contrastFactor(0.1, 0.2, 0.3).build());
    assertRefused("RandomColorJitter saturation_factor", "RandomSaturation factor",
        () -> RandomColorJitter.builder().saturationFactor(2).build());
    assertRefused("RandomColorJitter hue_factor", "RandomHue factor",
        () -> RandomColorJitter.builder().hueFactor(-2, -1).build());
    assertRefused("RandomColorJitter value_range", "a pair of numbers (low, high)",
        () -> RandomColorJitter.builder().valueRange(1, 2, 3));
    var e = assertThrows(IllegalArgumentException.class, () -> RandomColorJitter.builder()
        .hueFactor(0.1).build().call(Input.of(TFloat32.class, 5, 7, 1)));
    assertTrue(e.getMessage().contains("RandomColorJitter with a saturation or hue factor")
        && e.getMessage().contains("3 channels"), e.getMessage());
  }

  private static void assertRefused(String argument, String allowed, Executable make) {
    var e = assertThrows(IllegalArgumentException.class, make, argument);
    assertTrue(e.getMessage().contains(argument) && e.getMessage().contains(allowed),
        e.getMessage());
  }
}
