package dev.lamina.runtime.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated JSON and zips, seeded so every failure replays: whatever the bytes, the readers either
 * succeed or throw {@link ModelFormatException}, and each case ends within its time bound. More
 * cases on demand: {@code -Dlamina.fuzz.cases=100000} (per format; the default keeps the suite
 * fast) and {@code -Dlamina.fuzz.seed=...}.
 */
class FormatFuzzTest {

  static final long SEED = Long.getLong("lamina.fuzz.seed", 20261127L);
  static final int JSON_CASES = Integer.getInteger("lamina.fuzz.cases", 1600);
  static final int ZIP_CASES = Integer.getInteger("lamina.fuzz.cases", 600);
  static final Duration PER_CASE = Duration.ofSeconds(5);

  static final String CONFIG = """
      {"module": "keras", "class_name": "Functional", "config": {"name": "slice_model",
        "layers": [
          {"class_name": "InputLayer", "name": "input_1",
           "config": {"batch_shape": [null, 4, 2], "dtype": "float32", "sparse": false}},
          {"class_name": "Lambda", "name": "slice_0",
           "config": {"function": {"class_name": "function", "config": "slice"},
                      "arguments": {"index": 0}, "output_shape": [4, 1], "rate": 0.1,
                      "mask": null, "bytecode": "4wEAAAAAAAAA\\u00e9\\ud83d\\ude00\\n"},
           "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
                               "config": {"keras_history": ["input_1", 0, 0]}}]}]}],
        "edges": [-0.0, 1.4E-45, 3.4028235E38, 4.9E-324, -9223372036854775808, 1e2, 2.50]}}
      """;

  static final byte[][] FRAGMENTS = fragments();

