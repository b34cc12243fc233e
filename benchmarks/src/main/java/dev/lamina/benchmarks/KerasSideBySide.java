package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import dev.lamina.runtime.Sequential;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * Lamina, the hand-written TensorFlow Java graph and Keras 3 timed in one run, alternating round
 * by round so that the machine's noise hits all three: predict of {@link AntirectifierNet} (784
 * features) at batch 1, 32 and 1,024, and training of {@link TrainBenchmark}'s digits model at
 * batch 32 and 256. Keras runs in a Python process that {@code tools/keras_predict_timing.py
 * --serve} keeps open, fed the same weights, inputs and training data through {@code .npz}
 * files, and checked against Lamina's outputs before anything is timed. Never run by CI: only
 * the {@code keras} part of the benchmarks, given a Python with TensorFlow and Keras.
 */
final class KerasSideBySide implements AutoCloseable {

  static final String[] KERAS_PATHS = {"model.predict", "model(x)", "tf.function",
      "tf.function(jit_compile=True)"};
  static final String[] KERAS_FITS = {"fit", "fit(jit_compile=True)"};
  private static final Pattern NUMBER = Pattern.compile("\"([^\"]+)\":\\s*(-?[0-9.eE+-]+)");
  private static final Pattern TEXT = Pattern.compile("\"([^\"]+)\":\\s*\"([^\"]*)\"");

  private final Sequential lamina;
  private final HandGraph hand;
  private final Map<Integer, FloatNdArray> inputs = new LinkedHashMap<>();
  private final TrainBenchmark training;
  private final Process python;
  private final BufferedReader fromPython;
  private final Writer toPython;
  private final Path dir;
  private final Path pythonErrors;
  final Map<String, String> versions = new LinkedHashMap<>();
  private final Map<String, Integer> calls = new LinkedHashMap<>();
  /** Seconds per call (predict) or samples per second (fit), by "who:path@batch". */
  final Map<String, List<Double>> samples = new LinkedHashMap<>();

  KerasSideBySide(String pythonExe, Path script, double sampleSeconds) throws IOException {
    Weights weights = Weights.seeded(AntirectifierNet.WEIGHT_SEED);
    lamina = AntirectifierNet.lamina(weights);
    hand = new HandGraph(weights);
    training = new TrainBenchmark();
    dir = Files.createTempDirectory("lamina-keras");
    Npz predict = weightsNpz(weights);
    for (int batch : SessionConfigs.BATCHES) {
      FloatNdArray x = AntirectifierNet.rows(AntirectifierNet.INPUT_SEED, batch);
      inputs.put(batch, x);
      predict.add("x" + batch, flat(x), batch, AntirectifierNet.FEATURES);
      predict.add("y" + batch, flat(lamina.predict(x, batch)), batch, AntirectifierNet.CLASSES);
    }
    predict.write(dir.resolve("predict.npz"));
    TrainBenchmark.Data data = training.data();
    weightsNpz(Weights.seeded(TrainBenchmark.WEIGHT_SEED, TrainBenchmark.FEATURES))
        .add("x", data.x(), data.samples(), data.features())
        .add("y", data.y(), data.samples(), AntirectifierNet.CLASSES)
        .write(dir.resolve("fit.npz"));

    pythonErrors = dir.resolve("python-stderr.log");
    python = new ProcessBuilder(pythonExe, script.toString(), "--serve",
        dir.resolve("predict.npz").toString(), dir.resolve("fit.npz").toString(),
        "--sample-seconds", Double.toString(sampleSeconds))
        .redirectError(ProcessBuilder.Redirect.to(pythonErrors.toFile())).start();
    fromPython = new BufferedReader(new InputStreamReader(python.getInputStream(),
        StandardCharsets.UTF_8));
    toPython = new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8);
    String ready = read();
    Matcher text = TEXT.matcher(ready);
    while (text.find()) {
      versions.put(text.group(1), text.group(2));
    }
    Matcher cpus = Pattern.compile("\"cpus\":\\s*(\\d+)").matcher(ready);
    if (cpus.find()) {
      versions.put("cpus", cpus.group(1));
    }

