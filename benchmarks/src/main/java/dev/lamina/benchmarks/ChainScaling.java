package dev.lamina.benchmarks;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.layers.core.Dense;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tensorflow.types.TFloat32;

/**
 * How building, first predict, saving and loading grow with the number of layers: a chain of
 * {@code n} layers, either Activation layers alone or Dense(4) and Activation alternating (half
 * the layers with weights), for each {@code n} given, under the given session options. Each
 * phase is timed once per size in this JVM, so the figures show growth (the ratio between
 * sizes), not precise costs; a quadratic phase shows as ~100x per 10x layers. "Build" is the
 * model (every apply, then Model.of) and its TensorFlow graph (Lamina's work); "first predict"
 * is TensorFlow's session work on its first run (grappler, executor set-up, the weights' push).
 */
final class ChainScaling {

  /** The default sizes: a thousand, ten thousand and a hundred thousand layers. */
  static final int[] DEFAULT_SIZES = {1_000, 10_000, 100_000};

  /** One size's timings, in seconds. */
  record Row(int layers, double apply, double graph, double firstPredict, double save,
      double load, long fileBytes) {}

  private ChainScaling() {}

  static List<Row> run(int[] sizes, boolean dense, dev.lamina.runtime.SessionOptions options)
      throws IOException {
    List<Row> rows = new ArrayList<>();
    Path dir = Files.createTempDirectory("lamina-chain");
    try {
      for (int n : sizes) {
        rows.add(measure(n, dense, options, dir.resolve("chain-" + n + ".lamina")));
        System.out.println(table(rows.subList(rows.size() - 1, rows.size())));
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(dir);
    }
    return rows;
  }

  private static Row measure(int n, boolean dense, dev.lamina.runtime.SessionOptions options,
      Path file) throws IOException {
    float[][] x = {{0.5f, -1f, 2f, 0.25f}};
    long t0 = System.nanoTime();
    SymbolicTensor<TFloat32> in = Input.of(TFloat32.class, 4);
    SymbolicTensor<?> h = in;
    for (int i = 0; i < n; i++) {
      h = dense && i % 2 == 0 ? Dense.builder(4).build().call(h)
          : new Activation("tanh").call(h);
    }
    long t1;
    long t2;
    long t3;
    long t4;
    long t5;
    try (Model model = Model.of(in, h).withSessionOptions(options)) {
      t1 = System.nanoTime();
      model.tensorFlowGraph();
      t2 = System.nanoTime();
      model.predict(x, float[][].class);
      t3 = System.nanoTime();
      model.save(file);
      t4 = System.nanoTime();
      try (Model loaded = Model.load(file).withSessionOptions(options)) {
        loaded.predict(x, float[][].class);
      }
      t5 = System.nanoTime();
    }
    // Load is timed through its first predict, which builds the loaded model's graph.
    return new Row(n, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9,
        (t5 - t4) / 1e9, Files.size(file));
  }

  static String table(List<Row> rows) {
    StringBuilder text = new StringBuilder("| layers | apply (s) | graph (s) | first predict "
        + "(s) | save (s) | load + first predict (s) | file (bytes) |\n"
        + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Row r : rows) {
      text.append(String.format(Locale.ROOT, "| %,d | %.2f | %.2f | %.2f | %.2f | %.2f | %,d |%n",
          r.layers(), r.apply(), r.graph(), r.firstPredict(), r.save(), r.load(),
          r.fileBytes()));
    }
    return text.toString();
  }
}
