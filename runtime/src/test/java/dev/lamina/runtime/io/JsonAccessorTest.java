package dev.lamina.runtime.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Typed accessors: one line per field for a loader, and errors that point at the value. */
class JsonAccessorTest {

  static final String CONFIG = """
      {
        "class_name": "Dense",
        "config": {
          "name": "dense_1",
          "units": "ten",
          "big": 3000000000,
          "rate": 0.5,
          "use_bias": true,
          "activation": null,
          "batch_shape": [null, 28, 28],
          "weights": [0.5, -1e-3, 2],
          "inbound": [{"name": "a"}, {"name": "b"}, 7]
        }
      }""";

  static JsonObject root() throws ModelFormatException {
    return Json.parseObject(CONFIG.getBytes(UTF_8), "config.json");
  }

  static void fails(String message, Executable e) {
    assertEquals(message, assertThrows(ModelFormatException.class, e).getMessage());
  }

  @Test
  void readsEachFieldInOneLine() throws Exception {
    JsonObject cfg = root().requireObject("config");
    assertEquals("Dense", root().requireOneOf("class_name", "Dense", "Conv2D"));
    assertEquals("dense_1", cfg.requireString("name"));
    assertEquals(3_000_000_000L, cfg.requireLong("big"));
    assertEquals(0.5f, cfg.requireFloat("rate"));
    assertEquals(0.5, cfg.requireDouble("rate"));
    assertTrue(cfg.requireBoolean("use_bias"));
    assertEquals("linear", cfg.optString("activation", "linear"), "null reads as absent");
    assertEquals("linear", cfg.optString("missing", "linear"));
    assertEquals(7, cfg.optInt("missing", 7));
    assertEquals(0.5, cfg.optDouble("rate", 1));
    assertNull(cfg.optObject("activation"));
    assertNull(cfg.optArray("missing"));
    assertTrue(cfg.isNull("activation"));
    assertFalse(cfg.isNull("missing"));
    JsonArray shape = cfg.requireArray("batch_shape").requireSize(3);
    assertTrue(shape.isNull(0));
    assertEquals(28, shape.requireInt(1));
    assertArrayEquals(new float[] {0.5f, -1e-3f, 2f}, cfg.requireArray("weights").floats());
    assertArrayEquals(new double[] {0.5, -1e-3, 2}, cfg.requireArray("weights").doubles());
    assertEquals(List.of("dense_1"), List.of(cfg.requireString("name")));
    assertEquals("$.config.batch_shape", shape.path());
    assertEquals("config.json", shape.source());
  }

  @Test
  void everyErrorPointsAtTheValueAtFault() throws Exception {
    JsonObject cfg = root().requireObject("config");
    fails("config.json:5:14: at $.config.units: expected an integer, found string \"ten\"",
        () -> cfg.requireInt("units"));
    fails("config.json:6:12: at $.config.big: number 3000000000 is out of the int32 range",
        () -> cfg.requireInt("big"));
    fails("config.json:7:13: at $.config.rate: expected an integer, found number 0.5",
        () -> cfg.requireLong("rate"));
    fails("config.json:3:13: at $.config: missing field \"kernel\"",
        () -> cfg.requireString("kernel"));
    fails("config.json:9:19: at $.config.activation: expected a string, found null",
        () -> cfg.requireString("activation"));
    fails("config.json:8:17: at $.config.use_bias: expected a number, found true",
        () -> cfg.requireDouble("use_bias"));
    fails("config.json:4:13: at $.config.name: expected true or false, found string \"dense_1\"",
        () -> cfg.requireBoolean("name"));
    fails("config.json:10:20: at $.config.batch_shape: expected an object, found an array",
        () -> cfg.requireObject("batch_shape"));
    fails("config.json:4:13: at $.config.name: expected an array, found string \"dense_1\"",
        () -> cfg.requireArray("name"));
    fails("config.json:2:17: at $.class_name: expected one of [Conv2D], found string \"Dense\"",
        () -> root().requireOneOf("class_name", "Conv2D"));
    fails("config.json:10:21: at $.config.batch_shape[0]: expected an integer, found null",
        () -> cfg.requireArray("batch_shape").longs());
    fails("config.json:10:20: at $.config.batch_shape: expected 2 elements, found 3",
        () -> cfg.requireArray("batch_shape").requireSize(2));
    fails("config.json:10:20: at $.config.batch_shape: expected an element at index 3, but the"
        + " array has 3", () -> cfg.requireArray("batch_shape").requireInt(3));
    fails("config.json:12:47: at $.config.inbound[2]: expected an object, found number 7",
        () -> cfg.requireArray("inbound").objects());
    fails("config.json:12:17: at $.config.inbound[0]: expected a string, found an object",
        () -> cfg.requireArray("inbound").strings());
    fails("config.json:11:17: at $.config.weights[0]: expected an integer, found number 0.5",
        () -> cfg.requireArray("weights").ints());
    fails("config.json:3:13: at $.config: unknown field \"config\", expected one of [class_name]",
        () -> root().rejectUnknownKeys("class_name"));
    fails("config.json:5:14: at $.config.units: must be a positive integer",
        () -> { throw cfg.error("units", "must be a positive integer"); });
    fails("config.json:3:13: at $.config: no such layer", () -> {
      throw cfg.error("no such layer");
    });
    root().requireObject("config").requireArray("inbound").requireObject(1)
        .rejectUnknownKeys("name");
  }

  @Test
  void derivedObjectsKeepTheFilesPositions() throws Exception {
    JsonObject config = root().requireObject("config");
    // Renamed: same place and value, the new key in the path, the old key's line and column.
    JsonObject renamed = config.renamed("units", "filters");
    assertEquals(List.copyOf(config.keySet()).indexOf("units"),
        List.copyOf(renamed.keySet()).indexOf("filters"));
    assertFalse(renamed.containsKey("units"));
    fails("config.json:5:14: at $.config.filters: expected an integer, found string \"ten\"",
        () -> renamed.requireInt("filters"));
    assertTrue(config.renamed("absent", "x") == config);
    assertThrows(IllegalArgumentException.class, () -> config.renamed("units", "rate"));
    // Replaced by one of the document's own values, at the key's position.
    JsonObject replaced = config.replaced("batch_shape",
        config.requireArray("batch_shape").get(1));
    assertEquals(28, replaced.requireInt("batch_shape"));
    fails("config.json:10:20: at $.config.batch_shape: expected a string, found number 28",
        () -> replaced.requireString("batch_shape"));
    // Without: the key gone, the others where they were.
    JsonObject without = config.without("big");
    assertFalse(without.containsKey("big"));
    assertEquals(config.size() - 1, without.size());
    fails("config.json:5:14: at $.config.units: expected an integer, found string \"ten\"",
        () -> without.requireInt("units"));
    assertTrue(config.without("absent") == config);
  }
}
