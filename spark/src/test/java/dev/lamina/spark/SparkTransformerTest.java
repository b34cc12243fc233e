package dev.lamina.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.keras.KerasModels;
import dev.lamina.runtime.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.StdArrays;

/** The stage in local[*]: one JVM, Spark's task threads sharing the model. */
class SparkTransformerTest {

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[*]").appName("lamina-spark-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    ExecutorModels.closeAll();
  }

  private static Map<Long, Row> byId(Dataset<Row> scored) {
    Map<Long, Row> rows = new HashMap<>();
    for (Row row : scored.collectAsList()) {
      rows.put(row.getLong(0), row);
    }
    return rows;
  }

  private static void assertScored(float[][] expected, Map<Long, Row> rows, String column) {
    assertEquals(expected.length, rows.size());
    for (int i = 0; i < expected.length; i++) {
      Row row = rows.get((long) i);
      TestModels.assertBitEqual(expected[i],
          TestModels.floats(row.get(row.fieldIndex(column))), column + " of row " + i);
    }
  }

  @Test
  void pipelineFitTransformSaveAndLoadScoreAsPredictBitForBit(@TempDir Path dir)
      throws Exception {
    float[][] x = TestModels.rows(1000, TestModels.FEATURES, 1);
    try (Model model = TestModels.classifier(101)) {
      float[][] expected = TestModels.expected(model, x, 4, 64);
      LaminaTransformer stage = LaminaTransformer.of(model)
          .setInputCols("features").setOutputCols("probabilities").setBatchSize(64);
      Dataset<Row> data = TestModels.frame(spark, x, 4);
      int loadsBefore = ExecutorModels.loads();

      Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {stage});
      PipelineModel fitted = pipeline.fit(data);
      Dataset<Row> scored = fitted.transform(data);
      assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false),
          scored.schema().apply("probabilities").dataType());
      assertScored(expected, byId(scored), "probabilities");
      // Four partitions on up to two task threads: the model was loaded once in this JVM.
      assertEquals(1, ExecutorModels.loads() - loadsBefore);

      String pipelineDir = dir.resolve("pipeline").toString();
      String modelDir = dir.resolve("pipeline-model").toString();
      pipeline.write().overwrite().save(pipelineDir);
      fitted.write().overwrite().save(modelDir);
      PipelineModel loaded = PipelineModel.load(modelDir);
      LaminaTransformer loadedStage = (LaminaTransformer) loaded.stages()[0];
      assertEquals(stage.uid(), loadedStage.uid());
      assertEquals(64, loadedStage.getBatchSize());
      assertEquals(List.of("features"), Arrays.asList(loadedStage.getInputCols()));
      assertTrue(Arrays.equals(model.toBytes(), loadedStage.modelBytes()));
      assertScored(expected, byId(loaded.transform(data)), "probabilities");
      // The file inside the saved stage is a Lamina model file.
      try (Model fromStage = Model.load(
          Path.of(modelDir, "stages", "0_" + stage.uid(), "model.lamina"))) {
        TestModels.assertBitEqual(expected[7], fromStage.predict(new float[][] {x[7]},
            float[][].class)[0], "model.lamina from the saved stage");
      }
      Pipeline reloaded = Pipeline.load(pipelineDir);
      assertScored(expected, byId(reloaded.fit(data).transform(data)), "probabilities");
      // Same bytes, same model: still loaded once.
      assertEquals(1, ExecutorModels.loads() - loadsBefore);
    }
  }

  /**
   * Spark 4.2's mllib brings protobuf-java 4.33.5, which wins over TensorFlow Java's 3.21.9 on
   * this class path (as on a cluster, whose jars come first): TensorFlow's generated protos
   * (ConfigProto for the session, GraphDef for import) must work with it, and do.
   */
  @Test
  void tensorFlowProtosWorkWithSparksProtobuf() throws Exception {
    String protobufJar = com.google.protobuf.Message.class.getProtectionDomain().getCodeSource()
        .getLocation().getPath();
    assertTrue(protobufJar.endsWith("protobuf-java-4.33.5.jar"), protobufJar);
    org.tensorflow.proto.ConfigProto config = org.tensorflow.proto.ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(1).setAllowSoftPlacement(true).build();
    assertEquals(config, org.tensorflow.proto.ConfigProto.parseFrom(config.toByteArray()));
    try (Model model = TestModels.classifier()) {
      float[][] x = TestModels.rows(3, TestModels.FEATURES, 9);
      model.predict(x, float[][].class);
      org.tensorflow.proto.GraphDef graph = model.tensorFlowGraph().toGraphDef();
      assertTrue(graph.getNodeCount() > 10);
      assertEquals(graph, org.tensorflow.proto.GraphDef.parseFrom(graph.toByteArray()));
    }
    // And Spark's side in the same JVM: a job that goes through Spark's serializers.
    assertEquals(3, spark.range(3).collectAsList().size());
  }

  @Test
  void vectorColumnsInAndOut() throws Exception {
    int count = 300;
    float[][] x = TestModels.rows(count, TestModels.FEATURES, 2);
    StructType schema = new StructType().add("id", DataTypes.LongType, false);
    String[] names = new String[TestModels.FEATURES];
    for (int f = 0; f < names.length; f++) {
      names[f] = "f" + f;
      schema = schema.add(names[f], DataTypes.DoubleType, false);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Object[] values = new Object[names.length + 1];
      values[0] = (long) i;
      for (int f = 0; f < names.length; f++) {
        values[f + 1] = (double) x[i][f];
      }
      rows.add(RowFactory.create(values));
    }
    Dataset<Row> data = TestModels.frame(spark, rows, schema, 3);
    try (Model model = TestModels.classifier()) {
      float[][] expected = TestModels.expected(model, x, 3, 256);
      PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {
          new VectorAssembler().setInputCols(names).setOutputCol("features"),
          LaminaTransformer.of(model).setInputCols("features").setOutputCols("p")
              .setOutputFormat("vector")}).fit(data);
      Map<Long, Row> scored = byId(fitted.transform(data));
      for (int i = 0; i < count; i++) {
        Vector p = (Vector) scored.get((long) i).getAs("p");
        float[] actual = new float[p.size()];
        for (int j = 0; j < actual.length; j++) {
          actual[j] = (float) p.apply(j);
        }
        TestModels.assertBitEqual(expected[i], actual, "p of row " + i);
      }
    }
  }

  @Test
  void twoInputsOfRankThreeAndTwoAndTwoOutputs() throws Exception {
    int count = 200;
    float[][] flatA = TestModels.rows(count, 12, 3);
    float[][] b = TestModels.rows(count, 6, 4);
    float[][][] a = new float[count][3][4];
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Object[] nested = new Object[3];
      for (int r = 0; r < 3; r++) {
        a[i][r] = Arrays.copyOfRange(flatA[i], 4 * r, 4 * r + 4);
        nested[r] = a[i][r];
      }
      // b as doubles: an array<double> column feeding a float32 input.
      double[] bd = new double[6];
      for (int k = 0; k < 6; k++) {
        bd[k] = b[i][k];
      }
      rows.add(RowFactory.create((long) i, nested, bd));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("a", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)))
        .add("b", DataTypes.createArrayType(DataTypes.DoubleType));
    Dataset<Row> data = TestModels.frame(spark, rows, schema, 2);
    try (Model model = TestModels.twoInTwoOut()) {
      List<float[][]> expected = TestModels.expected(model, List.of(a, b), 2, 17);
      LaminaTransformer stage = LaminaTransformer.of(model).setInputCols("a", "b")
          .setOutputCols("dense", "scaled").setBatchSize(17);
      Map<Long, Row> scored = byId(stage.transform(data));
      assertScored(expected.get(0), scored, "dense");
      assertScored(expected.get(1), scored, "scaled");

      // b again with elements that cannot be null: it comes as a double[] (no boxing) and is
      // converted to floats as the boxed path does, bit for bit.
      StructType primitive = new StructType().add("id", DataTypes.LongType, false)
          .add("a", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)))
          .add("b", DataTypes.createArrayType(DataTypes.DoubleType, false));
      Dataset<Row> primitiveData = TestModels.frame(spark, rows, primitive, 2);
      assertEquals(List.of(false, true), primitiveInputs(model, stage, primitive));
      scored = byId(stage.transform(primitiveData));
      assertScored(expected.get(0), scored, "dense");
      assertScored(expected.get(1), scored, "scaled");
      assertEquals(primitive.add("dense", DataTypes.createArrayType(DataTypes.FloatType, false),
          true).add("scaled", DataTypes.createArrayType(DataTypes.FloatType, false), true),
          stage.transform(primitiveData).schema());
    }
  }

  /**
   * Which input columns of {@code schema} the stage reads as primitive arrays, after checking
   * that its row encoders say so (the fast path is taken, not only allowed).
   */
  private static List<Boolean> primitiveInputs(Model model, LaminaTransformer stage,
      StructType schema) {
    ModelSignature signature = ModelSignature.of(model);
    InputColumn[] columns = new InputColumn[stage.getInputCols().length];
    List<Boolean> primitive = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      columns[i] = InputColumn.of(schema, stage.getInputCols()[i], signature.inputs.get(i));
      primitive.add(columns[i].primitive);
    }
    var encoder = LaminaTransformer.rowEncoder(schema, columns, null);
    assertEquals(primitive.contains(true), encoder != null,
        "an encoder exactly when a column gains");
    if (encoder != null) {
      var fields = scala.jdk.javaapi.CollectionConverters.asJava(
          ((AgnosticEncoders.RowEncoder) encoder).fields());
      for (InputColumn column : columns) {
        assertEquals(column.primitive,
            fields.get(column.index).enc() instanceof AgnosticEncoders.ArrayEncoder<?>,
            column.column);
      }
    }
    return primitive;
  }

  @Test
  void kerasFileScoresAsItsImportPredicts() throws Exception {
    Path file = Path.of(getClass().getResource("/antirectifier.keras").toURI());
    float[][] x = TestModels.rows(500, 64, 5);
    try (Model model = KerasModels.load(file)) {
      float[][] expected = TestModels.expected(model, x, 3, 256);
      LaminaTransformer stage = LaminaTransformer.of(model).setInputCols("features")
          .setOutputCols("scores");
      assertScored(expected, byId(stage.transform(TestModels.frame(spark, x, 3))), "scores");
    }
  }

  /** Rows 0..5 valid, then a null, a short row, a null element, and a valid row. */
  private static Dataset<Row> badRows(float[][] valid) {
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, true), true);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.add(RowFactory.create((long) i, valid[i]));
    }
    rows.add(RowFactory.create(6L, null));
    rows.add(RowFactory.create(7L, Arrays.copyOf(valid[7], 7)));
    Float[] withNull = new Float[TestModels.FEATURES];
    Arrays.fill(withNull, 1f);
    withNull[3] = null;
    rows.add(RowFactory.create(8L, (Object) withNull));
    rows.add(RowFactory.create(9L, valid[9]));
    return TestModels.frame(spark, rows, schema, 1);
  }

  @Test
  void badRowsUnderEachHandleInvalidMode() throws Exception {
    float[][] x = TestModels.rows(10, TestModels.FEATURES, 6);
    try (Model model = TestModels.classifier()) {
      // The valid rows' batches of 4: rows 0-3, then 4, 5 and 9.
      float[][] first = StdArrays.array2dCopyOf(model.predict(
          StdArrays.ndCopyOf(Arrays.copyOfRange(x, 0, 4)), 4));
      float[][] second = StdArrays.array2dCopyOf(model.predict(
          StdArrays.ndCopyOf(new float[][] {x[4], x[5], x[9]}), 4));
      float[][] expected = new float[10][];
      System.arraycopy(first, 0, expected, 0, 4);
      expected[4] = second[0];
      expected[5] = second[1];
      expected[9] = second[2];
      LaminaTransformer stage = LaminaTransformer.of(model).setInputCols("features")
          .setOutputCols("p").setBatchSize(4);
      Dataset<Row> data = badRows(x);

      Exception error = assertThrows(Exception.class,
          () -> stage.transform(data).collectAsList());
      String message = messages(error);
      assertTrue(message.contains(stage.uid() + ": row 6 of partition 0 (counting from 0): "
          + "input column 'features' is null; the model's input (float32, shape (None, 8)) "
          + "takes array<(float|double|int|bigint)> or an ML Vector of shape (8)"), message);
      assertTrue(message.contains("Set handleInvalid to \"skip\""), message);

      Dataset<Row> fromRow7 = data.filter("id >= 7");
      message = messages(assertThrows(Exception.class,
          () -> stage.transform(fromRow7).collectAsList()));
      assertTrue(message.contains("row 0 of partition 0 (counting from 0): input column "
          + "'features' has shape (7) where the model's input (float32, shape (None, 8)) needs "
          + "(8)"), message);
      Dataset<Row> fromRow8 = data.filter("id >= 8");
      message = messages(assertThrows(Exception.class,
          () -> stage.transform(fromRow8).collectAsList()));
      assertTrue(message.contains("input column 'features' holds a null at [3]"), message);

      stage.setHandleInvalid("skip");
      Map<Long, Row> skipped = byId(stage.transform(data));
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 9L),
          skipped.keySet().stream().sorted().toList());
      for (long id : skipped.keySet()) {
        TestModels.assertBitEqual(expected[(int) id],
            TestModels.floats(skipped.get(id).getAs("p")), "skip, row " + id);
      }

      stage.setHandleInvalid("keep");
      List<Row> kept = stage.transform(data).collectAsList();
      assertEquals(10, kept.size());
      for (int i = 0; i < 10; i++) {
        Row row = kept.get(i);
        assertEquals(i, row.getLong(0), "keep keeps the order");
        if (i >= 6 && i <= 8) {
          assertNull(row.get(2), "row " + i);
        } else {
          TestModels.assertBitEqual(expected[i], TestModels.floats(row.get(2)), "keep, row " + i);
        }
      }
    }
  }

  /**
   * The same bad rows where the column's elements cannot be null (Spark hands the stage a
   * primitive array per row): a null row and a short row give the same errors, and skip and keep
   * the same rows and scores.
   */
  @Test
  void badRowsOnThePrimitiveArrayPath() throws Exception {
    float[][] x = TestModels.rows(10, TestModels.FEATURES, 6);
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), true);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(RowFactory.create((long) i, i == 6 ? null : i == 7 ? Arrays.copyOf(x[7], 7)
          : x[i]));
    }
    Dataset<Row> data = TestModels.frame(spark, rows, schema, 1);
    try (Model model = TestModels.classifier()) {
      // The valid rows' batches of 4: rows 0-3, then 4, 5, 8 and 9.
      float[][] first = StdArrays.array2dCopyOf(model.predict(
          StdArrays.ndCopyOf(Arrays.copyOfRange(x, 0, 4)), 4));
      float[][] second = StdArrays.array2dCopyOf(model.predict(
          StdArrays.ndCopyOf(new float[][] {x[4], x[5], x[8], x[9]}), 4));
      float[][] expected = new float[10][];
      System.arraycopy(first, 0, expected, 0, 4);
      expected[4] = second[0];
      expected[5] = second[1];
      expected[8] = second[2];
      expected[9] = second[3];
      LaminaTransformer stage = LaminaTransformer.of(model).setInputCols("features")
          .setOutputCols("p").setBatchSize(4);
      assertEquals(List.of(true), primitiveInputs(model, stage, schema));

      String message = messages(assertThrows(Exception.class,
          () -> stage.transform(data).collectAsList()));
      assertTrue(message.contains(stage.uid() + ": row 6 of partition 0 (counting from 0): "
          + "input column 'features' is null; the model's input (float32, shape (None, 8)) "
          + "takes array<(float|double|int|bigint)> or an ML Vector of shape (8)"), message);
      message = messages(assertThrows(Exception.class,
          () -> stage.transform(data.filter("id >= 7")).collectAsList()));
      assertTrue(message.contains("row 0 of partition 0 (counting from 0): input column "
          + "'features' has shape (7) where the model's input (float32, shape (None, 8)) needs "
          + "(8)"), message);

      stage.setHandleInvalid("skip");
      Map<Long, Row> skipped = byId(stage.transform(data));
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 8L, 9L),
          skipped.keySet().stream().sorted().toList());
      for (long id : skipped.keySet()) {
        TestModels.assertBitEqual(expected[(int) id],
            TestModels.floats(skipped.get(id).getAs("p")), "skip, row " + id);
        // The input column comes through as it was.
        TestModels.assertBitEqual(x[(int) id], TestModels.floats(skipped.get(id).getAs(
            "features")), "skip, features of row " + id);
      }

      stage.setHandleInvalid("keep");
      List<Row> kept = stage.transform(data).collectAsList();
      assertEquals(10, kept.size());
      for (int i = 0; i < 10; i++) {
        Row row = kept.get(i);
        assertEquals(i, row.getLong(0), "keep keeps the order");
        if (i == 6 || i == 7) {
          assertNull(row.get(2), "row " + i);
        } else {
          TestModels.assertBitEqual(expected[i], TestModels.floats(row.get(2)), "keep, row " + i);
        }
      }
      assertNull(kept.get(6).get(1));
      assertEquals(7, TestModels.floats(kept.get(7).get(1)).length);
    }
  }

  private static String messages(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause()) {
      text.append(t.getMessage()).append('\n');
    }
    return text.toString();
  }

  @Test
  void transformSchemaChecksColumnsBeforeAnyJob() throws Exception {
    try (Model model = TestModels.classifier()) {
      LaminaTransformer stage = LaminaTransformer.of(model);
      StructType schema = new StructType().add("id", DataTypes.LongType)
          .add("words", DataTypes.createArrayType(DataTypes.StringType))
          .add("features", DataTypes.createArrayType(DataTypes.FloatType))
          .add("nested", DataTypes.createArrayType(
              DataTypes.createArrayType(DataTypes.FloatType)));
      String uid = stage.uid();
      assertEquals(uid + ": set inputCols, one column per model input (input (float32, shape "
          + "(None, 8)))", assertThrows(IllegalArgumentException.class,
              () -> stage.transformSchema(schema)).getMessage());
      stage.setInputCols("words").setOutputCols("p");
      assertEquals(uid + ": Input column 'words' has type array<string>, but the model's input "
          + "(float32, shape (None, 8)) takes array<(float|double|int|bigint)> or an ML Vector "
          + "of shape (8) per row", assertThrows(IllegalArgumentException.class,
              () -> stage.transformSchema(schema)).getMessage());
      stage.setInputCols("nested");
      assertTrue(assertThrows(IllegalArgumentException.class, () -> stage.transformSchema(schema))
          .getMessage().contains("'nested' has type array<array<float>>"));
      stage.setInputCols("absent");
      assertEquals(uid + ": Input column 'absent' (for the model's input (float32, shape "
          + "(None, 8))) is not in the data; its columns are [id, words, features, nested]",
          assertThrows(IllegalArgumentException.class,
              () -> stage.transformSchema(schema)).getMessage());
      stage.setInputCols("features", "id");
      assertEquals(uid + ": inputCols names 2 columns [features, id], but the model has 1 "
          + "inputs (input (float32, shape (None, 8)))", assertThrows(
              IllegalArgumentException.class, () -> stage.transformSchema(schema)).getMessage());
      stage.setInputCols("features").setOutputCols("id");
      assertEquals(uid + ": output column 'id' already exists in the data",
          assertThrows(IllegalArgumentException.class,
              () -> stage.transformSchema(schema)).getMessage());
      stage.setOutputCols("p");
      assertEquals(schema.add("p", DataTypes.createArrayType(DataTypes.FloatType, false), true),
          stage.transformSchema(schema));
      assertThrows(IllegalArgumentException.class, () -> stage.setHandleInvalid("ignore"));
      assertThrows(IllegalArgumentException.class, () -> stage.setBatchSize(0));
      // transform checks the same way, at once: no job runs for a stage that cannot work.
      stage.setInputCols("words");
      Dataset<Row> empty = spark.createDataFrame(List.of(), schema);
      assertThrows(IllegalArgumentException.class, () -> stage.transform(empty));
    }
  }
}
