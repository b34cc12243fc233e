package dev.lamina.runtime.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the new types accept and refuse in a Keras config, and how they say so. */
class KerasConfigOptionsTest {

  private static Layer read(String className, String json) throws ModelFormatException {
    LayerConfig config = new LayerConfig(Json.parseObject(json.getBytes(StandardCharsets.UTF_8),
        "config.json"), className + " layer 'x'", LayerConfig.Origin.KERAS);
    Layer layer = LayerTypes.byKerasClassName(className).orElseThrow().fromConfig("x", config);
    config.rejectUnread(className);
    return layer;
  }

  private static String refused(String className, String json) {
    return assertThrows(ModelFormatException.class, () -> read(className, json)).getMessage();
  }

  @Test
  void embeddingAcceptsKerassDeprecatedInputLengthAndRegularizersAndRefusesLora()
      throws Exception {
    Layer layer = read("Embedding", "{\"input_dim\": 4, \"output_dim\": 2, \"input_length\": 7}");
    assertEquals(Map.of("input_dim", 4, "output_dim", 2, "mask_zero", false), layer.arguments());
    assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.01)),
        read("Embedding", "{\"input_dim\": 4, \"output_dim\": 2, \"embeddings_regularizer\": "
        + "{\"class_name\": \"L2\", \"config\": {\"l2\": 0.01}}}").config()
        .get("embeddings_regularizer"));
    String message = refused("Embedding", "{\"input_dim\": 4, \"output_dim\": 2, "
        + "\"lora_rank\": 4}");
    assertTrue(message.contains("lora_rank"), message);
    message = refused("Embedding", "{\"input_dim\": 0, \"output_dim\": 2}");
    assertTrue(message.contains("must be 1 or more"), message);
  }

  @Test
  void layerNormalizationReadsAnIntOrAListAndConstraints() throws Exception {
    assertEquals(List.of(-1), read("LayerNormalization", "{\"axis\": -1}").arguments()
        .get("axis"));
    assertEquals(List.of(1, 2), read("LayerNormalization", "{\"axis\": [1, 2]}").arguments()
        .get("axis"));
    assertEquals(Map.of("class_name", "NonNeg", "config", Map.of()), read("LayerNormalization",
        "{\"gamma_constraint\": {\"class_name\": \"NonNeg\", \"config\": {}}}").config()
        .get("gamma_constraint"));
    String message = refused("LayerNormalization", "{\"momentum\": 0.9}");
    assertTrue(message.contains("has option 'momentum', which Lamina's LayerNormalization does "
        + "not support"), message);
  }

  @Test
  void normalizationNeedsBothStatisticsOfFittingRank() throws Exception {
    String message = refused("Normalization", "{\"axis\": [-1], \"mean\": [1.0]}");
    assertTrue(message.contains("mean and variance must be given together"), message);
    message = refused("Normalization",
        "{\"axis\": [-1], \"mean\": [[1.0]], \"variance\": [[1.0]]}");
    assertTrue(message.contains("mean is nested 2 or more deep; at most 1 level is allowed"), message);
    // axis None (written as null) keeps no axis: one mean and variance for everything.
    assertEquals(List.of(), read("Normalization", "{\"axis\": null, \"mean\": 2.0, "
        + "\"variance\": 3.0}").arguments().get("axis"));
  }

  @Test
  void rescalingTakesANumberOrAFlatList() throws Exception {
    assertEquals(Map.of("scale", List.of(0.5, 2.0), "offset", 0.0),
        read("Rescaling", "{\"scale\": [0.5, 2.0]}").arguments());
    String message = refused("Rescaling", "{\"scale\": [[0.5]]}");
    assertTrue(message.contains("scale is nested 2 or more deep; at most 1 level is allowed"), message);
    message = refused("Rescaling", "{\"offset\": 1.0}");
    assertTrue(message.contains("scale is missing"), message);
  }
}
