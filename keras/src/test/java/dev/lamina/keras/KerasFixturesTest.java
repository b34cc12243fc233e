package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.core.Dense;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The four Keras-written fixtures load and predict as Keras did (1e-5 relative). */
class KerasFixturesTest {

  @TempDir
  Path dir;

  static final LambdaBindings SLICE = LambdaBindings.of()
      .bind("slice", args -> SliceLayer.of(args.requireInt("index")).name(args.layerName()));

  @Test
  void sliceModelPredictsAsKeras() throws Exception {
    List<String> notes = new ArrayList<>();
    try (Model model = KerasModels.load(Fixtures.path("slice.keras"), SLICE,
        KerasImportOptions.defaults().withNotes(notes::add))) {
      Fixtures.assertPredictsAsKeras(model, "slice");
      // Keras's layer names, kept: the binding names each layer after its Keras layer.
      assertEquals(List.of("concatenate", "input_layer", "lambda", "lambda_1", "reshape",
          "reshape_1"), model.layers().stream().map(model::nameOf).sorted().toList());
    }
    // Keras's output_shape=(4, 1) contradicts the ops' (4): a note per Lambda, not silence.
    assertEquals(2, notes.size(), notes.toString());
    assertTrue(notes.get(0).contains("Lambda layer 'lambda' (function slice) declares "
        + "output_shape (4, 1), but its Java layer SliceLayer (FixtureLambdas.slice) gives (4) "
        + "per sample"), notes.get(0));
    assertTrue(notes.get(1).contains("'lambda_1'"), notes.get(1));
  }

  @Test
  void withoutBindingsNamedFunctionsBindThroughTheRegistry() throws Exception {
    // slice.keras names its Python function "slice": the one registered @Lambda method of that
    // name is FixtureLambdas.slice, whose @Arg index is read from Keras's arguments.
    List<String> notes = new ArrayList<>();
    try (Model model = KerasModels.load(Fixtures.path("slice.keras"), LambdaBindings.of(),
        KerasImportOptions.defaults().withNotes(notes::add))) {
      Fixtures.assertPredictsAsKeras(model, "slice");
      assertEquals(java.util.Map.of("index", 1), model.layers().stream()
          .filter(layer -> model.nameOf(layer).equals("lambda_1")).findFirst().orElseThrow()
          .arguments());
    }
  }

  @Test
  void aWrongJavaLambdaIsCaughtByKerassPredictions() throws Exception {
    // The comparison can fail: x^3 for Keras's x^2 loads (same shapes) but predicts otherwise.
    try (Model model = KerasModels.load(Fixtures.path("square.keras"),
        LambdaBindings.of().bind("lambda", args -> CubeLayer.of()))) {
      assertThrows(AssertionFailedError.class,
          () -> Fixtures.assertPredictsAsKeras(model, "square"));
    }
  }

