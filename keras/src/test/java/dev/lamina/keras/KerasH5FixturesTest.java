package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.activations.LeakyReLU;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.normalization.BatchNormalization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The legacy HDF5 fixtures (tools/keras2_h5_fixtures.py, fixtures/h5/): the tutorial's three
 * models and the layer families as tf_keras 2.x saved them, and two files of Keras 3's legacy
 * saver, each loaded with the Java lambdas the {@code .keras} tests bind and predicting what
 * Keras predicted (1e-5 relative).
 */
class KerasH5FixturesTest {

  private static Model load(String name, LambdaBindings bindings, List<String> notes)
      throws Exception {
    return KerasModels.load(Fixtures.path("h5/" + name + ".h5"), bindings,
        KerasImportOptions.defaults().withNotes(notes::add));
  }

  private static String name(Model model, Class<?> type) {
    return model.layers().stream().filter(type::isInstance).map(model::nameOf).findFirst()
        .orElseThrow();
  }

  @Test
  void tutorialSliceModelBindsItsNamedFunctionAndArguments() throws Exception {
    // Keras 2 stores `slice` as bytecode (function_type "lambda"); its name comes from the code.
    List<String> notes = new ArrayList<>();
    try (Model model = load("slice", KerasFixturesTest.SLICE, notes)) {
      Fixtures.assertPredictsAsKeras(model, "h5/slice");
      assertEquals(List.of("concatenate", "input_1", "lambda", "lambda_1", "reshape",
          "reshape_1"), model.layers().stream().map(model::nameOf).sorted().toList());
      assertEquals(Map.of("index", 1), model.layers().stream()
          .filter(layer -> model.nameOf(layer).equals("lambda_1")).findFirst().orElseThrow()
          .arguments());
    }
    // The tutorial's wrong output_shape=(4, 1), as for .keras: a note per Lambda.
    assertEquals(2, notes.size(), notes.toString());
    assertTrue(notes.get(0).startsWith("slice.h5: Lambda layer 'lambda' (function slice) "
        + "declares output_shape (4, 1), but its Java layer SliceLayer (FixtureLambdas.slice) "
        + "gives (4) per sample"), notes.get(0));
  }

  @Test
  void tutorialSliceModelBindsThroughTheRegistryWithoutBindings() throws Exception {
    try (Model model = load("slice", LambdaBindings.of(), new ArrayList<>())) {
      Fixtures.assertPredictsAsKeras(model, "h5/slice");
    }
  }

