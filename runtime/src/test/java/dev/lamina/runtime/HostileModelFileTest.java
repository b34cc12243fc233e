package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.io.ZipArchiveWriter;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.RmsProp;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/**
 * Model files made to exhaust memory while passing every size limit: weights sharing one entry,
 * many small entries that inflate far past the file's size, and an honest large model that must
 * load in a heap not much larger than its values. The memory cases run in a JVM of their own with
 * a small heap, so a failure cannot take the build's JVM down; the child reports what happened.
 */
class HostileModelFileTest {

  @TempDir
  Path dir;

  // ---------------------------------------------------------------- in this JVM

  /** Input(4) → Dense(4) → Dense(4): two kernels of one shape, two biases of one shape. */
  private static Model twoDense() {
    var x = Input.of(TFloat32.class, 4);
    var h = Dense.builder(4).seed(1).name("first").build().apply(x);
    return Model.of(x, Dense.builder(4).seed(2).name("second").build().apply(h));
  }

  private Path edited(Model model, String from, String to) throws IOException {
    Path file = dir.resolve("saved.lamina");
    model.save(file);
    Map<String, byte[]> entries = ModelFilesTest.entries(file);
    String json = new String(entries.get("model.json"), StandardCharsets.UTF_8);
    assertTrue(json.contains(from), json);
    entries.put("model.json", json.replace(from, to).getBytes(StandardCharsets.UTF_8));
    return Files.write(dir.resolve("edited.lamina"), ModelFilesTest.zip(entries));
  }

  @Test
  void twoWeightsNamingOneEntryAreRefusedNamingBoth() throws IOException {
    Path file;
    try (Model model = twoDense()) {
      // weights/2.bin is second/kernel, of the same shape as first/kernel in weights/0.bin.
      file = edited(model, "\"entry\": \"weights/2.bin\"", "\"entry\": \"weights/0.bin\"");
    }
    var e = assertThrows(ModelFormatException.class,
        () -> Model.load(file, SavedLambdas.registry()).close());
    assertTrue(e.getMessage().startsWith("edited.lamina!model.json:"), e.getMessage());
    assertTrue(e.getMessage().endsWith("at $.weights[2].entry: weight 'second/kernel' names"
        + " entry 'weights/0.bin', which weight 'first/kernel' already reads; each weight has"
        + " an entry of its own"), e.getMessage());
    var again = assertThrows(ModelFormatException.class, () -> {
      try (Model model = twoDense()) {
        model.loadWeights(file);
      }
    });
    assertEquals(e.getMessage(), again.getMessage(), "loadWeights refuses it the same way");
  }

  @Test
  void aSlotNamingAWeightsEntryIsRefusedNamingBoth() throws IOException {
    Path file;
    try (Model model = twoDense()) {
      model.compile(new RmsProp(0.01), Losses.meanSquaredError());
      model.trainOnBatch(new float[][] {{1, 2, 3, 4}}, new float[][] {{0, 1, 0, 1}});
      file = edited(model, "\"entry\": \"optimizer/0.bin\"", "\"entry\": \"weights/0.bin\"");
    }
    var e = assertThrows(ModelFormatException.class,
        () -> Model.load(file, SavedLambdas.registry()).close());
    assertTrue(e.getMessage().endsWith("at $.training.slots[0].entry: slot 'w0/velocity' names"
        + " entry 'weights/0.bin', which weight 'first/kernel' already reads; each weight has"
        + " an entry of its own"), e.getMessage());
  }

  @Test
  void anEntryOfTheWrongDeclaredSizeIsRefusedBeforeItIsRead() throws IOException {
    Path file;
    try (Model model = twoDense()) {
      // first/bias, 4 values, pointed at first/kernel's 16: the directory's size says so.
      file = edited(model, "\"entry\": \"weights/1.bin\"", "\"entry\": \"weights/4.bin\"");
    }
    Map<String, byte[]> entries = ModelFilesTest.entries(file);
    entries.put("weights/4.bin", new byte[64]);
    Files.write(file, ModelFilesTest.zip(entries));
    var e = assertThrows(ModelFormatException.class,
        () -> Model.load(file, SavedLambdas.registry()).close());
    assertTrue(e.getMessage().endsWith("at $.weights[1].entry: 'weights/4.bin' holds 64 bytes;"
        + " weight 'first/bias' of shape (4) takes 16"), e.getMessage());
  }

