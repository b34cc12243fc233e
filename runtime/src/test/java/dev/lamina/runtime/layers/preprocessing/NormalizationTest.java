package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.types.TFloat32;

/**
 * Keras's Normalization: every fixture case (given statistics, and adapted ones set as Keras's
 * weights), {@code adapt} against Keras's adapted values, training after it, save and load.
 */
class NormalizationTest {

  @TempDir
  Path dir;

  static Stream<Arguments> cases() throws IOException {
    return KerasLayerFixtures.cases("Normalization");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id, JsonObject testCase) throws IOException {
    KerasLayerFixtures.assertMatchesKeras(testCase);
  }

  /** Keras's adapt on the case's data gives the mean and variance Keras stored. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void adaptsAsKeras(String id, JsonObject testCase) throws IOException {
    JsonObject data = testCase.optObject("adapt_data");
    if (data == null) {
      return; // given statistics: nothing to adapt
    }
    Normalization layer = (Normalization) KerasLayerFixtures.fromKerasConfig(testCase);
    layer.adapt((FloatNdArray) KerasLayerFixtures.array(data));
    assertAdapted(testCase.requireArray("weights"), layer);
    // Then used in a model, the adapted layer gives Keras's outputs.
    JsonObject inputJson = testCase.requireArray("inputs").requireObject(0);
    var x = KerasLayerFixtures.input(inputJson);
    try (Model model = Model.of(x, layer.call(x))) {
      KerasLayerFixtures.assertClose(testCase.requireObject("outputs").requireArray("inference")
          .requireObject(0).requireArray("values").floats(),
          KerasLayerFixtures.floats(model.predict(List.of(KerasLayerFixtures.array(inputJson)))
              .get(0)), id + " after adapt");
    }
  }

  private static void assertAdapted(JsonArray keras, Layer layer) throws IOException {
    List<Weight> weights = layer.weights();
    assertEquals(List.of("mean", "variance", "count"),
        weights.stream().map(Weight::name).toList());
    for (int i = 0; i < 3; i++) {
      JsonObject weight = keras.requireObject(i);
      assertEquals(weight.requireString("name"), weights.get(i).name());
      assertFalse(weights.get(i).declaredTrainable());
      KerasLayerFixtures.assertWeight(weight, weights.get(i),
          "adapted " + weight.requireString("name"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trainingCases")
  void trainsAsKerasAfterAdapting(String id) throws IOException {
    JsonObject testCase = KerasLayerFixtures.training(id);
    var norm = new Normalization();
    norm.adapt(KerasLayerFixtures.rows(testCase.requireObject("adapt_data")));
    // adapt gives the statistics Keras started training with.
    JsonArray initial = testCase.requireArray("initial_weights");
    for (int i = 0; i < 2; i++) {
      KerasLayerFixtures.assertClose(initial.requireObject(i).requireArray("values").floats(),
          norm.weights().get(i).values(), "adapted " + norm.weights().get(i).name());
    }
    var x = Input.of(TFloat32.class, 5);
    var y = Dense.builder(2).seed(1).build().apply(norm.apply(x));
    try (Model model = Model.of(x, y)) {
      KerasLayerFixtures.assertTrainsAsKeras(testCase, model,
          KerasLayerFixtures.rows(testCase.requireObject("x")));
    }
  }

  static Stream<String> trainingCases() {
    return Stream.of("normalization_dense/SGD", "normalization_dense/Adam");
  }

  @Test
  void adaptsAfterApplyAndByHand() {
    var norm = new Normalization();
    var x = Input.of(TFloat32.class, 2);
    try (Model model = Model.of(x, norm.apply(x))) {
      // Column 0: 1, 3 (mean 2, variance 1); column 1: 0, 0 (mean 0, variance 0).
      norm.adapt(new float[][] {{1, 0}, {3, 0}});
      assertArrayEquals(new float[] {2, 0}, norm.meanAndVariance().get(0));
      assertArrayEquals(new float[] {1, 0}, norm.meanAndVariance().get(1));
      // (5 - 2) / 1 = 3; (1 - 0) / max(sqrt(0), 1e-7) = 1e7.
      float[][] y = model.predict(new float[][] {{5, 1}}, float[][].class);
      assertArrayEquals(new float[] {3, 1e7f}, y[0]);
    }
    var e = assertThrows(IllegalArgumentException.class,
        () -> norm.adapt(new float[][] {{1, 2, 3}}));
    assertTrue(e.getMessage().contains("was built for"), e.getMessage());
    var given = Normalization.builder().meanAndVariance(new float[] {0}, new float[] {1})
        .build();
    assertThrows(IllegalStateException.class, () -> given.adapt(new float[][] {{1}}));
  }

  @Test
  void savesAndLoadsAdaptedStatisticsBitForBit() throws IOException {
    var norm = Normalization.builder().name("norm").invert(true).build();
    norm.adapt(new float[][] {{1, 10}, {2, 30}, {6, 20}});
    var x = Input.of(TFloat32.class, 2);
    var given = Normalization.builder().name("given")
        .meanAndVariance(new float[] {1, -1}, new float[] {4, 0.25f}, 2).build();
    Path file = dir.resolve("normalization.lamina");
    float[][] data = {{0.5f, 2}, {-3, 4}};
    float[][] before;
    try (Model model = Model.of(x, given.apply(norm.apply(x)))) {
      before = model.predict(data, float[][].class);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      List<Weight> weights = loaded.weights();
      assertEquals(3, weights.size()); // the given layer's statistics are in its config
      for (int i = 0; i < 3; i++) {
        assertFalse(weights.get(i).trainable());
        assertEquals(norm.weights().get(i).array(), weights.get(i).array());
      }
      Layer loadedGiven = loaded.layers().stream()
          .filter(l -> loaded.nameOf(l).equals("given")).findFirst().orElseThrow();
      assertEquals(given.arguments(), loadedGiven.arguments());
      float[][] after = loaded.predict(data, float[][].class);
      assertArrayEquals(before[0], after[0]);
      assertArrayEquals(before[1], after[1]);
    }
  }
}
