package dev.lamina.runtime.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic, reproducible writes with an ordinary file's permissions. */
class ZipArchiveWriterTest {

  @TempDir Path dir;

  List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  void write(Path target, String content) throws IOException {
    try (var w = ZipArchiveWriter.create(target)) {
      w.write("config.json", content.getBytes(UTF_8));
      w.commit();
    }
  }

  @Test
  void replacesTheTargetAndLeavesNothingBehind() throws Exception {
    Path target = dir.resolve("m.lamina");
    write(target, "old");
    write(target, "new");
    assertEquals(List.of("m.lamina"), listing());
    try (var a = ZipArchive.open(target)) {
      assertArrayEquals("new".getBytes(UTF_8), a.read("config.json"));
    }
  }

  @Test
  void aWriteThatIsNotCommittedLeavesTheOldFileIntact() throws Exception {
    Path target = dir.resolve("m.lamina");
    write(target, "old");
    byte[] before = Files.readAllBytes(target);
    try (var w = ZipArchiveWriter.create(target)) {
      w.write("config.json", "half".getBytes(UTF_8));
      // no commit: as if the saver failed here
    }
    assertArrayEquals(before, Files.readAllBytes(target));
    assertThrows(IllegalArgumentException.class, () -> {
      try (var w = ZipArchiveWriter.create(target)) {
        w.write("config.json", "x".getBytes(UTF_8));
        w.write("config.json", "twice".getBytes(UTF_8));
        w.commit();
      }
    });
    assertArrayEquals(before, Files.readAllBytes(target));
    assertEquals(List.of("m.lamina"), listing());
  }

  @Test
  void theSameContentGivesTheSameBytes() throws Exception {
    write(dir.resolve("a"), "{\"x\": 1}");
    write(dir.resolve("b"), "{\"x\": 1}");
    byte[] zip = Files.readAllBytes(dir.resolve("a"));
    assertArrayEquals(zip, Files.readAllBytes(dir.resolve("b")));
    // No clock in the file: MS-DOS time 0 and date 1980-02-01 ((0 << 9) | (2 << 5) | 1).
    int loc = Zips.header(zip, Zips.LOC, 0);
    assertEquals(0, Zips.u32(zip, loc + 10) & 0xFFFF);
    assertEquals(0x41, Zips.u32(zip, loc + 12) & 0xFFFF);
    assertEquals(0, Zips.u32(zip, loc + 28) & 0xFFFF, "no extra field (extended timestamps)");
  }

  @Test
  void commitsOnce() throws Exception {
    try (var w = ZipArchiveWriter.create(dir.resolve("m"))) {
      w.commit();
      assertThrows(IllegalStateException.class, w::commit);
      assertThrows(IllegalStateException.class, () -> w.write("a", new byte[0]));
    }
  }

  @Test
  void aNewFileHasAnOrdinaryFilesPermissions() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    // What the umask gives any new file, against 0600, which Files.createTempFile would give.
    var ordinary = Files.getPosixFilePermissions(Files.createFile(dir.resolve("ordinary")));
    Path target = dir.resolve("m.lamina");
    write(target, "x");
    assertEquals(ordinary, Files.getPosixFilePermissions(target));
  }

  @Test
  void aReplacedFileKeepsItsPermissions() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path target = dir.resolve("m.lamina");
    for (String mode : List.of("rw-------", "rw-r-----", "rw-rw-r--")) {
      write(target, "old");
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
      write(target, "new");
      assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }
  }
}
