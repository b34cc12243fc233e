package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.ModelFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file may list its layers in any order (Keras lists producers first; a hostile or hand-made
 * file need not): the importer orders them in work linear in the number of layers. Counted, not
 * timed: each node's inputs are gathered a bounded number of times, whatever the order.
 */
class KerasHostileOrderTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void layersListedInAnyOrderAreOrderedInLinearWork(boolean reversed) throws Exception {
    int n = 2000;
    Path file = ChainModels.write(dir.resolve("chain.keras"), n, reversed);
    Map<String, Long> seen = new HashMap<>();
    try (Model model = KerasImporter.load(file, LambdaBindings.of(),
        KerasImportOptions.defaults().withNotes(note -> { }), seen::put)) {
      // A chain of linear activations computes the identity.
      float[][] x = {{1f, -2f, 3.5f}};
      assertArrayEquals(x[0], model.predict(x, float[][].class)[0]);
    }
    long resolutions = seen.get("node resolutions");
    assertTrue(resolutions <= 2L * n, "gathered the inputs of " + n + " nodes " + resolutions
        + " times: more than twice each, so the work grows faster than the layer count");
  }

  /** Layers whose calls use each other's outputs: refused at the first of them in the file. */
  @Test
  void aCycleOfLayersIsRefusedAtItsFirstNode() throws Exception {
    // in -> a1 -> a2 -> a3, with a1 fed by a3 instead of in.
    String config = ChainModels.config(3, false).replace("\"keras_history\": [\"in\", 0, 0]",
        "\"keras_history\": [\"a3\", 0, 0]");
    Map<String, byte[]> entries = KerasZips.entries(Fixtures.path("square.keras"));
    entries.put("config.json", config.getBytes(StandardCharsets.UTF_8));
    Path file = KerasZips.write(dir.resolve("cycle.keras"), entries);
    var e = assertThrows(ModelFormatException.class, () -> KerasImporter.load(file,
        LambdaBindings.of(), KerasImportOptions.defaults().withNotes(note -> { })).close());
    assertTrue(e.getMessage().contains("'a1'") && e.getMessage().contains(
        ": node 0 depends on itself through a cycle of layers"), e.getMessage());
  }
}
