package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import dev.lamina.runtime.Sequential;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;

/**
 * Bulk prediction: {@code rows} rows of 784 floats (a million by default) streamed through
 * {@link AntirectifierNet}'s model {@code batch} rows at a time (1,024 by default), with Lamina
 * and with a hand-written session loop ({@link HandGraph}). Rows are generated batch by batch into
 * one reused buffer, never all at once (a million rows would be 3 GB).
 *
 * <p>Each variant runs in a JVM of its own, so that its peak resident memory (Linux's
 * {@code VmHWM}) is its own; the children get the same fixed, pre-touched 256 MB heap, so that the
 * difference is native memory. Rows per second count the time spent in {@code predict} only, not
 * in generating rows.
 *
 * <pre>{@code java -cp ... dev.lamina.benchmarks.BulkPredict [rows=1000000] [batch=1024]}</pre>
 */
public final class BulkPredict {

  public static final long DEFAULT_ROWS = 1_000_000;
  public static final int DEFAULT_BATCH = 1024;

  /** The child JVMs' heap: fixed and touched up front, so resident memory moves with native. */
  static final List<String> CHILD_JVM_ARGS = List.of("-Xms256m", "-Xmx256m",
      "-XX:+AlwaysPreTouch");

  private static final String RESULT = "BULK-RESULT";

  private BulkPredict() {}

  /** Who runs the graph. */
  public enum Variant {
    LAMINA("Lamina"),
    HAND("hand-written");

    final String label;

    Variant(String label) {
      this.label = label;
    }
  }