  @Test
  void strictOutputShapesMakeKerasWrongDeclarationAnError() {
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(
        Fixtures.path("slice.keras"), SLICE,
        KerasImportOptions.defaults().withStrictOutputShapes(true)));
    assertTrue(e.getMessage().contains("config.json:"), e.getMessage());
    assertTrue(e.getMessage().contains("declares output_shape (4, 1), but its Java layer "
        + "SliceLayer (FixtureLambdas.slice) gives (4) per sample"), e.getMessage());
  }

  @Test
  void squareModelWithPythonLambdaBindsByLayerName() throws Exception {
    List<String> notes = new ArrayList<>();
    try (Model model = KerasModels.load(Fixtures.path("square.keras"),
        LambdaBindings.of().bind("lambda", args -> SquareLayer.of()),
        KerasImportOptions.defaults().withNotes(notes::add))) {
      Fixtures.assertPredictsAsKeras(model, "square");
    }
    assertEquals(List.of(), notes);
  }

  @Test
  void trainedAntirectifierPredictsAsKeras() throws Exception {
    List<String> notes = new ArrayList<>();
    try (Model model = KerasModels.load(Fixtures.path("antirectifier.keras"),
        LambdaBindings.of().bind("antirectifier", args -> AntirectifierLayer.of()),
        KerasImportOptions.defaults().withNotes(notes::add))) {
      Fixtures.assertPredictsAsKeras(model, "antirectifier");
      // Trained weights, not fresh ones: 64x32 + 32 and 64x10 + 10 values came from the file.
      assertEquals(64 * 32 + 32 + 64 * 10 + 10,
          model.layers().stream().mapToLong(Layer::countParams).sum());
    }
    assertEquals(List.of(), notes);
  }

  @Test
  void twoInputModelWithSharedLayerPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("two_inputs.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "two_inputs");
      assertEquals(2, model.inputs().size());
      assertEquals(List.of("input_a", "input_b"),
          model.inputs().stream().map(t -> t.toString().replaceAll(".*'(.*)'.*", "$1")).toList());
      long denses = model.layers().stream().filter(l -> l instanceof Dense).count();
      assertEquals(3, denses, "shared_dense is one layer applied twice, plus score and probs");
    }
  }

  @Test
  void sequentialModelWithWeightsPredictsAsKeras() throws Exception {
    // A Sequential model numbers its weight groups without its InputLayer (layers/dense, ...).
    try (Model model = KerasModels.load(Fixtures.path("sequential_dense.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "sequential_dense");
      assertEquals(6 * 4 + 4 + 4 * 3 + 3,
          model.layers().stream().mapToLong(Layer::countParams).sum());
    }
  }

  @Test
  void lambdaOfTwoInputsStandsForKerassAdd() throws Exception {
    // two_inputs.keras with its Add layer rewritten as Lambda(add_pair) on the same two tensors:
    // bound to a two-input @Lambda, the model must still predict what Keras's Add gave.
    Path file = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replaceFirst(
        "\\{\"module\": \"keras.layers\", \"class_name\": \"Add\", \"config\": \\{\"name\": "
            + "\"add\", \"trainable\": true, (\"dtype\": \\{[^}]*\\}[^}]*\\})\\}",
        "{\"module\": \"keras.layers\", \"class_name\": \"Lambda\", \"config\": {\"name\": "
            + "\"add\", \"trainable\": true, $1, \"function\": {\"module\": \"builtins\", "
            + "\"class_name\": \"function\", \"config\": \"add_pair\", \"registered_name\": "
            + "\"function\"}, \"arguments\": {}}"));
    try (Model model = KerasModels.load(file,
        LambdaBindings.of().bind("add_pair", args -> AddPairLayer.of()))) {
      assertTrue(model.layers().stream().anyMatch(layer -> layer instanceof AddPairLayer));
      Fixtures.assertPredictsAsKeras(model, "two_inputs");
    }
  }

  @Test
  void hostileLambdaIsLoadedThroughItsJavaBindingAndRunsNothing() throws Exception {
    Path marker = Path.of("/tmp/lamina-pwned-marker");
    Files.deleteIfExists(marker);
    try (Model model = KerasModels.load(Fixtures.path("hostile_lambda.keras"),
        LambdaBindings.of().bind("lambda", args -> SquareLayer.of()))) {
      // The same weights-free x^2 model as square.keras: the Java layer is what runs.
      Fixtures.assertPredictsAsKeras(model, "square");
    }
    assertFalse(Files.exists(marker), "the file's Python code ran");
  }

  @Test
  void hostileLambdaWithoutBindingIsRefusedAndRunsNothing() throws Exception {
    Path marker = Path.of("/tmp/lamina-pwned-marker");
    Files.deleteIfExists(marker);
    var e = assertThrows(ModelFormatException.class,
        () -> KerasModels.load(Fixtures.path("hostile_lambda.keras")));
    assertTrue(e.getMessage().contains("Lambda layer 'lambda' (a Python lambda)"), e.getMessage());
    assertFalse(Files.exists(marker), "the file's Python code ran");
  }
}
