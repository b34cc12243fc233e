package dev.lamina.runtime.layers.normalization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.regularizers.Regularizer;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** LayerNormalization's regularizers and constraints in {@code trainOnBatch}, by hand. */
class LayerNormalizationRegularizationTest {

  // Both samples normalise to (-1, 1) with epsilon 0: (1, 3) has mean 2 and variance 1, (0, 4)
  // mean 2 and variance 4.
  private static final float[][] X = {{1, 3}, {0, 4}};
  private static final float[][] Y = {{-3, 0}, {-3, 0}};

  @Test
  void oneSgdStepWithPenaltiesNonNegAndMaxNormWorkedByHandAndKeptBySaveAndLoad()
      throws Exception {
    LayerNormalization norm = LayerNormalization.builder().name("norm").epsilon(0)
        .gammaRegularizer(Regularizer.l2(0.1)).betaRegularizer(Regularizer.l1(0.1))
        .gammaConstraint(Constraint.maxNorm(1.0, 0)).betaConstraint(Constraint.nonNeg())
        .build();
    var x = Input.of(TFloat32.class, 2);
    try (var model = Model.of(x, norm.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      // gamma (1, 1), beta (0, 0): outputs (-1, 1) for both, errors (2, 1): mse 2.5; gamma's
      // L2(0.1) 0.1 * 2 = 0.2; beta's L1 0.
      assertEquals(2.7, model.trainOnBatch(X, Y).get("loss"), 1e-5);
      // d/dout = error / 2 = (1, 0.5) per sample. gamma: 2 * (1 * -1) + 0.2 = -1.8 and
      // 2 * (0.5 * 1) + 0.2 = 1.2: (1.18, 0.88), norm 1.4720054, which MaxNorm(1) scales to 1.
      // beta: 2 * 1 and 2 * 0.5 (L1's gradient at 0 is 0): (-0.2, -0.1), which NonNeg makes 0.
      double length = Math.sqrt(1.18 * 1.18 + 0.88 * 0.88);
      assertArrayEquals(new float[] {(float) (1.18 / length), (float) (0.88 / length)},
          norm.weights().get(0).values(), 1e-6f);
      assertArrayEquals(new float[] {0.8016274f, 0.5978238f}, norm.weights().get(0).values(),
          1e-6f);
      assertArrayEquals(new float[] {0, 0}, norm.weights().get(1).values(), 0f);
      // Now: outputs (-0.8016274, 0.5978238): mse ((3 - 0.8016274)² + 0.5978238²) / 2 =
      // 2.5951177; gamma's L2 0.1 * 1.
      double after = 2.5951177 + 0.1;
      assertEquals(after, model.evaluate(X, Y).get("loss"), 1e-5);
      try (Model loaded = Model.load(model.toBytes())) {
        LayerNormalization read = (LayerNormalization) loaded.layers().stream()
            .filter(l -> l instanceof LayerNormalization).findFirst().orElseThrow();
        Map<String, Object> config = read.config();
        assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.1)),
            config.get("gamma_regularizer"));
        assertEquals(Map.of("class_name", "L1", "config", Map.of("l1", 0.1)),
            config.get("beta_regularizer"));
        assertEquals(Map.of("class_name", "MaxNorm", "config",
            Map.of("max_value", 1.0, "axis", 0)), config.get("gamma_constraint"));
        assertEquals(Map.of("class_name", "NonNeg", "config", Map.of()),
            config.get("beta_constraint"));
        assertEquals(after, loaded.evaluate(X, Y).get("loss"), 1e-5);
      }
    }
  }

  @Test
  void unsetOptionsAreNotWrittenAndKerasConfigsAreRead() throws Exception {
    Map<String, Object> plain = new LayerNormalization().config();
    for (String key : new String[] {"beta_regularizer", "gamma_regularizer", "beta_constraint",
        "gamma_constraint"}) {
      assertFalse(plain.containsKey(key), plain.toString());
    }
    Map<String, Object> config = read("LayerNormalization", "{\"axis\": [-1], "
        + "\"beta_regularizer\": \"l2\", \"gamma_regularizer\": null, \"beta_constraint\": null, "
        + "\"gamma_constraint\": {\"module\": \"keras.constraints\", \"class_name\": \"NonNeg\", "
        + "\"config\": {}, \"registered_name\": null}}").config();
    assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.01)),
        config.get("beta_regularizer"));
    assertEquals(Map.of("class_name", "NonNeg", "config", Map.of()),
        config.get("gamma_constraint"));
    assertFalse(config.containsKey("gamma_regularizer") || config.containsKey("beta_constraint"));
    var e = assertThrows(ModelFormatException.class,
        () -> read("LayerNormalization", "{\"gamma_constraint\": 3}"));
    assertTrue(e.getMessage().contains("gamma_constraint"), e.getMessage());
  }

  static dev.lamina.runtime.Layer read(String type, String json) throws ModelFormatException {
    var config = new LayerConfig(Json.parseObject(json.getBytes(StandardCharsets.UTF_8),
        "config.json"), type + " layer 'x'", LayerConfig.Origin.KERAS);
    var layer = LayerTypes.byKerasClassName(type).orElseThrow().fromConfig("x", config);
    config.rejectUnread(type);
    return layer;
  }
}
