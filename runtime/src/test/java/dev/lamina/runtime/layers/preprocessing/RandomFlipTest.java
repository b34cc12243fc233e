package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
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

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases("image_preprocessing.json", "RandomFlip");
  }

  static Stream<String> training() throws IOException {
    List<String> ids = new ArrayList<>();
    for (JsonObject c : trainingCases()) {
      ids.add(c.requireString("id"));
    }
    return ids.stream();
  }

  private static List<JsonObject> trainingCases() throws IOException {
    return KerasLayerFixtures.fixture("image_preprocessing.json")
        .requireArray("random_flip_training").objects();
  }

  private static JsonObject trainingCase(String id) throws IOException {
    for (JsonObject c : trainingCases()) {
      if (c.requireString("id").equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no case " + id);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isTheIdentityInInference(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void flipsAsKerasInTraining(String id) throws IOException {
    JsonObject c = trainingCase(id);
    FloatNdArray x = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("x"));
    FloatNdArray y = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("y"));
    List<JsonObject> steps = c.requireArray("steps").objects();
    try (Model model = model(KerasLayerFixtures.fromKerasConfig(c.requireObject("layer")))) {
      model.setWeights(initial(c));
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      for (int step = 0; step < steps.size(); step++) {
        double loss = model.trainOnBatch(x, y).get("loss");
        double want = steps.get(step).requireDouble("loss");
        assertEquals(want, loss, 1e-5 * Math.max(1, Math.abs(want)), id + " step " + step);
        JsonArray weights = steps.get(step).requireArray("weights");
        for (int i = 0; i < weights.size(); i++) {
          assertArrayEquals(weights.requireArray(i).floats(), model.weights().get(i).values(),
              1e-5f, id + " step " + step + " weight " + i);
        }
      }
      // predict: the identity
      ImageLayerTests.assertSameValues(plainPredict(model, x), model.predict(x), id);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void kerasFirstCallIsStepZerosBatch(String id) throws IOException {
    JsonObject c = trainingCase(id);
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
    try (Model plain = model(null)) {
      plain.setWeights(initial(c));
      plain.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      plain.trainOnBatch(flipped, KerasLayerFixtures.array(c.requireObject("y")));
      JsonArray weights = c.requireArray("steps").requireObject(0).requireArray("weights");
      for (int i = 0; i < weights.size(); i++) {
        assertArrayEquals(weights.requireArray(i).floats(), plain.weights().get(i).values(),
            1e-5f, id + " weight " + i);
      }
    }
  }

  @Test
  void anUnseededFlipFlipsInTraining() {
    // no seed of its own: the draws come from FitOptions.seed; a step runs and trains
    try (Model model = model(new RandomFlip(RandomFlip.HORIZONTAL))) {
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

  /** Input(3, 4, 2) -> flip (none if null) -> Flatten -> Dense(1), as the fixture's. */
  private static Model model(Layer flip) {
    SymbolicTensor<?> x = Input.of(TFloat32.class, 3, 4, 2);
    SymbolicTensor<?> h = flip == null ? x : flip.call(x);
    return Model.of(x, Dense.builder(1).name("dense").build()
        .call(new Flatten("flatten").call(h)));
  }

  private static FloatNdArray plainPredict(Model trained, FloatNdArray x) {
    try (Model plain = model(null)) {
      plain.setWeights(trained.getWeights());
      return plain.predict(x);
    }
  }

  private static List<FloatNdArray> initial(JsonObject c) throws IOException {
    List<FloatNdArray> initial = new ArrayList<>();
    for (JsonObject w : c.requireArray("initial").objects()) {
      initial.add(NdArrays.wrap(Shape.of(w.requireArray("shape").longs()),
          DataBuffers.of(w.requireArray("values").floats(), true, false)));
    }
    return initial;
  }
}
