package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.registry.LambdaRegistry;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.History;
import dev.lamina.runtime.train.RmsProp;
import dev.lamina.runtime.train.Losses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/** save / load: round trips, resumed training, and every kind of bad file. */
class ModelFilesTest {

  @TempDir
  Path dir;

  static final float[][] X = {{0.5f, -1, 2}, {3, 0.25f, -0.75f}, {-2, 1, 1}};

  /** Input(3) → Dense(4) → Affine(1.5, SUBTRACT, "a\nb", null) → Dropout(0.2) → Dense(2, softmax). */
  static Model model() {
    var x = Input.of(TFloat32.class, 3);
    var h = Dense.builder(4).seed(11).build().apply(x);
    var a = new SavedLambdas.Affine(null, 1.5f, SavedLambdas.Mode.SUBTRACT, "a\nb", null,
        new int[] {3, 1}).apply(h);
    var d = new Dropout("dropout", 0.2, 5).apply(a);
    return Model.of(x, Dense.builder(2).activation("softmax").seed(12).build().apply(d));
  }

  private Path saved(Model model) throws IOException {
    Path file = dir.resolve("model.lamina");
    model.save(file);
    return file;
  }

  @Test
  void aLoadedModelPredictsBitwiseTheSameAndSummarisesTheSame() throws IOException {
    try (var model = model()) {
      float[][] before = model.predict(X, float[][].class);
      Path file = saved(model);
      try (var loaded = Model.load(file, SavedLambdas.registry())) {
        float[][] after = loaded.predict(X, float[][].class);
        for (int i = 0; i < X.length; i++) {
          assertArrayEquals(before[i], after[i], "row " + i);
        }
        assertEquals(model.summary(), loaded.summary());
      }
    }
  }

  @Test
  void lambdaArgumentsComeBackWithTheirTypes() throws IOException {
    try (var model = model(); var loaded = Model.load(saved(model), SavedLambdas.registry())) {
      Layer affine = loaded.layers().get(2);
      Map<String, Object> arguments = affine.arguments();
      assertEquals(1.5f, arguments.get("factor"));
      assertEquals(SavedLambdas.Mode.SUBTRACT, arguments.get("mode"));
      assertEquals("a\nb", arguments.get("label"));
      assertNull(arguments.get("offset"));
      assertArrayEquals(new int[] {3, 1}, (int[]) arguments.get("pick"));
    }
  }

  @Test
  void weightsAloneRoundTripIntoAModelOfTheSameLayers() throws IOException {
    try (var trained = model(); var fresh = model()) {
      trained.setWeights(List.of(ones(3, 4), ones(4), ones(4, 2), ones(2)));
      Path file = dir.resolve("weights.lamina");
      trained.saveWeights(file);
      fresh.loadWeights(file);
      assertArrayEquals(trained.predict(X, float[][].class)[1], fresh.predict(X, float[][].class)[1]);
    }
  }

  private static org.tensorflow.ndarray.FloatNdArray ones(long... shape) {
    var array = org.tensorflow.ndarray.NdArrays.ofFloats(org.tensorflow.ndarray.Shape.of(shape));
    array.scalars().forEach(s -> s.setFloat(1));
    return array;
  }

  /** Input(3) → Dense(8) → Affine → Dense(2, softmax), no dropout: its steps are reproducible. */
  static Model trainable() {
    var x = Input.of(TFloat32.class, 3);
    var h = Dense.builder(8).seed(21).build().apply(x);
    var a = new SavedLambdas.Affine(null, 2f, SavedLambdas.Mode.ADD, "", 1, new int[0]).apply(h);
    return Model.of(x, Dense.builder(2).activation("softmax").seed(22).build().apply(a));
  }

