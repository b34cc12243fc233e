package dev.lamina.benchmarks;

import dev.lamina.runtime.Sequential;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * One {@code predict} of {@link ConvNet} (Keras's MNIST convnet) on {@code batchSize} images,
 * through Lamina's {@code Model.predict(x, batchSize)} and through the same graph written by hand
 * ({@link HandConvGraph}): same weights, same session options, the same input array ({@link
 * LaminaVsHandPredict}). Run with {@code -Dbench.args="predict ConvnetPredictBenchmark"} (JMH
 * options after it, e.g. {@code -f 1 -wi 3 -i 5}).
 */
public class ConvnetPredictBenchmark extends LaminaVsHandPredict {

  private final ConvNet.Weights weights = ConvNet.Weights.seeded(ConvNet.WEIGHT_SEED);

  @Override
  protected FloatNdArray input(int batchSize) {
    return ConvNet.images(ConvNet.INPUT_SEED, batchSize);
  }

  @Override
  protected Sequential laminaModel() {
    return ConvNet.lamina(weights, ConvNet.DROPOUT);
  }

  @Override
  protected HandPredictor handModel() {
    return new HandConvGraph(weights);
  }
}
