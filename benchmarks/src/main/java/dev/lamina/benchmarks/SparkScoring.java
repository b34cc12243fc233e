package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import dev.lamina.runtime.Model;
import dev.lamina.spark.LaminaTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * Scoring on Spark against the same work without it: the digits classifier's shape (64
 * features → Dense(256) → antirectifier → Dense(256) → antirectifier → Dense(10, softmax),
 * seeded weights) over the same rows held in memory, once by a {@link LaminaTransformer} in
 * {@code local[2]} and once by a plain Java loop of two threads, each predicting its half of the
 * rows {@code batch} rows at a time, copying each batch into a new array as the stage does.
 *
 * <p>Both sides score rows already in memory and nothing else. Spark's rows are a locally
 * checkpointed DataFrame of two partitions (its rows kept deserialized in the block manager, its
 * lineage cut): a DataFrame made by {@code parallelize} and merely cached would still carry every
 * row inside its partition objects, and each job would Java-serialize the whole data set into
 * its tasks (the first profile of this benchmark spent a third of the task threads' time and a
 * whole driver thread there). The stage runs two ways: as it is, and with its rows through
 * Spark's plain {@code Row} encoder, which boxes every array element (the way before primitive
 * arrays; the {@value #BOXED_ROWS} system property), so that before and after are measured in
 * one JVM. One warm-up run of each way, then {@code rounds} rounds of one run of each way,
 * interleaved so that the machine's load falls on all alike, each run after a full GC (the first
 * profile saw young pauses of a quarter second while the checkpointed rows were promoted);
 * medians are reported, and the JVM's CPU time per row beside the rows per second.
 */
final class SparkScoring {

  static final long DEFAULT_ROWS = 400_000;

  private SparkScoring() {}

  static final int DEFAULT_ROUNDS = 5;

  /** The system property that sends the stage's rows through Spark's boxing Row encoder. */
  static final String BOXED_ROWS = "lamina.spark.boxedRows";

  /**
   * The medians of {@code rounds} runs of each way: the stage as it is, the stage with boxed
   * rows (Spark's plain Row encoder, the way before primitive arrays), and the loop; the ratios
   * are medians of each round's ratio (runs of one round share the machine's load). CPU figures
   * are this JVM's CPU time per row, in microseconds; their ratios are the loop's over Spark's
   * (1 when Spark spends no more CPU per row than the loop).
   */
  record Result(long rows, int batch, int rounds, double spark, double boxed, double loop,
      double sparkRatio, double boxedRatio, double sparkCpu, double boxedCpu, double loopCpu,
      double sparkCpuRatio, double boxedCpuRatio) {}

