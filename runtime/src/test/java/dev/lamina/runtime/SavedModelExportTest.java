package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.serving.ServingSignature;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.train.FitOptions;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** {@link Model#exportSavedModel}: reloaded by TensorFlow Java, and its refusals. */
class SavedModelExportTest {

  @TempDir
  Path temp;

  /** Eight features, softmax over three classes; Dropout is off at inference and in serving. */
  private static Model classifier() {
    var x = Input.of("features", TFloat32.class, 8);
    var hidden = Dense.builder(16).activation("relu").seed(3).name("hidden").build().apply(x);
    var dropped = new Dropout(0.5).apply(hidden);
    var probabilities = Dense.builder(3).activation("softmax").seed(4).name("probabilities")
        .build().apply(dropped);
    return Model.of(x, probabilities);
  }

  /** 48 seeded samples whose class is the sign pattern of two features. */
  private static float[][][] data() {
    Random random = new Random(11);
    float[][] x = new float[48][8];
    float[][] y = new float[48][3];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < 8; j++) {
        x[i][j] = (float) random.nextGaussian();
      }
      y[i][x[i][0] > 0 ? 0 : x[i][1] > 0 ? 1 : 2] = 1;
    }
    return new float[][][] {x, y};
  }

  /** Calls the export's {@code serving_default} on one float32 input, as TF Serving would. */
  static float[][] serve(Path export, String input, float[][] x, String output) {
    try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve");
        TFloat32 tensor = TFloat32.tensorOf(StdArrays.ndCopyOf(x));
        Result result = bundle.function("serving_default").call(Map.of(input, tensor))) {
      TFloat32 y = (TFloat32) result.get(output).orElseThrow();
      float[][] values = new float[(int) y.shape().get(0)][(int) y.shape().get(1)];
      StdArrays.copyFrom(y, values);
      return values;
    }
  }

  private static FloatNdArray nd(float[][] values) {
    return StdArrays.ndCopyOf(values);
  }

  private static void assertBitwiseEqual(float[][] expected, float[][] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, actual[i].length, "row " + i);
      for (int j = 0; j < expected[i].length; j++) {
        assertEquals(Float.floatToRawIntBits(expected[i][j]), Float.floatToRawIntBits(actual[i][j]),
            "row " + i + ", column " + j + ": " + expected[i][j] + " vs " + actual[i][j]);
      }
    }
  }

  @Test
  void aTrainedModelReloadsWithItsTrainedWeightsBitwise() throws IOException {
    float[][][] data = data();
    try (Model model = classifier()) {
      float[][] untrained = model.predict(data[0], float[][].class);
      model.compile("adam", "categorical_crossentropy", "accuracy");
      model.fit(data[0], data[1], new FitOptions().epochs(5).batchSize(16).seed(7).verbose(0));
      // Exported straight after fit: the trained values are still held by the model's session.
      Path export = temp.resolve("classifier/1");
      model.exportSavedModel(export);
      float[][] trained = model.predict(data[0], float[][].class);
      assertFalse(Arrays.deepEquals(untrained, trained), "fit changed the predictions");

      assertBitwiseEqual(trained, serve(export, "features", data[0], "probabilities"));
      SavedModelConventions.assertFollowed(export);
      SavedModelCheckMaterial.leave("classifier_adam", export, Map.of("features", nd(data[0])),
          Map.of("probabilities", nd(trained)));
    }
  }

  @Test
  void aModelSharingLayersWithATrainedOneExportsTheTrainedValues() throws IOException {
    float[][][] data = data();
    var x = Input.of("features", TFloat32.class, 8);
    Dense hidden = Dense.builder(16).activation("relu").seed(3).name("hidden").build();
    Dense head = Dense.builder(3).activation("softmax").seed(4).name("probabilities").build();
    var y = head.apply(hidden.apply(x));
    Path export = temp.resolve("shared");
    try (Model trained = Model.of(x, y); Model exported = Model.of(x, y)) {
      float[][] before = exported.predict(data[0], float[][].class);
      trained.compile("adam", "categorical_crossentropy");
      trained.fit(data[0], data[1], new FitOptions().epochs(3).batchSize(16).verbose(0));
      // The trained values are in the other model's session: the export asks it for them.
      exported.exportSavedModel(export);
      float[][] after = trained.predict(data[0], float[][].class);
      assertFalse(Arrays.deepEquals(before, after), "fit changed the predictions");
      assertBitwiseEqual(after, serve(export, "features", data[0], "probabilities"));
      SavedModelConventions.assertFollowed(export);
      SavedModelCheckMaterial.leave("shared_layers", export, Map.of("features", nd(data[0])),
          Map.of("probabilities", nd(after)));
    }
  }

  @Test
  void theSignatureIsKeyedByLayerNamesWithAnUnknownBatch() throws IOException {
    var a = Input.of("a", TFloat32.class, 4, 2);
    var b = Input.of("b", TFloat32.class, 3);
    var scaled = new Activation("scaled", "tanh").apply(b);
    Path export = temp.resolve("two/1");
    float[][][] aData = {{{1, 2}, {3, 4}, {5, 6}, {7, 8}}, {{-1, 0.5f}, {0, 0}, {2, -3}, {4, 1}}};
    float[][] bData = {{0.5f, -1.5f, 2}, {3, -0.25f, 0}};
    try (Model model = Model.of(List.of(a, b), List.of(a, scaled))) {
      model.exportSavedModel(export);
      List<Object> expected = model.predict(List.of((Object) aData, bData),
          List.of(float[][][].class, float[][].class));
      SavedModelConventions.assertFollowed(export);
      SavedModelCheckMaterial.leave("input_as_output", export,
          Map.of("a", StdArrays.ndCopyOf(aData), "b", nd(bData)),
          Map.of("a", StdArrays.ndCopyOf((float[][][]) expected.get(0)),
              "scaled", nd((float[][]) expected.get(1))));
    }
    try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve")) {
      assertEquals(List.of("serve"), bundle.metaGraphDef().getMetaInfoDef().getTagsList());
      Signature signature = bundle.function("serving_default").signature();
      assertEquals("tensorflow/serving/predict", signature.methodName());
      Map<String, Signature.TensorDescription> inputs = signature.getInputs();
      assertEquals(List.of("a", "b"), inputs.keySet().stream().sorted().toList());
      assertArrayEquals(new long[] {-1, 4, 2}, inputs.get("a").shape.asArray());
      assertArrayEquals(new long[] {-1, 3}, inputs.get("b").shape.asArray());
      Map<String, Signature.TensorDescription> outputs = signature.getOutputs();
      // An input given back as an output is keyed by its input's name, like any layer's output.
      assertEquals(List.of("a", "scaled"), outputs.keySet().stream().sorted().toList());
      assertArrayEquals(new long[] {-1, 4, 2}, outputs.get("a").shape.asArray());
      assertArrayEquals(new long[] {-1, 3}, outputs.get("scaled").shape.asArray());
    }
  }

  @Test
  void aLayerGivingTwoOutputsKeysTheSecondWithASuffix() throws IOException {
    var x = Input.of("x", TFloat32.class, 2);
    var square = new TestLayers.Square(null);
    var once = square.apply(x);
    var twice = square.apply(once);
    Path export = temp.resolve("twice");
    float[][] input = {{1.5f, -2}, {3, 0.25f}};
    try (Model model = Model.of(List.of(x), List.of(once, twice, once))) {
      ServingSignature signature = model.exportSavedModel(export);
      String square1 = model.nameOf(square);
      assertEquals(new ServingSignature("serve", "serving_default", List.of("x"),
          List.of(square1, square1 + "_1", square1 + "_2")), signature);
      List<Object> expected = model.predict(List.of((Object) input),
          List.of(float[][].class, float[][].class, float[][].class));
      String name = model.nameOf(square);
      assertBitwiseEqual((float[][]) expected.get(0), serve(export, "x", input, name));
      assertBitwiseEqual((float[][]) expected.get(1), serve(export, "x", input, name + "_1"));
      assertBitwiseEqual((float[][]) expected.get(2), serve(export, "x", input, name + "_2"));
      SavedModelConventions.assertFollowed(export);
      SavedModelCheckMaterial.leave("three_outputs", export, Map.of("x", nd(input)),
          Map.of(name, nd((float[][]) expected.get(0)),
              name + "_1", nd((float[][]) expected.get(1)),
              name + "_2", nd((float[][]) expected.get(2))));
    }
  }

  @Test
  void layersNamedLikeTheSaverOpsDoNotHideTheWeights() throws IOException {
    // The export's saver ops live under save/; a layer of that name must not displace them.
    var x = Input.of("save", TFloat32.class, 8);
    var hidden = Dense.builder(5).activation("tanh").seed(5).name("restore_all").build().apply(x);
    var y = Dense.builder(2).seed(6).name("serving_default").build().apply(hidden);
    Path export = temp.resolve("named");
    float[][] input = data()[0];
    try (Model model = Model.of(x, y)) {
      model.exportSavedModel(export);
      float[][] expected = model.predict(input, float[][].class);
      assertBitwiseEqual(expected, serve(export, "save", input, "serving_default"));
      SavedModelConventions.assertFollowed(export);
      SavedModelCheckMaterial.leave("named_like_saver_ops", export, Map.of("save", nd(input)),
          Map.of("serving_default", nd(expected)));
    }
  }

  @Test
  void intInputsAndOutputsKeepTheirDtype() throws IOException {
    var x = Input.of("counts", TInt32.class, Input.UNKNOWN);
    var square = new TestLayers.Square("squared");
    Path export = temp.resolve("ints");
    int[][] input = {{1, -2, 3}, {40000, 0, -7}};
    try (Model model = Model.of(x, square.apply(x))) {
      model.exportSavedModel(export);
      int[][] expected = model.predict(input, int[][].class);
      try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve");
          TInt32 tensor = TInt32.tensorOf(StdArrays.ndCopyOf(input));
          Result result = bundle.function("serving_default").call(Map.of("counts", tensor))) {
        Signature signature = bundle.function("serving_default").signature();
        assertEquals(DataType.DT_INT32, signature.getInputs().get("counts").dataType);
        assertArrayEquals(new long[] {-1, -1}, signature.getInputs().get("counts").shape.asArray());
        TInt32 served = (TInt32) result.get("squared").orElseThrow();
        int[][] values = new int[2][3];
        StdArrays.copyFrom(served, values);
        // 40000^2 overflows int32 the same way in both.
        assertArrayEquals(expected, values);
        assertArrayEquals(new int[] {1, 4, 9}, values[0]);
      }
      SavedModelConventions.assertFollowed(export);
      SavedModelCheckMaterial.leave("int32", export, Map.of("counts", StdArrays.ndCopyOf(input)),
          Map.of("squared", StdArrays.ndCopyOf(expected)));
    }
  }

  @Test
  void theExportHoldsNoTrainingPass() throws IOException {
    float[][][] data = data();
    Path export = temp.resolve("serving");
    try (Model model = classifier()) {
      model.compile("sgd", "categorical_crossentropy");
      model.fit(data[0], data[1], new FitOptions().epochs(1).verbose(0));
      // The model's own graph has the passes compile added; the check below would see them.
      assertTrue(opNames(model.tensorFlowGraph().operations()).stream()
          .anyMatch(name -> name.startsWith("train/")));
      model.exportSavedModel(export);
    }
    try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve")) {
      List<String> names = opNames(bundle.graph().operations());
      List<String> training = names.stream().filter(name -> name.startsWith("train/")
          || name.startsWith("evaluate/") || name.startsWith("optimizer/")).toList();
      assertEquals(List.of(), training);
      // Two Dense layers: a kernel and a bias each, all four saved and restored.
      assertEquals(4, names.stream().filter(name -> name.matches("weights/var\\d+")).count());
      assertTrue(names.contains("save/restore_all"));
      assertTrue(Files.isRegularFile(export.resolve("variables/variables.index")));
    }
    SavedModelConventions.assertFollowed(export);
  }

  /**
   * The rules {@link SavedModelConventions} checks catch what broke TensorFlow Lite's converter
   * before: a variable whose shared_name is not its node name, and tensors that do not exist.
   */
  @Test
  void theConventionsCheckCatchesAVariableNamedApartFromItsNode() throws IOException {
    Path export = temp.resolve("broken");
    try (Model model = classifier()) {
      model.exportSavedModel(export);
    }
    Path pb = export.resolve("saved_model.pb");
    SavedModel good = SavedModel.parseFrom(Files.readAllBytes(pb));
    SavedModel.Builder bad = good.toBuilder();
    GraphDef.Builder graph = bad.getMetaGraphsBuilder(0).getGraphDefBuilder();
    for (NodeDef.Builder node : graph.getNodeBuilderList()) {
      if (node.getName().equals("weights/var0")) {
        node.putAttr("shared_name",
            AttrValue.newBuilder().setS(ByteString.copyFromUtf8("v0_hidden_kernel")).build());
      }
    }
    bad.getMetaGraphsBuilder(0).setSaverDef(bad.getMetaGraphs(0).getSaverDef().toBuilder()
        .setFilenameTensorName("save/Const:0"));
    Files.write(pb, bad.build().toByteArray());
    assertEquals(List.of(
        "VarHandleOp weights/var0 has shared_name 'v0_hidden_kernel', not its node name",
        "saver filename tensor save/Const:0 does not exist"),
        SavedModelConventions.violations(export));
  }

  private static List<String> opNames(Iterator<GraphOperation> operations) {
    List<String> names = new ArrayList<>();
    operations.forEachRemaining(op -> names.add(op.name()));
    return names;
  }

  @Test
  void anEmptyDirectoryIsFilled() throws IOException {
    Path export = Files.createDirectory(temp.resolve("empty"));
    try (Model model = classifier()) {
      model.exportSavedModel(export);
      float[][] x = data()[0];
      assertBitwiseEqual(model.predict(x, float[][].class),
          serve(export, "features", x, "probabilities"));
    }
    SavedModelConventions.assertFollowed(export);
    assertEquals(List.of("empty"), list(temp));
  }

  @Test
  void aNonEmptyDirectoryIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path export = Files.createDirectory(temp.resolve("1"));
    Files.writeString(export.resolve("notes.txt"), "keep me");
    try (Model model = classifier()) {
      FileAlreadyExistsException error = assertThrows(FileAlreadyExistsException.class,
          () -> model.exportSavedModel(export));
      assertTrue(error.getMessage().contains(export.toString()), error.getMessage());
      assertTrue(error.getMessage().contains("not empty"), error.getMessage());
    }
    assertEquals(List.of("notes.txt"), list(export));
    assertEquals("keep me", Files.readString(export.resolve("notes.txt")));
    assertEquals(List.of("1"), list(temp), "no temporary directory left beside it");
  }

  @Test
  void aSecondExportToTheSameVersionIsRefusedAndTheFirstStillLoads() throws IOException {
    Path export = temp.resolve("models/demo/1");
    float[][] x = data()[0];
    try (Model model = classifier()) {
      model.exportSavedModel(export);
      List<String> files = list(export);
      assertThrows(FileAlreadyExistsException.class, () -> model.exportSavedModel(export));
      assertEquals(files, list(export));
      assertBitwiseEqual(model.predict(x, float[][].class),
          serve(export, "features", x, "probabilities"));
    }
    SavedModelConventions.assertFollowed(export);
    assertEquals(List.of("1"), list(temp.resolve("models/demo")));
  }

  @Test
  void aFileIsNotReplaced() throws IOException {
    Path file = Files.writeString(temp.resolve("model"), "a file");
    try (Model model = classifier()) {
      assertThrows(FileAlreadyExistsException.class, () -> model.exportSavedModel(file));
    }
    assertEquals("a file", Files.readString(file));
  }

  @Test
  void aPathUnderAFileIsAClearError() throws IOException {
    // Not a permission test: the tests may run as root, who may write anywhere; no one can
    // create a directory inside a regular file.
    Path file = Files.writeString(temp.resolve("file.txt"), "text");
    Path export = file.resolve("sub/1");
    try (Model model = classifier()) {
      IOException error = assertThrows(IOException.class, () -> model.exportSavedModel(export));
      assertEquals(export + ": cannot export here: " + file + " is a file, not a directory",
          error.getMessage());
    }
    assertEquals(List.of("file.txt"), list(temp));
    assertEquals("text", Files.readString(file));
  }

  @Test
  void aFailureWhileWritingLeavesNothingBehind() throws IOException {
    Path target = temp.resolve("half");
    IOException failure = new IOException("disk full");
    IOException thrown = assertThrows(IOException.class, () -> ExportDirectory.write(target,
        empty -> {
          Files.writeString(empty.resolve("saved_model.pb"), "partial",
              StandardCharsets.UTF_8);
          throw failure;
        }));
    assertEquals(failure, thrown);
    assertEquals(List.of(), list(temp));
  }

  @Test
  void aClosedModelCannotBeExported() {
    Model model = classifier();
    model.close();
    assertThrows(IllegalStateException.class, () -> model.exportSavedModel(temp.resolve("x")));
    assertEquals(List.of(), assertDoesNotThrowList(temp));
  }

  private static List<String> assertDoesNotThrowList(Path directory) {
    try {
      return list(directory);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> list(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  /** A SessionFunction of the export is what TF Serving calls; make sure it is one signature. */
  @Test
  void theExportHasOneSignature() throws IOException {
    Path export = temp.resolve("one");
    try (Model model = classifier()) {
      model.exportSavedModel(export);
    }
    try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve")) {
      List<String> keys = bundle.functions().stream().map(SessionFunction::signature)
          .map(Signature::key).toList();
      assertEquals(List.of("serving_default"), keys);
    }
    SavedModelConventions.assertFollowed(export);
  }
}
