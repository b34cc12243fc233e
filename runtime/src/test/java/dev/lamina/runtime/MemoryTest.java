package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Native memory over many predicts, measured in a JVM of its own whose heap is fixed and
 * pre-touched, so that resident memory shows native memory, not the heap growing. The short check
 * runs with every build; the 100,000-predict soak on demand: {@code mvn -Psoak verify -pl runtime}.
 */
class MemoryTest {

  /** Allowed growth: code caches and the native allocator's own slack. */
  private static final long BOUND_KB = 64 * 1024;

  /**
   * The measuring JVM: predicts {@code args[0]} times on 1,000 samples (12 kB in and 12 kB out
   * per call) after 2,000 warm-up calls, and prints how many kB resident memory grew.
   */
  public static void main(String[] args) throws IOException {
    int calls = Integer.parseInt(args[0]);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(1000, 3));
    try (var model = Sequential.of(Input.of(TFloat32.class, 3), new TestLayers.Square(null))) {
      for (int i = 0; i < 2_000; i++) {
        model.predict(x, 1000);
      }
      long before = residentKb();
      for (int i = 0; i < calls; i++) {
        model.predict(x, 1000);
      }
      System.out.println("grown " + (residentKb() - before));
    }
  }

  private static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  private static long grownKb(int calls) throws Exception {
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
        "-cp", System.getProperty("java.class.path"), MemoryTest.class.getName(),
        Integer.toString(calls))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.MINUTES));
    assertEquals(0, process.exitValue(), out);
    List<String> lines = out.lines().filter(line -> line.startsWith("grown ")).toList();
    assertEquals(1, lines.size(), out);
    return Long.parseLong(lines.get(0).substring("grown ".length()));
  }

  @Test
  void residentMemoryStaysBoundedOverTenThousandPredicts() throws Exception {
    // A leak of either 12 kB tensor per call would be 120 MB or more.
    long grown = grownKb(10_000);
    assertTrue(grown < BOUND_KB, "resident memory grew by " + grown + " kB");
  }

  @Test
  @Tag("soak")
  void residentMemoryStaysBoundedOverAHundredThousandPredicts() throws Exception {
    // A leak of either tensor would be over a gigabyte.
    long grown = grownKb(100_000);
    assertTrue(grown < BOUND_KB, "resident memory grew by " + grown + " kB");
  }
}