  @Test
  void aModelSavedMidTrainingResumesWithTheSameLosses() throws IOException {
    float[][] xs = new float[40][3];
    float[][] ys = new float[40][2];
    for (int i = 0; i < 40; i++) {
      xs[i] = new float[] {(i % 7) / 7f, (i % 5) / 5f - 0.5f, (i % 3) - 1};
      ys[i][(i % 7) > 3 ? 1 : 0] = 1;
    }
    FitOptions options = new FitOptions().batchSize(8).verbose(0).seed(9);
    Path file = dir.resolve("mid.lamina");
    List<Double> straight;
    try (var model = trainable()) {
      model.compile(new RmsProp(0.01), Losses.categoricalCrossentropy(), "accuracy");
      model.fit(xs, ys, options.epochs(2));
      model.save(file);
      straight = model.fit(xs, ys, options.initialEpoch(2).epochs(4)).get("loss");
    }
    try (var resumed = Model.load(file, SavedLambdas.registry())) {
      History history = resumed.fit(xs, ys, new FitOptions().batchSize(8).verbose(0).seed(9)
          .initialEpoch(2).epochs(4));
      assertEquals(straight, history.get("loss"), "the optimizer's state and step came back");
      assertEquals(List.of(2, 3), history.epochs());
    }
  }

