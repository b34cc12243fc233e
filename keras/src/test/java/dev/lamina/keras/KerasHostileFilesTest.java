package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.ModelFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and hostile files: one exception type, a clear message, nothing allocated blindly. */
class KerasHostileFilesTest {

  @TempDir
  Path dir;

  private static final LambdaBindings ALL = KerasFixturesTest.SLICE
      .bind("antirectifier", args -> AntirectifierLayer.of())
      .bind("lambda", args -> SquareLayer.of());

  private static String refused(Path file) {
    return assertThrows(ModelFormatException.class,
        () -> KerasModels.load(file, ALL, KerasImportOptions.defaults().withNotes(n -> { })))
        .getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "expected <" + part + "> in:\n" + message);
    }
  }

  @Test
  void truncatedZip() throws Exception {
    byte[] bytes = Files.readAllBytes(Fixtures.path("two_inputs.keras"));
    Path file = Files.write(dir.resolve("truncated.keras"), Arrays.copyOf(bytes,
        bytes.length / 2));
    assertContains(refused(file), "truncated.keras: not a readable zip file");
  }

  @Test
  void notAZipAtAll() throws Exception {
    Path file = Files.writeString(dir.resolve("model.keras"), "{\"class_name\": \"Sequential\"}");
    assertContains(refused(file), "model.keras: not a readable zip file");
  }

  @Test
  void corruptEntryFailsItsChecksum() throws Exception {
    byte[] bytes = Files.readAllBytes(Fixtures.path("two_inputs.keras"));
    // The weights are stored uncompressed: flip a byte in the middle of their data.
    int at = indexOf(bytes, "TREE".getBytes(StandardCharsets.US_ASCII)) + 200;
    bytes[at] ^= 0x55;
    Path file = Files.write(dir.resolve("corrupt.keras"), bytes);
    assertContains(refused(file), "corrupt.keras!model.weights.h5", "CRC-32 mismatch");
  }

  @Test
  void missingWeightsEntry() throws Exception {
    Path file = KerasZips.withEntry(dir, "two_inputs.keras", "model.weights.h5", null);
    assertContains(refused(file), "no entry \"model.weights.h5\"");
  }

  @Test
  void weightsEntryThatIsNotHdf5() throws Exception {
    Path file = KerasZips.withEntry(dir, "two_inputs.keras", "model.weights.h5",
        "not an HDF5 file".getBytes(StandardCharsets.UTF_8));
    assertContains(refused(file), "!model.weights.h5: not a readable HDF5 file");
  }

  @Test
  void weightsOfAnotherModel() throws Exception {
    byte[] other = KerasZips.entries(Fixtures.path("two_inputs.keras")).get("model.weights.h5");
    Path file = KerasZips.withEntry(dir, "antirectifier.keras", "model.weights.h5", other);
    assertContains(refused(file), "!model.weights.h5: layers/dense/vars:",
        "belongs to layer 'shared_dense', but Keras's order puts the weights of layer 'dense' "
            + "(Dense) here");
  }

  @Test
  void weightsOfAnotherShape() throws Exception {
    // two_inputs' shared_dense is 6x4; a model that makes it 6x5 finds the file's 6x4.
    Path file = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replace(
        "\"units\": 4", "\"units\": 5").replace("[null, 4]", "[null, 5]")
        .replace("[null, 8]", "[null, 10]"));
    assertContains(refused(file), "layers/dense/vars/0: has shape (6, 4), but layer "
        + "'shared_dense' (Dense)'s weight 'kernel' has shape (6, 5)");
  }

  @Test
  void hugeDeclaredInputShapeIsRefusedBeforeAnythingIsSized() throws Exception {
    Path file = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replace(
        "\"batch_shape\": [null, 2, 3]", "\"batch_shape\": [null, 2000000000, 2000000000]"));
    assertContains(refused(file), "a tensor of shape (None, 2000000000, 2000000000) has more "
        + "than 2147483648 values per sample");
  }

  @Test
  void hugeDenseIsRefusedBeforeItsKernelIsAllocated() throws Exception {
    Path file = KerasZips.withConfig(dir, "two_inputs.keras", c -> c.replace(
        "\"units\": 3", "\"units\": 2000000000"));
    assertContains(refused(file), "layer 'probs' (Dense): a kernel of 8 x 2000000000 values is "
        + "more than the limit of 268435456");
  }

  @Test
  void zipBombIsStoppedByTheRatioLimit() throws Exception {
    Map<String, byte[]> entries = KerasZips.entries(Fixtures.path("two_inputs.keras"));
    entries.put("model.weights.h5", new byte[64 << 20]); // zeros deflate about 1000:1
    Path file = KerasZips.write(dir.resolve("bomb.keras"), entries);
    assertContains(refused(file), "a zip bomb?");
  }

  @Test
  void lambdaCodeIsNeverReadEvenWhenItIsGarbage() throws Exception {
    // The Python bytecode is opaque to Lamina: replace it by anything, the model still loads.
    Path file = KerasZips.withConfig(dir, "square.keras", c -> c.replaceFirst(
        "\"code\": \"[^\"]*\"", "\"code\": \"%%% not base64, not marshal %%%\""));
    try (Model model = KerasModels.load(file, ALL)) {
      Fixtures.assertPredictsAsKeras(model, "square");
    }
  }

  // ---- fuzz ----------------------------------------------------------------------------------

  private static final String[] FIXTURES = {"slice.keras", "square.keras", "antirectifier.keras",
      "two_inputs.keras"};
  private static final String[] ODD_VALUES = {"-1", "0", "2147483647", "-2147483648",
      "99999999999999999999", "1e308", "0.5", "null", "\"x\"", "[]", "{}", "true", "[null]",
      "[2000000000, 2000000000]"};

  /**
   * 2,400 seeded mutations of the four fixtures: raw bytes of the zip; bytes and values of
   * config.json inside a valid zip; bytes of model.weights.h5 inside a valid zip. Each either
   * loads or fails with ModelFormatException; nothing else escapes.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void fuzzedFilesFailOnlyWithModelFormatException() throws Exception {
    Random random = new Random(14);
    int loaded = 0;
    int refused = 0;
    for (int round = 0; round < 2400; round++) {
      String fixture = FIXTURES[round % FIXTURES.length];
      int mode = (round / FIXTURES.length) % 4;
      Path file = dir.resolve("fuzz-" + round + ".keras");
      Map<String, byte[]> entries = KerasZips.entries(Fixtures.path(fixture));
      String what;
      switch (mode) {
        case 0 -> {
          byte[] bytes = mutate(Files.readAllBytes(Fixtures.path(fixture)), random);
          Files.write(file, bytes);
          what = "zip bytes";
        }
        case 1 -> {
          entries.put("config.json", mutate(entries.get("config.json"), random));
          KerasZips.write(file, entries);
          what = "config.json bytes";
        }
        case 2 -> {
          String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
          entries.put("config.json", mutateValue(config, random).getBytes(
              StandardCharsets.UTF_8));
          KerasZips.write(file, entries);
          what = "config.json value";
        }
        default -> {
          entries.put("model.weights.h5", mutate(entries.get("model.weights.h5"), random));
          KerasZips.write(file, entries);
          what = "weights bytes";
        }
      }
      try {
        KerasModels.load(file, ALL, KerasImportOptions.defaults().withNotes(n -> { })).close();
        loaded++;
      } catch (ModelFormatException e) {
        refused++;
        if (e.getMessage() == null || e.getMessage().isBlank()) {
          fail("round " + round + " (" + fixture + ", " + what + "): empty message", e);
        }
      } catch (Throwable t) {
        fail("round " + round + " (" + fixture + ", " + what + "): " + t, t);
      }
      Files.delete(file);
    }
    assertTrue(refused > 1000, "refused " + refused);
    System.out.println("fuzz: " + loaded + " loaded, " + refused + " refused");
  }

  private static byte[] mutate(byte[] in, Random random) {
    byte[] b = in.clone();
    switch (random.nextInt(4)) {
      case 0 -> { // flip a few bytes
        for (int k = 1 + random.nextInt(8); k > 0; k--) {
          b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
        }
      }
      case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length)); // truncate
      case 2 -> { // overwrite a run with 0x00 or 0xFF (sizes, offsets)
        int at = random.nextInt(b.length);
        byte fill = random.nextBoolean() ? 0 : (byte) 0xFF;
        for (int k = at; k < Math.min(b.length, at + 1 + random.nextInt(16)); k++) {
          b[k] = fill;
        }
      }
      default -> { // duplicate a slice into another place
        int from = random.nextInt(b.length);
        int to = random.nextInt(b.length);
        int n = Math.min(random.nextInt(64), Math.min(b.length - from, b.length - to));
        System.arraycopy(in, from, b, to, n);
      }
    }
    return b;
  }

  private static final Pattern VALUE = Pattern.compile(
      "-?\\d+(\\.\\d+)?(e-?\\d+)?|null|true|false|\"[^\"]*\"");

  /** Replaces one JSON value (number, literal or string) with an odd one. */
  private static String mutateValue(String json, Random random) {
    Matcher m = VALUE.matcher(json);
    int count = 0;
    while (m.find()) {
      count++;
    }
    int pick = random.nextInt(count);
    m.reset();
    for (int k = 0; k <= pick; k++) {
      m.find();
    }
    String odd = ODD_VALUES[random.nextInt(ODD_VALUES.length)];
    return json.substring(0, m.start()) + odd + json.substring(m.end());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("not found");
  }
}
