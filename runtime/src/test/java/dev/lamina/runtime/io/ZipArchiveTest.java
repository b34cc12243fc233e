package dev.lamina.runtime.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bounded reader: what it reads, each limit, and each hostile or corrupt archive. */
class ZipArchiveTest {

  @TempDir Path dir;

  Path file(byte[] bytes) throws IOException {
    return Files.write(dir.resolve("m.zip"), bytes);
  }

  ModelFormatException refusedAtOpen(byte[] zip, ZipArchive.Limits limits) throws IOException {
    Path f = file(zip);
    return assertThrows(ModelFormatException.class, () -> ZipArchive.open(f, limits).close());
  }

  ModelFormatException refusedAtRead(byte[] zip, ZipArchive.Limits limits, String entry)
      throws IOException {
    try (var a = ZipArchive.open(file(zip), limits)) {
      return assertThrows(ModelFormatException.class, () -> a.read(entry));
    }
  }

  static ZipArchive.Limits limits(int maxEntries, long maxEntry, long maxTotal, int ratio) {
    return new ZipArchive.Limits(1 << 30, maxEntries, maxEntry, maxTotal, ratio, 1 << 20);
  }

  @Test
  void readsWhatTheWriterWrote() throws Exception {
    Path f = dir.resolve("model.lamina");
    byte[] config = "{\"a\": 1}".getBytes(UTF_8);
    byte[] weights = Zips.bytes(100_000, 1);
    try (var w = ZipArchiveWriter.create(f)) {
      w.write("config.json", config);
      try (var out = w.stream("weights/dense.bin")) {
        out.write(weights, 0, 10);
        out.write(weights, 10, weights.length - 10);
      }
      w.write("empty", new byte[0]);
      w.commit();
    }
    try (var a = ZipArchive.open(f)) {
      assertEquals("model.lamina", a.name());
      assertEquals(List.of("config.json", "weights/dense.bin", "empty"), a.names());
      assertArrayEquals(config, a.read("config.json"));
      try (InputStream in = a.stream("weights/dense.bin")) {
        assertEquals(weights[0] & 0xFF, in.read());
        assertArrayEquals(Arrays.copyOfRange(weights, 1, weights.length), in.readAllBytes());
      }
      assertArrayEquals(new byte[0], a.read("empty"));
      assertTrue(a.contains("empty"));
      assertFalse(a.contains("weights"));
      assertEquals("model.lamina: no entry \"nope\"; it has"
          + " [config.json, weights/dense.bin, empty]",
          assertThrows(ModelFormatException.class, () -> a.read("nope")).getMessage());
    }
  }

  @Test
  void readsJsonEntriesNamingTheEntryInErrors() throws Exception {
    byte[] zip = Zips.zip("config.json", "{\"a\": 1}".getBytes(UTF_8), "bad.json",
        "{\n \"a\": [1,]}".getBytes(UTF_8), "list.json", "[]".getBytes(UTF_8));
    try (var a = ZipArchive.open(file(zip))) {
      JsonObject config = a.readJson("config.json");
      assertEquals(1, config.requireInt("a"));
      assertEquals("m.zip!config.json:1:7: at $.a: expected a string, found number 1",
          assertThrows(ModelFormatException.class, () -> config.requireString("a"))
              .getMessage());
      assertEquals("m.zip!bad.json:2:10: at $.a[1]: unexpected ']', expected a value",
          assertThrows(ModelFormatException.class, () -> a.readJson("bad.json")).getMessage());
      assertEquals("m.zip!list.json:1:1: at $: expected an object at the top level, found an"
          + " array", assertThrows(ModelFormatException.class, () -> a.readJson("list.json"))
          .getMessage());
    }
    try (var a = ZipArchive.open(file(zip))) {
      assertEquals("m.zip!config.json, inflated byte offset 5: inflates to more than 5 bytes",
          assertThrows(ModelFormatException.class, () -> a.readJson("config.json",
              Json.Limits.DEFAULT.withMaxInputBytes(5))).getMessage());
    }
  }

  @Test
  void readsStoredEntriesAndDirectories() throws Exception {
    try (var a = ZipArchive.open(file(Zips.zip("assets/", new byte[0], "s!", new byte[] {1, 2})))) {
      assertArrayEquals(new byte[] {1, 2}, a.read("s"));
      assertEquals("m.zip!assets/, inflated byte offset 0: is a directory",
          assertThrows(ModelFormatException.class, () -> a.read("assets/")).getMessage());
    }
  }

