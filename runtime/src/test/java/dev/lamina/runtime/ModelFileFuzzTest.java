package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.layers.reshaping.Reshape;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.RmsProp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/**
 * Mutated model files — flipped and cut bytes, edited JSON values and lines, short or long weight
 * entries, weights sharing an entry, directory records over another entry's bytes, and shapes
 * whose sizes or products overflow — either load or fail with {@link ModelFormatException}:
 * nothing else escapes, nothing hangs. 2,400 seeded cases in this JVM and 300 shape cases in a
 * JVM of its own in the regular suite; {@code -Dlamina.modelfuzz.cases=100000} (and {@code
 * -Dlamina.modelfuzz.seed=...}) runs more of both on demand.
 *
 * <p>Shape mutations reach TensorFlow's shape code, which aborts the process on some sizes
 * rather than failing; they run in a child JVM so that such a crash fails this test with the
 * case that caused it, instead of ending the build's JVM.
 */
class ModelFileFuzzTest {

  /** The in-process kinds: 0–4 as before, 5 a shared entry, 6 overlapping entries. */
  private static final int KINDS = 7;
  /** Shape arithmetic, run in a child JVM. */
  private static final int SHAPES = 7;

  private static final Pattern NUMBER = Pattern.compile("(?<=: |\\[ |^\\s{2,40})-?\\d+(\\.\\d+)?"
      + "([eE]-?\\d+)?", Pattern.MULTILINE);
  private static final Pattern STRING = Pattern.compile(": \"([^\"]*)\"");
  private static final String[] NUMBERS = {"0", "-1", "1", "2", "3", "4", "7", "1e10", "-0.0",
      "2147483648", "9223372036854775807", "1099511627776", "0.5", "1e-45", "253", "254"};
  private static final String[] STRINGS = {"", "dense", "dense_1", "input", "affine",
      "dropout", "Dense", "Lambda", "InputLayer", "Reshape", "dev.lamina.runtime.Tripwire",
      "java.lang.Runtime", "float64", "int32", "bool", "weights/0.bin", "weights/9.bin",
      "model.json", "../../etc/passwd", "SUBTRACT", "ADD", "Sequential", "sgd", "adam",
      "w0/velocity", "x".repeat(5000)};

  @TempDir
  Path dir;

  static int cases(int regular) {
    return Integer.getInteger("lamina.modelfuzz.cases", regular);
  }

  static long seed() {
    return Long.getLong("lamina.modelfuzz.seed", 20261127L);
  }

  @Test
  void mutatedFilesLoadOrFailWithModelFormatException() throws IOException {
    int cases = cases(2400);
    long started = System.nanoTime();
    int[] outcome = fuzz(dir, cases, seed(), false, null);
    System.out.printf("model file fuzz: %d cases, %d loaded, %d refused with "
        + "ModelFormatException, in %.1f s%n", cases, outcome[0], outcome[1],
        (System.nanoTime() - started) / 1e9);
    assertTrue(outcome[1] > cases / 4 && outcome[0] > 0, "the mutations reach both outcomes");
  }

