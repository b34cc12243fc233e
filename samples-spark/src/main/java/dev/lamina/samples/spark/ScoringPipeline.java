package dev.lamina.samples.spark;

// README: spark-stage
import dev.lamina.runtime.Model;
import dev.lamina.spark.LaminaTransformer;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
// END README: spark-stage

/**
 * The README's "Scoring on Spark": a saved model as a pipeline stage, behind the application's own
 * {@code assembler} (any stage that makes the {@code pixels} column), saved as a pipeline.
 */
public final class ScoringPipeline {

  private ScoringPipeline() {}

  /** Scores {@code rows} with {@code digits.lamina} and saves the fitted pipeline; returns the scores. */
  public static Dataset<Row> score(Dataset<Row> rows, PipelineStage assembler) throws IOException {
    Dataset<Row> result;
    // README: spark-stage
    try (Model model = Model.load(Path.of("digits.lamina"))) {   // or KerasModels.load(...)
      LaminaTransformer scorer = LaminaTransformer.of(model)
          .setInputCols("pixels")              // one column per model input
          .setOutputCols("probabilities")      // one column per model output
          .setBatchSize(1024)                  // rows per predict, inside each partition
          .setHandleInvalid("skip");           // "error" (default), "skip" or "keep"
      Dataset<Row> scored = scorer.transform(rows);
      new Pipeline().setStages(new PipelineStage[] {assembler, scorer}).fit(rows)
          .write().overwrite().save("hdfs:///models/digits-pipeline");   // PipelineModel.load(...)
      // END README: spark-stage
      result = scored;
    // README: spark-stage
    }
    // END README: spark-stage
    return result;
  }
}
