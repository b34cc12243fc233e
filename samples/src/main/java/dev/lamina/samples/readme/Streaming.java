package dev.lamina.samples.readme;

import dev.lamina.runtime.Model;
// README: streaming
import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.BatchSource;
import dev.lamina.runtime.data.CsvSource;
import dev.lamina.runtime.train.FitOptions;
import java.nio.file.Path;
import java.util.Map;
// END README: streaming
import java.util.Random;

/** The README's "Data larger than memory": a CSV file read in batches, and a generator. */
public final class Streaming {

  private static final Random RANDOM = new Random(42);

  private Streaming() {}

  // README: streaming
  static CsvSource csv(Path file) {
    return CsvSource.builder(file)
        .columns(CsvSource.Type.FLOAT, "f1", "f2", "f3")   // the file's columns, in order
        .column("label", CsvSource.Type.INT)
        .features("f1", "f2", "f3")                          // one input: float[batch][3]
        .target("label")                                     // its target: int[batch][1]
        .batchSize(256)
        .shuffleBuffer(10_000, 42)                           // tf.data's shuffle(10_000), seeded
        .build();
  }
  // END README: streaming

  /**
   * Trains {@code model} (three float features, one output) on {@code train.csv}, validated on
   * {@code valid.csv} in the working directory, then on generated batches.
   */
  public static Map<String, Double> train(Model model) throws Exception {
    Map<String, Double> result;
    // README: streaming
    try (CsvSource train = csv(Path.of("train.csv")); CsvSource valid = csv(Path.of("valid.csv"))) {
      model.fit(train, new FitOptions().epochs(5).validationData(valid));
      Map<String, Double> scores = model.evaluate(valid);
      // END README: streaming
      result = scores;
    // README: streaming
    }

    // Your own: a generator of batches, never ending; each epoch takes the next 500 batches.
    BatchSource stream = index -> Batch.of(nextFeatures(), nextTargets()); // float[][], float[][]
    model.fit(stream, new FitOptions().epochs(20).stepsPerEpoch(500));
    // END README: streaming
    return result;
  }

  /** 32 rows of three features. */
  static float[][] nextFeatures() {
    float[][] x = new float[32][3];
    for (float[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) RANDOM.nextGaussian();
      }
    }
    return x;
  }

  /** 32 targets of one value. */
  static float[][] nextTargets() {
    float[][] y = new float[32][1];
    for (float[] row : y) {
      row[0] = RANDOM.nextInt(2);
    }
    return y;
  }
}
