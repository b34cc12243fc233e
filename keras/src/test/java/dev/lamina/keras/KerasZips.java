package dev.lamina.keras;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Copies of the fixtures with one entry changed, written as valid zips (CRCs and all). */
final class KerasZips {

  private KerasZips() {}

  static Map<String, byte[]> entries(Path keras) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(keras.toFile())) {
      var it = zip.entries();
      while (it.hasMoreElements()) {
        ZipEntry e = it.nextElement();
        entries.put(e.getName(), zip.getInputStream(e).readAllBytes());
      }
    }
    return entries;
  }

  static Path write(Path file, Map<String, byte[]> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); var zip = new ZipOutputStream(out)) {
      for (var e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return file;
  }

  /** {@code fixture} with {@code config.json} rewritten by {@code edit}. */
  static Path withConfig(Path dir, String fixture, UnaryOperator<String> edit)
      throws IOException {
    Map<String, byte[]> entries = entries(Fixtures.path(fixture));
    String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
    String edited = edit.apply(config);
    if (edited.equals(config)) {
      throw new IllegalStateException("the edit changed nothing in " + fixture);
    }
    entries.put("config.json", edited.getBytes(StandardCharsets.UTF_8));
    return write(dir.resolve("edited-" + fixture), entries);
  }

  /** {@code fixture} with one entry replaced (or removed, for null). */
  static Path withEntry(Path dir, String fixture, String entry, byte[] bytes) throws IOException {
    Map<String, byte[]> entries = entries(Fixtures.path(fixture));
    if (bytes == null) {
      entries.remove(entry);
    } else {
      entries.put(entry, bytes);
    }
    return write(dir.resolve("entry-" + fixture), entries);
  }
}
