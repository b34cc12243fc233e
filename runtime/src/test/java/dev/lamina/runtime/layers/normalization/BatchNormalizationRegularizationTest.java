package dev.lamina.runtime.layers.normalization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.regularizers.Regularizer;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** BatchNormalization's regularizers and constraints in {@code trainOnBatch}, by hand. */
class BatchNormalizationRegularizationTest {

  // The batch statistics: feature 0 (1, 3) mean 2, variance 1; feature 1 (3, 7) mean 5,
  // variance 4; both normalise to -1 for the first sample and 1 for the second.
  private static final float[][] X = {{1, 3}, {3, 7}};
  private static final float[][] Y = {{-3, -1}, {1, -1}};

  @Test
  void oneSgdStepWithPenaltiesNonNegAndMaxNormWorkedByHandAndKeptBySaveAndLoad()
      throws Exception {
    BatchNormalization norm = BatchNormalization.builder().name("bn").epsilon(1e-9)
        .gammaRegularizer(Regularizer.l2(0.1)).betaRegularizer(Regularizer.l1(0.1))
        .gammaConstraint(Constraint.maxNorm(1.0, 0)).betaConstraint(Constraint.nonNeg())
        .build();
    var x = Input.of(TFloat32.class, 2);
    try (var model = Model.of(x, norm.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      // gamma (1, 1), beta (0, 0): outputs (-1, -1), (1, 1); errors (2, 0), (0, 2): mse 2;
      // gamma's L2(0.1) 0.1 * 2 = 0.2; beta's L1 0.
      assertEquals(2.2, model.trainOnBatch(X, Y).get("loss"), 1e-5);
      // d/dout = error / 2 = (1, 0), (0, 1). gamma: 1 * -1 + 0.2 = -0.8 and 1 * 1 + 0.2 = 1.2:
      // (1.08, 0.88), norm 1.3931260, which MaxNorm(1) scales to 1. beta: 1 and 1 (L1's
      // gradient at 0 is 0): (-0.1, -0.1), which NonNeg makes 0.
      double length = Math.sqrt(1.08 * 1.08 + 0.88 * 0.88);
      float[] gamma = {(float) (1.08 / length), (float) (0.88 / length)};
      assertArrayEquals(gamma, norm.weights().get(0).values(), 1e-6f);
      assertArrayEquals(new float[] {0.7752349f, 0.6316729f}, gamma, 1e-6f);
      assertArrayEquals(new float[] {0, 0}, norm.weights().get(1).values(), 0f);
      // The moving statistics, untouched by the options: 0.01 of the batch's.
      assertArrayEquals(new float[] {0.02f, 0.05f}, norm.weights().get(2).values(), 1e-6f);
      assertArrayEquals(new float[] {1f, 1.03f}, norm.weights().get(3).values(), 1e-6f);
      // evaluate normalises with the moving statistics: gamma * (x - mean) / sqrt(variance):
      // (0.7597302, 1.8360971), (2.3102001, 4.3257204): mse 13.0647350; gamma's L2 0.1 * 1.
      double after = 13.064735 + 0.1;
      assertEquals(after, model.evaluate(X, Y).get("loss"), 1e-4);
      try (Model loaded = Model.load(model.toBytes())) {
        BatchNormalization read = (BatchNormalization) loaded.layers().stream()
            .filter(l -> l instanceof BatchNormalization).findFirst().orElseThrow();
        Map<String, Object> config = read.config();
        assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.1)),
            config.get("gamma_regularizer"));
        assertEquals(Map.of("class_name", "L1", "config", Map.of("l1", 0.1)),
            config.get("beta_regularizer"));
        assertEquals(Map.of("class_name", "MaxNorm", "config",
            Map.of("max_value", 1.0, "axis", 0)), config.get("gamma_constraint"));
        assertEquals(Map.of("class_name", "NonNeg", "config", Map.of()),
            config.get("beta_constraint"));
        assertEquals(after, loaded.evaluate(X, Y).get("loss"), 1e-4);
      }
    }
  }

  @Test
  void unsetOptionsAreNotWrittenAndKerasConfigsAreRead() throws Exception {
    Map<String, Object> plain = new BatchNormalization().config();
    for (String key : new String[] {"beta_regularizer", "gamma_regularizer", "beta_constraint",
        "gamma_constraint"}) {
      assertFalse(plain.containsKey(key), plain.toString());
    }
    Map<String, Object> config = LayerNormalizationRegularizationTest.read("BatchNormalization",
        "{\"axis\": -1, \"gamma_regularizer\": {\"module\": \"keras.regularizers\", "
        + "\"class_name\": \"L1\", \"config\": {\"l1\": 0.3}, \"registered_name\": null}, "
        + "\"beta_regularizer\": null, \"gamma_constraint\": null, \"beta_constraint\": "
        + "\"unit_norm\", \"renorm_clipping\": null}").config();
    assertEquals(Map.of("class_name", "L1", "config", Map.of("l1", 0.3)),
        config.get("gamma_regularizer"));
    assertEquals(Map.of("class_name", "UnitNorm", "config", Map.of("axis", 0)),
        config.get("beta_constraint"));
    assertFalse(config.containsKey("beta_regularizer") || config.containsKey("gamma_constraint"));
    var e = assertThrows(ModelFormatException.class, () -> LayerNormalizationRegularizationTest
        .read("BatchNormalization", "{\"beta_regularizer\": \"l9\"}"));
    assertTrue(e.getMessage().contains("beta_regularizer"), e.getMessage());
  }
}
