package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Keras's RandomFlip. In inference the identity (Keras's {@code training=False} fixture cases).
 * In training a seeded layer flips what Keras's flips: {@code tools/keras_image_preprocessing_
 * fixtures.py} trains {@code Input -> RandomFlip(mode, seed) -> Flatten -> Dense(1)} three steps;
 * the Dense kernel's gradient is the flipped batch, so Lamina's losses and weights match Keras's
 * (1e-5) only if each step flipped the same images the same way. Keras's first call of a fresh
 * layer ({@code layer(x, training=True)}, seed {@code [seed, 0]}) is step 0's batch: training a
 * plain {@code Flatten -> Dense(1)} on it gives step 0's weights too.
 */
class RandomFlipTest {

  private static final String FIXTURE = "image_preprocessing.json";
  private static final String TRAINING = "random_flip_training";

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases(FIXTURE, "RandomFlip");
  }

  static Stream<String> training() throws IOException {
    return AugmentationFixtures.ids(FIXTURE, TRAINING);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isTheIdentityInInference(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void flipsAsKerasInTraining(String id) throws IOException {
    JsonObject c = AugmentationFixtures.find(FIXTURE, TRAINING, id);
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
    JsonObject c = AugmentationFixtures.find(FIXTURE, TRAINING, id);
    FloatNdArray x = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("x"));
    FloatNdArray flipped = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("first_call"));
    String mode = c.requireObject("layer").requireObject("config").requireString("mode");
    // the geometry: each image is itself or its flip by the mode, both axes at once for both
    int flippedImages = 0;
    for (long i = 0; i < x.shape().get(0); i++) {
      FloatNdArray image = x.get(i);
      FloatNdArray out = flipped.get(i);
      boolean same = true;
      boolean flip = true;
      for (long r = 0; r < 3; r++) {
        for (long col = 0; col < 4; col++) {
          for (long ch = 0; ch < 2; ch++) {
            long rr = mode.equals(RandomFlip.HORIZONTAL) ? r : 2 - r;
            long cc = mode.equals(RandomFlip.VERTICAL) ? col : 3 - col;
            same &= out.getFloat(r, col, ch) == image.getFloat(r, col, ch);
            flip &= out.getFloat(r, col, ch) == image.getFloat(rr, cc, ch);
          }
        }
      }
      assertTrue(same || flip, id + " image " + i + " is itself or its flip");
      flippedImages += same ? 0 : 1;
    }
    assertTrue(flippedImages > 0 && flippedImages < x.shape().get(0), id + ": " + flippedImages);
    AugmentationFixtures.assertFirstCallIsStepZero(c, flipped, id);
  }

  @Test
  void anUnseededFlipFlipsInTraining() {
    // no seed of its own: the draws come from FitOptions.seed; a step runs and trains
    try (Model model = AugmentationFixtures.model(new RandomFlip(RandomFlip.HORIZONTAL),
        Shape.of(-1, 3, 4, 2))) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      FloatNdArray x = ImageLayerTests.images(16, 3, 4, 2);
      double loss = model.trainOnBatch(x, NdArrays.ofFloats(Shape.of(16, 1))).get("loss");
      assertTrue(Double.isFinite(loss), "loss " + loss);
    }
    ImageLayerTests.assertTrainsBehind(x -> new RandomFlip().apply(x), 3, 4, 2);
  }

  @Test
  void refusals() {
    var e = assertThrows(IllegalArgumentException.class, () -> new RandomFlip("diagonal"));
    assertTrue(e.getMessage().contains("'diagonal'"), e.getMessage());
    var rank = assertThrows(IllegalArgumentException.class,
        () -> new RandomFlip().apply(Input.of(TFloat32.class, 3, 4)));
    assertTrue(rank.getMessage().contains("(batch, height, width, channels)"),
        rank.getMessage());
  }

  @Test
  void savesAndLoads() throws IOException {
    ImageLayerTests.assertSavesAndLoads(dir.resolve("flip.lamina"),
        new RandomFlip("f", RandomFlip.VERTICAL, 9L), 3, 4, 2);
    ImageLayerTests.assertSavesAndLoads(dir.resolve("flip_unseeded.lamina"),
        new RandomFlip(), 3, 4, 2);
  }

}
