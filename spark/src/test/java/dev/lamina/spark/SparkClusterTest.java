package dev.lamina.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Model;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage on a standalone cluster of separate JVMs (Spark's Master and Worker, and the
 * executors the worker starts): the model's bytes and the lambdas' classes really travel.
 */
class SparkClusterTest {

  @TempDir
  static Path dir;
  private static StandaloneCluster cluster;
  private static Path lambdaJar;

  @BeforeAll
  static void startCluster() throws Exception {
    lambdaJar = StandaloneCluster.lambdaJar(dir.resolve("lambdas.jar"), "dev/lamina/spark/lambdas");
    cluster = StandaloneCluster.start(dir.resolve("cluster"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static SparkSession session(String name, boolean shipLambdas) {
    SparkSession.Builder builder = SparkSession.builder().master(cluster.masterUrl).appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.memory", "1g")
        .config("spark.cores.max", "2")
        .config("spark.executor.extraClassPath", cluster.executorClassPath)
        .config("spark.executor.extraJavaOptions",
            System.getProperty("lamina.spark.jvmOptions", ""));
    if (shipLambdas) {
      builder.config("spark.jars", lambdaJar.toString());
    }
    return builder.getOrCreate();
  }

  @Test
  void pipelineOnSeparateJvmsScoresAsPredictBitForBit() throws Exception {
    float[][] x = TestModels.rows(2000, TestModels.FEATURES, 31);
    SparkSession spark = session("lamina-cluster-test", true);
    try (Model model = TestModels.classifier(201)) {
      float[][] expected = TestModels.expected(model, x, 4, 128);
      Dataset<Row> data = TestModels.frame(spark, x, 4);
      Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
          LaminaTransformer.of(model).setInputCols("features").setOutputCols("p")
              .setBatchSize(128)});
      PipelineModel fitted = pipeline.fit(data);
      assertScored(expected, fitted.transform(data));
      String saved = dir.resolve("pipeline-model").toString();
      fitted.write().overwrite().save(saved);
      assertScored(expected, PipelineModel.load(saved).transform(data));
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + cluster.logs(), e);
    } finally {
      spark.stop();
    }
  }

  private static void assertScored(float[][] expected, Dataset<Row> scored) {
    Map<Long, float[]> rows = new HashMap<>();
    for (Row row : scored.collectAsList()) {
      rows.put(row.getLong(0), TestModels.floats(row.get(2)));
    }
    assertEquals(expected.length, rows.size());
    for (int i = 0; i < expected.length; i++) {
      TestModels.assertBitEqual(expected[i], rows.get((long) i), "p of row " + i);
    }
  }

  @Test
  void missingLambdaOnExecutorsFailsTheStageSayingHowToShipIt() throws Exception {
    float[][] x = TestModels.rows(100, TestModels.FEATURES, 32);
    SparkSession spark = session("lamina-cluster-missing-lambda", false);
    try (Model model = TestModels.classifier(301)) {
      LaminaTransformer stage = LaminaTransformer.of(model).setInputCols("features")
          .setOutputCols("p");
      Dataset<Row> scored = stage.transform(TestModels.frame(spark, x, 2));
      Exception error = assertThrows(Exception.class, scored::collectAsList);
      String message = error.getMessage();
      assertTrue(message.contains(stage.uid() + ": executor "), message);
      assertTrue(message.contains("cannot load the model: its @Lambda method "
          + "[dev.lamina.spark.lambdas.SparkTestLambdas.antirectifier] is not on this JVM's "
          + "class path (its lambda registry holds []). Ship the jar with the compiled lambdas"),
          message);
      assertTrue(message.contains("spark-submit --jars my-lambdas.jar"), message);
      assertTrue(message.contains("uber jar (Maven Shade with the ServicesResourceTransformer"),
          message);
    } finally {
      spark.stop();
    }
  }
}
