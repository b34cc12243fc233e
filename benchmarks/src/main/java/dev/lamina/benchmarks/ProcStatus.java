package dev.lamina.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from Linux's {@code /proc/self/status}. */
final class ProcStatus {

  private ProcStatus() {}

  /** Peak resident set size (high-water mark) in KiB, or -1 where there is no /proc. */
  static long peakResidentKib() {
    return field("VmHWM");
  }

  /** Current resident set size in KiB, or -1 where there is no /proc. */
  static long residentKib() {
    return field("VmRSS");
  }

  private static long field(String name) {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(name + ":")) {
          // "VmHWM:     123456 kB"
          return Long.parseLong(line.substring(name.length() + 1).replace("kB", "").trim());
        }
      }
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
