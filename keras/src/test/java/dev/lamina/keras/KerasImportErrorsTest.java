package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.io.ModelFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when a file cannot be imported as it is. */
class KerasImportErrorsTest {

  @TempDir
  Path dir;

  private static String message(Path file, LambdaBindings bindings) {
    return assertThrows(ModelFormatException.class, () -> KerasModels.load(file, bindings))
        .getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "expected <" + part + "> in:\n" + message);
    }
  }

  @Test
  void missingBindingsAreOneErrorListingEveryUnboundLambda() {
    String message = message(Fixtures.path("slice.keras"), LambdaBindings.of().withoutRegistry());
    assertEquals("""
        slice.keras: 2 Lambda layers have no Java binding. Lamina never runs the Python code a \
        .keras file holds; bind each Lambda to a @Lambda method's layer, by function name or else \
        by layer name:
          - Lambda layer 'lambda' (function slice), input (None, 4, 2), arguments {"index":0}
          - Lambda layer 'lambda_1' (function slice), input (None, 4, 2), arguments {"index":1}
        for example:
          KerasModels.load(path, LambdaBindings.of()
              .bind("slice", args -> SliceLayer.of(args.requireInt("index"))))""", message);
  }

  @Test
  void missingBindingForAPythonLambdaNamesTheLayer() {
    String message = message(Fixtures.path("square.keras"), LambdaBindings.of().withoutRegistry());
    assertContains(message, "1 Lambda layer has no Java binding",
        "- Lambda layer 'lambda' (a Python lambda), input (None, 3)",
        ".bind(\"lambda\", args -> YourLayer.of())");
  }

  @Test
  void aBindingForOneFunctionDoesNotHideAnotherUnboundLambda() {
    // antirectifier.keras has one Lambda; binding a wrong name leaves it unbound and is noted.
    List<String> notes = new ArrayList<>();
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(
        Fixtures.path("antirectifier.keras"),
        LambdaBindings.of().withoutRegistry().bind("antirectifer", args -> AntirectifierLayer.of()),
        KerasImportOptions.defaults().withNotes(notes::add)));
    assertContains(e.getMessage(), "- Lambda layer 'lambda' (function antirectifier), input "
        + "(None, 32)", ".bind(\"antirectifier\", args -> AntirectifierLayer.of())",
        "These bindings match no Lambda layer's function or layer name (misspelt?): "
            + "[antirectifer]");
  }

  @Test
  void aBindingThatMatchesNothingIsNoted() throws Exception {
    List<String> notes = new ArrayList<>();
    KerasModels.load(Fixtures.path("two_inputs.keras"),
        LambdaBindings.of().withoutRegistry().bind("slice", args -> SliceLayer.of(args.requireInt("index"))),
        KerasImportOptions.defaults().withNotes(notes::add)).close();
    assertEquals(List.of("two_inputs.keras: the binding 'slice' matches no Lambda layer's "
        + "function or layer name (is it misspelt?)"), notes);
  }

  @Test
  void kerasMaskNeedsAJavaMask() throws Exception {
    Path file = KerasZips.withConfig(dir, "square.keras", c -> c.replace("\"arguments\": {}",
        "\"arguments\": {}, \"mask\": {\"module\": \"builtins\", \"class_name\": "
            + "\"function\", \"config\": \"my_mask\", \"registered_name\": \"function\"}"));
    assertContains(message(file, LambdaBindings.of().withoutRegistry().bind("lambda", args -> SquareLayer.of())),
        "Lambda layer 'lambda' (a Python lambda) has a mask function in Keras, but "
            + "FixtureLambdas.square declares no mask");
  }

  @Test
  void unsupportedLayerTypeNamesLayerAndWhatIsSupported() throws Exception {
    Path file = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replace(
        "\"class_name\": \"Flatten\"", "\"class_name\": \"TextVectorization\""));
    String message = message(file, LambdaBindings.of().withoutRegistry());
    assertContains(message, "config.json:", "at $.config.layers[2].class_name",
        "layer 'flatten_b' is a TextVectorization, which the Keras importer does not "
            + "support; supported layers: InputLayer, Lambda, "
            // then every registered type, sorted: the list grows with each new layer type
            + String.join(", ", dev.lamina.runtime.registry.LayerTypes.kerasClassNames()));
    assertContains(message, " Concatenate, ", " Dense, ");
  }

  @Test
  void unsupportedOptionNamesLayerOptionAndDefault() throws Exception {
    Path file = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replaceFirst(
        "\"quantization_config\": null", "\"quantization_config\": \"int8\""));
    assertContains(message(file, LambdaBindings.of().withoutRegistry()),
        "layer 'shared_dense' (Dense) sets quantization_config to 'int8'; Lamina supports "
            + "only its default, None");
  }

  @Test
  void denseRegularizersAndConstraintsImportAndABadOneNamesLayerAndOption() throws Exception {
    Path file = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replaceFirst(
        "\"kernel_regularizer\": null", "\"kernel_regularizer\": {\"module\": "
            + "\"keras.regularizers\", \"class_name\": \"L2\", \"config\": {\"l2\": 0.01}}")
        .replaceFirst("\"kernel_constraint\": null", "\"kernel_constraint\": {\"module\": "
            + "\"keras.constraints\", \"class_name\": \"MaxNorm\", \"config\": "
            + "{\"max_value\": 2, \"axis\": 0}, \"registered_name\": null}"));
    try (var model = KerasModels.load(file, LambdaBindings.of().withoutRegistry())) {
      var dense = model.layers().stream()
          .filter(l -> l instanceof dev.lamina.runtime.layers.core.Dense)
          .filter(l -> l.config().containsKey("kernel_regularizer")).findFirst().orElseThrow();
      assertEquals(java.util.Map.of("class_name", "L2", "config", java.util.Map.of("l2", 0.01)),
          dense.config().get("kernel_regularizer"));
      assertEquals("MaxNorm", ((java.util.Map<?, ?>) dense.config().get("kernel_constraint"))
          .get("class_name"));
    }
    Path bad = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replaceFirst(
        "\"bias_regularizer\": null", "\"bias_regularizer\": {\"module\": "
            + "\"keras.regularizers\", \"class_name\": \"OrthogonalRegularizer\", "
            + "\"config\": {\"factor\": 0.01, \"mode\": \"rows\"}}"));
    assertContains(message(bad, LambdaBindings.of().withoutRegistry()), "shared_dense",
        "bias_regularizer: Unknown regularizer 'OrthogonalRegularizer'");
  }

  @Test
  void unknownOptionIsRefusedNotIgnored() throws Exception {
    Path file = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replace(
        "\"axis\": -1", "\"axis\": -1, \"fancy\": true"));
    assertContains(message(file, LambdaBindings.of().withoutRegistry()),
        "layer 'concat' (Concatenate) has option 'fancy', which Lamina's Concatenate does not "
            + "support; its options: name, trainable, dtype, axis");
  }

  @Test
  void unsupportedActivationAndDtypePolicy() throws Exception {
    // Keras's threshold function has no defaults, so Activation("threshold") fails in Keras
    // too; every other Keras 3 name is supported.
    Path threshold = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replace(
        "\"activation\": \"tanh\"", "\"activation\": \"threshold\""));
    assertContains(message(threshold, LambdaBindings.of().withoutRegistry()),
        "layer 'score' (Activation): activation 'threshold' is not supported; supported "
            + "activations: ");
    Path mixed = KerasZips.withConfig(dir, "antirectifier.keras", c -> c.replaceFirst(
        "\"config\": \\{\"name\": \"float32\"}", "\"config\": {\"name\": \"mixed_float16\"}"));
    assertContains(message(mixed, LambdaBindings.of().withoutRegistry()),
        "layer 'dense' (Dense) computes in 'mixed_float16'; supported: float32");
  }

  @Test
  void customClassThatSharesAKerasNameIsRefused() throws Exception {
    Path file = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replaceFirst(
        "\"module\": \"keras.layers\", \"class_name\": \"Dense\", (.*?)\"registered_name\": null,"
            + " \"build_config\"",
        "\"module\": \"my_layers\", \"class_name\": \"Dense\", $1\"registered_name\": "
            + "\"my_layers>Dense\", \"build_config\""));
    assertContains(message(file, LambdaBindings.of().withoutRegistry()), "layer 'shared_dense' is a custom Python "
        + "class (module 'my_layers', registered name 'my_layers>Dense')");
  }

  @Test
  void argumentOfTheWrongTypeNamesLayerAndArgument() throws Exception {
    Path file = KerasZips.withConfig(dir, "slice.keras", c -> c.replace(
        "\"arguments\": {\"index\": 1}", "\"arguments\": {\"index\": \"1\"}"));
    String message = message(file, KerasFixturesTest.SLICE);
    assertContains(message, "config.json:", "at $.config.layers[2].config.arguments.index: ",
        "Lambda layer 'lambda_1' (function slice): argument 'index': expected an integer, found "
            + "string \"1\"");
  }

  @Test
  void missingArgumentNamesWhatTheFileGives() throws Exception {
    Path file = KerasZips.withConfig(dir, "slice.keras", c -> c.replace(
        "\"arguments\": {\"index\": 1}", "\"arguments\": {\"column\": 1}"));
    assertContains(message(file, KerasFixturesTest.SLICE), "Lambda layer 'lambda_1' (function "
        + "slice): argument 'index' is missing; the file gives arguments [column]");
  }

  @Test
  void aBindingThatIgnoresAnArgumentIsRefused() {
    String message = message(Fixtures.path("slice.keras"),
        LambdaBindings.of().withoutRegistry().bind("slice", args -> SliceLayer.of(0)));
    assertContains(message, "Lambda layer 'lambda' (function slice): its binding 'slice' did not "
        + "read argument(s) [index] that the file gives");
  }

  @Test
  void aBindingThatChangesAnArgumentIsRefused() {
    String message = message(Fixtures.path("slice.keras"), LambdaBindings.of().withoutRegistry()
        .bind("slice", args -> SliceLayer.of(1 - args.requireInt("index"))));
    assertContains(message, "at $.config.layers[1].config.arguments: Lambda layer 'lambda' "
        + "(function slice): its binding 'slice' made SliceLayer 'slice' (index=1), but the file "
        + "gives index=0; the @Arg of that name must get the file's value");
  }

  @Test
  void argumentOutsideTheJavaLambdasRequiresIsAnErrorAtApply() throws Exception {
    Path file = KerasZips.withConfig(dir, "slice.keras", c -> c.replace(
        "\"arguments\": {\"index\": 1}", "\"arguments\": {\"index\": 5}"));
    assertContains(message(file, KerasFixturesTest.SLICE), "Lambda layer 'lambda_1' (function "
        + "slice), bound to SliceLayer 'lambda_1' (index=5), cannot be applied to (None, 4, 2)",
        "0 <= index && index < c");
  }

  @Test
  void aBindingWhoseInputCountDiffersIsAnErrorAtApply() throws Exception {
    // antirectifier's Lambda gets one input; a two-input Java lambda cannot stand for it.
    String message = message(Fixtures.path("square.keras"),
        LambdaBindings.of().withoutRegistry().bind("lambda", args -> AddPairLayer.of()));
    assertContains(message, "Lambda layer 'lambda' (a Python lambda), bound to AddPairLayer",
        "takes 2 inputs (x, y), got 1");
  }

  @Test
  void subclassedModelIsRefused() throws Exception {
    Path file = KerasZips.withConfig(dir, "square.keras", c -> c.replaceFirst(
        "\"class_name\": \"Sequential\"", "\"class_name\": \"MyModel\""));
    assertContains(message(file, LambdaBindings.of().withoutRegistry()), "the model is a 'MyModel'; Lamina "
        + "imports Keras's Sequential and Functional models");
  }
}