  @Test
  void limitsTheArchiveSizeBeforeOpeningIt() throws Exception {
    byte[] zip = Zips.zip("a", new byte[10]);
    var e = refusedAtOpen(zip, new ZipArchive.Limits(zip.length - 1, 10, 100, 100, 100, 0));
    assertEquals("m.zip: " + zip.length + " bytes, more than the limit of " + (zip.length - 1),
        e.getMessage());
    ZipArchive.open(file(zip), new ZipArchive.Limits(zip.length, 10, 100, 100, 100, 0)).close();
  }

  @Test
  void limitsTheNumberOfEntries() throws Exception {
    byte[] zip = Zips.zip("a", new byte[1], "b", new byte[1], "c", new byte[1]);
    assertEquals("m.zip: the end record declares 3 entries, more than the limit of 2",
        refusedAtOpen(zip, limits(2, 10, 10, 100)).getMessage());
    ZipArchive.open(file(zip), limits(3, 10, 10, 100)).close();
  }

  @Test
  void checksTheDeclaredCountsBeforeTheJdkSizesItsTablesByThem() throws Exception {
    byte[] zip = Zips.zip("a", new byte[] {7});
    try (var a = ZipArchive.open(file(Zips.zip64(zip, 1)))) {
      assertArrayEquals(new byte[] {7}, a.read("a"), "the JDK reads the zip64 record we craft");
    }
    // JDK 17's ZipFile allocates an int[3 * count] for this and runs out of heap.
    assertEquals("m.zip: the end record declares 2147483647 entries, more than the limit of"
        + " 1000000", refusedAtOpen(Zips.zip64(zip, Integer.MAX_VALUE), ZipArchive.Limits.DEFAULT)
        .getMessage());
    assertEquals("m.zip: the end record declares 9223372036854775807 entries, more than the"
        + " limit of 1000000", refusedAtOpen(Zips.zip64(zip, -1), ZipArchive.Limits.DEFAULT)
        .getMessage());
    byte[] big = Zips.zip64(zip, 1);
    Zips.put64(big, Zips.header(big, 0x06064b50, 0) + 40, 1L << 40);
    assertEquals("m.zip: the end record declares a central directory of 1099511627776 bytes,"
        + " more than the limit of 268435456 (4096 per allowed entry, 256 MiB at most)",
        refusedAtOpen(big, ZipArchive.Limits.DEFAULT).getMessage());
  }

  @Test
  void limitsEachEntryAndTheTotalByBytesActuallyInflated() throws Exception {
    byte[] zip = Zips.zip("a", Zips.bytes(10, 2), "b", Zips.bytes(11, 3), "c!", Zips.bytes(11, 4));
    try (var a = ZipArchive.open(file(zip), limits(3, 10, 100, 100))) {
      assertEquals(10, a.read("a").length);
      assertEquals("m.zip!b, inflated byte offset 10: inflates to more than 10 bytes",
          assertThrows(ModelFormatException.class, () -> a.read("b")).getMessage());
      assertEquals("m.zip!c, inflated byte offset 10: inflates to more than 10 bytes",
          assertThrows(ModelFormatException.class, () -> a.read("c")).getMessage());
    }
  }

  @Test
  void aCallersTighterBoundAndTheTotal() throws Exception {
    byte[] zip = Zips.zip("a", Zips.bytes(10, 2), "b", Zips.bytes(10, 3), "c", new byte[1]);
    try (var a = ZipArchive.open(file(zip), limits(3, 100, 15, 100))) {
      assertEquals("m.zip!a, inflated byte offset 9: inflates to more than 9 bytes",
          assertThrows(ModelFormatException.class, () -> a.read("a", 9)).getMessage());
    }
    try (var a = ZipArchive.open(file(zip), limits(3, 100, 15, 100))) {
      a.read("a");
      assertEquals("m.zip!b, inflated byte offset 5: the archive inflates to more than 15 bytes"
          + " in all", assertThrows(ModelFormatException.class, () -> a.read("b")).getMessage());
      assertEquals("m.zip!c, inflated byte offset 0: already past a limit",
          assertThrows(ModelFormatException.class, () -> a.read("c")).getMessage(),
          "the total holds for every later read");
    }
  }

  @Test
  void refusesAZipBombByItsRatio() throws Exception {
    byte[] zip = Zips.zip("bomb", new byte[8 << 20]); // 8 MiB of zeros deflate to about 8 KiB
    var e = refusedAtRead(zip, ZipArchive.Limits.DEFAULT, "bomb");
    assertTrue(e.getMessage().startsWith("m.zip!bomb, inflated byte offset "), e.getMessage());
    assertTrue(e.getMessage().contains("inflates more than 100 times its compressed size"),
        e.getMessage());
    // Small files of zeros compress as well, legitimately: under the grace size they pass.
    try (var a = ZipArchive.open(file(Zips.zip("zeros", new byte[1 << 20])))) {
      assertEquals(1 << 20, a.read("zeros").length);
    }
  }