  @Test
  void savingIsAtomicAndMakesAnOrdinaryFile() throws IOException {
    Path file = dir.resolve("model.lamina");
    Files.writeString(file, "an older file");
    var x = Input.of(TFloat32.class, 2);
    Layer custom = new Layer(null) {
      @Override
      protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
        return new OutputSpec<>(inputs.get(0).shape(), TFloat32.class);
      }

      @Override
      protected org.tensorflow.Operand<?> build(org.tensorflow.op.Ops tf,
          List<org.tensorflow.Operand<?>> inputs) {
        return inputs.get(0);
      }
    };
    try (var model = Model.of(x, custom.call(x))) {
      var error = assertThrows(IllegalArgumentException.class, () -> model.save(file));
      assertTrue(error.getMessage().contains("cannot be saved"), error.getMessage());
    }
    assertEquals("an older file", Files.readString(file), "the old file is intact");
    try (var siblings = Files.list(dir)) {
      assertEquals(1, siblings.count(), "no temporary file is left");
    }
    Files.delete(file);
    try (var model = model()) {
      model.save(file);
    }
    Path ordinary = Files.createFile(dir.resolve("ordinary"));
    assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(ordinary)),
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  // ---------------------------------------------------------------- bad files

  private ModelFormatException loadFails(UnaryOperator<String> edit) throws IOException {
    Path file;
    try (var model = model()) {
      file = saved(model);
    }
    Path edited = rewrite(file, "model.json", edit);
    return assertThrows(ModelFormatException.class,
        () -> Model.load(edited, SavedLambdas.registry()).close());
  }

  /** A copy of {@code file} whose entry {@code name} is {@code edit}ed. */
  Path rewrite(Path file, String name, UnaryOperator<String> edit) throws IOException {
    Map<String, byte[]> entries = entries(file);
    entries.put(name, edit.apply(new String(entries.get(name), StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8));
    return Files.write(dir.resolve("edited-" + System.nanoTime() + ".lamina"), zip(entries));
  }

  @Test
  void anUnregisteredLambdaIsNamedWithTheClosestRegisteredOnes() throws IOException {
    Path file;
    try (var model = model()) {
      file = saved(model);
    }
    var error = assertThrows(ModelFormatException.class,
        () -> Model.load(file, LambdaRegistry.of()).close());
    assertTrue(error.getMessage().contains("'dev.lamina.runtime.SavedLambdas.affine' is not a "
        + "registered lambda"), error.getMessage());
    var misspelt = loadFails(json -> json.replace("SavedLambdas.affine", "SavedLambdas.afine"));
    assertTrue(misspelt.getMessage().contains("[dev.lamina.runtime.SavedLambdas.affine]"),
        misspelt.getMessage());
  }

  @Test
  void aClassOnTheClassPathIsNeverLoadedFromAFile() throws IOException {
    System.clearProperty("lamina.tripwire");
    var asLambda = loadFails(json -> json.replace("dev.lamina.runtime.SavedLambdas.affine",
        "dev.lamina.runtime.Tripwire"));
    assertTrue(asLambda.getMessage().contains("not a registered lambda"), asLambda.getMessage());
    var asLayer = loadFails(json -> json.replace("\"Dense\"", "\"dev.lamina.runtime.Tripwire\""));
    assertTrue(asLayer.getMessage().contains("is not a layer type Lamina knows"),
        asLayer.getMessage());
    var runtime = loadFails(json -> json.replace("\"Dense\"", "\"java.lang.Runtime\""));
    assertTrue(runtime.getMessage().contains("java.lang.Runtime"), runtime.getMessage());
    assertNull(System.getProperty("lamina.tripwire"), "Tripwire was initialised");
  }

  @Test
  void anArgumentOfTheWrongTypeNamesTheLayerAndArgument() throws IOException {
    var error = loadFails(json -> json.replace("\"factor\": 1.5", "\"factor\": \"big\""));
    assertTrue(error.getMessage().contains("argument 'factor' of layer 'affine' (float) needs a "
        + "number"), error.getMessage());
    var mode = loadFails(json -> json.replace("\"SUBTRACT\"", "\"MULTIPLY\""));
    assertTrue(mode.getMessage().contains("'MULTIPLY', not one of [ADD, SUBTRACT]"),
        mode.getMessage());
    var range = loadFails(json -> json.replaceFirst("\"pick\": \\[\\s*3,\\s*1\\s*\\]", "\"pick\": [3, 1e10]"));
    assertTrue(range.getMessage().contains("pick"), range.getMessage());
  }

  @Test
  void badStructuresAreRefusedWithWhereAndWhat() throws IOException {
    assertTrue(loadFails(json -> json.replace("\"version\": 1", "\"version\": 7"))
        .getMessage().contains("newer Lamina"));
    assertTrue(loadFails(json -> json.replace("\"name\": \"dropout\"", "\"name\": \"dense\""))
        .getMessage().contains("names two layers"));
    // A call that uses an output made after it: a cycle, or calls out of order.
    assertTrue(loadFails(json -> json.replaceFirst("\"layer\": \"input\",\\s*\"call\": 0",
        "\"layer\": \"dense_1\", \"call\": 0")).getMessage().contains("is not made before"));
    assertTrue(loadFails(json -> json.replaceFirst("\"shape\": \\[\\s*3\\s*\\]", "\"shape\": [1099511627776]"))
        .getMessage().contains("between 1 and"));
    assertTrue(loadFails(json -> json.replace("\"units\": 4", "\"units\": 2000000000"))
        .getMessage().contains("units"));
    assertTrue(loadFails(json -> json.replaceFirst("\"shape\": \\[\\s*3,\\s*4\\s*\\]", "\"shape\": [4, 3]"))
        .getMessage().contains("has shape (3, 4)"));
    assertTrue(loadFails(json -> json.replaceFirst("\"dtype\": \"float32\",(\\s*)\"entry\"",
        "\"dtype\": \"float64\",$1\"entry\"")).getMessage().contains("float32"));
    assertTrue(loadFails(json -> json.replace("\"units\": 4", "\"units\": 5"))
        .getMessage().contains("shape"));
  }

  @Test
  void aTruncatedWeightEntryIsRefused() throws IOException {
    Path file;
    try (var model = model()) {
      file = saved(model);
    }
    Map<String, byte[]> entries = entries(file);
    byte[] weights = entries.get("weights/0.bin");
    entries.put("weights/0.bin", java.util.Arrays.copyOf(weights, weights.length - 4));
    Path out = Files.write(dir.resolve("short.lamina"), zip(entries));
    var error = assertThrows(ModelFormatException.class,
        () -> Model.load(out, SavedLambdas.registry()).close());
    assertTrue(error.getMessage().contains("weights/0.bin"), error.getMessage());
  }

  @Test
  void aZipBombIsRefusedBeforeItIsInflated() throws IOException {
    Path file;
    try (var model = model()) {
      file = saved(model);
    }
    // 256 MiB of spaces deflate to about 256 KiB: a description far past the 16 MiB JSON limit
    // and the 100:1 ratio, which must be refused after reading a bounded prefix.
    Map<String, byte[]> entries = entries(file);
    Path bomb = dir.resolve("bomb.lamina");
    try (ZipOutputStream to = new ZipOutputStream(Files.newOutputStream(bomb))) {
      to.putNextEntry(new ZipEntry("model.json"));
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 256; i++) {
        to.write(spaces);
      }
      to.closeEntry();
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        if (!entry.getKey().equals("model.json")) {
          to.putNextEntry(new ZipEntry(entry.getKey()));
          to.write(entry.getValue());
          to.closeEntry();
        }
      }
    }
    assertTrue(Files.size(bomb) < 2 << 20, "the bomb is small on disk: " + Files.size(bomb));
    var error = assertThrows(ModelFormatException.class,
        () -> Model.load(bomb, SavedLambdas.registry()).close());
    assertTrue(error.getMessage().contains("model.json"), error.getMessage());
  }

  @Test
  void notAZipAtAllIsAModelFormatException() throws IOException {
    Path file = dir.resolve("text.lamina");
    Files.writeString(file, "{\"format\": \"lamina.model\"}");
    assertThrows(ModelFormatException.class, () -> Model.load(file, SavedLambdas.registry()));
    assertFalse(Files.exists(dir.resolve("missing.lamina")));
    assertThrows(IOException.class, () -> Model.load(dir.resolve("missing.lamina")));
  }

  static Map<String, byte[]> entries(Path file) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      var all = zip.entries();
      while (all.hasMoreElements()) {
        ZipEntry entry = all.nextElement();
        try (InputStream in = zip.getInputStream(entry)) {
          entries.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    return entries;
  }

  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream to = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        to.putNextEntry(new ZipEntry(entry.getKey()));
        to.write(entry.getValue());
        to.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void bytesAndStreamsLoadAsFilesDo() throws Exception {
    byte[] bytes;
    float[][] before;
    try (Model model = model()) {
      before = model.predict(X, float[][].class);
      bytes = model.toBytes();
    }
    try (Model fromBytes = Model.load(bytes);
        Model fromStream = Model.load(new java.io.ByteArrayInputStream(bytes))) {
      for (int i = 0; i < X.length; i++) {
        assertArrayEquals(before[i], fromBytes.predict(X, float[][].class)[i]);
        assertArrayEquals(before[i], fromStream.predict(X, float[][].class)[i]);
      }
    }
    byte[] damaged = java.util.Arrays.copyOf(bytes, bytes.length / 2);
    assertThrows(ModelFormatException.class, () -> Model.load(damaged));
    assertThrows(ModelFormatException.class,
        () -> Model.load(new java.io.ByteArrayInputStream(new byte[] {'P', 'K', 3, 4})));
  }

  @Test
  void aLargeWeightOfOneRepeatedValueSavesAndLoads() throws Exception {
    // 1,024 x 1,024 zeros: 4 MiB that deflate ~1,000:1, past the reader's 100:1 bomb check
    // (beyond 1 MiB). Weight entries are stored, so the file is as large as its data.
    var x = Input.of(TFloat32.class, 1024);
    Path file = dir.resolve("zeros.lamina");
    try (Model model = Model.of(x, Dense.builder(1024).useBias(false)
        .kernel(new float[1024][1024]).build().apply(x))) {
      model.save(file);
    }
    assertTrue(Files.size(file) > 4 << 20, "stored, not deflated: " + Files.size(file));
    try (Model loaded = Model.load(file)) {
      assertEquals(0f, loaded.predict(new float[][] {new float[1024]}, float[][].class)[0][7]);
    }
  }

  @Test
  void freezingALayerAfterCompileIsRefusedAtSaveNotAtLoad() throws Exception {
    try (Model model = model()) {
      model.compile("rmsprop", "categorical_crossentropy");
      model.layers().get(1).setTrainable(false);
      var e = assertThrows(IllegalStateException.class,
          () -> model.save(dir.resolve("frozen-after-compile.lamina")));
      assertTrue(e.getMessage().contains("compile again before save"), e.getMessage());
      model.compile("rmsprop", "categorical_crossentropy");
      model.save(dir.resolve("recompiled.lamina"));
      try (Model loaded = Model.load(dir.resolve("recompiled.lamina"))) {
        assertFalse(loaded.layers().get(1).isTrainable());
      }
    }
  }
}