    for (int batch : SessionConfigs.BATCHES) {
      FloatNdArray x = inputs.get(batch);
      calls.put("lamina@" + batch, PredictTiming.calibrate(() -> lamina.predict(x, batch),
          sampleSeconds));
      calls.put("hand@" + batch, PredictTiming.calibrate(() -> hand.predict(x), sampleSeconds));
    }
    training.measure("lamina@32", 2);
    training.measure("hand@32", 2);
    training.measure("lamina@256", 2);
    training.measure("hand@256", 2);
  }

  private static Npz weightsNpz(Weights w) {
    return new Npz().add("kernel1", w.kernel1()).add("bias1", w.bias1(), w.bias1().length)
        .add("kernel2", w.kernel2()).add("bias2", w.bias2(), w.bias2().length)
        .add("kernel3", w.kernel3()).add("bias3", w.bias3(), w.bias3().length);
  }

  private static float[] flat(FloatNdArray x) {
    float[] values = new float[Math.toIntExact(x.size())];
    x.copyTo(org.tensorflow.ndarray.NdArrays.wrap(x.shape(), DataBuffers.of(values, false,
        false)));
    return values;
  }

  /** {@code rounds} rounds; in each, Java's and Keras's predict and fit rounds, alternating. */
  void run(int rounds, int fitEpochs) throws IOException {
    Random order = new Random(1024);
    for (int round = 0; round < rounds; round++) {
      boolean javaFirst = round % 2 == 0;
      for (int half = 0; half < 2; half++) {
        if ((half == 0) == javaFirst) {
          javaPredictRound(order);
          javaFitRound(order, fitEpochs);
        } else {
          record("keras:", ask("predict"));
          record("keras:", ask("fit " + fitEpochs));
        }
      }
      System.out.printf(Locale.ROOT, "# keras side by side: round %d/%d done%n", round + 1,
          rounds);
    }
  }

  private void javaPredictRound(Random order) {
    List<String> configs = new ArrayList<>(calls.keySet());
    Collections.shuffle(configs, order);
    for (String config : configs) {
      int batch = Integer.parseInt(config.substring(config.indexOf('@') + 1));
      FloatNdArray x = inputs.get(batch);
      Runnable call = config.startsWith("lamina") ? () -> lamina.predict(x, batch)
          : () -> hand.predict(x);
      samples.computeIfAbsent(config, c -> new ArrayList<>())
          .add(PredictTiming.secondsPerCall(call, calls.get(config)));
    }
  }

  private void javaFitRound(Random order, int epochs) {
    List<String> configs = new ArrayList<>(List.of("lamina@32", "hand@32", "lamina@256",
        "hand@256"));
    Collections.shuffle(configs, order);
    for (String config : configs) {
      samples.computeIfAbsent("fit:" + config, c -> new ArrayList<>())
          .add(training.measure(config, epochs));
    }
  }

  private void record(String prefix, String json) {
    Matcher m = NUMBER.matcher(json);
    while (m.find()) {
      samples.computeIfAbsent(prefix + m.group(1), c -> new ArrayList<>())
          .add(Double.parseDouble(m.group(2)));
    }
  }

  private String ask(String command) throws IOException {
    toPython.write(command + "\n");
    toPython.flush();
    return read();
  }

  private String read() throws IOException {
    for (String line = fromPython.readLine(); line != null; line = fromPython.readLine()) {
      if (line.startsWith("KERAS-JSON ")) {
        if (line.contains("\"error\"")) {
          throw new IllegalStateException("The Keras script said: " + line);
        }
        return line.substring("KERAS-JSON ".length());
      }
    }
    String errors = Files.exists(pythonErrors) ? Files.readString(pythonErrors) : "";
    throw new IllegalStateException("The Keras script ended early; its stderr:\n" + errors);
  }

  List<Double> micros(String key) {
    List<Double> us = new ArrayList<>();
    samples.getOrDefault(key, List.of()).forEach(s -> us.add(s * 1e6));
    return us;
  }

  String versionLine() {
    return String.format(Locale.ROOT, "Keras %s, TensorFlow %s (Python's), NumPy %s, Python %s; "
        + "oneDNN %s", versions.get("keras"), versions.get("tensorflow"), versions.get("numpy"),
        versions.get("python"), versions.get("onednn"));
  }

  /** Predict: Lamina, hand-written and Keras's paths by batch, with the ratios. */
  String predictTable() {
    StringBuilder text = new StringBuilder("| batch | Lamina (µs) | hand-written (µs) "
        + "| Lamina / hand | Keras's fastest path (µs) | Keras `model.predict` (µs) "
        + "| Keras fastest / Lamina | target |\n"
        + "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n");
    for (int batch : SessionConfigs.BATCHES) {
      List<Double> l = micros("lamina@" + batch);
      List<Double> h = micros("hand@" + batch);
      String fastest = null;
      for (String path : KERAS_PATHS) {
        if (fastest == null || Stats.median(micros("keras:" + path + "@" + batch))
            < Stats.median(micros("keras:" + fastest + "@" + batch))) {
          fastest = path;
        }
      }
      List<Double> k = micros("keras:" + fastest + "@" + batch);
      text.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | `%s`: %s | %s | %s | %s |%n",
          batch, Stats.withQuartiles(l, "%.0f"), Stats.withQuartiles(h, "%.0f"),
          TrainBenchmark.ratio(l, h), fastest, Stats.withQuartiles(k, "%.0f"),
          Stats.withQuartiles(micros("keras:model.predict@" + batch), "%.0f"),
          TrainBenchmark.ratio(k, l), batch == 1024 ? "≥ 1.3×" : "≥ 3×"));
    }
    return text.toString();
  }

  /** Every Keras path's median, for the record. */
  String kerasPathsTable() {
    StringBuilder text = new StringBuilder("| Keras path | batch 1 (µs) | batch 32 (µs) "
        + "| batch 1,024 (µs) |\n| --- | ---: | ---: | ---: |\n");
    for (String path : KERAS_PATHS) {
      text.append("| `").append(path).append('`');
      for (int batch : SessionConfigs.BATCHES) {
        text.append(" | ").append(Stats.withQuartiles(micros("keras:" + path + "@" + batch),
            "%.0f"));
      }
      text.append(" |\n");
    }
    return text.toString();
  }

  /** Fit: Lamina, hand-written and Keras's faster fit by batch. */
  String fitTable() {
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    for (int batch : TrainBenchmark.BATCHES) {
      rates.put("lamina@" + batch, samples.get("fit:lamina@" + batch));
      rates.put("hand@" + batch, samples.get("fit:hand@" + batch));
      String best = KERAS_FITS[0];
      for (String path : KERAS_FITS) {
        if (Stats.median(samples.get("keras:" + path + "@" + batch))
            > Stats.median(samples.get("keras:" + best + "@" + batch))) {
          best = path;
        }
      }
      rates.put("keras@" + batch, samples.get("keras:" + best + "@" + batch));
    }
    StringBuilder text = new StringBuilder(TrainBenchmark.table(rates));
    text.append("\nKeras `fit` by path, samples/s, median (quartiles): ");
    for (String path : KERAS_FITS) {
      for (int batch : TrainBenchmark.BATCHES) {
        text.append(String.format(Locale.ROOT, "`%s` at %d: %s; ", path, batch,
            Stats.withQuartiles(samples.get("keras:" + path + "@" + batch), "%,.0f")));
      }
    }
    return text.append('\n').toString();
  }

  @Override
  public void close() throws IOException {
    try {
      try {
        toPython.write("quit\n");
        toPython.flush();
      } catch (IOException e) {
        // already gone
      }
      try {
        python.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      python.destroy();
      lamina.close();
      hand.close();
      training.close();
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