  @Test
  void strictOutputShapesRefuseTheTutorialsDeclaration() {
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(
        Fixtures.path("h5/slice.h5"), KerasFixturesTest.SLICE,
        KerasImportOptions.defaults().withStrictOutputShapes(true)));
    assertTrue(e.getMessage().startsWith("slice.h5!model_config:"), e.getMessage());
    assertTrue(e.getMessage().contains(".config.layers[1].config.output_shape"), e.getMessage());
  }

  @Test
  void tutorialSquareLambdaBindsByLayerName() throws Exception {
    List<String> notes = new ArrayList<>();
    try (Model model = load("square", LambdaBindings.of().bind("lambda", args -> SquareLayer.of()),
        notes)) {
      Fixtures.assertPredictsAsKeras(model, "h5/square");
      assertEquals(1, model.inputs().size());
    }
    assertEquals(List.of(), notes);
  }

  @Test
  void aPythonLambdaHasNoNameToBindBy() {
    var e = assertThrows(ModelFormatException.class, () -> load("square", LambdaBindings.of(),
        new ArrayList<>()));
    assertTrue(e.getMessage().startsWith("square.h5: 1 Lambda layer has no Java binding. "
        + "Lamina never runs the Python code a .h5 file holds"), e.getMessage());
    assertTrue(e.getMessage().contains("Lambda layer 'lambda' (a Python lambda), input (None, 3)"),
        e.getMessage());
    assertTrue(e.getMessage().contains(".bind(\"lambda\", args -> YourLayer.of())"),
        e.getMessage());
  }

  @Test
  void tutorialAntirectifierTrainedByKeras2PredictsAsKeras() throws Exception {
    List<String> notes = new ArrayList<>();
    try (Model model = load("antirectifier",
        LambdaBindings.of().bind("antirectifier", args -> AntirectifierLayer.of()), notes)) {
      Fixtures.assertPredictsAsKeras(model, "h5/antirectifier");
      assertEquals(64 * 32 + 32 + 64 * 10 + 10,
          model.layers().stream().mapToLong(Layer::countParams).sum());
    }
    assertEquals(List.of(), notes);
  }

  @Test
  void antirectifierBindsThroughTheRegistryByItsFunctionName() throws Exception {
    try (Model model = load("antirectifier", LambdaBindings.of(), new ArrayList<>())) {
      Fixtures.assertPredictsAsKeras(model, "h5/antirectifier");
      assertTrue(model.layers().stream().anyMatch(l -> l instanceof AntirectifierLayer));
    }
  }

  @Test
  void denseNormalizationAndActivationLayersPredictAsKeras() throws Exception {
    try (Model model = load("dense_family", LambdaBindings.of(), new ArrayList<>())) {
      Fixtures.assertPredictsAsKeras(model, "h5/dense_family");
      // Keras 2's LeakyReLU(alpha=0.2) is Keras 3's negative_slope; BatchNormalization's axis [1].
      assertEquals("leaky", name(model, LeakyReLU.class));
      assertEquals("bn", name(model, BatchNormalization.class));
      assertEquals(5, model.layers().stream().filter(l -> l instanceof Dense).count());
    }
  }

  @Test
  void embeddingConv1dPoolingAndReshapingPredictAsKeras() throws Exception {
    try (Model model = load("embedding_conv1d", LambdaBindings.of(), new ArrayList<>())) {
      Fixtures.assertPredictsAsKeras(model, "h5/embedding_conv1d");
    }
  }

  @Test
  void conv2dPoolingAndReshapingPredictAsKeras() throws Exception {
    try (Model model = load("conv2d", LambdaBindings.of(), new ArrayList<>())) {
      Fixtures.assertPredictsAsKeras(model, "h5/conv2d");
    }
  }

  @Test
  void mergingLayersTwoInputsAndASharedLayerPredictAsKeras() throws Exception {
    try (Model model = load("merging", LambdaBindings.of(), new ArrayList<>())) {
      Fixtures.assertPredictsAsKeras(model, "h5/merging");
      assertEquals(2, model.inputs().size());
      assertEquals(3, model.layers().stream().filter(l -> l instanceof Dense).count(),
          "'shared' is one layer applied twice, plus probs and score");
    }
  }

  @Test
  void convolutions3dTransposedDepthwiseSeparableAndGroupNormPredictAsKeras() throws Exception {
    // Keras 2 writes groups=1 for the transposed, depthwise and separable convolutions, and the
    // separable ones carry the base class's unused kernel_* options: mapped away.
    try (Model model = load("conv_more", LambdaBindings.of(), new ArrayList<>())) {
      Fixtures.assertPredictsAsKeras(model, "h5/conv_more");
      assertEquals(3, model.inputs().size());
    }
  }

  @Test
  void keras3LegacyH5PredictsAsKeras() throws Exception {
    List<String> notes = new ArrayList<>();
    try (Model model = load("keras3_legacy", KerasFixturesTest.SLICE, notes)) {
      Fixtures.assertPredictsAsKeras(model, "h5/keras3_legacy");
    }
    assertEquals(2, notes.size(), notes.toString()); // output_shape=(4, 1) again
    try (Model model = load("keras3_legacy_sequential",
        LambdaBindings.of().bind("lambda", args -> SquareLayer.of()), new ArrayList<>())) {
      Fixtures.assertPredictsAsKeras(model, "h5/keras3_legacy_sequential");
    }
  }
}
