package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.layers.reshaping.Reshape;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/**
 * Shapes whose sizes multiply past {@code Long.MAX_VALUE} can abort TensorFlow (SIGABRT, nothing
 * to catch). Lamina computes every size with overflow checks and bounds every tensor before
 * TensorFlow sees it: at {@code apply} in Java, and at load for files, which used to load and
 * then fail (or worse) at the first graph build. The file cases run in a JVM of their own, so
 * that a regression fails this test instead of killing the build.
 */
class ShapeOverflowTest {

  @TempDir
  Path dir;

  /** (2^62 + 1) × 4 = 2^64 + 4, which wraps to 4: the size of the (4) input. */
  private static final long WRAPS_TO_FOUR = (1L << 62) + 1;

  @Test
  void reshapeTargetWhoseSizesWrapIsRefusedWhenMade() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Reshape(WRAPS_TO_FOUR, 4));
    assertTrue(e.getMessage().contains("Reshape's target has shape (4611686018427387905, 4), "
        + "whose sizes multiply to more than 1099511627776 values"), e.getMessage());
  }

  @Test
  void inputWhoseSizesWrapIsRefused() {
    // 2^30 × 2^30 × 16 = 2^64, which wraps to 0.
    var e = assertThrows(IllegalArgumentException.class,
        () -> Input.of(TFloat32.class, 1L << 30, 1L << 30, 16));
    assertTrue(e.getMessage().startsWith("Input has shape (1073741824, 1073741824, 16)"),
        e.getMessage());
  }

  @Test
  void outputWhoseSizesPassTheBoundIsRefusedAtApply() {
    // Each input is within the bound (2^39 values); their concatenation along the last axis
    // is not (2^40 + 2^39).
    var a = Input.of(TFloat32.class, 1L << 20, 1L << 19);
    var b = Input.of(TFloat32.class, 1L << 20, 1L << 20);
    var e = assertThrows(IllegalArgumentException.class,
        () -> new dev.lamina.runtime.layers.merging.Concatenate().call(a, b));
    assertTrue(e.getMessage().startsWith("Concatenate 'concatenate' (axis=-1)'s output has shape "
        + "(None, 1048576, 1572864)"), e.getMessage());
  }

  @Test
  void weightLargerThanAJavaArrayIsRefusedAtApply() {
    // 2^16 × 2^16 = 2^32 kernel values: within TensorFlow's range, past a Java array's.
    var x = Input.of(TFloat32.class, 1L << 16);
    var e = assertThrows(IllegalArgumentException.class,
        () -> Dense.builder(1 << 16).build().apply(x));
    assertTrue(e.getMessage().contains("weight 'kernel' has shape (65536, 65536), whose sizes "
        + "multiply to more than 2147483639"), e.getMessage());
  }

  @Test
  void flattenOfABoundedInputStillWorks() {
    // The bound leaves real models alone: 2^20 × 2^10 values per sample flatten to 2^30.
    var x = Input.of(TFloat32.class, 1L << 20, 1L << 10);
    assertEquals(List.of(-1L, 1L << 30),
        java.util.Arrays.stream(new Flatten().apply(x).shape().asArray()).boxed().toList());
  }

  // ----------------------------------------------------------------- files, in a forked JVM

  /** Input (4) → Reshape to (2^62 + 1, 4), whose size wraps to 4. */
  private static final String RESHAPE_WRAPS = """
      {"format": "lamina.model", "version": 1,
       "model": {"class": "Model",
         "layers": [{"name": "input", "type": "InputLayer", "dtype": "float32", "shape": [4]},
                    {"name": "reshape", "type": "Reshape",
                     "config": {"target_shape": [4611686018427387905, 4]}}],
         "nodes": [{"layer": "reshape", "inputs": [{"layer": "input", "call": 0}]}],
         "inputs": ["input"], "outputs": [{"layer": "reshape", "call": 0}]},
       "weights": []%s}
      """;

  /**
   * Input (12, 715827883, 2147483647), each size within the file format's limit of 2^31 - 1, whose
   * product 2^64 - 4 wraps to -4; Flatten; Dense(2) with the (-4, 2) kernel the wrapped size
   * gives.
   */
  private static final String FLATTEN_WRAPS = """
      {"format": "lamina.model", "version": 1,
       "model": {"class": "Model",
         "layers": [{"name": "input", "type": "InputLayer", "dtype": "float32",
                     "shape": [12, 715827883, 2147483647]},
                    {"name": "flatten", "type": "Flatten", "config": {}},
                    {"name": "dense", "type": "Dense",
                     "config": {"units": 2, "activation": "linear", "use_bias": false}}],
         "nodes": [{"layer": "flatten", "inputs": [{"layer": "input", "call": 0}]},
                   {"layer": "dense", "inputs": [{"layer": "flatten", "call": 0}]}],
         "inputs": ["input"], "outputs": [{"layer": "dense", "call": 0}]},
       "weights": [{"layer": "dense", "name": "kernel", "shape": [-4, 2], "dtype": "float32",
                    "entry": "weights/0.bin"}]%s}
      """;

  /**
   * Input (4) → Reshape (2^62 + 1, 4) → Flatten, whose size wraps to 4 → Dense(2) with a (4, 2)
   * kernel: the file loads whole on unchecked arithmetic (its summary shows 8 parameters).
   */
  private static final String RESHAPE_FLATTEN_DENSE = """
      {"format": "lamina.model", "version": 1,
       "model": {"class": "Model",
         "layers": [{"name": "input", "type": "InputLayer", "dtype": "float32", "shape": [4]},
                    {"name": "reshape", "type": "Reshape",
                     "config": {"target_shape": [4611686018427387905, 4]}},
                    {"name": "flatten", "type": "Flatten", "config": {}},
                    {"name": "dense", "type": "Dense",
                     "config": {"units": 2, "activation": "linear", "use_bias": false}}],
         "nodes": [{"layer": "reshape", "inputs": [{"layer": "input", "call": 0}]},
                   {"layer": "flatten", "inputs": [{"layer": "reshape", "call": 0}]},
                   {"layer": "dense", "inputs": [{"layer": "flatten", "call": 0}]}],
         "inputs": ["input"], "outputs": [{"layer": "dense", "call": 0}]},
       "weights": [{"layer": "dense", "name": "kernel", "shape": [4, 2], "dtype": "float32",
                    "entry": "weights/0.bin"}]%s}
      """;

  /** A training section: loading compiles the model, which builds its graph at once. */
  private static final String TRAINING = """
      , "training": {"optimizer": {"class": "sgd",
                       "config": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": false}},
                     "loss": {"name": "mean_squared_error", "from_logits": false},
                     "metrics": [], "iterations": 0, "slots": []}""";

  /**
   * Every file in one forked JVM (TensorFlow's start-up is the slow part): each is refused with a
   * ModelFormatException naming the overflowing shape, and the JVM lives to say so.
   */
  @Test
  void overflowingFilesAreRefusedAndTheJvmSurvives() throws Exception {
    Map<Path, String> expected = new LinkedHashMap<>();
    expected.put(file("reshape.lamina", RESHAPE_WRAPS.formatted(""), 0),
        "Reshape's target has shape (4611686018427387905, 4), whose sizes multiply to more than");
    expected.put(file("reshape-training.lamina", RESHAPE_WRAPS.formatted(TRAINING), 0),
        "Reshape's target has shape (4611686018427387905, 4)");
    expected.put(file("flatten.lamina", FLATTEN_WRAPS.formatted(""), 0),
        "Input has shape (12, 715827883, 2147483647), whose sizes multiply to more than");
    expected.put(file("flatten-training.lamina", FLATTEN_WRAPS.formatted(TRAINING), 0),
        "Input has shape (12, 715827883, 2147483647)");
    expected.put(file("chain.lamina", RESHAPE_FLATTEN_DENSE.formatted(""), 8),
        "Reshape's target has shape (4611686018427387905, 4)");
    expected.put(file("chain-training.lamina", RESHAPE_FLATTEN_DENSE.formatted(TRAINING), 8),
        "Reshape's target has shape (4611686018427387905, 4)");
    ForkedJvm.Outcome outcome = ForkedJvm.run(LoadAndBuild.class, List.of("-Xmx256m"),
        expected.keySet().stream().map(Path::toString).toArray(String[]::new));
    assertTrue(outcome.survived(), outcome.toString());
    List<String> lines = outcome.out().lines().toList();
    assertEquals(expected.size(), lines.size(), outcome.toString());
    int i = 0;
    for (Map.Entry<Path, String> file : expected.entrySet()) {
      String line = lines.get(i++);
      assertTrue(line.startsWith(file.getKey().getFileName()
          + ": refused: dev.lamina.runtime.io.ModelFormatException: "), line);
      assertTrue(line.contains(file.getValue()), "'" + file.getValue() + "' in " + line);
    }
  }

  /** A model file of {@code json} and one weight entry of {@code floats} values of 0.5. */
  private Path file(String name, String json, int floats) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("model.json"));
      zip.write(json.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("weights/0.bin"));
      java.nio.ByteBuffer values = java.nio.ByteBuffer.allocate(floats * Float.BYTES)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < floats; i++) {
        values.putFloat(0.5f);
      }
      zip.write(values.array());
      zip.closeEntry();
    }
    return file;
  }

  /** The child: loads each file and builds its graph; prints a line per file. */
  static final class LoadAndBuild {
    public static void main(String[] args) {
      for (String arg : args) {
        Path file = Path.of(arg);
        try (Model model = Model.load(file)) {
          model.tensorFlowGraph(); // builds the graph, where TensorFlow would meet the shapes
          System.out.println(file.getFileName() + ": loaded");
        } catch (Exception e) {
          System.out.println(file.getFileName() + ": refused: "
              + e.toString().replace('\n', ' '));
        }
      }
    }
  }
}