  @Test
  void neverTrustsTheDeclaredSize() throws Exception {
    // A directory that claims 100 bytes for a MiB: the reader counts what it inflates, and
    // stops one byte past the claim it read into.
    byte[] zip = Zips.zip("a", new byte[1 << 20]);
    Zips.put32(zip, Zips.header(zip, Zips.CEN, 0) + 24, 100);
    var e = refusedAtRead(zip, limits(3, 1000, 1 << 30, 100_000), "a");
    assertEquals("m.zip!a, inflated byte offset 100: inflates to more than the 100 bytes the"
        + " directory declares", e.getMessage());
    e = refusedAtRead(zip, ZipArchive.Limits.DEFAULT, "a");
    assertEquals("m.zip!a, inflated byte offset 100: inflates to more than the 100 bytes the"
        + " directory declares", e.getMessage());
    // Past the ratio the claim is not believed, and the reader counts against its limits.
    Zips.put32(zip, Zips.header(zip, Zips.CEN, 0) + 24, 0x7FFFFFF0L);
    assertEquals("m.zip!a, inflated byte offset 1000: inflates to more than 1000 bytes",
        refusedAtRead(zip, limits(3, 1000, 1 << 30, 100_000), "a").getMessage());
    assertEquals("m.zip!a, inflated byte offset 1048576: inflated to 1048576 bytes, but the"
        + " directory says 2147483632", refusedAtRead(zip, ZipArchive.Limits.DEFAULT, "a")
        .getMessage());
    // One that claims 2 GiB for 5 bytes allocates for 5.
    byte[] small = Zips.zip("a", new byte[5]);
    Zips.put32(small, Zips.header(small, Zips.CEN, 0) + 24, 0x7FFFFFF0L);
    assertEquals("m.zip!a, inflated byte offset 5: inflated to 5 bytes, but the directory says"
        + " 2147483632", refusedAtRead(small, ZipArchive.Limits.DEFAULT, "a").getMessage());
  }

  @Test
  void refusesDuplicateNames() throws Exception {
    byte[] zip = Zips.zip("a1", new byte[] {1}, "a2", new byte[] {2});
    for (int sig : new int[] {Zips.LOC, Zips.CEN}) {
      int at = Zips.header(zip, sig, 1) + (sig == Zips.LOC ? 30 : 46);
      zip[at + 1] = '1';
    }
    assertEquals("m.zip: entry \"a1\" appears more than once",
        refusedAtOpen(zip, ZipArchive.Limits.DEFAULT).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"../evil", "/etc/passwd", "a/../../b", "C:evil", "a\\..\\b", "a//b",
      "./a", "a/./b", "a/..", "x\u0001y", "/"})
  void refusesNamesThatCouldMeanAnotherPlace(String name) throws Exception {
    var e = refusedAtOpen(Zips.zip(name, new byte[1]), ZipArchive.Limits.DEFAULT);
    assertTrue(e.getMessage().startsWith("m.zip: entry \""), e.getMessage());
    assertTrue(e.getMessage().contains("\" refused: "), e.getMessage());
    try (var w = ZipArchiveWriter.create(dir.resolve("w.zip"))) {
      assertThrows(IllegalArgumentException.class, () -> w.write(name, new byte[1]));
    }
  }

  @Test
  void refusesEncryptedAndUnsupportedEntries() throws Exception {
    byte[] zip = Zips.zip("a", new byte[10]);
    byte[] encrypted = zip.clone();
    encrypted[Zips.header(encrypted, Zips.CEN, 0) + 8] |= 1;
    var e = refusedAtOpen(encrypted, ZipArchive.Limits.DEFAULT);
    assertTrue(e.getMessage().startsWith("m.zip: not a readable zip file: "), e.getMessage());
    assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    byte[] bzip2 = zip.clone();
    Zips.put16(bzip2, Zips.header(bzip2, Zips.CEN, 0) + 10, 12);
    e = refusedAtOpen(bzip2, ZipArchive.Limits.DEFAULT);
    assertTrue(e.getMessage().contains("compression method"), e.getMessage());
  }

