package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import dev.lamina.runtime.Sequential;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * Run-time overhead: one {@code predict} of {@link AntirectifierNet}'s model on
 * {@code batchSize} rows, through Lamina's {@code Model.predict(x, batchSize)} and through the
 * same graph written by hand ({@link HandGraph}): same weights, same session options, the same
 * input array ({@link LaminaVsHandPredict}).
 */
public class PredictBenchmark extends LaminaVsHandPredict {

  private final Weights weights = Weights.seeded(AntirectifierNet.WEIGHT_SEED);

  @Override
  protected FloatNdArray input(int batchSize) {
    return AntirectifierNet.rows(AntirectifierNet.INPUT_SEED, batchSize);
  }

  @Override
  protected Sequential laminaModel() {
    return AntirectifierNet.lamina(weights);
  }

  @Override
  protected HandPredictor handModel() {
    return new HandGraph(weights);
  }
}
