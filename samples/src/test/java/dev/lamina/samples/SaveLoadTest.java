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

  @Test
  void everyMissingLambdaIsNamedAtOnce() throws IOException {
    Path file = dir.resolve("two-lambdas.lamina");
    var x = dev.lamina.runtime.Input.of(org.tensorflow.types.TFloat32.class, 3);
    try (var model = dev.lamina.runtime.Model.of(x,
        AntirectifierLayer.of().apply(SquareLayer.of().apply(x)))) {
      model.save(file);
    }
    var slice = dev.lamina.runtime.registry.LambdaRegistry.load()
        .find("dev.lamina.samples.SeedLambdas.slice").orElseThrow();
    var error = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
        () -> Model.load(file, dev.lamina.runtime.registry.LambdaRegistry.of(slice)).close());
    assertTrue(error.getMessage().contains("2 lambdas of this model are not registered: "
        + "'dev.lamina.samples.SeedLambdas.square' (layer 'square'; closest registered: "
        + "[dev.lamina.samples.SeedLambdas.slice]), "
        + "'dev.lamina.samples.SeedLambdas.antirectifier' (layer 'antirectifier'; closest "
        + "registered: [dev.lamina.samples.SeedLambdas.slice]). Put the compiled @Lambda "
        + "method's classes on the class path"), error.getMessage());
  }

  @Test
  void anEmptyRegistryPointsAtTheAnnotationProcessor() throws IOException {
    Path file = dir.resolve("two-lambdas.lamina");
    var x = dev.lamina.runtime.Input.of(org.tensorflow.types.TFloat32.class, 3);
    try (var model = dev.lamina.runtime.Model.of(x,
        AntirectifierLayer.of().apply(SquareLayer.of().apply(x)))) {
      model.save(file);
    }
    var error = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
        () -> Model.load(file, dev.lamina.runtime.registry.LambdaRegistry.of()));
    assertTrue(error.getMessage().contains("None of the lambdas "
        + "'dev.lamina.samples.SeedLambdas.square', 'dev.lamina.samples.SeedLambdas.antirectifier'"
        + " is registered, and this JVM has no registered lambdas at all: were the classes "
        + "declaring the @Lambda methods compiled with lamina-processor on the annotation "
        + "processor path"), error.getMessage());
    // Never an empty "closest" list.
    assertTrue(!error.getMessage().contains("[]"), error.getMessage());
  }
}
