package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and hostile legacy {@code .h5} files: every load either succeeds or fails with a
 * ModelFormatException that has a message, in a fuzz of the Keras 2 and Keras 3 fixtures; and the
 * worst of them are loaded again in a JVM of 64 MiB of heap, which must survive them.
 */
class KerasHostileH5Test {

  @TempDir
  Path dir;

  private static final String[] FIXTURES = {"slice", "square", "antirectifier", "merging",
      "conv2d", "keras3_legacy", "variant_fixed_strings"};
  private static final LambdaBindings ALL = KerasFixturesTest.SLICE
      .bind("antirectifier", args -> AntirectifierLayer.of())
      .bind("lambda", args -> SquareLayer.of());
  /** HDF5 structures whose bytes a mutation aims at: headers, B-trees, heaps, the superblock. */
  private static final String[] SIGNATURES = {"OHDR", "TREE", "HEAP", "GCOL", "SNOD", "OCHK",
      "BTHD", "BTLF", "FRHP", "FHDB", "\u0089HDF"};
  private static final long[] ODD = {0, 1, 7, 8, 255, 4096, 0x7FFFFFF0L, 0x7FFFFFFFL,
      0xFFFFFFFFL, 1L << 40, -1L};
  private static final int MODES = 5;

  /**
   * Seeded mutations, by default 1,400 ({@code -Dlamina.fuzz.cases=...} for more), each mode in
   * turn over the fixtures:
   *
   * <ol start="0">
   *   <li>raw bytes anywhere (flips, truncation, runs of 0x00 or 0xFF, copied slices);
   *   <li>bytes of the model_config JSON text (its global-heap object), the lambdas' base64
   *       bytecode included;
   *   <li>bytes just after an HDF5 structure's signature (object headers, B-trees, heaps);
   *   <li>a 4- or 8-byte little-endian field after a signature set to an odd size or offset;
   *   <li>bytes of a weight_names or layer_names string.
   * </ol>
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void fuzzedH5FilesFailOnlyWithModelFormatException() throws Exception {
    int cases = Integer.getInteger("lamina.fuzz.cases", 1400);
    Random random = new Random(25);
    int loaded = 0;
    int refused = 0;
    int[] perMode = new int[MODES];
    List<String> escapes = new ArrayList<>();
    long start = System.nanoTime();
    for (int round = 0; round < cases; round++) {
      String fixture = FIXTURES[round % FIXTURES.length];
      int mode = (round / FIXTURES.length) % MODES;
      perMode[mode]++;
      byte[] original = Files.readAllBytes(Fixtures.path("h5/" + fixture + ".h5"));
      byte[] bytes = switch (mode) {
        case 0 -> mutate(original, random);
        case 1 -> inRegion(original, find(original, "{\"class_name\""), random,
            indexOf(original, "]}}".getBytes(StandardCharsets.US_ASCII), 0));
        case 2 -> nearSignature(original, random, false);
        case 3 -> nearSignature(original, random, true);
        default -> inRegion(original, Math.max(find(original, "/kernel"),
            find(original, "dense")), random, -1);
      };
      Path file = Files.write(dir.resolve("fuzz-" + round + ".h5"), bytes);
      try {
        KerasModels.load(file, ALL, KerasImportOptions.defaults().withNotes(n -> { })).close();
        loaded++;
      } catch (ModelFormatException e) {
        refused++;
        if (e.getMessage() == null || e.getMessage().isBlank()) {
          escapes.add("round " + round + " (" + fixture + ", mode " + mode + "): empty message");
        }
      } catch (Throwable t) {
        if (escapes.size() < 20) {
          var trace = new java.io.StringWriter();
          t.printStackTrace(new java.io.PrintWriter(trace));
          escapes.add("round " + round + " (" + fixture + ", mode " + mode + "): " + trace);
        } else {
          escapes.add("round " + round + ": " + t);
        }
      }
      Files.delete(file);
    }
    System.out.printf(java.util.Locale.ROOT, "h5 fuzz: %d cases (per mode %s), %d loaded, %d "
        + "refused with ModelFormatException, %d escaped, %.1f s%n", cases,
        Arrays.toString(perMode), loaded, refused, escapes.size(),
        (System.nanoTime() - start) / 1e9);
    assertTrue(escapes.isEmpty(), escapes.size() + " escaped:\n" + String.join("\n", escapes));
    assertTrue(refused > cases / 3, "refused " + refused + " of " + cases);
    assertTrue(loaded > 0, "nothing loaded: the mutations are not probing past the first check");
  }

  /**
   * Odd sizes in the structures after each signature, loaded in a JVM of 64 MiB of heap: a
   * reader that allocated what such a field declares would fail that JVM. Each must load or be
   * refused with a ModelFormatException, and the JVM must finish.
   */
  @Test
  void oddDeclaredSizesInASmallHeap() throws Exception {
    Random random = new Random(2017);
    List<String> files = new ArrayList<>();
    for (String fixture : List.of("slice", "antirectifier", "variant_fixed_strings")) {
      byte[] original = Files.readAllBytes(Fixtures.path("h5/" + fixture + ".h5"));
      for (int k = 0; k < 40; k++) {
        Path file = dir.resolve(fixture + "-" + k + ".h5");
        Files.write(file, nearSignature(original, random, true));
        files.add(file.toString());
      }
    }
    Map<String, String> outcomes = KerasHostileHdf5Test.runInSmallHeap(files);
    assertEquals(files.size(), outcomes.size(), outcomes.toString());
    for (var e : outcomes.entrySet()) {
      assertTrue(e.getValue().equals("LOADED") || e.getValue().startsWith(
          ModelFormatException.class.getName() + ": "), e.getKey() + ": " + e.getValue());
    }
  }

