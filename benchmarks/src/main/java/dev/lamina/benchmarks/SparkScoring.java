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
 * {@code local[2]} (a cached DataFrame of two partitions) and once by a plain Java loop of two
 * threads, each predicting its half of the rows {@code batch} rows at a time, copying each batch
 * into a new array as the stage does. One warm-up run of each, then one measured run of each.
 */
final class SparkScoring {

  static final long DEFAULT_ROWS = 400_000;

  private SparkScoring() {}

  record Result(long rows, int batch, double sparkRowsPerSecond, double loopRowsPerSecond) {}

  static Result run(int rows, int batch) throws Exception {
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
        Dataset<Row> data = spark.createDataFrame(
            JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(list, 2), schema)
            .cache();
        data.count();
        LaminaTransformer stage = LaminaTransformer.of(model).setInputCols("features")
            .setOutputCols("p").setBatchSize(batch);
        sparkRun(stage, data);
        loop(model, x, batch);
        double sparkSeconds = sparkRun(stage, data);
        double loopSeconds = loop(model, x, batch);
        return new Result(rows, batch, rows / sparkSeconds, rows / loopSeconds);
      } finally {
        spark.stop();
      }
    }
  }

  /** Seconds to score every row on Spark, forcing every output value to be made. */
  private static double sparkRun(LaminaTransformer stage, Dataset<Row> data) {
    long start = System.nanoTime();
    // The stage makes every output of every row whatever is selected after it.
    Row count = stage.transform(data).selectExpr("count(p[9])").first();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (count.getLong(0) != data.count()) {
      throw new IllegalStateException("scored " + count + " rows of " + data.count());
    }
    return seconds;
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
    return String.format(Locale.ROOT, "| rows | batch | Spark local[2] (rows/s) | Java loop, 2 "
        + "threads (rows/s) | Spark / loop |%n| ---: | ---: | ---: | ---: | ---: |%n"
        + "| %,d | %,d | %,.0f | %,.0f | %.2f× |%n", result.rows(), result.batch(),
        result.sparkRowsPerSecond(), result.loopRowsPerSecond(),
        result.sparkRowsPerSecond() / result.loopRowsPerSecond());
  }
}
