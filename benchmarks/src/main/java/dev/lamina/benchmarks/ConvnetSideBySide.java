package dev.lamina.benchmarks;

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
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * {@link ConvNet} (Keras's MNIST convnet) with Lamina, written by hand in TensorFlow Java and in
 * Keras 3, timed in one run, alternating round by round so that the machine's noise hits all
 * three: predict at batch 1, 32 and 1,024 ({@link HandConvGraph}), fit at batch 32 and 128
 * ({@link ConvnetTraining}). Keras runs in a Python process, {@code
 * tools/keras_convnet_timing.py}, fed the same weights, images and training data through {@code
 * .npz} files and checked against Lamina's outputs before anything is timed. Never run by CI:
 * only the {@code convnet} part of the benchmarks, given a Python with TensorFlow and Keras.
 */
final class ConvnetSideBySide implements AutoCloseable {

  static final int[] BATCHES = {1, 32, 1024};
  static final String[] KERAS_PATHS = {"model.predict", "model(x)", "tf.function",
      "tf.function(jit_compile=True)"};
  static final String[] KERAS_FITS = {"fit", "fit(jit_compile=True)"};
  private static final Pattern NUMBER = Pattern.compile("\"([^\"]+)\":\\s*(-?[0-9.eE+-]+)");
  private static final Pattern TEXT = Pattern.compile("\"([^\"]+)\":\\s*\"([^\"]*)\"");

  private final Sequential lamina;
  private final HandConvGraph hand;
  private final Map<Integer, FloatNdArray> inputs = new LinkedHashMap<>();
  private final ConvnetTraining training;
  private final Process python;
  private final BufferedReader fromPython;
  private final Writer toPython;
  private final Path dir;
  private final Path pythonErrors;
  final Map<String, String> versions = new LinkedHashMap<>();
  private final Map<String, Integer> calls = new LinkedHashMap<>();
  /** Seconds per call (predict) or samples per second (fit), by "who:path@batch". */
  final Map<String, List<Double>> samples = new LinkedHashMap<>();

  ConvnetSideBySide(String pythonExe, Path script, double sampleSeconds) throws IOException {
    ConvNet.Weights weights = ConvNet.Weights.seeded(ConvNet.WEIGHT_SEED);
    lamina = ConvNet.lamina(weights, ConvNet.DROPOUT);
    hand = new HandConvGraph(weights);
    training = new ConvnetTraining();
    dir = Files.createTempDirectory("lamina-convnet");
    Npz predict = weights.npz();
    for (int batch : BATCHES) {
      FloatNdArray x = ConvNet.images(ConvNet.INPUT_SEED, batch);
      inputs.put(batch, x);
      predict.add("x" + batch, flat(x), batch, ConvNet.ROWS, ConvNet.COLS, 1);
      predict.add("y" + batch, flat(lamina.predict(x, batch)), batch, ConvNet.CLASSES);
    }
    predict.write(dir.resolve("predict.npz"));
    ConvnetTraining.Data data = training.data();
    ConvNet.Weights.seeded(ConvnetTraining.WEIGHT_SEED).npz()
        .add("x", data.x(), data.samples(), ConvNet.ROWS, ConvNet.COLS, 1)
        .add("y", data.y(), data.samples(), ConvNet.CLASSES)
        .write(dir.resolve("fit.npz"));

    pythonErrors = dir.resolve("python-stderr.log");
    python = new ProcessBuilder(pythonExe, script.toString(),
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

    for (int batch : BATCHES) {
      FloatNdArray x = inputs.get(batch);
      calls.put("lamina@" + batch, PredictTiming.calibrate(() -> lamina.predict(x, batch),
          sampleSeconds));
      calls.put("hand@" + batch, PredictTiming.calibrate(() -> hand.predict(x), sampleSeconds));
    }
    for (int batch : ConvnetTraining.BATCHES) {
      training.measure("lamina@" + batch, 1); // builds the training graph, warms up
      training.measure("hand@" + batch, 1);
    }
  }

  private static float[] flat(FloatNdArray x) {
    float[] values = new float[Math.toIntExact(x.size())];
    x.copyTo(NdArrays.wrap(x.shape(), DataBuffers.of(values, false, false)));
    return values;
  }

  /** {@code rounds} rounds; in each, Java's and Keras's predict and fit rounds, alternating. */
  void run(int rounds, int fitEpochs) throws IOException {
    Random order = new Random(2021);
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
      System.out.printf(Locale.ROOT, "# convnet side by side: round %d/%d done%n", round + 1,
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
    List<String> configs = new ArrayList<>();
    for (int batch : ConvnetTraining.BATCHES) {
      configs.add("lamina@" + batch);
      configs.add("hand@" + batch);
    }
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

  private List<Double> micros(String key) {
    List<Double> us = new ArrayList<>();
    samples.getOrDefault(key, List.of()).forEach(s -> us.add(s * 1e6));
    return us;
  }

  String versionLine() {
    return String.format(Locale.ROOT, "Keras %s, TensorFlow %s (Python's), NumPy %s, Python %s; "
        + "oneDNN %s", versions.get("keras"), versions.get("tensorflow"), versions.get("numpy"),
        versions.get("python"), versions.get("onednn"));
  }

  /** The Keras path with the lowest median time at {@code batch}. */
  private String fastestPredict(int batch) {
    String fastest = KERAS_PATHS[0];
    for (String path : KERAS_PATHS) {
      if (Stats.median(micros("keras:" + path + "@" + batch))
          < Stats.median(micros("keras:" + fastest + "@" + batch))) {
        fastest = path;
      }
    }
    return fastest;
  }

  /** Predict: Lamina, hand-written and Keras's fastest path by batch, with the ratios. */
  String predictTable() {
    StringBuilder text = new StringBuilder("| batch | Lamina (µs) | hand-written (µs) "
        + "| Lamina / hand (target ≤ 1.05) | Keras's fastest path (µs) "
        + "| Keras fastest / Lamina |\n| ---: | ---: | ---: | ---: | --- | ---: |\n");
    for (int batch : BATCHES) {
      List<Double> l = micros("lamina@" + batch);
      List<Double> h = micros("hand@" + batch);
      String fastest = fastestPredict(batch);
      List<Double> k = micros("keras:" + fastest + "@" + batch);
      text.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | `%s`: %s | %s |%n", batch,
          Stats.withQuartiles(l, "%,.0f"), Stats.withQuartiles(h, "%,.0f"),
          TrainBenchmark.ratio(l, h), fastest, Stats.withQuartiles(k, "%,.0f"),
          TrainBenchmark.ratio(k, l)));
    }
    return text.toString();
  }

  /** Every Keras predict path's median, for the record. */
  String kerasPathsTable() {
    StringBuilder text = new StringBuilder("| Keras path | batch 1 (µs) | batch 32 (µs) "
        + "| batch 1,024 (µs) |\n| --- | ---: | ---: | ---: |\n");
    for (String path : KERAS_PATHS) {
      text.append("| `").append(path).append('`');
      for (int batch : BATCHES) {
        text.append(" | ").append(Stats.withQuartiles(micros("keras:" + path + "@" + batch),
            "%,.0f"));
      }
      text.append(" |\n");
    }
    return text.toString();
  }

  /** Fit: Lamina, hand-written and Keras's faster fit by batch, with the ratios. */
  String fitTable() {
    StringBuilder text = new StringBuilder("| batch | Lamina fit (samples/s) "
        + "| hand-written loop (samples/s) | Lamina / hand | Keras fit, faster path (samples/s) "
        + "| Lamina / Keras (target ≥ 2) |\n| ---: | ---: | ---: | ---: | --- | ---: |\n");
    for (int batch : ConvnetTraining.BATCHES) {
      List<Double> l = samples.get("fit:lamina@" + batch);
      List<Double> h = samples.get("fit:hand@" + batch);
      String best = KERAS_FITS[0];
      for (String path : KERAS_FITS) {
        if (Stats.median(samples.get("keras:" + path + "@" + batch))
            > Stats.median(samples.get("keras:" + best + "@" + batch))) {
          best = path;
        }
      }
      List<Double> k = samples.get("keras:" + best + "@" + batch);
      text.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | `%s`: %s | %s |%n", batch,
          Stats.withQuartiles(l, "%,.0f"), Stats.withQuartiles(h, "%,.0f"),
          TrainBenchmark.ratio(l, h), best, Stats.withQuartiles(k, "%,.0f"),
          TrainBenchmark.ratio(l, k)));
    }
    text.append("\nKeras `fit` by path, samples/s, median (quartiles): ");
    List<String> parts = new ArrayList<>();
    for (String path : KERAS_FITS) {
      for (int batch : ConvnetTraining.BATCHES) {
        parts.add(String.format(Locale.ROOT, "`%s` at %d: %s", path, batch,
            Stats.withQuartiles(samples.get("keras:" + path + "@" + batch), "%,.0f")));
      }
    }
    text.append(String.join("; ", parts)).append(".\n\nKeras's model under a bare "
        + "`tf.function` training step (GradientTape, the loss, Adam's apply; in-memory tensors, "
        + "no `fit`), samples/s: ");
    parts.clear();
    for (int batch : ConvnetTraining.BATCHES) {
      List<Double> step = samples.get("keras:train_step@" + batch);
      parts.add(String.format(Locale.ROOT, "at %d: %s, Lamina / it %s", batch,
          Stats.withQuartiles(step, "%,.0f"),
          TrainBenchmark.ratio(samples.get("fit:lamina@" + batch), step)));
    }
    return text.append(String.join("; ", parts)).append('\n').toString();
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
