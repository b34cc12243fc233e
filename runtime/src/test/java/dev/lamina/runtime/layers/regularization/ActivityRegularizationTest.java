package dev.lamina.runtime.layers.regularization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.WithMask;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code ActivityRegularization(l1, l2)} against Keras 3 ({@code
 * tools/keras_regularization_fixture.py}, {@code activity_regularization_layer}): read from
 * Keras's config, between two Dense layers, three SGD {@code train_on_batch} steps give Keras's
 * losses (the penalty of the layer's output included, divided by the batch size) and weights;
 * {@code evaluate} includes the penalty as Keras's does; {@code predict} is the identity's.
 */
class ActivityRegularizationTest {

  @TempDir
  Path dir;

  private static JsonObject fixture() throws Exception {
    try (InputStream in = ActivityRegularizationTest.class.getResourceAsStream(
        "/keras/regularization.json")) {
      return Json.parseObject(in.readAllBytes(), "regularization.json");
    }
  }

  private static float[][] matrix(Object value) {
    List<?> rows = (List<?>) value;
    float[][] m = new float[rows.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = vector(rows.get(i));
    }
    return m;
  }

  private static float[] vector(Object value) {
    List<?> list = (List<?>) value;
    float[] v = new float[list.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) list.get(i)).floatValue();
    }
    return v;
  }

  private static float[] flat(Object value) {
    if (!(((List<?>) value).get(0) instanceof List<?>)) {
      return vector(value);
    }
    float[][] m = matrix(value);
    float[] f = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
    }
    return f;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])),
          what + "[" + i + "]");
    }
  }

  private static ActivityRegularization fromKeras(JsonObject config) throws Exception {
    LayerConfig read = new LayerConfig(config, "activity_regularization",
        LayerConfig.Origin.KERAS);
    read.ignore("name", "trainable", "dtype");
    ActivityRegularization layer = (ActivityRegularization) LayerTypes
        .byKerasClassName("ActivityRegularization").orElseThrow()
        .fromConfig("activity_regularization", read);
    read.rejectUnread("ActivityRegularization");
    return layer;
  }

  @Test
  void takesKerassStepsWithThePenaltyInTheLoss() throws Exception {
    JsonObject all = fixture();
    JsonObject f = all.requireObject("activity_regularization_layer");
    List<?> initial = all.requireArray("initial_weights");
    float[][] k1 = matrix(initial.get(0));
    float[] b1 = vector(initial.get(1));
    ActivityRegularization layer = fromKeras(f.requireObject("config"));
    assertEquals(0.01, layer.l1(), 1e-9);
    assertEquals(0.02, layer.l2(), 1e-9);
    Dense dense = Dense.builder(3).name("dense").kernel(k1).bias(b1).build();
    Dense dense1 = Dense.builder(2).name("dense_1").kernel(matrix(initial.get(2)))
        .bias(vector(initial.get(3))).build();
    var x = Input.of(TFloat32.class, 4);
    float[][] xs = matrix(all.get("x"));
    float[][] ys = matrix(all.get("y"));
    try (var model = Model.of(x, dense1.apply(layer.apply(dense.apply(x))))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      float[] before = flat(f.get("predict_before"));
      assertClose(before, flat(model.predict(xs, float[][].class)), "predict before");
      // By hand from the fixture's numbers: the first step's loss is the mse of Keras's
      // predictions plus (0.01 * sum|h| + 0.02 * sum h^2) / batch, h = x k1 + b1.
      double mse = 0;
      for (int i = 0; i < ys.length; i++) {
        for (int j = 0; j < ys[i].length; j++) {
          double d = before[i * ys[i].length + j] - ys[i][j];
          mse += d * d;
        }
      }
      mse /= ys.length * ys[0].length;
      double penalty = 0;
      for (float[] row : xs) {
        for (int j = 0; j < b1.length; j++) {
          double h = b1[j];
          for (int k = 0; k < row.length; k++) {
            h += row[k] * k1[k][j];
          }
          penalty += 0.01 * Math.abs(h) + 0.02 * h * h;
        }
      }
      penalty /= xs.length;
      List<?> steps = f.requireArray("steps");
      double first = ((JsonObject) steps.get(0)).requireDouble("returned_loss");
      assertEquals(mse + penalty, first, 1e-5, "Keras's first loss, by hand");
      assertTrue(penalty > 0.01, "penalty " + penalty);
      for (int s = 0; s < steps.size(); s++) {
        JsonObject step = (JsonObject) steps.get(s);
        double loss = model.trainOnBatch(xs, ys).get("loss");
        assertEquals(step.requireDouble("returned_loss"), loss, 1e-5, "loss of step " + s);
        List<?> weights = step.requireArray("weights");
        assertClose(flat(weights.get(0)), dense.weights().get(0).values(), "kernel, step " + s);
        assertClose(flat(weights.get(1)), dense.weights().get(1).values(), "bias, step " + s);
        assertClose(flat(weights.get(2)), dense1.weights().get(0).values(),
            "kernel_1, step " + s);
        assertClose(flat(weights.get(3)), dense1.weights().get(1).values(), "bias_1, step " + s);
      }
      assertEquals(f.requireDouble("evaluate_loss_after"), model.evaluate(xs, ys).get("loss"),
          1e-5, "evaluate after the steps (the penalty included, as Keras)");
      assertClose(flat(f.get("predict_after")), flat(model.predict(xs, float[][].class)),
          "predict after the steps (no penalty)");
    }
  }

  private static float[] flat(float[][] m) {
    float[] f = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
    }
    return f;
  }

  @Test
  void savesLoadsAndSummarises() throws Exception {
    var x = Input.of(TFloat32.class, 3);
    var y = new ActivityRegularization("reg", 0.5, 0.25).apply(x);
    Path file = dir.resolve("a.lamina");
    try (Model model = Model.of(x, y)) {
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      ActivityRegularization back = (ActivityRegularization) loaded.layers().get(1);
      assertEquals(Map.of("l1", 0.5, "l2", 0.25), back.arguments());
      assertEquals(0.5, back.l1());
      float[][] data = {{1, -2, 3}};
      float[][] out = loaded.predict(data, float[][].class);
      assertEquals(List.of(1f, -2f, 3f), List.of(out[0][0], out[0][1], out[0][2]));
      String summary = loaded.summary();
      assertTrue(summary.contains("(ActivityRegularization)") && summary.contains("reg"),
          summary);
    }
  }

  @Test
  void keepsKerassDefaultsMaskAndRefusals() throws Exception {
    assertEquals(Map.of("l1", 0.0, "l2", 0.0), new ActivityRegularization().arguments());
    var x = Input.of(TFloat32.class, 3, 2);
    var m = Input.of(TFloat32.class, 3);
    assertTrue(new ActivityRegularization(0.1, 0).apply(new WithMask().apply(x, m)).mask()
        .isPresent(), "the mask passes through");
    var e = assertThrows(IllegalArgumentException.class,
        () -> new ActivityRegularization(-1, 0));
    assertTrue(e.getMessage().contains("ActivityRegularization"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new ActivityRegularization(0.1, 0).call(Input.of(TInt32.class, 2)));
    assertTrue(e.getMessage().contains("float32"), e.getMessage());
    JsonObject bad = Json.parseObject("{\"name\": \"a\", \"l2\": -0.5}"
        .getBytes(StandardCharsets.UTF_8), "t");
    var read = assertThrows(ModelFormatException.class, () -> fromKeras(bad));
    assertTrue(read.getMessage().contains("l2"), read.getMessage());
    // Keras's get_config drops activity_regularizer; one in a config is not Keras's
    JsonObject extra = Json.parseObject(("{\"name\": \"a\", \"l1\": 0.1, "
        + "\"activity_regularizer\": null}").getBytes(StandardCharsets.UTF_8), "t");
    var unread = assertThrows(ModelFormatException.class, () -> fromKeras(extra));
    assertTrue(unread.getMessage().contains("activity_regularizer"), unread.getMessage());
  }
}
