package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/**
 * TensorFlow's native logging, seen from outside: each case runs a fresh JVM, since TensorFlow
 * reads its log level once per process.
 */
class NativeLoggingTest {

  /** Lines another thread writes to stderr while the first model is built and run. */
  private static final int LINES = 300;

  /** TensorFlow's informational notice about the CPU, logged when its library starts. */
  private static final String CPU_NOTICE = "cpu_feature_guard";

  /** The child JVM: one thread writes numbered lines to stderr while the main thread predicts. */
  public static void main(String[] args) throws Exception {
    Thread writer = new Thread(() -> {
      for (int i = 0; i < LINES; i++) {
        System.err.println("other thread line " + i);
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    writer.start();
    try (var model = Sequential.of(Input.of(TFloat32.class, 2), new TestLayers.Square(null))) {
      float[][] y = model.predict(new float[][] {{3, 4}}, float[][].class);
      System.out.println("predicted " + y[0][0] + " " + y[0][1]);
    }
    writer.join();
  }

  private record Run(String out, String err) {}

  private static Run child(String property, String tfLevel) throws IOException,
      InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path")));
    if (property != null) {
      command.add("-D" + NativeLogging.PROPERTY + "=" + property);
    }
    command.add(NativeLoggingTest.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("TF_CPP_MIN_LOG_LEVEL");
    if (tfLevel != null) {
      builder.environment().put("TF_CPP_MIN_LOG_LEVEL", tfLevel);
    }
    Process process = builder.start();
    // Read stderr on another thread so that neither pipe fills up and blocks the child.
    var err = new java.io.ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try {
        process.getErrorStream().transferTo(err);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    reader.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM finished");
    reader.join();
    String errText = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), errText);
    assertTrue(out.contains("predicted 9.0 16.0"), out + errText);
    return new Run(out, errText);
  }

  @Test
  void quietByDefaultWithoutLosingAnyoneElsesStderr() throws Exception {
    Run quiet = child(null, null);
    for (int i = 0; i < LINES; i++) {
      assertTrue(quiet.err().contains("other thread line " + i + "\n"),
          "line " + i + " of the other thread reached stderr:\n" + quiet.err());
    }
    assertFalse(quiet.err().contains(CPU_NOTICE), quiet.err());

    Run verbose = child("verbose", null);
    assertTrue(verbose.err().contains(CPU_NOTICE), verbose.err());

    Run userLevel = child("quiet", "0"); // the user's own TF_CPP_MIN_LOG_LEVEL wins
    assertTrue(userLevel.err().contains(CPU_NOTICE), userLevel.err());
  }
}
