package dev.lamina.benchmarks;

import dev.lamina.runtime.SessionOptions;
import dev.lamina.runtime.Sequential;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * Training throughput of {@link ConvNet} (Keras's MNIST convnet, dropout 0.5, Adam, categorical
 * cross-entropy): Lamina's {@code fit} (one epoch per call, shuffled, verbose 0, no metrics)
 * against {@link HandConvTrainer}, the same graph and update written by hand, from the same
 * weights on the same data: {@link #SAMPLES} seeded random images of 28×28×1 values in [0, 1)
 * with random one-hot targets. Samples per second at batch 32 and 128.
 */
public final class ConvnetTraining implements AutoCloseable {

  public static final int SAMPLES = 1024;
  public static final long WEIGHT_SEED = 0x5eed_0031L;
  public static final long DATA_SEED = 0x5eed_0032L;
  public static final int[] BATCHES = {32, 128};

  /** Row-major images and one-hot targets. */
  public record Data(float[] x, float[] y, int samples) {

    public static Data seeded(long seed, int samples) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] x = new float[samples * ConvNet.PIXELS];
      AntirectifierNet.fill(random, x);
      float[] y = new float[samples * ConvNet.CLASSES];
      for (int i = 0; i < samples; i++) {
        y[i * ConvNet.CLASSES + random.nextInt(ConvNet.CLASSES)] = 1;
      }
      return new Data(x, y, samples);
    }

    public FloatNdArray xArray() {
      return NdArrays.wrap(Shape.of(samples, ConvNet.ROWS, ConvNet.COLS, 1),
          DataBuffers.of(x, true, false));
    }

    public FloatNdArray yArray() {
      return NdArrays.wrap(Shape.of(samples, ConvNet.CLASSES), DataBuffers.of(y, true, false));
    }
  }

  public static HandConvTrainer hand(ConvNet.Weights w, double dropout) {
    return new HandConvTrainer(w, dropout, SessionOptions.defaults().toConfigProto());
  }

  private final Data data;
  private final Sequential lamina;
  private final HandConvTrainer hand;
  private final FitSampler sampler;

  public ConvnetTraining() {
    ConvNet.Weights weights = ConvNet.Weights.seeded(WEIGHT_SEED);
    data = Data.seeded(DATA_SEED, SAMPLES);
    lamina = ConvNet.laminaTrainer(weights, ConvNet.DROPOUT);
    hand = hand(weights, ConvNet.DROPOUT);
    sampler = new FitSampler(lamina, data.xArray(), data.yArray(), data.samples(),
        (batch, random) -> hand.epoch(data.x(), data.y(), data.samples(), batch, random));
  }

  public Data data() {
    return data;
  }

  /** The sampler behind {@link #measure}, for a side-by-side run. */
  FitSampler sampler() {
    return sampler;
  }

  /** One sample of {@code config} ("lamina@32", "hand@128"). */
  public double measure(String config, int epochs) {
    return sampler.measure(config, epochs);
  }

  /** The first kernel now, flattened: Lamina's or the hand loop's ({@code "lamina"}, "hand"). */
  float[] firstKernel(String who) {
    return who.equals("lamina") ? lamina.weights().get(0).values() : hand.weights().get(0);
  }

  @Override
  public void close() {
    try {
      lamina.close();
    } finally {
      hand.close();
    }
  }
}
