package dev.lamina.benchmarks;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.CsvSource;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorflow.types.TFloat32;

/**
 * The {@code streaming} part: one epoch of {@code fit} over a generated CSV file through a
 * {@link CsvSource} (parsed on the prefetch thread while TensorFlow trains) against one epoch of
 * {@code fit} over the same rows already in memory as arrays, same model (Input(32) → Dense(16,
 * relu) → Dense(1), SGD; {@code width=} sets the 16), same batch size, no shuffling: the same
 * batches. One warm-up epoch of
 * each, then {@code rounds} interleaved rounds; samples/s, medians (quartiles).
 */
final class StreamingFitBench {

  static final int FEATURES = 32;
  static final int DEFAULT_ROWS = 400_000;

  record Result(long rows, long bytes, int batch, int rounds, int width, List<Double> streaming,
      List<Double> streamingNoPrefetch, List<Double> inMemory) {}

  private StreamingFitBench() {}

  static Result run(int rows, int batch, int rounds, int width) throws Exception {
    Path file = Files.createTempFile("lamina-streaming", ".csv");
    try {
      write(file, rows);
      float[][] x = new float[rows][];
      float[][] y = new float[rows][];
      int at = 0;
      try (CsvSource all = source(file, 4096)) {
        Batch b;
        for (long i = 0; (b = all.batch(i)) != null; i++) {
          for (int r = 0; r < ((float[][]) b.x()).length; r++, at++) {
            x[at] = ((float[][]) b.x())[r];
            y[at] = ((float[][]) b.y())[r];
          }
        }
      }
      List<Double> streaming = new ArrayList<>();
      List<Double> serial = new ArrayList<>();
      List<Double> memory = new ArrayList<>();
      for (int round = -1; round < rounds; round++) { // round -1: warm-up
        double s = streamingEpoch(file, batch, 10, width);
        double q = streamingEpoch(file, batch, 0, width);
        double m = memoryEpoch(x, y, batch, width);
        if (round >= 0) {
          streaming.add(rows / s);
          serial.add(rows / q);
          memory.add(rows / m);
          System.out.printf(Locale.ROOT, "round %d: streaming %.0f, streaming without prefetch "
              + "%.0f, in memory %.0f samples/s%n", round + 1, rows / s, rows / q, rows / m);
        }
      }
      return new Result(rows, Files.size(file), batch, rounds, width, streaming, serial, memory);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static String table(Result r) {
    return String.format(Locale.ROOT, "%,d rows of %d float features and a target (%,d MB of "
        + "CSV), Input(32) → Dense(%d, relu) → Dense(1), batches of %d, one epoch per sample, "
        + "%d "
        + "rounds%n%n", r.rows(), FEATURES, r.bytes() >> 20, r.width(), r.batch(), r.rounds())
        + "| fit over | samples/s, median (quartiles) | against in memory |\n"
        + "| --- | --- | --- |\n"
        + "| arrays in memory | " + Stats.withQuartiles(r.inMemory(), "%,.0f") + " | 1 |\n"
        + "| CsvSource, prefetch on (default, queue of 10) | "
        + Stats.withQuartiles(r.streaming(), "%,.0f") + " | " + String.format(Locale.ROOT,
            "%.2f", Stats.median(r.streaming()) / Stats.median(r.inMemory())) + " |\n"
        + "| CsvSource, prefetch off (`maxQueueSize(0)`) | "
        + Stats.withQuartiles(r.streamingNoPrefetch(), "%,.0f") + " | " + String.format(
            Locale.ROOT, "%.2f", Stats.median(r.streamingNoPrefetch())
                / Stats.median(r.inMemory())) + " |\n";
  }

  private static CsvSource source(Path file, int batch) {
    String[] names = new String[FEATURES];
    for (int i = 0; i < FEATURES; i++) {
      names[i] = "f" + i;
    }
    return CsvSource.builder(file).columns(CsvSource.Type.FLOAT, names)
        .column("y", CsvSource.Type.FLOAT).features(names).target("y").batchSize(batch).build();
  }

  private static Model model(int width) {
    var x = Input.of(TFloat32.class, FEATURES);
    Model model = Model.of(x, Dense.builder(1).build().apply(
        Dense.builder(width).activation("relu").build().apply(x)));
    model.compile(new Sgd(0.01), Losses.meanSquaredError());
    return model;
  }

  private static double streamingEpoch(Path file, int batch, int queue, int width)
      throws Exception {
    try (Model model = model(width); CsvSource source = source(file, batch)) {
      model.fit(source, new FitOptions().epochs(1).verbose(0).shuffle(false)); // builds the graph
      long start = System.nanoTime();
      model.fit(source, new FitOptions().epochs(1).verbose(0).shuffle(false).maxQueueSize(queue));
      return (System.nanoTime() - start) / 1e9;
    }
  }

  private static double memoryEpoch(float[][] x, float[][] y, int batch, int width) {
    try (Model model = model(width)) {
      model.fit(x, y, new FitOptions().epochs(1).batchSize(batch).verbose(0).shuffle(false));
      long start = System.nanoTime();
      model.fit(x, y, new FitOptions().epochs(1).batchSize(batch).verbose(0).shuffle(false));
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** Rows of values with four decimals; the target a linear function of them plus noise. */
  static void write(Path file, long rows) throws IOException {
    SplittableRandom random = new SplittableRandom(1);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder(512);
      for (int i = 0; i < FEATURES; i++) {
        line.append('f').append(i).append(',');
      }
      out.write(line.append("y\n").toString());
      for (long r = 0; r < rows; r++) {
        line.setLength(0);
        long target = 0;
        for (int i = 0; i < FEATURES; i++) {
          int value = random.nextInt(-9999, 10000);
          target += i % 2 == 0 ? value : -value;
          line.append(String.format(Locale.ROOT, "%.4f", value / 1e4)).append(',');
        }
        line.append(String.format(Locale.ROOT, "%.4f", (target / FEATURES) / 1e4)).append('\n');
        out.write(line.toString());
      }
    }
  }
}
