package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tutorial's models and the trained digits classifier survive save and load: the same
 * predictions, bit for bit, and the same summary. Lambdas come back through the registry the
 * processor generated for {@link SeedLambdas}.
 */
class SaveLoadTest {

  @TempDir
  Path dir;

  private Model roundTrip(Model model, String name) throws IOException {
    Path file = dir.resolve(name + ".lamina");
    model.save(file);
    Model loaded = Model.load(file);
    assertEquals(model.summary(), loaded.summary(), name + ": summary");
    return loaded;
  }

  @Test
  void theSquareModel() throws IOException {
    try (var model = Tutorial.squareModel(); var loaded = roundTrip(model, "square")) {
      float[][] x = Tutorial.squareInput();
      assertArrayEquals(model.predict(x, float[][].class), loaded.predict(x, float[][].class));
    }
  }

  @Test
  void theSliceModelWithItsArguments() throws IOException {
    try (var model = Tutorial.sliceModel(); var loaded = roundTrip(model, "slice")) {
      float[][][] x = Tutorial.sliceInput();
      float[][][][] expected = model.predict(x, float[][][][].class);
      float[][][][] actual = loaded.predict(x, float[][][][].class);
      assertEquals(java.util.Arrays.deepToString(expected), java.util.Arrays.deepToString(actual));
      assertEquals(Map.of("index", 1), loaded.layers().get(3).arguments());
    }
  }

  @Test
  void theAntirectifierModel() throws IOException {
    try (var model = Tutorial.antirectifierModel(); var loaded = roundTrip(model, "anti")) {
      float[][] x = Tutorial.antirectifierInput();
      float[][] expected = model.predict(x, float[][].class);
      float[][] actual = loaded.predict(x, float[][].class);
      for (int i = 0; i < x.length; i++) {
        assertArrayEquals(expected[i], actual[i]);
      }
    }
  }

  @Test
  void theTrainedDigitsModel() throws IOException {
    Digits data = Digits.standardSplit();
    try (var model = DigitsTraining.model()) {
      DigitsTraining.train(model, data, new PrintStream(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8));
      try (var loaded = roundTrip(model, "digits")) {
        float[][] expected = model.predict(data.xTest(), float[][].class);
        float[][] actual = loaded.predict(data.xTest(), float[][].class);
        for (int i = 0; i < expected.length; i++) {
          assertArrayEquals(expected[i], actual[i], "test image " + i);
        }
        // The compile state came back too: evaluate gives what the trained model gives.
        assertEquals(model.evaluate(data.xTest(), data.yTest()),
            loaded.evaluate(data.xTest(), data.yTest()));
      }
    }
  }

  @Test
  void aLambdaNoOneRegisteredIsNamed() throws IOException {
    Path file = dir.resolve("slice.lamina");
    try (var model = Tutorial.sliceModel()) {
      model.save(file);
    }
    var error = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
        () -> Model.load(file, dev.lamina.runtime.registry.LambdaRegistry.of()));
    assertTrue(error.getMessage().contains("'dev.lamina.samples.SeedLambdas.slice' is not a "
        + "registered lambda"), error.getMessage());
  }
}
