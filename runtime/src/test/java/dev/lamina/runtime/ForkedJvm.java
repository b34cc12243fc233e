package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's main class in a JVM of its own, with the test's class path: for inputs that
 * could abort the process (TensorFlow aborts on some shapes with no exception to catch) or
 * exhaust its heap, so that a regression fails one test instead of killing the build.
 */
final class ForkedJvm {

  /** What the child printed and how it ended. */
  record Outcome(int exitCode, String out, String err) {

    /** Whether the JVM ended normally (not killed by a signal, which shows as 128 + signal). */
    boolean survived() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit code " + exitCode + (exitCode > 128 ? " (signal " + (exitCode - 128) + ")" : "")
          + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private ForkedJvm() {}

  static Outcome run(Class<?> main, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    // Read stderr on another thread so that neither pipe fills up and blocks the child.
    var err = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try {
        process.getErrorStream().transferTo(err);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    reader.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean ended = process.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    reader.join();
    assertTrue(ended, "the child JVM did not end within 120 s");
    return new Outcome(process.exitValue(), out, err.toString(StandardCharsets.UTF_8));
  }
}