  @Test
  void refusesWhatIsNotAZip() throws Exception {
    assertTrue(refusedAtOpen(new byte[0], ZipArchive.Limits.DEFAULT).getMessage()
        .startsWith("m.zip: not a readable zip file: "));
    assertNotNull(refusedAtOpen("{\"a\": 1}".getBytes(UTF_8), ZipArchive.Limits.DEFAULT));
    byte[] zip = Zips.zip("a", new byte[10]);
    assertNotNull(refusedAtOpen(Arrays.copyOf(zip, zip.length - 5), ZipArchive.Limits.DEFAULT));
  }

  @Test
  void checksEachEntrysCrc() throws Exception {
    byte[] zip = Zips.zip("s!", "stored data".getBytes(UTF_8));
    zip[Zips.header(zip, Zips.LOC, 0) + 31] ^= 1; // a bit of the data, after the 1-char name
    assertEquals("m.zip!s, inflated byte offset 11: CRC-32 mismatch: the data are corrupt",
        refusedAtRead(zip, ZipArchive.Limits.DEFAULT, "s").getMessage());
    byte[] deflated = Zips.zip("d", Zips.bytes(1000, 5));
    deflated[Zips.header(deflated, Zips.LOC, 0) + 100] ^= 0x10;
    var e = refusedAtRead(deflated, ZipArchive.Limits.DEFAULT, "d");
    assertTrue(e.getMessage().startsWith("m.zip!d, inflated byte offset "), e.getMessage());
  }

  @Test
  void refusesTwoEntriesOverOneStream() throws Exception {
    // Two directory records, one deflated stream: every read of either inflates it again.
    byte[] zip = Zips.sharing(Zips.zip("a", new byte[64 << 10], "b", new byte[] {1}), 1, 0);
    long aEnd = 30 + 1 + Zips.u32(zip, Zips.header(zip, Zips.CEN, 0) + 20) + 16;
    assertEquals("m.zip: entry \"b\" (bytes 0 to " + aEnd + ") overlaps entry \"a\" (bytes 0 to "
        + aEnd + "); each entry's data are its own", refusedAtOpen(zip, ZipArchive.Limits.DEFAULT)
        .getMessage());
  }

  @Test
  void refusesAnEntryNestedInAnothersData() throws Exception {
    // A stored entry whose bytes are a whole local entry, and a directory record pointing into
    // them: the classic overlapping-files bomb, nested instead of shared.
    byte[] data = Zips.bytes(1000, 9);
    byte[] alone = Zips.zip("inner", data);
    byte[] local = Arrays.copyOf(alone, Zips.header(alone, Zips.CEN, 0));
    byte[] zip = Zips.zip("outer!", local, "inner", data);
    int outerData = 30 + "outer".length();
    Zips.put32(zip, Zips.header(zip, Zips.CEN, 1) + 42, outerData);
    var e = refusedAtOpen(zip, ZipArchive.Limits.DEFAULT);
    assertEquals("m.zip: entry \"inner\" (bytes " + outerData + " to " + (outerData + local.length)
        + ") overlaps entry \"outer\" (bytes 0 to " + (outerData + local.length)
        + "); each entry's data are its own", e.getMessage());
  }

  @Test
  void refusesEntriesOutsideTheFile() throws Exception {
    byte[] zip = Zips.zip("a", new byte[10], "s!", "stored".getBytes(UTF_8));
    int cen = Zips.header(zip, Zips.CEN, 1);
    int directory = Zips.header(zip, Zips.CEN, 0);
    byte[] past = zip.clone();
    Zips.put32(past, cen + 42, zip.length + 100L);
    assertEquals("m.zip: entry \"s\": its local header at byte " + (zip.length + 100)
        + " lies outside the entries, which end at byte " + directory,
        refusedAtOpen(past, ZipArchive.Limits.DEFAULT).getMessage());
    byte[] longer = zip.clone(); // compressed size past the central directory
    Zips.put32(longer, cen + 20, 1000);
    Zips.put32(longer, cen + 24, 1000);
    long start = Zips.u32(zip, cen + 42);
    assertEquals("m.zip: entry \"s\" (bytes " + start + " to " + (start + 31 + 1000)
        + ") runs past the end of the entries, at byte " + directory,
        refusedAtOpen(longer, ZipArchive.Limits.DEFAULT).getMessage());
    byte[] notLocal = zip.clone(); // an offset that does not land on a local header
    Zips.put32(notLocal, cen + 42, 3);
    assertEquals("m.zip: entry \"s\": no local header at byte 3",
        refusedAtOpen(notLocal, ZipArchive.Limits.DEFAULT).getMessage());
  }

