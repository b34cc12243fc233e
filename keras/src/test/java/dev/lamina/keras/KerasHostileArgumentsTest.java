package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.io.ModelFormatException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Non-finite numbers (Python's json writes NaN, Infinity and -Infinity; JSON has none) among a
 * Lambda's arguments: refused like Lamina's own format refuses them, with the file position, the
 * layer and the argument, whether or not the layer has a binding, and never by an exception other
 * than ModelFormatException (a message that shows such a value must not fail to print it).
 */
class KerasHostileArgumentsTest {

  @TempDir
  Path dir;

  private static final KerasImportOptions QUIET = KerasImportOptions.defaults()
      .withNotes(n -> { });

  /** square.keras's Lambda (layer 'lambda', a Python lambda) with arguments {"factor": value}. */
  private Path squareWithFactor(String value) throws Exception {
    return KerasZips.withConfig(dir, "square.keras", c -> c.replace("\"arguments\": {}",
        "\"arguments\": {\"factor\": " + value + "}"));
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "expected <" + part + "> in:\n" + message);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
  void nonFiniteArgumentOfABoundLambdaIsRefused(String value) throws Exception {
    Path file = squareWithFactor(value);
    LambdaBindings bindings = LambdaBindings.of()
        .bind("lambda", args -> ScaleLayer.of(args.requireFloat("factor")));
    String message = assertThrows(ModelFormatException.class,
        () -> KerasModels.load(file, bindings, QUIET).close()).getMessage();
    assertContains(message, "config.json:", "$.config.layers[1].config.arguments.factor",
        "Lambda layer 'lambda'", "argument 'factor' is " + value + ", which is not finite");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
  void nonFiniteArgumentOfAnUnboundLambdaIsAModelFormatException(String value)
      throws Exception {
    Path file = squareWithFactor(value);
    String message = assertThrows(ModelFormatException.class,
        () -> KerasModels.load(file, LambdaBindings.of(), QUIET).close()).getMessage();
    assertContains(message, "Lambda layer 'lambda'", "argument 'factor' is " + value
        + ", which is not finite");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1.0, NaN]", "{\"scale\": [Infinity]}"})
  void nonFiniteNumberNestedInAnArgumentIsRefused(String value) throws Exception {
    Path file = squareWithFactor(value);
    String message = assertThrows(ModelFormatException.class,
        () -> KerasModels.load(file, LambdaBindings.of(), QUIET).close()).getMessage();
    assertContains(message, "Lambda layer 'lambda'", "argument 'factor' holds ",
        "which is not finite");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "-Infinity"})
  void nonFiniteCallKeywordIsAModelFormatException(String value) throws Exception {
    Path file = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replaceFirst(
        "\"kwargs\": \\{\\}", "\"kwargs\": {\"training\": " + value + "}"));
    String message = assertThrows(ModelFormatException.class,
        () -> KerasModels.load(file, LambdaBindings.of(), QUIET).close()).getMessage();
    assertContains(message, "is called with training=" + value);
  }
}
