package dev.lamina.spark;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.merging.Concatenate;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.spark.lambdas.AntirectifierLayer;
import dev.lamina.spark.lambdas.ScaleLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;

/** The tests' models and data: seeded, so that every JVM builds the same. */
final class TestModels {

  static final int FEATURES = 8;

  private TestModels() {}

  /** 8 features → Dense(16) → antirectifier (32) → Dense(4, softmax). */
  static Model classifier() {
    return classifier(11);
  }

  /** {@link #classifier()} with other seeded weights: other bytes, another model to load. */
  static Model classifier(long seed) {
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, FEATURES);
    var hidden = AntirectifierLayer.of().apply(Dense.builder(16).seed(seed).build().apply(x));
    return Model.of(x,
        Dense.builder(4).activation("softmax").seed(seed + 1).build().apply(hidden));
  }

  /**
   * Two inputs, a (3, 4) and a (6), and two outputs: Dense(5) of both, and that times 2 (the
   * scale lambda).
   */
  static Model twoInTwoOut() {
    SymbolicTensor<TFloat32> a = Input.of(TFloat32.class, 3, 4);
    SymbolicTensor<TFloat32> b = Input.of(TFloat32.class, 6);
    var joined = new Concatenate(-1).apply(new Flatten().apply(a), b);
    var dense = Dense.builder(5).seed(21).build().apply(joined);
    return Model.of(List.of(a, b), List.of(dense, ScaleLayer.of(2.0f).apply(dense)));
  }

  static float[][] rows(int count, int features, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[count][features];
    for (float[] row : rows) {
      for (int i = 0; i < features; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return rows;
  }

  /**
   * Columns id (long) and features (array<float>), in {@code partitions} partitions of
   * consecutive rows (Spark's parallelize: partition p holds rows [p n / k, (p + 1) n / k)).
   */
  static Dataset<Row> frame(SparkSession spark, float[][] rows, int partitions) {
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), true);
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      list.add(RowFactory.create((long) i, rows[i]));
    }
    return frame(spark, list, schema, partitions);
  }

  static Dataset<Row> frame(SparkSession spark, List<Row> rows, StructType schema,
      int partitions) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(context.parallelize(rows, partitions), schema);
  }

  /**
   * Single-JVM predict over the batches the stage forms: each partition's rows (as
   * {@link #frame} splits them) {@code batchSize} at a time. The batches must match for bit
   * equality: TensorFlow's matrix kernels may round a row differently in another batch.
   */
  static List<float[][]> expected(Model model, List<Object[]> inputs, int partitions,
      int batchSize) {
    int count = inputs.get(0).length;
    int outputs = model.outputs().size();
    List<float[][]> results = new ArrayList<>();
    for (int j = 0; j < outputs; j++) {
      results.add(new float[count][]);
    }
    for (int p = 0; p < partitions; p++) {
      int start = (int) ((long) p * count / partitions);
      int end = (int) ((long) (p + 1) * count / partitions);
      if (start == end) {
        continue;
      }
      List<NdArray<?>> slices = new ArrayList<>();
      for (Object[] input : inputs) {
        Object[] slice = Arrays.copyOfRange(input, start, end);
        slices.add(slice instanceof float[][] rows ? StdArrays.ndCopyOf(rows)
            : StdArrays.ndCopyOf((float[][][]) slice));
      }
      List<NdArray<?>> predicted = model.predict(slices, batchSize);
      for (int j = 0; j < outputs; j++) {
        float[][] rows = StdArrays.array2dCopyOf((FloatNdArray) predicted.get(j));
        System.arraycopy(rows, 0, results.get(j), start, rows.length);
      }
    }
    return results;
  }

  static float[][] expected(Model model, float[][] x, int partitions, int batchSize) {
    return expected(model, List.<Object[]>of(x), partitions, batchSize).get(0);
  }

  /** Float bits, for messages that show where two arrays differ. */
  static void assertBitEqual(float[] expected, float[] actual, String what) {
    if (expected.length != actual.length) {
      throw new AssertionError(what + ": " + actual.length + " values, expected "
          + expected.length);
    }
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
        throw new AssertionError(what + "[" + i + "]: " + actual[i] + ", expected "
            + expected[i] + " bit for bit");
      }
    }
  }

  /** The float[] of an array<float> value as a Row hands it back. */
  static float[] floats(Object value) {
    scala.collection.Seq<?> seq = (scala.collection.Seq<?>) value;
    float[] out = new float[seq.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (Float) seq.apply(i);
    }
    return out;
  }
}