  @Test
  void readsZip64OffsetsAndChecksThemForOverlapToo() throws Exception {
    byte[] zip = Zips.zip("a", Zips.bytes(100, 1), "b", Zips.bytes(50, 2));
    long b = Zips.u32(zip, Zips.header(zip, Zips.CEN, 1) + 42);
    try (var a = ZipArchive.open(file(Zips.zip64Offset(zip, 1, b)))) {
      assertArrayEquals(Zips.bytes(50, 2), a.read("b"), "the offset is read from the zip64 field");
    }
    var e = refusedAtOpen(Zips.zip64Offset(Zips.sharing(zip, 1, 0), 1, 0),
        ZipArchive.Limits.DEFAULT);
    assertTrue(e.getMessage().startsWith("m.zip: entry \"b\" (bytes 0 to "), e.getMessage());
    assertTrue(e.getMessage().contains(") overlaps entry \"a\" (bytes 0 to "), e.getMessage());
  }

  @Test
  void readsEachEntryAtMostOnce() throws Exception {
    try (var a = ZipArchive.open(file(Zips.zip("a", new byte[100], "b", new byte[5])))) {
      assertEquals(100, a.read("a").length);
      assertEquals("m.zip!a, inflated byte offset 0: already read; an archive reads each entry"
          + " once, so no entry is inflated twice",
          assertThrows(ModelFormatException.class, () -> a.read("a")).getMessage());
      assertEquals("m.zip!a, inflated byte offset 0: already read; an archive reads each entry"
          + " once, so no entry is inflated twice",
          assertThrows(ModelFormatException.class, () -> a.stream("a")).getMessage());
      assertEquals(5, a.read("b").length);
    }
  }

  @Test
  void limitsTheRatioOfTheWholeArchiveToo() throws Exception {
    // 100 entries of 64 KiB of zeros: each passes the per-entry ratio under its grace, but
    // together they inflate 6.4 MiB from some 20 KB, and past 64 graces the archive's ratio holds.
    Object[] entries = new Object[200];
    for (int k = 0; k < 100; k++) {
      entries[2 * k] = "z" + k;
      entries[2 * k + 1] = new byte[64 << 10];
    }
    byte[] zip = Zips.zip(entries);
    var limits = new ZipArchive.Limits(1 << 30, 1000, 1 << 20, 1 << 30, 100, 64 << 10);
    try (var a = ZipArchive.open(file(zip), limits)) {
      int k = 0;
      ModelFormatException e = null;
      for (; k < 100 && e == null; k++) {
        try {
          assertEquals(64 << 10, a.read("z" + k).length);
        } catch (ModelFormatException refused) {
          e = refused;
        }
      }
      assertNotNull(e, "refused before all 100 entries are read");
      assertEquals(65, k, "refused in the entry that takes the total past 64 graces");
      assertTrue(e.getMessage().startsWith("m.zip!z64, inflated byte offset "), e.getMessage());
      assertTrue(e.getMessage().endsWith(": the archive inflates more than 100 times its size of "
          + zip.length + " bytes (a zip bomb of many entries?)"), e.getMessage());
    }
  }

  /** The child for the heap test: reads entry {@code args[1]} of {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    try (var a = ZipArchive.open(Path.of(args[0]))) {
      byte[] data = a.read(args[1]);
      long sum = 0;
      for (byte b : data) {
        sum += b;
      }
      System.out.println("read " + data.length + " bytes, sum " + sum);
    }
  }

  @Test
  void readsAWholeEntryInAHeapLittleLargerThanIt() throws Exception {
    // 40 MiB in a 72 MiB heap: a growing buffer (to 64 MiB) and then its copy needed more than
    // 128 MiB; one array of the declared size needs little more than the data.
    byte[] data = Zips.bytes(40 << 20, 11);
    long sum = 0;
    for (byte b : data) {
      sum += b;
    }
    Path f = dir.resolve("big.zip");
    try (var w = ZipArchiveWriter.create(f)) {
      w.write("weights.h5", data);
      w.commit();
    }
    data = null;
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx72m",
        "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
        ZipArchiveTest.class.getName(), f.toString(), "weights.h5")
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertTrue(process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES));
    assertEquals(0, process.exitValue(), "the child exits cleanly (3 is out of heap): " + out);
    assertEquals("read " + (40 << 20) + " bytes, sum " + sum, out.strip());
  }

  @Test
  void aFileThatCannotBeReadIsAnIoErrorNotAFormatError() {
    assertThrowsExactly(NoSuchFileException.class,
        () -> ZipArchive.open(dir.resolve("missing.zip")));
    assertThrowsExactly(FileSystemException.class, () -> ZipArchive.open(dir));
  }
}
