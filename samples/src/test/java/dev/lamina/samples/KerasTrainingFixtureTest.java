package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3 as the oracle for training: {@code tools/keras_training_fixtures.py} trained
 * Input(4) → Dense(6) → Lambda(antirectifier) → Dense(3, activation) for three
 * {@code train_on_batch} steps from fixed weights, for every optimizer and loss, and wrote the
 * loss Keras returned and every weight after each step. Lamina must take the same steps.
 */
class KerasTrainingFixtureTest {

  /**
   * Keras computes in float32 too, but its kernels sum in other orders: agreement to 1e-5 of
   * each weight tensor's largest magnitude (a value near zero cannot match to 1e-5 of itself).
   */
  private static final double RELATIVE = 1e-5;

  private static JsonObject fixture;

  static JsonObject fixture() throws IOException {
    if (fixture == null) {
      try (InputStream in = KerasTrainingFixtureTest.class.getResourceAsStream(
          "/keras/training.json")) {
        fixture = Json.parseObject(in.readAllBytes(), "training.json");
      }
    }
    return fixture;
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (JsonObject testCase : fixture().requireArray("cases").objects()) {
      JsonObject optimizer = testCase.requireObject("optimizer");
      String label = optimizer.requireString("class")
          + (optimizer.optBoolean("nesterov", false) ? " (Nesterov)" : "") + ", "
          + testCase.requireString("loss");
      cases.add(Arguments.of(label, testCase));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void laminaTakesKerassSteps(String label, JsonObject testCase) throws IOException {
    JsonObject data = fixture();
    String lossName = testCase.requireString("loss");
    JsonArray initial = data.requireArray("initial_weights");
    Dense hidden = Dense.builder(6).kernel(matrix(initial.requireObject(0)))
        .bias(initial.requireObject(1).requireArray("values").floats()).build();
    String activation = data.requireObject("activations").optString(lossName, null);
    Dense head = Dense.builder(3).activation(activation)
        .kernel(matrix(initial.requireObject(2)))
        .bias(initial.requireObject(3).requireArray("values").floats()).build();
    var x = Input.of(TFloat32.class, 4);
    var y = head.apply(AntirectifierLayer.of().apply(hidden.apply(x)));
    try (var model = Model.of(x, y)) {
      model.compile(optimizer(testCase.requireObject("optimizer")), Losses.get(lossName));
      Object inputs = floats2d(data.requireArray("x"));
      JsonArray targetJson = data.requireObject("targets").requireArray(lossName);
      Object targets = lossName.startsWith("sparse") ? targetJson.longs()
          : floats2d(targetJson);
      List<JsonObject> steps = testCase.requireArray("steps").objects();
      for (int step = 0; step < steps.size(); step++) {
        JsonObject expected = steps.get(step);
        Map<String, Double> logs = model.trainOnBatch(inputs, targets);
        double kerasLoss = expected.requireDouble("returned_loss");
        assertEquals(kerasLoss, logs.get("loss"), RELATIVE * Math.abs(kerasLoss) + 1e-7,
            "loss of step " + (step + 1));
        JsonArray weights = expected.requireArray("weights");
        List<float[]> lamina = new ArrayList<>();
        model.weights().forEach(weight -> lamina.add(weight.values()));
        assertEquals(weights.size(), lamina.size());
        for (int w = 0; w < lamina.size(); w++) {
          assertClose(weights.requireArray(w).floats(), lamina.get(w),
              initial.requireObject(w).requireString("name") + " after step " + (step + 1));
        }
      }
    }
  }

  private static void assertClose(float[] keras, float[] lamina, String what) {
    assertEquals(keras.length, lamina.length, what);
    double scale = 0;
    for (float v : keras) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < keras.length; i++) {
      double difference = Math.abs(keras[i] - lamina[i]);
      assertTrue(difference <= RELATIVE * scale, what + "[" + i + "]: Keras " + keras[i]
          + ", Lamina " + lamina[i] + " (tolerance " + RELATIVE * scale + ")");
    }
  }

  /** The optimizer the fixture names, with every option Keras wrote (Keras's whole config). */
  private static Optimizer optimizer(JsonObject config) throws IOException {
    Map<String, Object> options = new java.util.LinkedHashMap<>(config);
    options.remove("class");
    return Optimizer.fromConfig(config.requireString("class"), options);
  }

  private static float[][] matrix(JsonObject weight) throws IOException {
    int[] shape = weight.requireArray("shape").ints();
    float[] values = weight.requireArray("values").floats();
    float[][] rows = new float[shape[0]][shape[1]];
    for (int r = 0; r < shape[0]; r++) {
      System.arraycopy(values, r * shape[1], rows[r], 0, shape[1]);
    }
    return rows;
  }

  private static float[][] floats2d(JsonArray rows) throws IOException {
    float[][] out = new float[rows.size()][];
    for (int r = 0; r < out.length; r++) {
      out[r] = rows.requireArray(r).floats();
    }
    return out;
  }
}
