package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays flat over an epoch of a CSV file five times larger than the heap: fit through a
 * {@code CsvSource} in a JVM of its own with {@code -Xmx64m}, resident memory and heap sampled
 * every 50 batches ({@link StreamingFit}).
 */
class StreamingMemoryTest {

  @TempDir
  Path dir;

  @Test
  void anEpochOverAFileFiveTimesTheHeapKeepsMemoryFlat() throws Exception {
    Path file = dir.resolve("large.csv");
    long rows = 1_350_000; // ~330 MB of text; 180 MB as float32 arrays
    StreamingFit.write(file, rows);
    long bytes = Files.size(file);
    long heap = 64L << 20;
    assertTrue(bytes > 4.5 * heap, "the file has " + bytes + " bytes");

    ForkedJvm.Outcome outcome = ForkedJvm.run(StreamingFit.class, List.of("-Xmx64m"), "fit",
        file.toString(), "512");
    assertTrue(outcome.survived(), outcome.toString());
    List<long[]> samples = new ArrayList<>();
    long[] done = null;
    for (String line : outcome.out().split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields[0].equals("sample")) {
        samples.add(new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2]),
            Long.parseLong(fields[3])});
      } else if (fields[0].equals("done")) {
        done = new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2]),
            Long.parseLong(fields[4]), Long.parseLong(fields[5])};
      }
    }
    assertTrue(done != null, outcome.toString());
    // Every row was trained on, in batches of 512.
    assertEquals((rows + 511) / 512, done[0], outcome.toString());
    assertTrue(done[3] <= heap + (1 << 20), "max heap " + done[3]);
    assertTrue(samples.size() > 40, outcome.toString());
    // Resident memory (VmRSS, kB) after the first tenth of the epoch grows by less than 32 MB
    // (a tenth of the file) to the end; the heap stays within -Xmx by construction (it would
    // have thrown OutOfMemoryError otherwise).
    long base = samples.get(samples.size() / 10)[1];
    long max = 0;
    for (long[] sample : samples.subList(samples.size() / 10, samples.size())) {
      max = Math.max(max, sample[1]);
      assertTrue(sample[2] <= heap, "heap used " + sample[2]);
    }
    assertTrue(max - base < 32 * 1024, "VmRSS grew from " + base + " kB to " + max + " kB:\n"
        + outcome);
    // The peak resident memory (VmHWM) is within 48 MB of the first sample's (after 50 batches,
    // TensorFlow loaded): no spike in between either; the file (330 MB) was never held whole.
    assertTrue(done[2] - samples.get(0)[1] < 48 * 1024, "VmHWM " + done[2] + " kB, first "
        + "sample " + samples.get(0)[1] + " kB");
  }
}