  static byte[][] fragments() {
    String[] text = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00",
      "\"\\ud83d\\ude00\"", "1e99999", "-", "-0", "01", "1.", ".5", "NaN", "Infinity",
      "-Infinity", "null", "true", "false", "tru", "\u0000", "\u00a0", "'a'", "/* c */", "// c\n",
      ",]", ",}", "\"a\":1,\"a\":2", "1" + "0".repeat(300), "1e-99999999999",
      "123456789012345678901234567890", "9223372036854775808", "\"" + "x".repeat(2000) + "\"",
      "[[[[[[[[", "]]]]", "{\"k\":", "\r\n", "\t", "1e400", "-1e-400", "\"\\\"\"", "\"\\/\""};
    byte[][] raw = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0,
      (byte) 0x80}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xF4, (byte) 0x90,
      (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}};
    byte[][] all = new byte[text.length + raw.length][];
    for (int k = 0; k < text.length; k++) {
      all[k] = text[k].getBytes(UTF_8);
    }
    System.arraycopy(raw, 0, all, text.length, raw.length);
    return all;
  }

  @TempDir Path dir;

  // ---- JSON

  @Test
  void mutatedJsonIsReadOrRefusedWithModelFormatException() throws Exception {
    var r = new Random(SEED);
    byte[] pretty = CONFIG.getBytes(UTF_8);
    byte[] compact = Json.writeBytes(Json.parse(pretty, "seed"), Json.Style.COMPACT);
    var small = new Json.Limits(4096, 8, 64, 200, 20, false);
    int accepted = 0;
    for (int c = 0; c < JSON_CASES; c++) {
      byte[] input = c % 20 == 19 ? deep(r) : mutate(r, r.nextBoolean() ? pretty : compact);
      Json.Limits limits = c % 5 == 4 ? small : Json.Limits.DEFAULT.withNonFinite(c % 3 == 0);
      if (runCase("json", c, input, () -> readJson(input, limits))) {
        accepted++;
      }
    }
    System.out.printf("JSON fuzz: %d cases (seed %d), %d read, %d refused%n", JSON_CASES, SEED,
        accepted, JSON_CASES - accepted);
    assertTrue(accepted > 0 && accepted < JSON_CASES, "the mutations reach both outcomes");
  }

  static boolean readJson(byte[] input, Json.Limits limits) throws ModelFormatException {
    try {
      Object v = Json.parse(input, "fuzz.json", limits);
      walk(v);
      if (!hasNonFinite(v)) {
        assertEquals(v, Json.parse(Json.writeBytes(v, Json.Style.PRETTY), "again", limits),
            "what was read writes back to the same values");
      }
      return true;
    } catch (ModelFormatException e) {
      assertTrue(e.getMessage().startsWith("fuzz.json"), e.getMessage());
      return false;
    }
  }

  /** Every accessor on every value: each returns or throws ModelFormatException. */
  static void walk(Object v) {
    if (v instanceof JsonObject o) {
      for (String key : o.keySet()) {
        probe(() -> o.requireString(key));
        probe(() -> o.requireLong(key));
        probe(() -> o.requireInt(key));
        probe(() -> o.requireFloat(key));
        probe(() -> o.requireDouble(key));
        probe(() -> o.requireBoolean(key));
        probe(() -> o.optObject(key));
        probe(() -> o.requireArray(key));
        walk(o.get(key));
      }
      probe(() -> o.rejectUnknownKeys("name"));
    } else if (v instanceof JsonArray a) {
      probe(a::longs);
      probe(a::floats);
      probe(a::doubles);
      probe(a::strings);
      probe(a::objects);
      probe(() -> a.requireInt(a.size()));
      for (Object item : a) {
        walk(item);
      }
    }
  }

  interface Probe {
    Object run() throws ModelFormatException;
  }

  static void probe(Probe p) {
    try {
      p.run();
    } catch (ModelFormatException e) {
      assertTrue(e.line() > 0 && e.path().startsWith("$"), e.getMessage());
    }
  }

  static boolean hasNonFinite(Object v) {
    if (v instanceof JsonNumber n) {
      return !n.isFinite();
    } else if (v instanceof Map<?, ?> m) {
      return m.values().stream().anyMatch(FormatFuzzTest::hasNonFinite);
    } else if (v instanceof List<?> l) {
      return l.stream().anyMatch(FormatFuzzTest::hasNonFinite);
    }
    return false;
  }

  static byte[] mutate(Random r, byte[] seed) {
    byte[] b = seed;
    for (int m = 1 + r.nextInt(3); m > 0; m--) {
      int at = r.nextInt(b.length + 1);
      switch (r.nextInt(6)) {
        case 0 -> { // flip a few bytes
          b = b.clone();
          for (int k = 1 + r.nextInt(8); k > 0 && b.length > 0; k--) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
          }
        }
        case 1 -> b = Arrays.copyOf(b, at); // truncate
        case 2, 3 -> b = splice(b, at, at, FRAGMENTS[r.nextInt(FRAGMENTS.length)]); // insert
        case 4 -> b = splice(b, at, Math.min(b.length, at + 1 + r.nextInt(20)), new byte[0]);
        default -> { // repeat a stretch, as a duplicated member or element would
          int end = Math.min(b.length, at + 1 + r.nextInt(200));
          b = splice(b, end, end, Arrays.copyOfRange(b, at, end));
        }
      }
    }
    return b;
  }

  static byte[] splice(byte[] b, int from, int to, byte[] insert) {
    var out = new ByteArrayOutputStream();
    out.write(b, 0, from);
    out.writeBytes(insert);
    out.write(b, to, b.length - to);
    return out.toByteArray();
  }

  /** Deep nesting, closed or not, of arrays and objects, far past any depth limit. */
  static byte[] deep(Random r) {
    int depth = 100 + r.nextInt(50_000);
    String open = r.nextBoolean() ? "[" : "{\"a\":";
    String close = open.equals("[") ? "]" : "}";
    String closing = r.nextBoolean() ? close.repeat(depth) : "";
    return (open.repeat(depth) + "1" + closing).getBytes(UTF_8);
  }

  // ---- zip

  @Test
  void mutatedZipsAreReadOrRefusedWithModelFormatException() throws Exception {
    var r = new Random(SEED + 1);
    Path written = dir.resolve("seed.lamina");
    try (var w = ZipArchiveWriter.create(written)) {
      w.write("config.json", CONFIG.getBytes(UTF_8));
      w.write("weights/w.bin", Zips.bytes(4096, 7));
      w.commit();
    }
    byte[][] seeds = {
      Files.readAllBytes(written),
      Zips.zip("config.json!", CONFIG.getBytes(UTF_8), "assets/", new byte[0], "zeros",
          new byte[64 << 10]),
      Zips.zip("bomb", new byte[4 << 20]), // 4 MiB of zeros in about 4 KiB
      Zips.zip("a.json", "[1]".getBytes(UTF_8), "b", new byte[2 << 20], "c", new byte[2 << 20]),
      Zips.zip64(Zips.zip("z.json", "{}".getBytes(UTF_8), "y", new byte[3]), 2),
    };
    var tight = new ZipArchive.Limits(1 << 20, 16, 256 << 10, 512 << 10, 100, 64 << 10);
    Path file = dir.resolve("case.zip");
    int accepted = 0;
    for (int c = 0; c < ZIP_CASES; c++) {
      byte[] seed = seeds[r.nextInt(seeds.length)];
      byte[] input = switch (r.nextInt(6)) {
        case 0 -> seed; // the bombs as they are
        case 1 -> patchField(r, seed.clone());
        case 2 -> Zips.bytes(r.nextInt(200), r.nextInt()); // not a zip at all
        case 3 -> overlap(r, seed);
        default -> mutateZip(r, seed);
      };
      ZipArchive.Limits limits = r.nextBoolean() ? tight : ZipArchive.Limits.DEFAULT;
      Files.write(file, input);
      if (runCase("zip", c, input, () -> readZip(file, limits))) {
        accepted++;
      }
    }
    System.out.printf("zip fuzz: %d cases (seed %d), %d read, %d refused%n", ZIP_CASES, SEED + 1,
        accepted, ZIP_CASES - accepted);
    assertTrue(accepted > 0 && accepted < ZIP_CASES, "the mutations reach both outcomes");
  }

  static boolean readZip(Path file, ZipArchive.Limits limits) throws IOException {
    try (var zip = ZipArchive.open(file, limits)) {
      for (String name : zip.names()) {
        if (!name.endsWith("/")) {
          byte[] data = zip.read(name);
          if (name.endsWith(".json")) {
            walk(Json.parse(data, name));
          }
          // Nothing is inflated twice: a second read is refused, whatever the entry.
          var again = assertThrows(ModelFormatException.class, () -> zip.read(name));
          assertTrue(again.getMessage().endsWith("already read; an archive reads each entry"
              + " once, so no entry is inflated twice"), again.getMessage());
        }
      }
      return true;
    } catch (ModelFormatException e) {
      assertTrue(e.getMessage().startsWith("case.zip") || e.getMessage().endsWith(".json")
          || e.getMessage().contains(".json:"), e.getMessage());
      return false;
    }
  }

  static byte[] mutateZip(Random r, byte[] seed) {
    byte[] b = seed;
    switch (r.nextInt(3)) {
      case 0 -> {
        b = b.clone();
        for (int k = 1 + r.nextInt(16); k > 0; k--) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
      }
      case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length));
      default -> {
        int at = r.nextInt(b.length + 1);
        b = splice(b, at, at, Zips.bytes(1 + r.nextInt(64), r.nextInt()));
      }
    }
    return b;
  }

  /**
   * One directory record over other bytes: another record's location and sizes (two names, one
   * stream), an offset moved into or near another entry, or that offset in a zip64 field.
   */
  static byte[] overlap(Random r, byte[] seed) {
    int records = 0;
    try {
      while (true) {
        Zips.header(seed, Zips.CEN, records);
        records++;
      }
    } catch (AssertionError end) {
      // counted
    }
    if (records == 0) {
      return seed;
    }
    int to = r.nextInt(records);
    int from = r.nextInt(records);
    byte[] b = Zips.sharing(seed, to, from);
    long offset = Zips.u32(b, Zips.header(b, Zips.CEN, to) + 42);
    switch (r.nextInt(3)) {
      case 0 -> { // the shared stream as it is
      }
      case 1 -> Zips.put32(b, Zips.header(b, Zips.CEN, to) + 42,
          Math.max(0, offset + r.nextInt(80) - 16));
      default -> b = Zips.zip64Offset(b, to, Math.max(0, offset + r.nextInt(3) - 1));
    }
    return b;
  }

  /** Sets one numeric field of a local, central or end header to a hostile value. */
  static byte[] patchField(Random r, byte[] b) {
    int[][] fields = { // signature, then (offset, width) pairs: flags, method, crc, sizes, lengths
      {Zips.LOC, 6, 2, 8, 2, 14, 4, 18, 4, 22, 4, 26, 2, 28, 2},
      {Zips.CEN, 8, 2, 10, 2, 16, 4, 20, 4, 24, 4, 28, 2, 30, 2, 32, 2, 42, 4},
      {0x06054b50, 8, 2, 10, 2, 12, 4, 16, 4, 20, 2},
      {0x06064b50, 24, 8, 32, 8, 40, 8, 48, 8}, // zip64 end record
      {0x07064b50, 8, 8}, // zip64 locator
    };
    int[] f = fields[r.nextInt(fields.length)];
    int at;
    try {
      at = Zips.header(b, f[0], r.nextInt(2));
    } catch (AssertionError none) {
      try {
        at = Zips.header(b, f[0], 0);
      } catch (AssertionError noZip64) {
        return b;
      }
    }
    int field = 1 + 2 * r.nextInt((f.length - 1) / 2);
    long[] hostile = {0, 1, 0xFFFF, 0xFFFFFFFFL, 0x7FFFFFFF, 0x80000000L,
      r.nextInt() & 0xFFFFFFFFL};
    long v = hostile[r.nextInt(hostile.length)];
    if (f[field + 1] == 2) {
      Zips.put16(b, at + f[field], (int) v);
    } else if (f[field + 1] == 8) {
      Zips.put64(b, at + f[field], r.nextBoolean() ? v : v << 32 | v);
    } else {
      Zips.put32(b, at + f[field], v);
    }
    return b;
  }

  // ---- one case

  interface Case {
    boolean run() throws IOException;
  }

  /** Runs a case within its time bound; anything but a clean result or refusal fails the test. */
  static boolean runCase(String kind, int c, byte[] input, Case body) {
    try {
      return assertTimeoutPreemptively(PER_CASE, body::run);
    } catch (Throwable t) {
      // Replays with the seed; the first bytes say what the input looked like.
      fail(kind + " case " + c + " (seed " + SEED + ", " + input.length + " bytes, starting "
          + new String(Arrays.copyOf(input, Math.min(80, input.length)), UTF_8) + ")", t);
      return false;
    }
  }
}
