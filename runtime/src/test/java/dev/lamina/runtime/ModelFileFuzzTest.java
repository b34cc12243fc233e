package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lamina.runtime.io.ModelFormatException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated model files — flipped and cut bytes, edited JSON values and lines, short or long weight
 * entries — either load or fail with {@link ModelFormatException}: nothing else escapes, nothing
 * hangs. 2,400 seeded cases in the regular suite; {@code -Dlamina.modelfuzz.cases=100000} (and
 * {@code -Dlamina.modelfuzz.seed=...}) runs more on demand.
 */
class ModelFileFuzzTest {

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

  @Test
  void mutatedFilesLoadOrFailWithModelFormatException() throws IOException {
    int cases = Integer.getInteger("lamina.modelfuzz.cases", 2400);
    long seed = Long.getLong("lamina.modelfuzz.seed", 20261127L);
    Path plain = dir.resolve("plain.lamina");
    Path compiled = dir.resolve("compiled.lamina");
    try (var model = ModelFilesTest.model()) {
      model.save(plain);
    }
    try (var model = ModelFilesTest.trainable()) {
      model.compile(new RmsProp(0.01), Losses.categoricalCrossentropy(), "accuracy");
      model.trainOnBatch(new float[][] {{1, 2, 3}}, new float[][] {{0, 1}});
      model.save(compiled);
    }
    List<byte[]> bases = List.of(Files.readAllBytes(plain), Files.readAllBytes(compiled));
    List<Map<String, byte[]>> entries = List.of(ModelFilesTest.entries(plain),
        ModelFilesTest.entries(compiled));
    Random random = new Random(seed);
    int loaded = 0;
    int refused = 0;
    Path file = dir.resolve("case.lamina");
    for (int c = 0; c < cases; c++) {
      int base = random.nextInt(4) == 0 ? 1 : 0;
      int kind = random.nextInt(5);
      byte[] bytes = mutate(kind, bases.get(base), entries.get(base), random);
      Files.write(file, bytes);
      String label = "case " + c + " (seed " + seed + ", kind " + kind + ")";
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
    System.out.printf("model file fuzz: %d cases, %d loaded, %d refused with "
        + "ModelFormatException%n", cases, loaded, refused);
    assertTrue(refused > cases / 4 && loaded > 0, "the mutations reach both outcomes");
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
