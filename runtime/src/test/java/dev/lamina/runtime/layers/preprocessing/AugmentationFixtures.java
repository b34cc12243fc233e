package dev.lamina.runtime.layers.preprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The Keras-oracle training cases of the random image layers' fixtures: Keras trained
 * {@code Input -> layer(seed) -> Flatten -> Dense(1)} with SGD on mean squared error for a few
 * {@code train_on_batch} steps; the Dense kernel's gradient is the transformed batch, so Lamina's
 * losses and weights match Keras's (1e-5 relative) only if each step drew and transformed as
 * Keras did. A case's {@code first_call} (Keras's first {@code layer(x, training=True)}) is step
 * 0's batch: training the plain {@code Flatten -> Dense(1)} on it gives step 0's weights too.
 */
final class AugmentationFixtures {

  private AugmentationFixtures() {}

  /** The ids of the training cases under {@code key} of {@code fixture}. */
  static Stream<String> ids(String fixture, String key) throws IOException {
    List<String> ids = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(fixture).requireArray(key).objects()) {
      ids.add(c.requireString("id"));
    }
    return ids.stream();
  }

  /** The training case {@code id} under {@code key} of {@code fixture}. */
  static JsonObject find(String fixture, String key, String id) throws IOException {
    for (JsonObject c : KerasLayerFixtures.fixture(fixture).requireArray(key).objects()) {
      if (c.requireString("id").equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no case " + id + " in " + fixture);
  }

  /**
   * The case's model trained as Keras trained it, each step's loss and weights checked against
   * Keras's; open, for the caller to look at and close.
   */
  static Model trainedAsKeras(JsonObject c, String id) throws IOException {
    FloatNdArray x = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("x"));
    FloatNdArray y = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("y"));
    Model model = model(KerasLayerFixtures.fromKerasConfig(c.requireObject("layer")),
        x.shape());
    try {
      model.setWeights(initial(c));
      model.compile(new Sgd(c.optDouble("learning_rate", 0.1)),
          Losses.get("mean_squared_error", false));
      List<JsonObject> steps = c.requireArray("steps").objects();
      for (int step = 0; step < steps.size(); step++) {
        double loss = model.trainOnBatch(x, y).get("loss");
        double want = steps.get(step).requireDouble("loss");
        assertEquals(want, loss, 1e-5 * Math.max(1, Math.abs(want)), id + " step " + step);
        assertWeights(steps.get(step).requireArray("weights"), model,
            id + " step " + step);
      }
      return model;
    } catch (IOException | RuntimeException | Error e) {
      model.close();
      throw e;
    }
  }

  /** The Keras inference cases of each of {@code types} in {@code fixture}. */
  static Stream<Arguments> inferenceCases(String fixture, List<String> types)
      throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (String type : types) {
      KerasLayerFixtures.cases(fixture, type).forEach(cases::add);
    }
    return cases.stream();
  }

  /**
   * The {@code "training"} case {@code id} of {@code fixture}: Keras's first call changed the
   * batch, and training the plain model on it gives step 0's weights.
   */
  static void assertFirstCallTransformsAndIsStepZero(String fixture, String id)
      throws IOException {
    JsonObject c = find(fixture, "training", id);
    FloatNdArray x = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("x"));
    FloatNdArray moved = (FloatNdArray) KerasLayerFixtures.array(c.requireObject("first_call"));
    assertFalse(Arrays.equals(KerasLayerFixtures.floats(x), KerasLayerFixtures.floats(moved)),
        id + ": Keras transformed the batch");
    assertFirstCallIsStepZero(c, moved, id);
  }

  /** Training the plain model on Keras's first call's output gives step 0's weights. */
  static void assertFirstCallIsStepZero(JsonObject c, FloatNdArray firstCall, String id)
      throws IOException {
    try (Model plain = model(null, firstCall.shape())) {
      plain.setWeights(initial(c));
      plain.compile(new Sgd(c.optDouble("learning_rate", 0.1)),
          Losses.get("mean_squared_error", false));
      plain.trainOnBatch(firstCall, KerasLayerFixtures.array(c.requireObject("y")));
      assertWeights(c.requireArray("steps").requireObject(0).requireArray("weights"), plain, id);
    }
  }

  /** What the plain model with {@code trained}'s weights predicts for {@code x}. */
  static FloatNdArray plainPredict(Model trained, FloatNdArray x) {
    try (Model plain = model(null, x.shape())) {
      plain.setWeights(trained.getWeights());
      return plain.predict(x);
    }
  }

  /** Input(images of {@code batch}'s shape) -> layer (none if null) -> Flatten -> Dense(1). */
  static Model model(Layer layer, Shape batch) {
    SymbolicTensor<?> x = Input.of(TFloat32.class, batch.get(1), batch.get(2), batch.get(3));
    SymbolicTensor<?> h = layer == null ? x : layer.call(x);
    return Model.of(x, Dense.builder(1).name("dense").build()
        .call(new Flatten("flatten").call(h)));
  }

  private static List<FloatNdArray> initial(JsonObject c) throws IOException {
    List<FloatNdArray> initial = new ArrayList<>();
    for (JsonObject w : c.requireArray("initial").objects()) {
      initial.add(NdArrays.wrap(Shape.of(w.requireArray("shape").longs()),
          DataBuffers.of(w.requireArray("values").floats(), true, false)));
    }
    return initial;
  }

  private static void assertWeights(JsonArray weights, Model model, String what)
      throws IOException {
    for (int i = 0; i < weights.size(); i++) {
      float[] keras = weights.requireArray(i).floats();
      float[] lamina = model.weights().get(i).values();
      assertEquals(keras.length, lamina.length, what + " weight " + i);
      for (int j = 0; j < keras.length; j++) {
        assertEquals(keras[j], lamina[j], 1e-5 * Math.max(1, Math.abs(keras[j])),
            what + " weight " + i + "[" + j + "]");
      }
    }
  }
}
