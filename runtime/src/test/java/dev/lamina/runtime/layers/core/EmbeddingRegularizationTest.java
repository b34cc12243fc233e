package dev.lamina.runtime.layers.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.regularizers.Regularizer;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TInt32;

/** Embedding's regularizers and constraint in {@code trainOnBatch}, worked by hand. */
class EmbeddingRegularizationTest {

  private static final float[][] Y = {{1}, {1}};
  private static final int[][] X = {{0}, {1}};

  @Test
  void oneSgdStepWithPenaltiesAndNonNegWorkedByHandAndKeptBySaveAndLoad() throws Exception {
    Embedding embedding = Embedding.builder(3, 1).name("emb")
        .embeddings(new float[] {0.5f, -0.2f, 1.0f})
        .embeddingsRegularizer(Regularizer.l2(0.1)).activityRegularizer(Regularizer.l1(0.1))
        .embeddingsConstraint(Constraint.nonNeg()).build();
    var x = Input.of(TInt32.class, 1);
    try (var model = Model.of(x, new Flatten().apply(embedding.apply(x)))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      // Outputs (0.5, -0.2), errors (-0.5, -1.2): mse (0.25 + 1.44) / 2 = 0.845; the matrix's
      // L2(0.1) 0.1 * (0.25 + 0.04 + 1) = 0.129; the output's L1(0.1) 0.1 * 0.7 / 2 = 0.035.
      assertEquals(1.009, model.trainOnBatch(X, Y).get("loss"), 1e-5);
      // Gradients: row 0: -0.5 + 0.2 * 0.5 + 0.1 / 2 = -0.35; row 1: -1.2 - 0.04 - 0.05 =
      // -1.29; row 2 (not looked up): 0.2 * 1 = 0.2. Steps of 0.1: 0.535, -0.071 (NonNeg: 0),
      // 0.98.
      assertArrayEquals(new float[] {0.535f, 0f, 0.98f}, embedding.weights().get(0).values(),
          1e-6f);
      // Now: outputs (0.535, 0): mse (0.465² + 1) / 2 = 0.6081125; L2 0.1 * (0.535² + 0.98²)
      // = 0.1246625; L1 0.1 * 0.535 / 2 = 0.02675.
      double after = 0.6081125 + 0.1246625 + 0.02675;
      assertEquals(after, model.evaluate(X, Y).get("loss"), 1e-5);
      try (Model loaded = Model.load(model.toBytes())) {
        Embedding read = (Embedding) loaded.layers().stream()
            .filter(l -> l instanceof Embedding).findFirst().orElseThrow();
        Map<String, Object> config = read.config();
        assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.1)),
            config.get("embeddings_regularizer"));
        assertEquals(Map.of("class_name", "L1", "config", Map.of("l1", 0.1)),
            config.get("activity_regularizer"));
        assertEquals(Map.of("class_name", "NonNeg", "config", Map.of()),
            config.get("embeddings_constraint"));
        assertEquals(after, loaded.evaluate(X, Y).get("loss"), 1e-5);
      }
    }
  }

  @Test
  void unsetOptionsAreNotWrittenAndKerasConfigsAreRead() throws Exception {
    Map<String, Object> plain = new Embedding(3, 2).config();
    assertNull(plain.get("embeddings_regularizer"));
    assertTrue(!plain.containsKey("activity_regularizer")
        && !plain.containsKey("embeddings_constraint"), plain.toString());
    String json = "{\"input_dim\": 3, \"output_dim\": 2, \"embeddings_regularizer\": "
        + "{\"module\": \"keras.regularizers\", \"class_name\": \"L2\", \"config\": {\"l2\": "
        + "0.5}, \"registered_name\": null}, \"activity_regularizer\": \"l1\", "
        + "\"embeddings_constraint\": {\"class_name\": \"MaxNorm\", \"config\": {\"max_value\": "
        + "2.0, \"axis\": 1}}}";
    Map<String, Object> config = read("Embedding", json).config();
    assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.5)),
        config.get("embeddings_regularizer"));
    assertEquals(Map.of("class_name", "L1", "config", Map.of("l1", 0.01)),
        config.get("activity_regularizer"));
    assertEquals(Map.of("class_name", "MaxNorm", "config", Map.of("max_value", 2.0, "axis", 1)),
        config.get("embeddings_constraint"));
    var e = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
        () -> read("Embedding", "{\"input_dim\": 3, \"output_dim\": 2, "
            + "\"embeddings_constraint\": \"no_such\"}"));
    assertTrue(e.getMessage().contains("embeddings_constraint"), e.getMessage());
  }

  static dev.lamina.runtime.Layer read(String type, String json) throws ModelFormatException {
    var config = new LayerConfig(Json.parseObject(json.getBytes(StandardCharsets.UTF_8),
        "config.json"), type + " layer 'x'", LayerConfig.Origin.KERAS);
    var layer = LayerTypes.byKerasClassName(type).orElseThrow().fromConfig("x", config);
    config.rejectUnread(type);
    return layer;
  }
}
