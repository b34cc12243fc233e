package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.ModelFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chunked, filtered HDF5 datasets in model.weights.h5 (fixtures/hdf5_filters.zip): every legal
 * encoding loads the kernel's exact values; every hostile one (a chunk that inflates or declares
 * far more than its dataset holds, a broken filter pipeline) is a ModelFormatException naming the
 * dataset, read in a JVM of 64 MiB of heap so that a reader allocating what a chunk declares
 * would fail that JVM (with an OutOfMemoryError in its output), never the build's.
 */
class KerasHostileHdf5Test {

  @TempDir
  Path dir;

  /** The start of every message: the file, the weights entry and the kernel's dataset. */
  private static final String WHERE = "%s.keras!model.weights.h5: layers/dense/vars/0: ";

  /** What each hostile file's message must say beyond the file and dataset. */
  private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("bomb_deflate_twice", "deflate");
    EXPECTED.put("bomb_deflate", "deflate");
    EXPECTED.put("bomb_lz4_total", "lz4");
    EXPECTED.put("bomb_lz4_block", "lz4");
    EXPECTED.put("bomb_bitshuffle_total", "bitshuffle");
    EXPECTED.put("bomb_bitshuffle_block", "bitshuffle");
    EXPECTED.put("bomb_lzf", "lzf");
    EXPECTED.put("bad_huge_chunk", "chunks of shape (1048576, 256)");
    EXPECTED.put("bad_shuffle_zero", "shuffle");
    EXPECTED.put("bad_bitshuffle_values", "bitshuffle");
    EXPECTED.put("bad_unknown_filter", "filter 40000");
    EXPECTED.put("refused_zstd", "filter 32015");
    EXPECTED.put("bad_fixed_array_count", "needs more memory than the JVM has");
  }

  /**
   * good_latest_chunks with its fixed-array chunk index ('FAHD' header) declaring 2^31 - 16
   * entries, checksum recomputed: jhdf sizes a list by that count before reading any entry, a
   * path no check of Lamina's reaches (the count is not the dataset's). The OutOfMemoryError it
   * raises must still come out as a ModelFormatException.
   */
  static byte[] fixedArrayCountBomb(byte[] h5) {
    byte[] b = h5.clone();
    int at = -1;
    for (int i = 0; i + 4 <= b.length && at < 0; i++) {
      if (b[i] == 'F' && b[i + 1] == 'A' && b[i + 2] == 'H' && b[i + 3] == 'D') {
        at = i;
      }
    }
    assertTrue(at >= 0, "no fixed-array header in good_latest_chunks");
    // 'FAHD', version, client id, entry size, page bits, entries (8 bytes), data block address
    // (8 bytes), then the Jenkins lookup3 checksum of those 24 bytes, all little-endian.
    java.nio.ByteBuffer.wrap(b, at + 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putLong(0x7FFFFFF0L);
    int checksum = io.jhdf.checksum.ChecksumUtils.checksum(java.util.Arrays.copyOfRange(b, at,
        at + 24));
    java.nio.ByteBuffer.wrap(b, at + 24, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putInt(checksum);
    return b;
  }

  @Test
  void everyLegalEncodingLoadsTheKernelKerasWrote() throws Exception {
    int checked = 0;
    for (Hdf5Fixtures.Entry e : Hdf5Fixtures.all()) {
      if (!e.name().startsWith("good_")) {
        continue;
      }
      Path file = Hdf5Fixtures.keras(dir, e.name(), e.bytes());
      try (Model model = KerasModels.load(file)) {
        Fixtures.assertPredictsAsKeras(model, "sequential_dense");
      } catch (ModelFormatException | AssertionError failure) {
        fail(e.name() + " (" + e.index().optString("note", "") + "): " + failure, failure);
      }
      checked++;
    }
    assertEquals(13, checked, "good_* fixtures checked");
  }

  @Test
  void hostileChunksAreRefusedInASmallHeapAndTheJvmSurvives() throws Exception {
    List<String> args = new ArrayList<>();
    for (Hdf5Fixtures.Entry e : Hdf5Fixtures.all()) {
      if (EXPECTED.containsKey(e.name())) {
        args.add(Hdf5Fixtures.keras(dir, e.name(), e.bytes()).toString());
      }
      if (e.name().equals("good_latest_chunks")) {
        args.add(Hdf5Fixtures.keras(dir, "bad_fixed_array_count",
            fixedArrayCountBomb(e.bytes())).toString());
      }
    }
    assertEquals(EXPECTED.size(), args.size(), "hostile fixtures found");
    Map<String, String> outcomes = runInSmallHeap(args);
    for (var expected : EXPECTED.entrySet()) {
      String outcome = outcomes.get(expected.getKey() + ".keras");
      String prefix = ModelFormatException.class.getName() + ": "
          + String.format(WHERE, expected.getKey());
      assertTrue(outcome != null && outcome.startsWith(prefix)
          && outcome.contains(expected.getValue()), () -> expected.getKey() + ": expected <"
          + prefix + "...> with <" + expected.getValue() + ">, got: " + outcome);
    }
  }

  /** Loads the files in a JVM of 64 MiB heap; its outcome per file name. */
  static Map<String, String> runInSmallHeap(List<String> files) throws IOException,
      InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), HostileLoads.class.getName()));
    command.addAll(files);
    Path out = Files.createTempFile("hostile-loads", ".txt");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail("the loading JVM did not finish in 5 minutes:\n" + Files.readString(out));
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, process.exitValue(), () -> "the loading JVM died:\n" + text);
      assertTrue(text.contains("\nDONE") || text.startsWith("DONE"),
          () -> "the loading JVM stopped early:\n" + text);
      Map<String, String> outcomes = new LinkedHashMap<>();
      for (String line : text.split("\n")) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          outcomes.put(line.substring(0, tab), line.substring(tab + 1));
        }
      }
      return outcomes;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
