package dev.lamina.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.core.Embedding;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.train.schedules.LearningRateSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras 3's optimizers, their common options (clipping, weight decay) and learning-rate schedules
 * against {@code optimizers.json} ({@code tools/keras_optimizer_fixtures.py}): five
 * {@code train_on_batch} steps of Input(3) → Dense(4) → Dense(2) under mse, each step's loss and
 * every weight after it to 1e-5; the optimizer made from Keras's own serialized config.
 */
class KerasOptimizerTest {

  private static final String FIXTURE = "optimizers.json";

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("cases").objects()) {
      out.add(Arguments.of(c.requireString("label"), c));
    }
    return out.stream();
  }

  static Stream<Arguments> embeddingCases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("embedding_cases")
        .objects()) {
      out.add(Arguments.of(c.requireString("label"), c));
    }
    return out.stream();
  }

  static Stream<Arguments> schedules() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture(FIXTURE).requireArray("schedules")
        .objects()) {
      out.add(Arguments.of(c.requireString("label"), c));
    }
    return out.stream();
  }

  /** The fixture's model, at Keras's initial weights. */
  static Model model() throws IOException {
    JsonObject fixture = KerasLayerFixtures.fixture(FIXTURE);
    JsonArray initial = fixture.requireArray("initial_weights");
    var x = Input.of(TFloat32.class, 3);
    Dense first = Dense.builder(4).name("dense").kernel(matrix(initial.requireArray(0)
        .floats(), 3, 4)).bias(initial.requireArray(1).floats()).build();
    Dense second = Dense.builder(2).name("dense_1").kernel(matrix(initial.requireArray(2)
        .floats(), 4, 2)).bias(initial.requireArray(3).floats()).build();
    return Model.of(x, second.apply(first.apply(x)));
  }

  private static float[][] matrix(float[] flat, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * cols, m[r], 0, cols);
    }
    return m;
  }

  static float[][] rows(String key) throws IOException {
    JsonArray array = KerasLayerFixtures.fixture(FIXTURE).requireArray(key);
    float[][] rows = new float[array.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = array.requireArray(i).floats();
    }
    return rows;
  }

  /** The embedding fixture's model: Input(4) int32 → Embedding(6, 2) → Flatten → Dense(1). */
  static Model embeddingModel() throws IOException {
    JsonArray initial = KerasLayerFixtures.fixture(FIXTURE).requireObject("embedding")
        .requireArray("initial_weights");
    var x = Input.of(TInt32.class, 4);
    Embedding embedding = Embedding.builder(6, 2).name("embedding")
        .embeddings(initial.requireArray(0).floats()).build();
    Dense dense = Dense.builder(1).name("dense").kernel(matrix(initial.requireArray(1)
        .floats(), 8, 1)).bias(initial.requireArray(2).floats()).build();
    return Model.of(x, dense.apply(new Flatten().apply(embedding.apply(x))));
  }

  /** Keras's optimizer of a case, from Keras's {@code optimizers.serialize}. */
  static Optimizer optimizer(JsonObject c) throws IOException {
    JsonObject serialized = c.requireObject("optimizer");
    Optimizer optimizer = Optimizer.fromConfig(serialized.requireString("class_name"),
        serialized.requireObject("config"));
    if (c.containsKey("exclude_from_weight_decay")) {
      optimizer.excludeFromWeightDecay(c.requireArray("exclude_from_weight_decay").strings()
          .toArray(String[]::new));
    }
    return optimizer;
  }

  /** Steps {@code from} (0-based) to the end of Keras's run, each compared with Keras's. */
  static void assertKerasSteps(String label, JsonObject c, Model model, int from)
      throws IOException {
    float[][] x = rows("x");
    float[][] y = rows("y");
    List<JsonObject> steps = c.requireArray("steps").objects();
    List<Weight> weights = model.weights();
    for (int step = from; step < steps.size(); step++) {
      double loss = model.trainOnBatch(x, y).get("loss");
      KerasLayerFixtures.assertClose(new float[] {steps.get(step).requireFloat("loss")},
          new float[] {(float) loss}, label + ": loss of step " + (step + 1));
      JsonArray expected = steps.get(step).requireArray("weights");
      assertEquals(expected.size(), weights.size(), label);
      for (int w = 0; w < weights.size(); w++) {
        KerasLayerFixtures.assertClose(expected.requireArray(w).floats(),
            weights.get(w).values(), label + ": weight " + w + " after step " + (step + 1));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void trainsAsKeras(String label, JsonObject c) throws IOException {
    try (Model model = model()) {
      model.compile(optimizer(c), Losses.meanSquaredError());
      assertKerasSteps(label, c, model, 0);
    }
  }

  /**
   * Saved after two steps and loaded, the model continues as Keras's uninterrupted run: the
   * optimizer's options, schedule, slots and step count are in the file.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void savedMidTrainingContinuesAsKeras(String label, JsonObject c, @TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("model.lamina");
    try (Model model = model()) {
      model.compile(optimizer(c), Losses.meanSquaredError());
      float[][] x = rows("x");
      float[][] y = rows("y");
      model.trainOnBatch(x, y);
      model.trainOnBatch(x, y);
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertKerasSteps(label + " (loaded after 2 steps)", c, loaded, 2);
    }
    Files.delete(file);
  }

  /**
   * An Embedding's gradient, which Keras hands to the optimizer as slices (IndexedSlices) on
   * indices that repeat: squares, absolute values and clips slice by slice, as Keras.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("embeddingCases")
  void embeddingGradientsTrainAsKeras(String label, JsonObject c) throws IOException {
    JsonObject data = KerasLayerFixtures.fixture(FIXTURE).requireObject("embedding");
    JsonArray xs = data.requireArray("x");
    int[][] x = new int[xs.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = xs.requireArray(i).ints();
    }
    JsonArray ys = data.requireArray("y");
    float[][] y = new float[ys.size()][];
    for (int i = 0; i < y.length; i++) {
      y[i] = ys.requireArray(i).floats();
    }
    try (Model model = embeddingModel()) {
      model.compile(optimizer(c), Losses.meanSquaredError());
      List<JsonObject> steps = c.requireArray("steps").objects();
      List<Weight> weights = model.weights();
      for (int step = 0; step < steps.size(); step++) {
        double loss = model.trainOnBatch(x, y).get("loss");
        KerasLayerFixtures.assertClose(new float[] {steps.get(step).requireFloat("loss")},
            new float[] {(float) loss}, label + ": loss of step " + (step + 1));
        JsonArray expected = steps.get(step).requireArray("weights");
        assertEquals(expected.size(), weights.size(), label);
        for (int w = 0; w < weights.size(); w++) {
          KerasLayerFixtures.assertClose(expected.requireArray(w).floats(),
              weights.get(w).values(), label + ": weight " + w + " after step " + (step + 1));
        }
      }
    }
  }

  /** {@code config()} read back by {@code fromConfig} is the same optimizer. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void configRoundTrips(String label, JsonObject c) throws IOException {
    Optimizer optimizer = optimizer(c);
    Map<String, Object> config = optimizer.config();
    Optimizer again = Optimizer.fromConfig(optimizer.name(), config);
    assertEquals(optimizer.getClass(), again.getClass(), label);
    assertEquals(config, again.config(), label);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schedules")
  void scheduleValuesAreKeras(String label, JsonObject c) throws IOException {
    LearningRateSchedule schedule = LearningRateSchedule.deserialize(c.requireObject(
        "schedule"));
    float[] keras = c.requireArray("values").floats();
    float[] lamina = new float[keras.length];
    for (int step = 0; step < keras.length; step++) {
      lamina[step] = (float) schedule.valueAt(step);
    }
    KerasLayerFixtures.assertClose(keras, lamina, label);
    assertEquals(schedule.serialize(), LearningRateSchedule.deserialize(schedule.serialize())
        .serialize(), label);
  }
}