  /**
   * This JVM's CPU time, all threads: what a run costs whatever else the machine runs (wall
   * time on a shared machine moves with the other processes' load; CPU time much less).
   */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static Result run(int rows, int batch, int rounds) throws Exception {
    float[][] x = new float[rows][TrainBenchmark.FEATURES];
    SplittableRandom random = new SplittableRandom(7);
    for (float[] row : x) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) random.nextDouble();
      }
    }
    try (Model model = TrainBenchmark.lamina(
        Weights.seeded(TrainBenchmark.WEIGHT_SEED, TrainBenchmark.FEATURES), 0.0)) {
      SparkSession spark = SparkSession.builder().master("local[2]").appName("lamina-bench")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
      try {
        StructType schema = new StructType().add("features",
            DataTypes.createArrayType(DataTypes.FloatType, false), false);
        List<Row> list = new ArrayList<>(rows);
        for (float[] row : x) {
          list.add(RowFactory.create((Object) row));
        }
        // Eager: the rows are computed once here and kept; later jobs read them from memory.
        Dataset<Row> data = spark.createDataFrame(
            JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(list, 2), schema)
            .localCheckpoint();
        if (data.rdd().getNumPartitions() != 2) {
          throw new IllegalStateException("expected 2 partitions, got "
              + data.rdd().getNumPartitions());
        }
        LaminaTransformer stage = LaminaTransformer.of(model).setInputCols("features")
            .setOutputCols("p").setBatchSize(batch);
        sparkRun(stage, data, rows, true);
        sparkRun(stage, data, rows, false);
        loop(model, x, batch);
        double[] sparkRuns = new double[rounds];
        double[] boxedRuns = new double[rounds];
        double[] loopRuns = new double[rounds];
        double[] sparkRatios = new double[rounds];
        double[] boxedRatios = new double[rounds];
        double[] sparkCpu = new double[rounds];
        double[] boxedCpu = new double[rounds];
        double[] loopCpu = new double[rounds];
        double[] sparkCpuRatios = new double[rounds];
        double[] boxedCpuRatios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          System.gc();
          long cpu = cpuNanos();
          boxedRuns[r] = rows / sparkRun(stage, data, rows, true);
          boxedCpu[r] = (cpuNanos() - cpu) / 1e3 / rows;
          System.gc();
          cpu = cpuNanos();
          sparkRuns[r] = rows / sparkRun(stage, data, rows, false);
          sparkCpu[r] = (cpuNanos() - cpu) / 1e3 / rows;
          System.gc();
          cpu = cpuNanos();
          loopRuns[r] = rows / loop(model, x, batch);
          loopCpu[r] = (cpuNanos() - cpu) / 1e3 / rows;
          sparkRatios[r] = sparkRuns[r] / loopRuns[r];
          boxedRatios[r] = boxedRuns[r] / loopRuns[r];
          sparkCpuRatios[r] = loopCpu[r] / sparkCpu[r];
          boxedCpuRatios[r] = loopCpu[r] / boxedCpu[r];
          System.out.printf(Locale.ROOT, "round %d: Spark %,.0f rows/s (%.2f×), Spark with boxed "
              + "rows %,.0f rows/s (%.2f×), loop %,.0f rows/s; CPU µs per row: Spark %.2f, boxed "
              + "%.2f, loop %.2f; load average %s%n", r + 1, sparkRuns[r], sparkRatios[r],
              boxedRuns[r], boxedRatios[r], loopRuns[r], sparkCpu[r], boxedCpu[r], loopCpu[r],
              loadAverage());
        }
        return new Result(rows, batch, rounds, median(sparkRuns), median(boxedRuns),
            median(loopRuns), median(sparkRatios), median(boxedRatios), median(sparkCpu),
            median(boxedCpu), median(loopCpu), median(sparkCpuRatios), median(boxedCpuRatios));
      } finally {
        spark.stop();
      }
    }
  }

  /** Seconds to score every row on Spark, forcing every output value to be made. */
  private static double sparkRun(LaminaTransformer stage, Dataset<Row> data, long rows,
      boolean boxed) {
    System.setProperty(BOXED_ROWS, Boolean.toString(boxed));
    long start = System.nanoTime();
    // The stage makes every output of every row whatever is selected after it.
    Row count = stage.transform(data).selectExpr("count(p[9])").first();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (count.getLong(0) != rows) {
      throw new IllegalStateException("scored " + count + " rows of " + rows);
    }
    return seconds;
  }

  /** The first figure of /proc/loadavg, or "?" where there is none. */
  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Seconds for two threads to predict their halves of the rows, a batch at a time. */
  private static double loop(Model model, float[][] x, int batch) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      long start = System.nanoTime();
      List<Future<Double>> halves = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int from = (int) ((long) t * x.length / 2);
        int to = (int) ((long) (t + 1) * x.length / 2);
        halves.add(threads.submit(() -> {
          double total = 0;
          int features = x[0].length;
          for (int b = from; b < to; b += batch) {
            int n = Math.min(batch, to - b);
            float[] flat = new float[n * features];
            for (int r = 0; r < n; r++) {
              System.arraycopy(x[b + r], 0, flat, r * features, features);
            }
            NdArray<?> input = NdArrays.wrap(Shape.of(n, features),
                DataBuffers.of(flat, true, false));
            NdArray<?> out = model.predict(List.of(input), n).get(0);
            float[] values = new float[(int) out.shape().size()];
            ((org.tensorflow.ndarray.FloatNdArray) out).copyTo(
                DataBuffers.of(values, false, false));
            for (float v : values) {
              total += v;
            }
          }
          return total;
        }));
      }
      double total = 0;
      for (Future<Double> half : halves) {
        total += half.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (Math.abs(total - x.length) > 1e-2 * x.length) {
        throw new IllegalStateException("softmax rows should sum to 1; got " + total);
      }
      return seconds;
    } finally {
      threads.shutdownNow();
    }
  }

  static String table(Result result) {
    return String.format(Locale.ROOT, "| rows | batch | rounds | Spark local[2] (rows/s) | Spark, "
        + "boxed rows (rows/s) | Java loop, 2 threads (rows/s) | Spark / loop | boxed / loop |%n"
        + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n"
        + "| %,d | %,d | %d | %,.0f | %,.0f | %,.0f | %.2f× | %.2f× |%n%n"
        + "| CPU µs per row: Spark | boxed rows | loop | loop CPU / Spark CPU "
        + "| loop CPU / boxed CPU |%n| ---: | ---: | ---: | ---: | ---: |%n"
        + "| %.2f | %.2f | %.2f | %.2f× | %.2f× |%n", result.rows(),
        result.batch(), result.rounds(), result.spark(), result.boxed(), result.loop(),
        result.sparkRatio(), result.boxedRatio(), result.sparkCpu(), result.boxedCpu(),
        result.loopCpu(), result.sparkCpuRatio(), result.boxedCpuRatio());
  }
}
