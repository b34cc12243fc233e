package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    assertContains(refused(file), "model.keras: not a Keras model file: it is JSON text",
        "Lamina reads Keras 3 .keras files");
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
    assertContains(refused(file), "layer 'probs' (Dense), cannot be applied to (None, 8)",
        "weight 'kernel' has shape (8, 2000000000), whose sizes multiply to more than "
            + "2147483639 values");
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
      "[2000000000, 2000000000]", "NaN", "Infinity", "-Infinity"};
  private static final String[] NON_FINITE = {"NaN", "Infinity", "-Infinity", "[1.0, NaN]",
      "{\"k\": -Infinity}"};
  /** Filter ids a pipeline mutation writes: HDF5's, the plugins', nobody's. */
  private static final int[] FILTER_IDS = {0, 1, 2, 3, 4, 32000, 32004, 32008, 32015, 65535};
  /** Values a declared size or filter parameter becomes. */
  private static final long[] ODD_SIZES = {0, 1, 3, 4, 7, 8, 95, 96, 97, 255, 4096, 0x7FFFFFF0L,
      0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 1L << 40, -1L};
  private static final int MODES = 7;

  /**
   * Seeded mutations, by default 3,500 (about 20 s; {@code -Dlamina.fuzz.cases=100000} for more),
   * each mode in turn:
   *
   * <ol start="0">
   *   <li>raw bytes of one of the four fixtures' zip;
   *   <li>bytes of its config.json inside a valid zip;
   *   <li>one JSON value of its config.json replaced by an odd one (NaN and the infinities too);
   *   <li>bytes of its model.weights.h5 inside a valid zip;
   *   <li>bytes of a filtered weights file (fixtures/hdf5_filters.zip: legal encodings, bombs,
   *       broken pipelines), half the time inside a chunk or a filter description;
   *   <li>a declared size in a chunk (LZ4 and bitshuffle headers and blocks, big-endian), a filter
   *       parameter or a filter id overwritten with an odd value;
   *   <li>a non-finite number among the arguments of the slice or square Lambda, bound or not.
   * </ol>
   *
   * <p>Each either loads or fails with ModelFormatException with a message; anything else that
   * escapes (an Error included) is counted and fails the test, listed, at the end.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.MINUTES)
  void fuzzedFilesFailOnlyWithModelFormatException() throws Exception {
    int cases = Integer.getInteger("lamina.fuzz.cases", 3500);
    Random random = new Random(14);
    List<Hdf5Fixtures.Entry> filtered = Hdf5Fixtures.all();
    long start = System.nanoTime();
    int loaded = 0;
    int refused = 0;
    int escaped = 0;
    int[] perMode = new int[MODES];
    List<String> escapes = new ArrayList<>();
    for (int round = 0; round < cases; round++) {
      String fixture = FIXTURES[round % FIXTURES.length];
      int mode = (round / FIXTURES.length) % MODES;
      perMode[mode]++;
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
        case 3 -> {
          entries.put("model.weights.h5", mutate(entries.get("model.weights.h5"), random));
          KerasZips.write(file, entries);
          what = "weights bytes";
        }
        case 4, 5 -> {
          Hdf5Fixtures.Entry h5 = filtered.get(random.nextInt(filtered.size()));
          fixture = "sequential_dense.keras with " + h5.name();
          byte[] bytes = mode == 4 ? mutateFiltered(h5, random) : mutateDeclared(h5, random);
          Hdf5Fixtures.keras(dir, "fuzz-" + round, bytes);
          file = dir.resolve("fuzz-" + round + ".keras");
          what = mode == 4 ? "filtered weights bytes" : "declared size, filter value or id";
        }
        default -> {
          fixture = round % 2 == 0 ? "slice.keras" : "square.keras";
          entries = KerasZips.entries(Fixtures.path(fixture));
          String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
          String odd = NON_FINITE[random.nextInt(NON_FINITE.length)];
          String edited = fixture.equals("slice.keras")
              ? config.replaceFirst("\"index\": [01]", "\"index\": " + odd)
              : config.replace("\"arguments\": {}", "\"arguments\": {\"factor\": " + odd + "}");
          entries.put("config.json", edited.getBytes(StandardCharsets.UTF_8));
          KerasZips.write(file, entries);
          what = "non-finite argument " + odd;
        }
      }
      // Non-finite arguments: half with bindings, half without (the missing-binding message).
      LambdaBindings bindings = mode == 6 && round % 8 >= 4 ? LambdaBindings.of() : ALL;
      try {
        KerasModels.load(file, bindings, KerasImportOptions.defaults().withNotes(n -> { }))
            .close();
        loaded++;
      } catch (ModelFormatException e) {
        refused++;
        if (e.getMessage() == null || e.getMessage().isBlank()) {
          escaped++;
          escapes.add("round " + round + " (" + fixture + ", " + what + "): empty message");
        }
      } catch (Throwable t) {
        escaped++;
        if (escapes.size() < 20) {
          var trace = new java.io.StringWriter();
          t.printStackTrace(new java.io.PrintWriter(trace));
          escapes.add("round " + round + " (" + fixture + ", " + what + "): " + trace);
        }
      }
      Files.delete(file);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(java.util.Locale.ROOT, "fuzz: %d cases (per mode %s), %d loaded, %d "
        + "refused with ModelFormatException, %d escaped, %.1f s%n", cases,
        Arrays.toString(perMode), loaded, refused, escaped, seconds);
    String listed = escaped + " escaped:\n" + String.join("\n", escapes);
    assertTrue(escapes.isEmpty(), listed);
    assertTrue(refused > cases / 2, "refused " + refused + " of " + cases);
  }

  /** Random bytes of a filtered weights file, half the time within a chunk or a filter. */
  private static byte[] mutateFiltered(Hdf5Fixtures.Entry h5, Random random) throws Exception {
    byte[] b = h5.bytes().clone();
    List<int[]> regions = regions(h5);
    if (regions.isEmpty() || random.nextBoolean()) {
      return mutate(b, random);
    }
    int[] region = regions.get(random.nextInt(regions.size()));
    for (int k = 1 + random.nextInt(4); k > 0; k--) {
      b[region[0] + random.nextInt(region[1])] ^= (byte) (1 + random.nextInt(255));
    }
    return b;
  }

  /** Chunks ({offset, size}) and filter descriptions of a file, from its index entry. */
  private static List<int[]> regions(Hdf5Fixtures.Entry h5) throws Exception {
    List<int[]> regions = new ArrayList<>();
    for (var chunk : h5.index().requireArray("chunk_data").objects()) {
      regions.add(new int[] {chunk.requireInt("byte_offset"), Math.max(1,
          chunk.requireInt("size"))});
    }
    JsonArray fields = h5.index().requireArray("pipeline_fields");
    for (int i = 0; i < fields.size(); i++) {
      if (!fields.isNull(i)) {
        int id = fields.requireObject(i).requireInt("id");
        int values = fields.requireObject(i).requireInt("values");
        regions.add(new int[] {id, values - id + 4});
      }
    }
    return regions;
  }

  /** One declared size, filter parameter or filter id overwritten with an odd value. */
  private static byte[] mutateDeclared(Hdf5Fixtures.Entry h5, Random random) throws Exception {
    byte[] b = h5.bytes().clone();
    JsonArray chunks = h5.index().requireArray("chunk_data");
    JsonArray fields = h5.index().requireArray("pipeline_fields");
    JsonArray filters = h5.index().requireArray("filters");
    long odd = ODD_SIZES[random.nextInt(ODD_SIZES.length)];
    int choice = random.nextInt(3);
    if (choice == 0 && !chunks.isEmpty()) {
      // A chunk's header or any 4 or 8 bytes in it, big-endian as the LZ4 framings are.
      JsonObject chunk = chunks.requireObject(random.nextInt(chunks.size()));
      int at = chunk.requireInt("byte_offset");
      int size = chunk.requireInt("size");
      int[] places = {0, 8, 12, 0, 8, random.nextInt(Math.max(1, size))};
      int where = at + places[random.nextInt(places.length)];
      int width = where - at == 0 || random.nextBoolean() ? 8 : 4;
      for (int k = 0; k < width && where + k < b.length; k++) {
        b[where + k] = (byte) (odd >>> (8 * (width - 1 - k)));
      }
      return b;
    }
    int f = fields.isEmpty() ? -1 : random.nextInt(fields.size());
    if (f < 0 || fields.isNull(f)) {
      return mutate(b, random);
    }
    JsonObject field = fields.requireObject(f);
    int count = filters.requireArray(f).requireArray(2).size();
    if (choice == 1 && count > 0) {
      int where = field.requireInt("values") + 4 * random.nextInt(count);
      for (int k = 0; k < 4; k++) {
        b[where + k] = (byte) (odd >>> (8 * k)); // little-endian, as HDF5 stores them
      }
    } else {
      int id = FILTER_IDS[random.nextInt(FILTER_IDS.length)];
      int where = field.requireInt("id");
      b[where] = (byte) id;
      b[where + 1] = (byte) (id >>> 8);
    }
    return b;
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
