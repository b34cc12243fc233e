package dev.lamina.runtime.regularizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/**
 * Regularizers and constraints in {@code trainOnBatch}, matched against Keras 3
 * ({@code tools/keras_regularization_fixture.py}), and kept by save and load.
 */
class RegularizationTest {

  private static JsonObject fixture() throws Exception {
    try (InputStream in = RegularizationTest.class.getResourceAsStream(
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
    if (((List<?>) value).get(0) instanceof List<?>) {
      float[][] m = matrix(value);
      float[] f = new float[m.length * m[0].length];
      for (int i = 0; i < m.length; i++) {
        System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
      }
      return f;
    }
    return vector(value);
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, what + "[" + i + "]");
    }
  }

  @Test
  void threeSgdStepsMatchKeras() throws Exception {
    JsonObject f = fixture();
    List<?> initial = f.requireArray("initial_weights");
    Dense dense = Dense.builder(3).name("dense").kernel(matrix(initial.get(0)))
        .bias(vector(initial.get(1))).kernelRegularizer(Regularizer.l2(0.01))
        .biasRegularizer(Regularizer.l1(0.02)).activityRegularizer(Regularizer.l2(0.005))
        .kernelConstraint(Constraint.maxNorm(0.5, 0)).build();
    Dense dense1 = Dense.builder(2).name("dense_1").kernel(matrix(initial.get(2)))
        .bias(vector(initial.get(3))).kernelConstraint("non_neg").build();
    var x = Input.of(TFloat32.class, 4);
    float[][] xs = matrix(f.get("x"));
    float[][] ys = matrix(f.get("y"));
    try (var model = Model.of(x, dense1.apply(dense.apply(x)))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      List<?> steps = f.requireArray("steps");
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
      assertEquals(f.requireDouble("evaluate_loss_after"),
          model.evaluate(xs, ys).get("loss"), 1e-5, "evaluate after the steps");

      // Save and load keep the options; the loaded model trains as Keras would on.
      byte[] bytes = model.toBytes();
      try (Model loaded = Model.load(bytes)) {
        Dense loadedDense = (Dense) loaded.layers().stream()
            .filter(l -> l instanceof Dense).findFirst().orElseThrow();
        Map<String, Object> config = loadedDense.config();
        assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.01)),
            config.get("kernel_regularizer"));
        assertEquals(Map.of("class_name", "L1", "config", Map.of("l1", 0.02)),
            config.get("bias_regularizer"));
        assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.005)),
            config.get("activity_regularizer"));
        assertEquals(Map.of("class_name", "MaxNorm", "config",
            Map.of("max_value", 0.5, "axis", 0)), config.get("kernel_constraint"));
        // The initializers too, the default Glorot-uniform's seed included.
        assertEquals(dense.config().get("kernel_initializer"),
            config.get("kernel_initializer"));
        assertEquals("GlorotUniform",
            ((Map<?, ?>) config.get("kernel_initializer")).get("class_name"));
        assertEquals(Map.of("class_name", "Zeros", "config", Map.of()),
            config.get("bias_initializer"));
        assertEquals(loadedDense.activityRegularizer().config(),
            dense.activityRegularizer().config());
        assertEquals("NonNeg", ((Map<?, ?>) ((Dense) loaded.layers().stream()
            .filter(l -> l instanceof Dense).skip(1).findFirst().orElseThrow()).config()
            .get("kernel_constraint")).get("class_name"));
        assertEquals(f.requireDouble("evaluate_loss_after"), loaded.evaluate(xs, ys)
            .get("loss"), 1e-5, "the loaded model's loss includes the penalties");
      }
    }
  }

  @Test
  void kerasSerializedObjectsAreRead() throws Exception {
    JsonObject configs = fixture().requireObject("configs");
    assertEquals(Regularizer.l2(0.01).config(),
        Regularizer.get(configs.requireObject("kernel_regularizer")).config());
    assertEquals(0.02, (Double) ((Map<?, ?>) Regularizer.get(
        configs.requireObject("bias_regularizer")).config().get("config")).get("l1"), 1e-8);
    assertEquals(Constraint.maxNorm(0.5, 0).config(),
        Constraint.get(configs.requireObject("kernel_constraint")).config());
    assertEquals(Constraint.nonNeg().config(),
        Constraint.get(configs.requireObject("dense_1_kernel_constraint")).config());
    assertEquals("GlorotUniform", dev.lamina.runtime.Initializer.get(
        configs.requireObject("kernel_initializer")).config().get("class_name"));
  }

  /**
   * Every initializer, regularizer and constraint Keras serialized (its {@code get_config}) is
   * read, and written back with Keras's class name and every option Keras gave a value.
   */
  @Test
  void everyKerasSerializedFormReadsAndWritesBack() throws Exception {
    JsonObject serialized = fixture().requireObject("serialized");
    int checked = 0;
    for (String kind : List.of("initializers", "regularizers", "constraints")) {
      for (Object item : serialized.requireArray(kind)) {
        JsonObject keras = (JsonObject) item;
        Map<String, Object> ours = switch (kind) {
          case "initializers" -> dev.lamina.runtime.Initializer.get(keras).config();
          case "regularizers" -> Regularizer.get(keras).config();
          default -> Constraint.get(keras).config();
        };
        assertEquals(keras.get("class_name"), ours.get("class_name"), keras.toString());
        Map<?, ?> kerasConfig = (Map<?, ?>) keras.get("config");
        Map<?, ?> ourConfig = (Map<?, ?>) ours.get("config");
        for (var entry : kerasConfig.entrySet()) {
          if (entry.getValue() != null) {
            assertTrue(same(entry.getValue(), ourConfig.get(entry.getKey())),
                keras + " gave " + ours);
          }
        }
        for (Object key : ourConfig.keySet()) {
          assertTrue(kerasConfig.containsKey(key), keras + ": Keras has no " + key);
        }
        checked++;
      }
    }
    assertEquals(22, checked);
  }

  private static boolean same(Object keras, Object ours) {
    if (keras instanceof Number k) {
      return ours instanceof Number o && k.doubleValue() == o.doubleValue();
    }
    if (keras instanceof List<?> k) {
      if (!(ours instanceof List<?> o) || o.size() != k.size()) {
        return false;
      }
      for (int i = 0; i < k.size(); i++) {
        if (!same(k.get(i), o.get(i))) {
          return false;
        }
      }
      return true;
    }
    return keras.equals(ours);
  }

  @Test
  void namesAndDefaultsAreKeras() {
    assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.01)),
        Regularizer.get("l2").config());
    assertEquals(Map.of("class_name", "L1", "config", Map.of("l1", 0.01)),
        Regularizer.get("L1").config());
    assertEquals(Map.of("class_name", "L1L2", "config", Map.of("l1", 0.0, "l2", 0.0)),
        Regularizer.get("l1_l2").config());
    assertEquals(Map.of("class_name", "MaxNorm", "config", Map.of("max_value", 2.0, "axis", 0)),
        Constraint.get("max_norm").config());
    assertEquals(Map.of("class_name", "UnitNorm", "config", Map.of("axis", 0)),
        Constraint.get("unit_norm").config());
    assertEquals(Map.of("class_name", "MinMaxNorm", "config",
        Map.of("min_value", 0.0, "max_value", 1.0, "rate", 1.0, "axis", 0)),
        Constraint.get("MinMaxNorm").config());
    var e = assertThrows(IllegalArgumentException.class, () -> Regularizer.get("l3"));
    assertTrue(e.getMessage().contains("Unknown regularizer 'l3'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Constraint.get(Map.of("class_name", "MaxNorm", "config", Map.of("max", 1))));
    assertTrue(e.getMessage().contains("has no option 'max'"), e.getMessage());
  }

  @Test
  void aKerasDenseConfigGivesTheOptionsAndABadOneNamesTheLayerAndTheOption() throws Exception {
    String json = "{\"units\": 2, \"kernel_initializer\": {\"module\": \"keras.initializers\", "
        + "\"class_name\": \"HeNormal\", \"config\": {\"seed\": 3}, \"registered_name\": null}, "
        + "\"bias_initializer\": \"ones\", \"kernel_regularizer\": {\"class_name\": \"L1L2\", "
        + "\"config\": {\"l1\": 0.1, \"l2\": 0.2}}, \"bias_constraint\": \"unit_norm\"}";
    Dense dense = (Dense) read(json);
    Map<String, Object> config = dense.config();
    assertEquals(Map.of("class_name", "HeNormal", "config", Map.of("seed", 3L)),
        normalise(config.get("kernel_initializer")));
    assertEquals(Map.of("class_name", "Ones", "config", Map.of()),
        config.get("bias_initializer"));
    assertEquals(Map.of("class_name", "L1L2", "config", Map.of("l1", 0.1, "l2", 0.2)),
        config.get("kernel_regularizer"));
    assertEquals(Map.of("class_name", "UnitNorm", "config", Map.of("axis", 0)),
        config.get("bias_constraint"));
    assertNull(config.get("activity_regularizer"));

    var e = assertThrows(ModelFormatException.class, () -> read("{\"units\": 2, "
        + "\"kernel_regularizer\": {\"class_name\": \"L7\", \"config\": {}}}"));
    assertTrue(e.getMessage().contains("Dense layer 'x'") && e.getMessage().contains(
        "kernel_regularizer: Unknown regularizer 'L7'"), e.getMessage());
    e = assertThrows(ModelFormatException.class, () -> read("{\"units\": 2, "
        + "\"kernel_constraint\": 3}"));
    assertTrue(e.getMessage().contains("kernel_constraint"), e.getMessage());
  }

  private static Object normalise(Object object) {
    Map<?, ?> map = (Map<?, ?>) object;
    Map<?, ?> config = (Map<?, ?>) map.get("config");
    return Map.of("class_name", map.get("class_name"), "config",
        Map.of("seed", ((Number) config.get("seed")).longValue()));
  }

  private static dev.lamina.runtime.Layer read(String json) throws ModelFormatException {
    var config = new dev.lamina.runtime.registry.LayerConfig(Json.parseObject(
        json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "config.json"),
        "Dense layer 'x'", dev.lamina.runtime.registry.LayerConfig.Origin.KERAS);
    var layer = dev.lamina.runtime.registry.LayerTypes.byKerasClassName("Dense").orElseThrow()
        .fromConfig("x", config);
    config.rejectUnread("Dense");
    return layer;
  }

  /** A user's layer, {@code x * w}, with a scalar weight that carries its own options. */
  private static final class Scaled extends dev.lamina.runtime.Layer {
    private final Constraint constraint;

    Scaled(Constraint constraint) {
      super(null);
      this.constraint = constraint;
    }

    @Override
    protected OutputSpec<?> computeOutput(List<dev.lamina.runtime.SymbolicTensor<?>> inputs) {
      if (weights().isEmpty()) {
        addWeight("w", org.tensorflow.ndarray.Shape.of(1),
            dev.lamina.runtime.Initializer.constant(0.5f), true, Regularizer.l2(0.1), constraint);
      }
      return new OutputSpec<>(inputs.get(0).shape(), TFloat32.class);
    }

    @Override
    public Regularizer activityRegularizer() {
      return Regularizer.l1(0.1);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected org.tensorflow.Operand<?> build(org.tensorflow.op.Ops tf,
        List<org.tensorflow.Operand<?>> inputs, List<org.tensorflow.Operand<TFloat32>> weights,
        boolean training) {
      return tf.math.mul((org.tensorflow.Operand<TFloat32>) inputs.get(0), weights.get(0));
    }
  }

  @Test
  void aUsersLayerGetsItsWeightsPenaltyActivityPenaltyAndConstraintWorkedByHand() {
    float[][] xs = {{1}, {2}};
    float[][] ys = {{-2}, {-4}};
    // w = 0.5: outputs (0.5, 1), errors (2.5, 5): mse (6.25 + 25) / 2 = 15.625; the weight's
    // L2(0.1) 0.1 * 0.25 = 0.025; the output's L1(0.1) 0.1 * 1.5 over a batch of 2 = 0.075.
    // The gradient: mse 12.5, weight 0.2 * 0.5 = 0.1, activity 0.1 * 3 / 2 = 0.15: 12.75.
    for (boolean constrained : new boolean[] {true, false}) {
      Scaled layer = new Scaled(constrained ? Constraint.nonNeg() : null);
      var x = Input.of(TFloat32.class, 1);
      try (var model = Model.of(x, layer.call(List.of(x)))) {
        model.compile(new Sgd(0.1), Losses.meanSquaredError());
        assertEquals(15.725, model.trainOnBatch(xs, ys).get("loss"), 1e-5);
        // 0.5 - 0.1 * 12.75 = -0.775, which NonNeg makes 0.
        assertEquals(constrained ? 0 : -0.775, layer.weights().get(0).values()[0], 1e-6);
      }
    }
  }
}
