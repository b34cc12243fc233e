package dev.lamina.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Keras side of a side-by-side run: a Python timing script ({@code
 * tools/keras_predict_timing.py --serve}, {@code tools/keras_convnet_timing.py}, both serving
 * through {@code tools/keras_timing_server.py}) kept open for the whole run. Its input files go
 * in a temporary directory of their own ({@link #file}); once started it answers a ready line
 * with its versions, then each command ({@code predict}, {@code fit E}) with one line {@code
 * KERAS-JSON {"path@batch": number, ...}}, which {@link #ask} adds to the run's samples as
 * {@code "keras:path@batch"}. {@link #close} says {@code quit}, waits for the process and deletes
 * the directory.
 */
final class KerasTimingProcess implements AutoCloseable {

  private static final String PREFIX = "KERAS-JSON ";
  private static final Pattern NUMBER = Pattern.compile("\"([^\"]+)\":\\s*(-?[0-9.eE+-]+)");
  private static final Pattern TEXT = Pattern.compile("\"([^\"]+)\":\\s*\"([^\"]*)\"");
  private static final Pattern CPUS = Pattern.compile("\"cpus\":\\s*(\\d+)");

  private final Path dir;
  private final Path pythonErrors;
  private Process python;
  private BufferedReader fromPython;
  private Writer toPython;
  /** The ready line's text fields ("keras", "tensorflow", ...) and "cpus". */
  final Map<String, String> versions = new LinkedHashMap<>();

  /** A new temporary directory, {@code lamina-<name>...}, for the script's input files. */
  KerasTimingProcess(String name) throws IOException {
    dir = Files.createTempDirectory("lamina-" + name);
    pythonErrors = dir.resolve("python-stderr.log");
  }

  /** A file in the temporary directory. */
  Path file(String name) {
    return dir.resolve(name);
  }

  /**
   * Starts {@code pythonExe script args...} (its stderr to a file, shown if it ends early) and
   * waits for its ready line: the script checks its paths against Lamina's outputs and
   * calibrates them first.
   */
  void start(String pythonExe, Path script, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(pythonExe, script.toString()));
    command.addAll(List.of(args));
    python = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.to(pythonErrors.toFile())).start();
    fromPython = new BufferedReader(new InputStreamReader(python.getInputStream(),
        StandardCharsets.UTF_8));
    toPython = new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8);
    String ready = read();
    Matcher text = TEXT.matcher(ready);
    while (text.find()) {
      versions.put(text.group(1), text.group(2));
    }
    Matcher cpus = CPUS.matcher(ready);
    if (cpus.find()) {
      versions.put("cpus", cpus.group(1));
    }
  }

  /** Sends {@code command}; adds each number of the answer to {@code samples} as "keras:key". */
  void ask(String command, Map<String, List<Double>> samples) throws IOException {
    toPython.write(command + "\n");
    toPython.flush();
    Matcher m = NUMBER.matcher(read());
    while (m.find()) {
      samples.computeIfAbsent("keras:" + m.group(1), c -> new ArrayList<>())
          .add(Double.parseDouble(m.group(2)));
    }
  }

  private String read() throws IOException {
    for (String line = fromPython.readLine(); line != null; line = fromPython.readLine()) {
      if (line.startsWith(PREFIX)) {
        if (line.contains("\"error\"")) {
          throw new IllegalStateException("The Keras script said: " + line);
        }
        return line.substring(PREFIX.length());
      }
    }
    String errors = Files.exists(pythonErrors) ? Files.readString(pythonErrors) : "";
    throw new IllegalStateException("The Keras script ended early; its stderr:\n" + errors);
  }

  /** The versions the script reported, for the tables' heading. */
  String versionLine() {
    return String.format(Locale.ROOT, "Keras %s, TensorFlow %s (Python's), NumPy %s, Python %s; "
        + "oneDNN %s", versions.get("keras"), versions.get("tensorflow"), versions.get("numpy"),
        versions.get("python"), versions.get("onednn"));
  }

  @Override
  public void close() throws IOException {
    try {
      if (python != null) {
        try {
          toPython.write("quit\n");
          toPython.flush();
        } catch (IOException e) {
          // already gone
        }
        try {
          python.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        python.destroy();
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(file);
        }
      } catch (IOException | UncheckedIOException e) {
        // best effort
      }
      Files.deleteIfExists(dir);
    }
  }
}
