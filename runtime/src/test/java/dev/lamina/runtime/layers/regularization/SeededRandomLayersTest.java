package dev.lamina.runtime.layers.regularization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Random layers with a seed of their own draw what Keras 3 draws: step {@code k} of a layer
 * seeded {@code s} uses TensorFlow's stateless seed {@code [s, k]}, as Keras's SeedGenerator
 * does. Three training steps through the layer match Keras's losses and weights
 * ({@code tools/keras_seed_fixtures.py}), which they could not if one mask differed.
 */
class SeededRandomLayersTest {

  static Stream<String> cases() throws IOException {
    return KerasLayerFixtures.fixture("seeded.json").requireObject("cases").keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void trainsAsKerasDrawing(String name) throws IOException {
    JsonObject c = KerasLayerFixtures.fixture("seeded.json").requireObject("cases")
        .requireObject(name);
    assertTrainsAsKeras(name, c, KerasLayerFixtures.fromKerasConfig(c.requireObject("layer")));
  }

  @Test
  void aDropoutSeededInJavaWithoutANameDrawsAsKeras() throws IOException {
    // The Java spelling of Keras's Dropout(0.5, seed=1337): no name needed for a seed.
    JsonObject c = KerasLayerFixtures.fixture("seeded.json").requireObject("cases")
        .requireObject("dropout");
    JsonObject config = c.requireObject("layer").requireObject("config");
    Dropout dropout = new Dropout(config.requireDouble("rate"), config.requireLong("seed"));
    assertEquals(java.util.Optional.empty(), dropout.explicitName());
    assertTrainsAsKeras("Dropout(0.5, 1337)", c, dropout);
  }

  private static void assertTrainsAsKeras(String name, JsonObject c, Layer random)
      throws IOException {
    List<FloatNdArray> initial = new ArrayList<>();
    for (JsonObject w : c.requireArray("initial").objects()) {
      initial.add(NdArrays.wrap(Shape.of(w.requireArray("shape").longs()),
          DataBuffers.of(w.requireArray("values").floats(), true, false)));
    }
    FloatNdArray x = nested(c.requireArray("x"));
    FloatNdArray y = nested(c.requireArray("y"));
    long units = initial.get(0).shape().get(1);
    try (Model model = model(random, x.shape(), units)) {
      model.setWeights(initial);
      model.compile(new Sgd(0.05), Losses.get("mean_squared_error", false));
      List<JsonObject> steps = c.requireArray("steps").objects();
      for (int step = 0; step < steps.size(); step++) {
        double loss = model.trainOnBatch(x, y).get("loss");
        double want = steps.get(step).requireDouble("loss");
        assertEquals(want, loss, 1e-5 * Math.max(1, Math.abs(want)), name + " step " + step);
        JsonArray weights = steps.get(step).requireArray("weights");
        for (int i = 0; i < weights.size(); i++) {
          assertArrayEquals(weights.requireArray(i).floats(), model.weights().get(i).values(),
              1e-5f, name + " step " + step + " weight " + i);
        }
      }
      // predict and evaluate: the identity, so the model's output is the two Dense layers'
      try (Model plain = model(null, x.shape(), units)) {
        plain.setWeights(model.getWeights());
        plain.compile(new Sgd(0.05), Losses.get("mean_squared_error", false));
        FloatNdArray expected = plain.predict(x);
        FloatNdArray actual = model.predict(x);
        assertEquals(expected, actual, name + ": predict is the identity's");
        assertEquals(plain.evaluate(x, y).get("loss"), model.evaluate(x, y).get("loss"), 0,
            name + ": evaluate is the identity's");
      }
    }
  }

  @Test
  void anUnseededDropoutFollowsFitOptionsSeed() {
    float[][] x = new float[8][5];
    float[][] y = new float[8][1];
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 5; j++) {
        x[i][j] = (i + 1) * 0.1f - j * 0.05f;
      }
      y[i][0] = i % 2;
    }
    float[] a = trainedKernel(x, y, 7);
    float[] b = trainedKernel(x, y, 7);
    float[] c = trainedKernel(x, y, 8);
    assertArrayEquals(a, b, "the same FitOptions.seed draws the same masks");
    assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c),
        "another seed draws other masks");
  }

  private static float[] trainedKernel(float[][] x, float[][] y, long seed) {
    var input = Input.of(TFloat32.class, 5);
    Dense dense = Dense.builder(4).seed(1).build();
    Dense out = Dense.builder(1).seed(2).build();
    try (Model model = Model.of(input, out.call(new Dropout(0.5).call(dense.apply(input))))) {
      model.compile(new Sgd(0.1), Losses.get("mean_squared_error", false));
      model.fit(x, y, new FitOptions().epochs(2).batchSize(4).shuffle(false).seed(seed).verbose(0));
      return dense.weights().get(0).values();
    }
  }

  /** Input(shape) -> Dense(units) -> random (none if null) -> Dense(1), as the fixture's. */
  private static Model model(Layer random, Shape batch, long units) {
    long[] perSample = new long[batch.numDimensions() - 1];
    for (int i = 0; i < perSample.length; i++) {
      perSample[i] = batch.get(i + 1);
    }
    var x = Input.of(TFloat32.class, perSample);
    SymbolicTensor<?> h = Dense.builder((int) units).name("dense").build().apply(x);
    if (random != null) {
      h = random.call(h);
    }
    return Model.of(x, Dense.builder(1).name("dense_1").build().call(h));
  }

  /** A nested JSON list of numbers as an NdArray of its shape. */
  private static FloatNdArray nested(JsonArray array) throws IOException {
    List<Long> shape = new ArrayList<>();
    for (Object level = array; level instanceof JsonArray list; level = list.get(0)) {
      shape.add((long) list.size());
    }
    List<Float> values = new ArrayList<>();
    flatten(array, values);
    float[] flat = new float[values.size()];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = values.get(i);
    }
    return NdArrays.wrap(Shape.of(shape.stream().mapToLong(Long::longValue).toArray()),
        DataBuffers.of(flat, true, false));
  }

  private static void flatten(JsonArray array, List<Float> into) throws IOException {
    for (int i = 0; i < array.size(); i++) {
      if (array.get(i) instanceof JsonArray inner) {
        flatten(inner, into);
      } else {
        into.add(array.requireFloat(i));
      }
    }
  }
}
