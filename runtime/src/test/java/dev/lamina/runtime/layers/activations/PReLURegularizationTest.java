package dev.lamina.runtime.layers.activations;

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

/** PReLU's alpha_regularizer and alpha_constraint in {@code trainOnBatch}, worked by hand. */
class PReLURegularizationTest {

  private static final float[][] X = {{-2, 1}, {-1, -2}};
  private static final float[][] Y = {{-4, 1}, {-2, -4}};

  @Test
  void oneSgdStepWithL2AndMaxNormWorkedByHandAndKeptBySaveAndLoad() throws Exception {
    PReLU prelu = PReLU.builder().name("prelu").alphaInitializer(0.25f)
        .alphaRegularizer(Regularizer.l2(0.1)).alphaConstraint(Constraint.maxNorm(0.5, 0))
        .build();
    var x = Input.of(TFloat32.class, 2);
    try (var model = Model.of(x, prelu.apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      // alpha (0.25, 0.25): outputs (-0.5, 1), (-0.25, -0.5); errors 3.5, 0, 1.75, 3.5: mse
      // (12.25 + 3.0625 + 12.25) / 4 = 6.890625; alpha's L2(0.1) 0.1 * 0.125 = 0.0125.
      assertEquals(6.903125, model.trainOnBatch(X, Y).get("loss"), 1e-5);
      // d/dout = error / 2: 1.75, 0, 0.875, 1.75. d/dalpha0 = 1.75 * -2 + 0.875 * -1 + 0.2 *
      // 0.25 = -4.325; d/dalpha1 = 1.75 * -2 + 0.05 = -3.45. After a step of 0.1: (0.6825,
      // 0.595), norm 0.9054453; MaxNorm(0.5) scales it by 0.5 / norm.
      double norm = Math.sqrt(0.6825 * 0.6825 + 0.595 * 0.595);
      float[] alpha = {(float) (0.6825 * 0.5 / norm), (float) (0.595 * 0.5 / norm)};
      assertArrayEquals(alpha, prelu.weights().get(0).values(), 1e-6f);
      assertArrayEquals(new float[] {0.37688632f, 0.32856756f}, alpha, 1e-7f);
      // Now: outputs (-2 a0, 1), (-a0, -2 a1): mse 6.0868089; L2 0.1 * 0.5² = 0.025.
      double after = 6.0868089 + 0.025;
      assertEquals(after, model.evaluate(X, Y).get("loss"), 1e-5);
      try (Model loaded = Model.load(model.toBytes())) {
        PReLU read = (PReLU) loaded.layers().stream()
            .filter(l -> l instanceof PReLU).findFirst().orElseThrow();
        assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.1)),
            read.config().get("alpha_regularizer"));
        assertEquals(Map.of("class_name", "MaxNorm", "config",
            Map.of("max_value", 0.5, "axis", 0)), read.config().get("alpha_constraint"));
        assertEquals(after, loaded.evaluate(X, Y).get("loss"), 1e-5);
      }
    }
  }

  @Test
  void unsetOptionsAreNotWrittenAndKerasConfigsAreRead() throws Exception {
    Map<String, Object> plain = new PReLU().config();
    assertFalse(plain.containsKey("alpha_regularizer") || plain.containsKey("alpha_constraint"),
        plain.toString());
    Map<String, Object> config = read("{\"alpha_regularizer\": {\"module\": "
        + "\"keras.regularizers\", \"class_name\": \"L1L2\", \"config\": {\"l1\": 0.1, \"l2\": "
        + "0.2}, \"registered_name\": null}, \"alpha_constraint\": \"non_neg\", "
        + "\"shared_axes\": null}").config();
    assertEquals(Map.of("class_name", "L1L2", "config", Map.of("l1", 0.1, "l2", 0.2)),
        config.get("alpha_regularizer"));
    assertEquals(Map.of("class_name", "NonNeg", "config", Map.of()),
        config.get("alpha_constraint"));
    var e = assertThrows(ModelFormatException.class,
        () -> read("{\"alpha_regularizer\": {\"class_name\": \"L7\", \"config\": {}}}"));
    assertTrue(e.getMessage().contains("alpha_regularizer"), e.getMessage());
  }

  private static dev.lamina.runtime.Layer read(String json) throws ModelFormatException {
    var config = new LayerConfig(Json.parseObject(json.getBytes(StandardCharsets.UTF_8),
        "config.json"), "PReLU layer 'x'", LayerConfig.Origin.KERAS);
    var layer = LayerTypes.byKerasClassName("PReLU").orElseThrow().fromConfig("x", config);
    config.rejectUnread("PReLU");
    return layer;
  }
}
