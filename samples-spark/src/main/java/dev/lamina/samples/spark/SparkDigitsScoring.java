package dev.lamina.samples.spark;

import dev.lamina.runtime.Sequential;
import dev.lamina.samples.Digits;
import dev.lamina.samples.DigitsTraining;
import dev.lamina.spark.LaminaTransformer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Trains the digits classifier (Keras's antirectifier example on the 8×8 digits), then scores
 * generated rows with it on Spark and prints rows per second: each row is a test image with
 * seeded noise added, its label beside it.
 *
 * <p>Arguments: rows (1,000,000), master (local[2]; ignored when spark-submit sets one), batch
 * size (1,024), partitions (8).
 */
public final class SparkDigitsScoring {

  private SparkDigitsScoring() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000;
    String master = args.length > 1 ? args[1] : "local[2]";
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    int partitions = args.length > 3 ? Integer.parseInt(args[3]) : 8;

    Digits digits = Digits.standardSplit();
    try (Sequential model = DigitsTraining.model()) {
      long started = System.nanoTime();
      Map<String, Double> test = DigitsTraining.train(model, digits,
          new PrintStream(OutputStream.nullOutputStream()));
      System.out.printf("trained the digits classifier in %.1f s: test accuracy %.4f%n",
          (System.nanoTime() - started) / 1e9, test.get("accuracy"));

      SparkSession.Builder builder = SparkSession.builder().appName("lamina-digits-scoring");
      if (!System.getProperties().containsKey("spark.master")) {
        builder.master(master).config("spark.ui.enabled", "false");
      }
      SparkSession spark = builder.getOrCreate();
      try {
        Dataset<Row> generated = generate(spark, digits, rows, partitions).cache();
        System.out.printf("generated %,d rows in %d partitions%n", generated.count(),
            generated.rdd().getNumPartitions());

        LaminaTransformer scorer = LaminaTransformer.of(model)
            .setInputCols("pixels").setOutputCols("probabilities").setBatchSize(batch);
        started = System.nanoTime();
        Row result = scorer.transform(generated)
            .selectExpr("array_position(probabilities, array_max(probabilities)) - 1 = label "
                + "AS correct")
            .selectExpr("count(*) AS scored", "avg(CAST(correct AS DOUBLE)) AS accuracy")
            .first();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("scored %,d rows in %.1f s on %s, batch %d: %,.0f rows/s "
                + "(accuracy on the noisy rows %.4f)%n", result.getLong(0), seconds,
            spark.sparkContext().master(), batch, result.getLong(0) / seconds,
            result.getDouble(1));
      } finally {
        spark.stop();
      }
    }
  }

  /** Columns id, label and pixels (array<float> of 64): a test image plus noise, per row. */
  static Dataset<Row> generate(SparkSession spark, Digits digits, long rows, int partitions) {
    float[][] images = digits.xTest();
    int[] labels = new int[images.length];
    for (int i = 0; i < labels.length; i++) {
      float[] y = digits.yTest()[i];
      for (int c = 0; c < y.length; c++) {
        labels[i] = y[c] > y[labels[i]] ? c : labels[i];
      }
    }
    Broadcast<float[][]> imagesOut = spark.sparkContext().broadcast(images,
        scala.reflect.ClassTag$.MODULE$.apply(float[][].class));
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("label", DataTypes.IntegerType, false)
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    MapPartitionsFunction<Long, Row> rowsOf = ids -> {
      float[][] source = imagesOut.value();
      List<Row> out = new ArrayList<>();
      while (ids.hasNext()) {
        long id = ids.next();
        SplittableRandom random = new SplittableRandom(id);
        int image = (int) (id % source.length);
        float[] pixels = source[image].clone();
        for (int p = 0; p < pixels.length; p++) {
          pixels[p] = Math.max(0f, pixels[p] + (float) (random.nextGaussian() * 0.05));
        }
        out.add(RowFactory.create(id, labels[image], pixels));
      }
      Iterator<Row> iterator = out.iterator();
      return iterator;
    };
    return spark.range(0, rows, 1, partitions).mapPartitions(rowsOf, Encoders.row(schema));
  }
}