  @Test
  void shapeMutationsLoadOrFailWithModelFormatExceptionInAJvmOfTheirOwn() throws Exception {
    int cases = cases(300);
    long seed = seed();
    Path progress = dir.resolve("progress.txt");
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
        ModelFileFuzzTest.class.getName(), dir.toString(), Integer.toString(cases),
        Long.toString(seed), progress.toString())
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.HOURS), "the child ends");
    String last = Files.exists(progress) ? Files.readString(progress).strip() : "before any case";
    String summary = out.lines().filter(l -> l.startsWith("model file fuzz")).findFirst()
        .orElse("");
    System.out.println(summary.isEmpty() ? out : summary);
    assertEquals(0, process.exitValue(), "the child JVM ended with " + process.exitValue()
        + (process.exitValue() == 134 ? " (SIGABRT: TensorFlow aborted)" : "") + " at " + last
        + "; its output ends: " + tail(out));
    assertTrue(summary.startsWith("model file fuzz (shapes): " + cases + " cases"), out);
  }

  private static String tail(String out) {
    return out.length() <= 4000 ? out : out.substring(out.length() - 4000);
  }

  /**
   * The child JVM for shape mutations: {@code dir cases seed progressFile}. Writes each case's
   * label to the progress file before running it (so a crash names its case), and prints a
   * summary; anything but a load or a {@link ModelFormatException} ends it with status 1.
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int cases = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    long started = System.nanoTime();
    int[] outcome;
    try {
      outcome = fuzz(dir, cases, seed, true, Path.of(args[3]));
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.flush();
      System.exit(1);
      return;
    }
    System.out.printf("model file fuzz (shapes): %d cases, %d loaded, %d refused with "
        + "ModelFormatException, in %.1f s%n", cases, outcome[0], outcome[1],
        (System.nanoTime() - started) / 1e9);
    System.exit(0);
  }

  /**
   * Runs {@code cases} seeded cases, of the in-process kinds or of shape mutations, failing on
   * anything but a load or a {@link ModelFormatException}; returns {loaded, refused}.
   */
  static int[] fuzz(Path dir, int cases, long seed, boolean shapes, Path progress)
      throws IOException {
    Path plain = dir.resolve("plain.lamina");
    Path compiled = dir.resolve("compiled.lamina");
    Path reshaped = dir.resolve("reshaped.lamina");
    try (var model = ModelFilesTest.model()) {
      model.save(plain);
    }
    try (var model = ModelFilesTest.trainable()) {
      model.compile(new RmsProp(0.01), Losses.categoricalCrossentropy(), "accuracy");
      model.trainOnBatch(new float[][] {{1, 2, 3}}, new float[][] {{0, 1}});
      model.save(compiled);
    }
    try (var model = reshaping()) {
      model.save(reshaped);
    }
    List<byte[]> bases = List.of(Files.readAllBytes(plain), Files.readAllBytes(compiled),
        Files.readAllBytes(reshaped));
    List<Map<String, byte[]>> entries = List.of(ModelFilesTest.entries(plain),
        ModelFilesTest.entries(compiled), ModelFilesTest.entries(reshaped));
    Random random = new Random(shapes ? ~seed : seed);
    int loaded = 0;
    int refused = 0;
    Path file = dir.resolve("case.lamina");
    for (int c = 0; c < cases; c++) {
      int base = random.nextInt(4) == 0 ? 1 : shapes || random.nextInt(3) == 0 ? 2 : 0;
      int kind = shapes ? SHAPES : random.nextInt(KINDS);
      byte[] bytes = mutate(kind, bases.get(base), entries.get(base), random);
      Files.write(file, bytes);
      String label = "case " + c + " (seed " + seed + ", kind " + kind + ", base " + base + ")";
      if (progress != null) {
        Files.writeString(progress, label);
      }
      Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
        try (Model model = Model.load(file, SavedLambdas.registry())) {
          model.layers(); // it loaded: a valid file after all
          return null;
        } catch (Throwable t) {
          return t;
        }
      }, label);
      if (thrown == null) {
        loaded++;
      } else if (thrown instanceof ModelFormatException) {
        refused++;
      } else {
        fail(label + " let " + thrown + " escape", thrown);
      }
    }
    return new int[] {loaded, refused};
  }

  /** Input(2, 6) → Reshape(3, 4) → Affine → Flatten → Dense(5): shapes for the shape kind. */
  static Model reshaping() {
    var x = Input.of(TFloat32.class, 2, 6);
    var r = new Reshape(3, 4).apply(x);
    var a = new SavedLambdas.Affine(null, 0.5f, SavedLambdas.Mode.ADD, "", null, new int[0])
        .apply(r);
    return Model.of(x, Dense.builder(5).seed(3).build().apply(new Flatten().apply(a)));
  }

  private static byte[] mutate(int kind, byte[] zip, Map<String, byte[]> entries, Random random)
      throws IOException {
    switch (kind) {
      case 0: { // flip 1–8 bytes anywhere in the zip
        byte[] copy = zip.clone();
        for (int i = 1 + random.nextInt(8); i > 0; i--) {
          copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
        }
        return copy;
      }
      case 1: // cut the file short
        return Arrays.copyOf(zip, random.nextInt(zip.length));
      case 2: case 3: { // edit the description: values, then whole lines
        Map<String, byte[]> copy = new LinkedHashMap<>(entries);
        String json = new String(copy.get("model.json"), StandardCharsets.UTF_8);
        copy.put("model.json", (kind == 2 ? editValues(json, random) : editLines(json, random))
            .getBytes(StandardCharsets.UTF_8));
        return ModelFilesTest.zip(copy);
      }
      case 5: { // one weight's or slot's entry named by another: weights and entries 1:1
        Map<String, byte[]> copy = new LinkedHashMap<>(entries);
        String json = new String(copy.get("model.json"), StandardCharsets.UTF_8);
        List<String> binaries = binaries(copy);
        copy.put("model.json", replaceRandom(json, ENTRY, "\""
            + binaries.get(random.nextInt(binaries.size())) + "\"", random, 1)
            .getBytes(StandardCharsets.UTF_8));
        return ModelFilesTest.zip(copy);
      }
      case 6: // a directory record over another entry's bytes, shared or inside them
        return overlap(zip, random);
      case SHAPES: { // huge sizes, and products past Long.MAX_VALUE, in every shape
        Map<String, byte[]> copy = new LinkedHashMap<>(entries);
        String json = new String(copy.get("model.json"), StandardCharsets.UTF_8);
        boolean inferred = random.nextInt(3) == 0;
        if (inferred) {
          json = inferredReshape(json, random);
        }
        if (!inferred || random.nextBoolean()) {
          json = editShapes(json, random);
        }
        copy.put("model.json", json.getBytes(StandardCharsets.UTF_8));
        return ModelFilesTest.zip(copy);
      }
      default: { // a weight or slot entry of the wrong length, or its bytes changed
        Map<String, byte[]> copy = new LinkedHashMap<>(entries);
        List<String> binaries = new ArrayList<>();
        copy.keySet().forEach(name -> {
          if (name.endsWith(".bin")) {
            binaries.add(name);
          }
        });
        String name = binaries.get(random.nextInt(binaries.size()));
        byte[] data = copy.get(name);
        int length = random.nextBoolean() ? data.length + 4 * (random.nextInt(5) - 2)
            : random.nextInt(data.length + 1);
        byte[] changed = Arrays.copyOf(data, Math.max(0, length));
        if (changed.length > 0) {
          changed[random.nextInt(changed.length)] ^= (byte) 0x7f;
        }
        copy.put(name, changed);
        if (random.nextInt(4) == 0) {
          copy.remove(binaries.get(random.nextInt(binaries.size())));
        }
        return ModelFilesTest.zip(copy);
      }
    }
  }

  private static final Pattern ENTRY = Pattern.compile("\"entry\": \"([^\"]*)\"");
  private static final Pattern SHAPE = Pattern.compile(
      "\"(shape|target_shape)\": \\[([^\\]]*)\\]|\"units\": (\\d+)");
  private static final Pattern DIM = Pattern.compile("-?\\d+|null");
  private static final String[] HUGE = {"0", "-1", "1", "2", "65536", "268435456", "268435457",
      "2147483647", "2147483648", "4294967296", "3037000499", "3037000500", "1099511627776",
      "4611686018427387904", "9223372036854775807", "-9223372036854775808", "null"};

  private static List<String> binaries(Map<String, byte[]> entries) {
    List<String> binaries = new ArrayList<>();
    entries.keySet().forEach(name -> {
      if (name.endsWith(".bin")) {
        binaries.add(name);
      }
    });
    return binaries;
  }

  /**
   * Sets 1–3 dims of the shapes, reshape targets and unit counts to sizes near the limits, and
   * sometimes every dim of one shape to a large size, so their product overflows.
   */
  private static String editShapes(String json, Random random) {
    for (int i = 1 + random.nextInt(3); i > 0; i--) {
      List<int[]> spans = new ArrayList<>();
      Matcher matcher = SHAPE.matcher(json);
      while (matcher.find()) {
        int g = matcher.group(2) != null ? 2 : 3;
        spans.add(new int[] {matcher.start(g), matcher.end(g), g});
      }
      if (spans.isEmpty()) {
        return json;
      }
      int[] span = spans.get(random.nextInt(spans.size()));
      String dims = json.substring(span[0], span[1]);
      boolean all = random.nextInt(3) == 0;
      StringBuilder edited = new StringBuilder();
      Matcher dim = DIM.matcher(dims);
      int at = 0;
      List<int[]> found = new ArrayList<>();
      while (dim.find()) {
        found.add(new int[] {dim.start(), dim.end()});
      }
      int pick = found.isEmpty() ? -1 : random.nextInt(found.size());
      for (int k = 0; k < found.size(); k++) {
        edited.append(dims, at, found.get(k)[0]);
        if (all || k == pick) {
          edited.append(all ? HUGE[7 + random.nextInt(HUGE.length - 9)]
              : HUGE[random.nextInt(HUGE.length)]);
        } else {
          edited.append(dims, found.get(k)[0], found.get(k)[1]);
        }
        at = found.get(k)[1];
      }
      edited.append(dims.substring(at));
      if (span[2] == 2 && (found.isEmpty() || random.nextInt(5) == 0)) { // a dim more
        edited.insert(0, HUGE[random.nextInt(HUGE.length - 1)] + (found.isEmpty() ? "" : ", "));
      }
      json = json.substring(0, span[0]) + edited + json.substring(span[1]);
    }
    return json;
  }

  private static final Pattern INPUT_SHAPE = Pattern.compile(
      "(\"type\": \"InputLayer\",\\s*\"dtype\": \"[a-z0-9]+\",\\s*\"shape\": \\[)([^\\]]*)\\]");
  private static final Pattern TARGET = Pattern.compile("(\"target_shape\": \\[)([^\\]]*)\\]");

  /**
   * Huge input dims with a reshape target that takes any size ({@code [-1]}, or -1 among huge
   * dims): the sizes get past the reshape to the layers after it, the lambda's ops and the dense
   * kernel, whose sizes then overflow.
   */
  private static final String[] VALID_HUGE = {"65536", "268435456", "2147483647"};

  private static String inferredReshape(String json, Random random) {
    StringBuilder dims = new StringBuilder();
    for (int k = 1 + random.nextInt(3); k > 0; k--) {
      dims.append(dims.length() == 0 ? "" : ", ").append(VALID_HUGE[random.nextInt(3)]);
    }
    json = INPUT_SHAPE.matcher(json).replaceFirst("$1" + dims + "]");
    String target = random.nextBoolean() ? "-1" : "-1, " + HUGE[7 + random.nextInt(8)];
    return TARGET.matcher(json).replaceFirst("$1" + target + "]");
  }

  private static final int CEN = 0x02014b50;

  private static int cenRecord(byte[] zip, int k) {
    for (int i = 0; i + 4 <= zip.length; i++) {
      if (u32(zip, i) == CEN && k-- == 0) {
        return i;
      }
    }
    return -1;
  }

  private static long u32(byte[] b, int at) {
    return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }

  /**
   * One directory record pointed at another entry's bytes: its location, method and sizes copied
   * (two names over one stream), or its local header offset moved into or near them.
   */
  private static byte[] overlap(byte[] zip, Random random) {
    byte[] copy = zip.clone();
    int records = 0;
    while (cenRecord(copy, records) >= 0) {
      records++;
    }
    int to = cenRecord(copy, random.nextInt(records));
    int from = cenRecord(copy, random.nextInt(records));
    if (random.nextBoolean()) {
      for (int[] field : new int[][] {{8, 2}, {10, 2}, {16, 4}, {20, 4}, {24, 4}, {42, 4}}) {
        System.arraycopy(copy, from + field[0], copy, to + field[0], field[1]);
      }
    } else {
      long offset = u32(copy, from + 42) + random.nextInt(64) - 16;
      for (int b = 0; b < 4; b++) {
        copy[to + 42 + b] = (byte) (Math.max(0, offset) >>> (8 * b));
      }
    }
    return copy;
  }

  private static String editValues(String json, Random random) {
    for (int i = 1 + random.nextInt(3); i > 0; i--) {
      if (random.nextBoolean()) {
        json = replaceRandom(json, NUMBER, NUMBERS[random.nextInt(NUMBERS.length)], random, 0);
      } else {
        json = replaceRandom(json, STRING,
            "\"" + STRINGS[random.nextInt(STRINGS.length)] + "\"", random, 1);
      }
    }
    return json;
  }

  /** Replaces one random match of {@code pattern} (its group {@code group}) by {@code value}. */
  private static String replaceRandom(String text, Pattern pattern, String value, Random random,
      int group) {
    List<int[]> spans = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      spans.add(group == 0 ? new int[] {matcher.start(), matcher.end()}
          : new int[] {matcher.start(group) - 1, matcher.end(group) + 1});
    }
    if (spans.isEmpty()) {
      return text;
    }
    int[] span = spans.get(random.nextInt(spans.size()));
    return text.substring(0, span[0]) + value + text.substring(span[1]);
  }

  private static String editLines(String json, Random random) {
    List<String> lines = new ArrayList<>(Arrays.asList(json.split("\n", -1)));
    for (int i = 1 + random.nextInt(3); i > 0; i--) {
      int at = random.nextInt(lines.size());
      switch (random.nextInt(3)) {
        case 0:
          lines.remove(at);
          break;
        case 1:
          lines.add(at, lines.get(random.nextInt(lines.size())));
          break;
        default:
          int other = random.nextInt(lines.size());
          String swap = lines.get(at);
          lines.set(at, lines.get(other));
          lines.set(other, swap);
      }
      if (lines.isEmpty()) {
        lines.add("");
      }
    }
    return String.join("\n", lines);
  }
}
