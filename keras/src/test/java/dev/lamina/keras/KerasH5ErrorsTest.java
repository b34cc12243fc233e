package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.ModelFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a wrong kind of file gets (each says what it found and what Lamina reads), the Keras 2
 * variants that load (a Keras 2.2 Sequential, a function by name, unreadable bytecode) and the
 * ones refused (Keras 2's hard_sigmoid, an unknown Lambda option, a constant call argument, Keras
 * 1, the theano backend).
 */
class KerasH5ErrorsTest {

  @TempDir
  Path dir;

  private static final String READS = "Lamina reads Keras 3 .keras files (a zip of config.json, "
      + "metadata.json and model.weights.h5) and legacy HDF5 .h5 models written by model.save "
      + "(Keras 2, tf.keras, or Keras 3's legacy saver)";

  private static String refused(Path file) {
    return assertThrows(ModelFormatException.class, () -> KerasModels.load(file,
        KerasFixturesTest.SLICE, KerasImportOptions.defaults().withNotes(n -> { })))
        .getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "expected <" + part + "> in:\n" + message);
    }
  }

  // ---- wrong kinds of file -----------------------------------------------------------------

  @Test
  void hdf5WeightsOfKeras2WithoutModelConfig() {
    assertEquals("wrong_keras2_weights.h5: an HDF5 file without a model_config attribute: "
        + "Keras 2's weights alone (save_weights), without the model's description. " + READS
        + ", whose model_config describes the model.",
        refused(Fixtures.path("h5/wrong_keras2_weights.h5")));
  }

  @Test
  void hdf5WeightsOfKeras3WithoutModelConfig() throws Exception {
    byte[] weights = KerasZips.entries(Fixtures.path("two_inputs.keras")).get("model.weights.h5");
    Path file = Files.write(dir.resolve("model.weights.h5"), weights);
    assertContains(refused(file), "model.weights.h5: an HDF5 file without a model_config "
        + "attribute: Keras 3's weights alone (save_weights, or a .keras file's "
        + "model.weights.h5), without the model's description. " + READS);
  }

  @Test
  void hdf5FileThatIsNoKerasFileAtAll() {
    assertContains(refused(Fixtures.path("h5/wrong_plain.h5")), "wrong_plain.h5: an HDF5 file "
        + "without a model_config attribute: not a Keras model (its root holds data)", READS);
  }

  @Test
  void savedModelDirectory() throws Exception {
    Path saved = Files.createDirectories(dir.resolve("exported"));
    Files.write(saved.resolve("saved_model.pb"), new byte[] {8, 1});
    Files.createDirectories(saved.resolve("variables"));
    assertContains(refused(saved), "exported: a TensorFlow SavedModel directory "
        + "(saved_model.pb)", "model.save(\"model.h5\")", READS);
    // Its saved_model.pb on its own is named for what it is, too.
    assertContains(refused(saved.resolve("saved_model.pb")), "saved_model.pb: not a Keras model "
        + "file: it is a TensorFlow SavedModel's graph (saved_model.pb)", READS);
  }

  @Test
  void otherDirectories() throws Exception {
    Path plain = Files.createDirectories(dir.resolve("plain"));
    assertContains(refused(plain), "plain: a directory, not a model file. " + READS);
    Path unzipped = Files.createDirectories(dir.resolve("unzipped"));
    for (var e : KerasZips.entries(Fixtures.path("square.keras")).entrySet()) {
      Files.write(unzipped.resolve(e.getKey()), e.getValue());
    }
    assertContains(refused(unzipped), "unzipped: a directory holding config.json and "
        + "model.weights.h5: an unzipped .keras file?");
  }

  @Test
  void zipThatIsNotAKerasFile() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("saved_model.pb", new byte[] {8, 1});
    entries.put("variables/variables.index", new byte[] {0});
    Path file = KerasZips.write(dir.resolve("model.zip"), entries);
    assertEquals("model.zip: a zip file that is not a .keras file: it has no config.json (its "
        + "entries: saved_model.pb, variables/variables.index). " + READS + ".", refused(file));
  }

  @Test
  void emptyGzipJsonAndUnknownBytes() throws Exception {
    assertEquals("empty.h5: an empty file. " + READS + ".",
        refused(Files.write(dir.resolve("empty.h5"), new byte[0])));
    var gz = new java.io.ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(Files.readAllBytes(Fixtures.path("h5/square.h5")));
    }
    assertContains(refused(Files.write(dir.resolve("square.h5.gz"), gz.toByteArray())),
        "square.h5.gz: not a Keras model file: it is gzip-compressed data", READS);
    assertContains(refused(Files.writeString(dir.resolve("config.json"), " {\"class_name\": 1}")),
        "config.json: not a Keras model file: it is JSON text", READS);
    assertContains(refused(Files.write(dir.resolve("model.h5"),
        "hello, world".getBytes(StandardCharsets.US_ASCII))), "model.h5: not a Keras model "
        + "file: it is neither a zip nor an HDF5 file (it starts with bytes 68 65 6c 6c 6f 2c 20 "
        + "77)", READS);
  }

  @Test
  void h5FileNamedDotKerasIsReadAsWhatItIs() throws Exception {
    // The content decides, not the name: a .h5 model renamed .keras still loads.
    Path file = Files.copy(Fixtures.path("h5/slice.h5"), dir.resolve("slice.keras"));
    try (Model model = KerasModels.load(file, KerasFixturesTest.SLICE,
        KerasImportOptions.defaults().withNotes(n -> { }))) {
      Fixtures.assertPredictsAsKeras(model, "h5/slice");
    }
  }

  @Test
  void keras1AndOtherBackendsAndNoVersion() {
    assertContains(refused(Fixtures.path("h5/wrong_keras1.h5")), "wrong_keras1.h5: "
        + "keras_version: written by Keras 1.2.2; Lamina imports the .h5 models of Keras 2 "
        + "(tf.keras) and Keras 3");
    assertContains(refused(Fixtures.path("h5/wrong_theano.h5")), "wrong_theano.h5: backend: "
        + "written by Keras 2.21.0 with the theano backend");
    assertContains(refused(Fixtures.path("h5/wrong_no_version.h5")), "wrong_no_version.h5: /: "
        + "has a model_config but no keras_version attribute");
  }

  // ---- Keras 2 variants --------------------------------------------------------------------

  @Test
  void keras22SequentialListOfLayersWithBatchInputShape() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("h5/variant_keras22_sequential.h5"),
        LambdaBindings.of().bind("lambda", args -> SquareLayer.of()))) {
      Fixtures.assertPredictsAsKeras(model, "h5/square");
    }
  }

  @Test
  void functionTypeFunctionBindsByItsName() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("h5/variant_function_name.h5"),
        KerasFixturesTest.SLICE, KerasImportOptions.defaults().withNotes(n -> { }))) {
      Fixtures.assertPredictsAsKeras(model, "h5/slice");
    }
  }

  @Test
  void unreadableBytecodeBindsByLayerNameOnly() throws Exception {
    String message = assertThrows(ModelFormatException.class, () -> KerasModels.load(
        Fixtures.path("h5/variant_garbage_code.h5"), KerasFixturesTest.SLICE,
        KerasImportOptions.defaults().withNotes(n -> { }))).getMessage();
    assertContains(message, "2 Lambda layers have no Java binding", "Lambda layer 'lambda' "
        + "(a Python function whose name its code does not give), input of unrecorded shape, "
        + "arguments {\"index\":0}", ".bind(\"lambda\", args -> YourLayer.of(args.requireInt("
        + "\"index\")))");
    LambdaBindings byLayer = LambdaBindings.of()
        .bind("lambda", args -> SliceLayer.of(args.requireInt("index")))
        .bind("lambda_1", args -> SliceLayer.of(args.requireInt("index")));
    try (Model model = KerasModels.load(Fixtures.path("h5/variant_garbage_code.h5"), byLayer,
        KerasImportOptions.defaults().withNotes(n -> { }))) {
      Fixtures.assertPredictsAsKeras(model, "h5/slice");
    }
  }

  @Test
  void fixedLengthStringAttributesOfKeras20To22() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("h5/variant_fixed_strings.h5"),
        LambdaBindings.of().bind("antirectifier", args -> AntirectifierLayer.of()))) {
      Fixtures.assertPredictsAsKeras(model, "h5/antirectifier");
    }
  }

  @Test
  void stringAttributesAreBoundedBeforeTheyAreRead() throws Exception {
    assertContains(assertThrows(ModelFormatException.class, () -> KerasModels.load(
        Fixtures.path("h5/bad_many_weight_names.h5"),
        LambdaBindings.of().bind("lambda", args -> SquareLayer.of()))).getMessage(),
        "bad_many_weight_names.h5: model_weights/lambda: attribute weight_names holds 3000 "
            + "values, more than the 8 expected here");
    String message = assertThrows(ModelFormatException.class, () -> KerasModels.load(
        Fixtures.path("h5/slice.h5"), KerasFixturesTest.SLICE,
        KerasImportOptions.defaults().withConfigLimits(1000, 100_000))).getMessage();
    assertContains(message, "slice.h5: /: attribute model_config holds strings of more than the "
        + "limit of 1000 bytes");
  }

  @Test
  void whatLaminaDoesNotImportFromKeras2IsNamed() {
    assertContains(refused(Fixtures.path("h5/bad_tf_op_lambda.h5")), "layer 'tf.math.multiply' "
        + "is a TFOpLambda, which the Keras importer does not support");
    assertContains(refused(Fixtures.path("h5/bad_embedding_float_ids.h5")), "layer 'embedding' "
        + "(Embedding), cannot be applied to (None, 5)");
  }

  @Test
  void keras2HardSigmoidIsNotKeras3s() {
    assertContains(refused(Fixtures.path("h5/bad_hard_sigmoid.h5")), "bad_hard_sigmoid.h5!"
        + "model_config:", ".config.layers[15].config.activation", "layer 'act' (Activation) "
        + "uses Keras 2's hard_sigmoid, clip(0.2 * x + 0.5, 0, 1), which is not Keras 3's");
  }

  @Test
  void unknownKeras2LambdaOption() {
    assertContains(refused(Fixtures.path("h5/bad_lambda_option.h5")), "Lambda layer 'lambda' "
        + "(function slice) has option 'output_shape_fn', which the importer does not support; "
        + "supported options of Lambda: name, trainable, dtype, function, function_type");
  }

  @Test
  void constantCallArgument() {
    assertContains(refused(Fixtures.path("h5/bad_constant_argument.h5")), "layer 'concatenate' "
        + "(Concatenate): a call argument that is a constant, not a tensor");
  }

  @Test
  void theTutorialsBytecodeIsNeverRun() throws Exception {
    // The .h5 lambdas are bytecode Keras 2 runs on load; Lamina reads only the name. A marker
    // that a hostile lambda would create never appears (see KerasFixturesTest for .keras).
    Path marker = Path.of("/tmp/lamina-pwned-marker");
    Files.deleteIfExists(marker);
    List<String> notes = new ArrayList<>();
    try (Model model = KerasModels.load(Fixtures.path("h5/square.h5"),
        LambdaBindings.of().bind("lambda", args -> SquareLayer.of()),
        KerasImportOptions.defaults().withNotes(notes::add))) {
      Fixtures.assertPredictsAsKeras(model, "h5/square");
    }
    assertFalse(Files.exists(marker));
  }
}
