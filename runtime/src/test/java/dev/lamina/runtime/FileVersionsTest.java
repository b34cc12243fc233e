package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by earlier Lamina versions load and predict as they did (files/README.md). */
class FileVersionsTest {

  @TempDir
  Path dir;

  @Test
  void aVersionOneFileFromBeforeTheLayerRegistryLoadsAndPredictsAsItDid() throws Exception {
    Path file = dir.resolve("v1-core-layers.lamina");
    try (InputStream in = getClass().getResourceAsStream("/files/v1-core-layers.lamina")) {
      Files.copy(in, file);
    }
    JsonObject expected;
    try (InputStream in = getClass().getResourceAsStream("/files/v1-core-layers.json")) {
      expected = Json.parseObject(in.readAllBytes(), "v1-core-layers.json");
    }
    JsonArray rows = expected.requireArray("x");
    float[][] x = new float[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = rows.requireArray(i).floats();
    }
    try (Model model = Model.load(file)) {
      assertEquals(List.of("features", "hidden", "dropout", "reshape", "flatten", "tanh_branch",
          "add", "multiply", "concat", "probs"), model.layers().stream().map(model::nameOf)
          .toList());
      float[][] y = model.predict(x, float[][].class);
      JsonArray predictions = expected.requireArray("predictions");
      for (int i = 0; i < y.length; i++) {
        assertArrayEquals(predictions.requireArray(i).floats(), y[i], "row " + i);
      }
      // Its compile state came back too: the step count, and a step runs.
      assertTrue(model.optimizer() != null, "compiled from the file's training section");
      assertEquals(2L, model.compiled().graph().iterations(), "the two steps taken before");
      assertTrue(Double.isFinite(model.trainOnBatch(x, new float[][] {{1, 0}, {0, 1}, {1, 0}})
          .get("loss")));
    }
  }

  /**
   * A file written when every weight was float32 holds an adapted Normalization's count as a
   * float32 0: it loads into today's int64 count (whole numbers convert exactly), and predicts
   * as it did.
   */
  @Test
  void aFileFromBeforeWeightDtypesLoadsItsFloat32CountAsInt64() throws Exception {
    Path file = dir.resolve("v1-normalization.lamina");
    try (InputStream in = getClass().getResourceAsStream("/files/v1-normalization.lamina")) {
      Files.copy(in, file);
    }
    JsonObject expected;
    try (InputStream in = getClass().getResourceAsStream("/files/v1-normalization.json")) {
      expected = Json.parseObject(in.readAllBytes(), "v1-normalization.json");
    }
    JsonArray rows = expected.requireArray("x");
    float[][] x = new float[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = rows.requireArray(i).floats();
    }
    try (Model model = Model.load(file)) {
      Weight count = model.getLayer("norm").weights().get(2);
      assertEquals("count", count.name());
      assertEquals("int64", count.dtype());
      assertEquals(0L, ((org.tensorflow.ndarray.LongNdArray) count.array()).getLong());
      float[][] y = model.predict(x, float[][].class);
      JsonArray predictions = expected.requireArray("predictions");
      for (int i = 0; i < y.length; i++) {
        assertArrayEquals(predictions.requireArray(i).floats(), y[i], "row " + i);
      }
      // Saved again, the count is written as int64 and reads back the same.
      Path again = dir.resolve("again.lamina");
      model.save(again);
      try (Model reloaded = Model.load(again)) {
        assertEquals("int64", reloaded.getLayer("norm").weights().get(2).dtype());
        assertArrayEquals(y[1], reloaded.predict(x, float[][].class)[1]);
      }
    }
  }
}
