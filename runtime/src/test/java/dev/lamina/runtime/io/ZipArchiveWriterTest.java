package dev.lamina.runtime.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

  @Test
  void aSymbolicLinkIsReplacedWithAnOrdinaryFilesPermissionsNotItsTargets() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path ordinary = Files.createFile(dir.resolve("ordinary"));
    // rwx------ has an execute bit, which no new file (0666 less the umask) ever gets.
    Path pointedAt = Files.createFile(dir.resolve("private-script"));
    Files.setPosixFilePermissions(pointedAt, PosixFilePermissions.fromString("rwx------"));
    Path target = Files.createSymbolicLink(dir.resolve("m.lamina"), pointedAt);
    write(target, "new");
    assertFalse(Files.isSymbolicLink(target), "the link is replaced, as a rename replaces it");
    assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(ordinary)),
        PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    assertEquals("rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(pointedAt)));
    assertEquals(0, Files.size(pointedAt), "nothing is written through the link");
  }

  @Test
  void anInterruptedWritersTemporaryFileIsDeletedOnceAbandoned() throws Exception {
    Path target = dir.resolve("m.lamina");
    Path abandoned = Files.writeString(dir.resolve(".m.lamina.3kf9x0q2a1.tmp"), "killed");
    Files.setLastModifiedTime(abandoned, java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(ZipArchiveWriter.ABANDONED_AFTER).minusSeconds(60)));
    Path live = Files.writeString(dir.resolve(".m.lamina.7zz1.tmp"), "another writer, now");
    Path notOurs = Files.writeString(dir.resolve(".m.lamina.notes.txt"), "the user's");
    Path otherTarget = Files.writeString(dir.resolve(".n.lamina.3kf9x0q2a1.tmp"), "n's");
    Files.setLastModifiedTime(otherTarget, Files.getLastModifiedTime(abandoned));
    write(target, "new");
    assertEquals(List.of(".m.lamina.7zz1.tmp", ".m.lamina.notes.txt",
        ".n.lamina.3kf9x0q2a1.tmp", "m.lamina"), listing());
    assertTrue(Files.exists(live) && Files.exists(notOurs) && Files.exists(otherTarget));
  }

  @Test
  void temporaryNamesAreOnlyThoseAWriterMakes() {
    assertTrue(ZipArchiveWriter.isTemporaryName(".m.lamina.3kf9x0q2a1.tmp", ".m.lamina."));
    assertFalse(ZipArchiveWriter.isTemporaryName(".m.lamina..tmp", ".m.lamina."));
    assertFalse(ZipArchiveWriter.isTemporaryName(".m.lamina.ABC.tmp", ".m.lamina."));
    assertFalse(ZipArchiveWriter.isTemporaryName(".m.lamina.a-b.tmp", ".m.lamina."));
    assertFalse(ZipArchiveWriter.isTemporaryName(".m.lamina.12345678901234.tmp", ".m.lamina."));
  }
}