  @Test
  void weightsComeBackExactlyThroughTheStreamingReader() throws IOException {
    // Sizes around the reader's chunk, so a value split across two reads is put together.
    var x = Input.of(TFloat32.class, 3);
    float[] kernel = new float[3 * 21_846]; // 262,152 bytes: 4 chunks of 64 KiB and 8 bytes
    Random random = new Random(5);
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = random.nextFloat() * 2 - 1;
    }
    kernel[7] = Float.NaN;
    kernel[8] = -0.0f;
    kernel[9] = Float.MIN_VALUE;
    Path file = dir.resolve("exact.lamina");
    try (Model model = Model.of(x, Dense.builder(21_846).build().apply(x))) {
      model.weights().get(0).assign(kernel);
      model.save(file);
    }
    try (Model model = Model.load(file, SavedLambdas.registry())) {
      float[] back = model.weights().get(0).values();
      assertEquals(kernel.length, back.length);
      for (int i = 0; i < kernel.length; i++) {
        assertEquals(Float.floatToRawIntBits(kernel[i]), Float.floatToRawIntBits(back[i]),
            "value " + i);
      }
      assertArrayEquals(new float[21_846], model.weights().get(1).values());
    }
  }

  // ---------------------------------------------------------------- in a JVM of its own

  /**
   * The child: loads {@code args[0]} and prints one line saying what happened, and the peak heap;
   * with {@code args[1]} = {@code row}, it then predicts e_0 and prints the output's first values
   * (the first row of the first kernel).
   */
  public static void main(String[] args) throws Exception {
    String outcome;
    try (Model model = Model.load(Path.of(args[0]), SavedLambdas.registry())) {
      outcome = "loaded " + model.weights().size() + " weights";
      if (args.length > 1 && args[1].equals("row")) {
        long width = model.weights().get(0).shape().get(0);
        float[][] x = new float[1][(int) width];
        x[0][0] = 1;
        float[][] y = model.predict(x, float[][].class);
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < 5; i++) {
          row.append(' ').append(Float.floatToRawIntBits(y[0][i]));
        }
        System.out.println("row" + row);
      }
    } catch (ModelFormatException e) {
      outcome = "refused: " + e.getMessage();
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println(outcome);
    System.out.println("peak heap " + peak);
  }

  /** Runs the child on {@code file} with {@code heap}; its output, having checked it ended well. */
  static String child(Path file, String heap, String... more) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"), HostileModelFileTest.class.getName(),
        file.toString()));
    command.addAll(List.of(more));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the child ends");
    assertEquals(0, process.exitValue(), "the child exits cleanly (3 is out of heap): " + out);
    return out;
  }

  /** The line of the child's output that starts with {@code prefix}. */
  static String line(String out, String prefix) {
    return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in: " + out));
  }

  /**
   * A model file, written without building the model: Input(width) and {@code layers} Dense
   * layers of {@code width} units without bias, chained; {@code entryOf} gives each kernel's
   * entry, and each distinct entry holds {@code data} (every kernel takes width² floats).
   */
  static Path denseChain(Path file, int layers, int width, java.util.function.IntFunction<String>
      entryOf, byte[] data) throws IOException {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("class", "Model");
    List<Object> layerList = new ArrayList<>();
    layerList.add(Map.of("name", "input", "type", "InputLayer", "dtype", "float32",
        "shape", List.of(width)));
    List<Object> nodes = new ArrayList<>();
    List<Object> weights = new ArrayList<>();
    String previous = "input";
    for (int i = 0; i < layers; i++) {
      String name = "d" + i;
      Map<String, Object> layer = new LinkedHashMap<>();
      layer.put("name", name);
      layer.put("type", "Dense");
      layer.put("config", Map.of("units", width, "activation", "linear", "use_bias", false));
      layerList.add(layer);
      nodes.add(Map.of("layer", name, "inputs", List.of(Map.of("layer", previous, "call", 0))));
      Map<String, Object> weight = new LinkedHashMap<>();
      weight.put("layer", name);
      weight.put("name", "kernel");
      weight.put("shape", List.of(width, width));
      weight.put("dtype", "float32");
      weight.put("entry", entryOf.apply(i));
      weights.add(weight);
      previous = name;
    }
    model.put("layers", layerList);
    model.put("nodes", nodes);
    model.put("inputs", List.of("input"));
    model.put("outputs", List.of(Map.of("layer", previous, "call", 0)));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", "lamina.model");
    root.put("version", 1);
    root.put("model", model);
    root.put("weights", weights);
    try (var zip = ZipArchiveWriter.create(file)) {
      zip.write("model.json", Json.writeBytes(root, Json.Style.COMPACT));
      List<String> written = new ArrayList<>();
      for (int i = 0; i < layers; i++) {
        String entry = entryOf.apply(i);
        if (!written.contains(entry)) {
          written.add(entry);
          zip.write(entry, data);
        }
      }
      zip.commit();
    }
    return file;
  }

  @Test
  void aFewKilobytesOfWeightsSharingAnEntryAreRefusedInASmallHeap() throws Exception {
    // 300 kernels of 1 MiB, all naming one entry of 1 MiB of zeros: 300 MiB from some 10 kB,
    // every size limit met (the entry is within the ratio's grace).
    Path file = denseChain(dir.resolve("shared.lamina"), 300, 512, i -> "weights/0.bin",
        new byte[1 << 20]);
    assertTrue(Files.size(file) < 70_000, "a small file: " + Files.size(file));
    String out = child(file, "192m");
    assertEquals("refused: shared.lamina!model.json:1:1: at $.weights[1].entry: weight"
        + " 'd1/kernel' names entry 'weights/0.bin', which weight 'd0/kernel' already reads;"
        + " each weight has an entry of its own", line(out, "refused: ")
        .replaceFirst("model\\.json:\\d+:\\d+:", "model.json:1:1:"), out);
  }

  @Test
  void manySmallEntriesThatInflateFarPastTheFileAreRefusedInASmallHeap() throws Exception {
    // The same, each kernel with its own entry: one to one, but 300 MiB from some 400 kB.
    Path file = denseChain(dir.resolve("many.lamina"), 300, 512, i -> "weights/" + i + ".bin",
        new byte[1 << 20]);
    assertTrue(Files.size(file) < 1 << 20, "a small file: " + Files.size(file));
    String out = child(file, "192m");
    String refused = line(out, "refused: ");
    assertTrue(refused.startsWith("refused: many.lamina!weights/"), out);
    assertTrue(refused.endsWith(": the archive inflates more than 100 times its size of "
        + Files.size(file) + " bytes (a zip bomb of many entries?)"), out);
  }

  @Test
  void aModelLoadsInAHeapLittleLargerThanItsWeights() throws Exception {
    // 64 MiB of weights in a 112 MiB heap. Reading the entry into a growing buffer, then
    // floats, then a copy for the weight needed some 136 MiB; streaming into the weight's own
    // array needs some 70 (measured by bisecting -Xmx).
    int width = 4096;
    byte[] data = new byte[width * width * Float.BYTES];
    Random random = new Random(3);
    ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    float[] firstRow = new float[5];
    for (int i = 0; i < width * width; i++) {
      float v = random.nextFloat() * 2 - 1;
      buffer.putFloat(v);
      if (i < firstRow.length) {
        firstRow[i] = v;
      }
    }
    Path file = denseChain(dir.resolve("large.lamina"), 1, width, i -> "weights/0.bin", data);
    data = null;
    String out = child(file, "112m", "row");
    assertEquals("loaded 1 weights", line(out, "loaded "), out);
    StringBuilder expected = new StringBuilder("row");
    for (float v : firstRow) {
      expected.append(' ').append(Float.floatToRawIntBits(v));
    }
    assertEquals(expected.toString(), line(out, "row"), "e_0 · kernel is the kernel's first row");
  }
}
