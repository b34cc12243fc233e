package dev.lamina.runtime;

import dev.lamina.runtime.data.CsvSource;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.Callback;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.types.TFloat32;

/**
 * The streaming memory check and harness: {@code write <file> <rows>} writes a CSV of
 * {@link #FEATURES} float features and a target (a linear function of them plus noise);
 * {@code fit <file> <batchSize>} trains Input(32) → Dense(16, relu) → Dense(1) over it for one
 * epoch through a {@link CsvSource}, printing {@code sample <batches> <VmRSS kB> <heap bytes>}
 * every 50 batches and {@code done <batches> <samples> <seconds> <VmHWM kB> <max heap>} at the
 * end: run in a JVM with a small {@code -Xmx} by {@code StreamingMemoryTest}, and by hand for
 * the benchmarks README.
 */
public final class StreamingFit {

  static final int FEATURES = 32;

  private StreamingFit() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[1]);
    if (args[0].equals("write")) {
      write(file, Long.parseLong(args[2]));
      return;
    }
    int batchSize = Integer.parseInt(args[2]);
    CsvSource.Builder schema = CsvSource.builder(file);
    String[] names = new String[FEATURES];
    for (int i = 0; i < FEATURES; i++) {
      names[i] = "f" + i;
    }
    schema.columns(CsvSource.Type.FLOAT, names).column("y", CsvSource.Type.FLOAT)
        .features(names).target("y").batchSize(batchSize);
    try (Model model = model(); CsvSource source = schema.build()) {
      long[] batches = {0};
      long started = System.nanoTime();
      model.fit(source, new FitOptions().verbose(0).callbacks(new Callback() {
        @Override
        public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
          batches[0]++;
          if (batches[0] % 50 == 0) {
            Runtime runtime = Runtime.getRuntime();
            System.out.println("sample " + batches[0] + " " + status("VmRSS") + " "
                + (runtime.totalMemory() - runtime.freeMemory()));
          }
        }
      }));
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.println("done " + batches[0] + " " + (batches[0] * batchSize) + " " + seconds
          + " " + status("VmHWM") + " " + Runtime.getRuntime().maxMemory());
    }
  }

  static Model model() {
    var x = Input.of(TFloat32.class, FEATURES);
    Model model = Model.of(x, Dense.builder(1).build().apply(
        Dense.builder(16).activation("relu").build().apply(x)));
    model.compile(new Sgd(0.01), Losses.meanSquaredError());
    return model;
  }

  /** A field of /proc/self/status in kB, or -1 where there is none (not Linux). */
  static long status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Rows of values {@code -d.dddd} .. {@code d.dddd}, written without formatting cost. */
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
          int value = random.nextInt(-9999, 10000); // 4 decimals: value / 10^4
          target += (i % 2 == 0 ? value : -value);
          decimal(line, value).append(',');
        }
        decimal(line, (int) (target / FEATURES) + random.nextInt(-100, 101)).append('\n');
        out.write(line.toString());
      }
    }
  }

  private static StringBuilder decimal(StringBuilder line, int tenThousandths) {
    if (tenThousandths < 0) {
      line.append('-');
      tenThousandths = -tenThousandths;
    }
    int fraction = tenThousandths % 10000;
    line.append(tenThousandths / 10000).append('.');
    if (fraction < 1000) {
      line.append('0');
    }
    if (fraction < 100) {
      line.append('0');
    }
    if (fraction < 10) {
      line.append('0');
    }
    return line.append(fraction);
  }
}