  private static int find(byte[] b, String text) {
    return indexOf(b, text.getBytes(StandardCharsets.ISO_8859_1), 0);
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A few bytes flipped between {@code from} and {@code to} (or 200 bytes on). */
  private static byte[] inRegion(byte[] in, int from, Random random, int to) {
    if (from < 0) {
      return mutate(in, random);
    }
    int end = to > from ? to : Math.min(in.length, from + 200);
    byte[] b = in.clone();
    for (int k = 1 + random.nextInt(4); k > 0; k--) {
      b[from + random.nextInt(Math.max(1, end - from))] ^= (byte) (1 + random.nextInt(255));
    }
    return b;
  }

  /** Bytes (or an odd little-endian field) just after a random structure's signature. */
  private static byte[] nearSignature(byte[] in, Random random, boolean field) {
    List<Integer> places = new ArrayList<>();
    for (String signature : SIGNATURES) {
      byte[] s = signature.getBytes(StandardCharsets.ISO_8859_1);
      for (int at = indexOf(in, s, 0); at >= 0; at = indexOf(in, s, at + 1)) {
        places.add(at + s.length);
      }
    }
    if (places.isEmpty()) {
      return mutate(in, random);
    }
    int at = places.get(random.nextInt(places.size())) + random.nextInt(40);
    byte[] b = in.clone();
    if (!field) {
      for (int k = 1 + random.nextInt(3); k > 0 && at < b.length; k--) {
        b[Math.min(b.length - 1, at + random.nextInt(8))] ^= (byte) (1 + random.nextInt(255));
      }
      return b;
    }
    long odd = ODD[random.nextInt(ODD.length)];
    int width = random.nextBoolean() ? 8 : 4;
    for (int k = 0; k < width && at + k < b.length; k++) {
      b[at + k] = (byte) (odd >>> (8 * k));
    }
    return b;
  }

  private static byte[] mutate(byte[] in, Random random) {
    byte[] b = in.clone();
    switch (random.nextInt(4)) {
      case 0 -> {
        for (int k = 1 + random.nextInt(8); k > 0; k--) {
          b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
        }
      }
      case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length));
      case 2 -> {
        int at = random.nextInt(b.length);
        byte fill = random.nextBoolean() ? 0 : (byte) 0xFF;
        for (int k = at; k < Math.min(b.length, at + 1 + random.nextInt(16)); k++) {
          b[k] = fill;
        }
      }
      default -> {
        int from = random.nextInt(b.length);
        int to = random.nextInt(b.length);
        int n = Math.min(random.nextInt(64), Math.min(b.length - from, b.length - to));
        System.arraycopy(in, from, b, to, n);
      }
    }
    return b;
  }
}