  /**
   * One variant's run.
   *
   * @param predictNanos time spent in predict calls, the warm-up batch excluded
   * @param residentAfterWarmupKib VmRSS once the graph is built and has run one batch
   * @param peakResidentKib VmHWM at the end: the whole run's peak
   * @param checksum sum over all rows of {@code Σ_c c · p(c)}: the same for both variants
   */
  public record Outcome(Variant variant, long rows, int batch, long predictNanos,
      long residentAfterWarmupKib, long peakResidentKib, double checksum) {

    public double rowsPerSecond() {
      return rows / (predictNanos / 1e9);
    }

    String encode() {
      return String.join(" ", RESULT, variant.name(), Long.toString(rows),
          Integer.toString(batch), Long.toString(predictNanos),
          Long.toString(residentAfterWarmupKib), Long.toString(peakResidentKib),
          Double.toString(checksum));
    }

    static Outcome decode(String line) {
      String[] f = line.trim().split(" ");
      return new Outcome(Variant.valueOf(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
          Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
          Double.parseDouble(f[7]));
    }
  }

  /** One forward pass over a batch; closes the graph. */
  private interface Predictor extends AutoCloseable {
    FloatNdArray predict(FloatNdArray x);

    @Override
    void close();
  }

  private static Predictor predictor(Variant variant, Weights weights, int batch) {
    if (variant == Variant.LAMINA) {
      Sequential model = AntirectifierNet.lamina(weights);
      return new Predictor() {
        @Override
        public FloatNdArray predict(FloatNdArray x) {
          return model.predict(x, batch);
        }

        @Override
        public void close() {
          model.close();
        }
      };
    }
    HandGraph hand = new HandGraph(weights);
    return new Predictor() {
      @Override
      public FloatNdArray predict(FloatNdArray x) {
        return hand.predict(x);
      }

      @Override
      public void close() {
        hand.close();
      }
    };
  }

  /** Streams {@code rows} rows through {@code variant} in this JVM. */
  public static Outcome run(Variant variant, long rows, int batch) {
    Weights weights = Weights.seeded(AntirectifierNet.WEIGHT_SEED);
    float[] buffer = new float[batch * AntirectifierNet.FEATURES];
    FloatNdArray full = NdArrays.wrap(Shape.of(batch, AntirectifierNet.FEATURES),
        DataBuffers.of(buffer, false, false));
    float[] probabilities = new float[batch * AntirectifierNet.CLASSES];
    try (Predictor predictor = predictor(variant, weights, batch)) {
      // Warm-up: builds the graph, initialises the variables; not counted.
      AntirectifierNet.fill(new SplittableRandom(0), buffer);
      predictor.predict(full);
      long residentAfterWarmup = ProcStatus.residentKib();

      SplittableRandom random = new SplittableRandom(AntirectifierNet.INPUT_SEED);
      long predictNanos = 0;
      double checksum = 0;
      for (long done = 0; done < rows; ) {
        int n = (int) Math.min(batch, rows - done);
        AntirectifierNet.fill(random, buffer, n * AntirectifierNet.FEATURES);
        FloatNdArray x = n == batch ? full : full.slice(Indices.range(0, n));
        long start = System.nanoTime();
        FloatNdArray y = predictor.predict(x);
        predictNanos += System.nanoTime() - start;
        checksum += checksum(y, probabilities);
        done += n;
      }
      return new Outcome(variant, rows, batch, predictNanos, residentAfterWarmup,
          ProcStatus.peakResidentKib(), checksum);
    }
  }

  private static double checksum(FloatNdArray y, float[] scratch) {
    int values = Math.toIntExact(y.size());
    y.copyTo(DataBuffers.of(scratch, false, false).narrow(values));
    double sum = 0;
    for (int i = 0; i < values; i++) {
      sum += (i % AntirectifierNet.CLASSES) * (double) scratch[i];
    }
    return sum;
  }

  /** Runs each variant in a child JVM of its own, one after the other. */
  public static List<Outcome> runIsolated(long rows, int batch) {
    List<Outcome> outcomes = new ArrayList<>();
    for (Variant variant : Variant.values()) {
      outcomes.add(runChild(variant, rows, batch));
    }
    return outcomes;
  }

  private static Outcome runChild(Variant variant, long rows, int batch) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(CHILD_JVM_ARGS);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BulkPredict.class.getName());
    command.add("child=" + variant.name());
    command.add("rows=" + rows);
    command.add("batch=" + batch);
    try {
      // TensorFlow's native start-up notices would interleave with the tables: the child's
      // stderr goes to a file, shown if the child fails.
      Path errors = Files.createTempFile("lamina-bulk-" + variant.name().toLowerCase(Locale.ROOT),
          ".log");
      try {
        Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(errors.toFile())).start();
        Outcome outcome = null;
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(RESULT)) {
              outcome = Outcome.decode(line);
            } else {
              System.out.println(line);
            }
          }
        }
        int exit = process.waitFor();
        if (exit != 0 || outcome == null) {
          System.err.print(Files.readString(errors));
          throw new IllegalStateException("The " + variant.label + " bulk run failed (exit "
              + exit + "); its stderr is above");
        }
        return outcome;
      } finally {
        Files.deleteIfExists(errors);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A Markdown table of the outcomes, Lamina's rate relative to the hand-written one's. */
  public static String table(List<Outcome> outcomes) {
    double handRate = outcomes.stream().filter(o -> o.variant() == Variant.HAND)
        .mapToDouble(Outcome::rowsPerSecond).findFirst().orElse(Double.NaN);
    StringBuilder text = new StringBuilder();
    text.append("| variant | rows | batch | rows/s | vs hand-written | peak RSS (MiB) "
        + "| RSS after warm-up (MiB) | checksum |\n");
    text.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Outcome o : outcomes) {
      text.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,.0f | %.3f | %s | %s | %.4f |%n",
          o.variant().label, o.rows(), o.batch(), o.rowsPerSecond(), o.rowsPerSecond() / handRate,
          mib(o.peakResidentKib()), mib(o.residentAfterWarmupKib()), o.checksum()));
    }
    return text.toString();
  }

  private static String mib(long kib) {
    return kib < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", kib / 1024.0);
  }

  /**
   * {@code rows=N batch=N}: both variants, each in a child JVM, then a table; with
   * {@code child=LAMINA|HAND}, one variant in this JVM (what the children run).
   */
  public static void main(String[] args) {
    Options options = Options.parse(args).check(Set.of(), Set.of("rows", "batch", "child"));
    long rows = options.number("rows", DEFAULT_ROWS);
    int batch = Math.toIntExact(options.number("batch", DEFAULT_BATCH));
    String child = options.settings().get("child");
    if (child != null) {
      System.out.println(run(Variant.valueOf(child), rows, batch).encode());
      return;
    }
    System.out.print(table(runIsolated(rows, batch)));
  }
}
