package dev.lamina.benchmarks;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.train.FitOptions;
import java.util.SplittableRandom;

/**
 * One sample of training throughput, as {@link TrainBenchmark}, {@link ConvnetTraining} and
 * {@link SequenceSideBySide} take it: {@code epochs} one-epoch calls of Lamina's {@code fit} (shuffled, verbose 0, a new seed per
 * call) or of a hand-written loop's epoch (a new split of one seeded shuffle stream per epoch)
 * on the same data, in samples per second. Configurations are named {@code "lamina@32"},
 * {@code "hand@256"}.
 */
final class FitSampler {

  /** One epoch of a hand-written loop at {@code batchSize}, shuffled by {@code random}. */
  @FunctionalInterface
  interface HandEpoch {
    void run(int batchSize, SplittableRandom random);
  }

  private final Model lamina;
  private final Object x;
  private final Object y;
  private final int samples;
  private final HandEpoch hand;
  private final SplittableRandom handShuffles = new SplittableRandom(0);
  private long laminaSeed;

  /**
   * {@code x} and {@code y} as {@code fit} takes them (NdArrays, Java arrays); {@code hand} null
   * for a model without a hand-written loop (then only "lamina@..." configurations).
   */
  FitSampler(Model lamina, Object x, Object y, int samples, HandEpoch hand) {
    this.lamina = lamina;
    this.x = x;
    this.y = y;
    this.samples = samples;
    this.hand = hand;
  }

  /** Trains {@code epochs} epochs with one loop; returns samples per second. */
  double sample(boolean withLamina, int batchSize, int epochs) {
    long start = System.nanoTime();
    for (int e = 0; e < epochs; e++) {
      if (withLamina) {
        lamina.fit(x, y, new FitOptions().batchSize(batchSize).epochs(1).verbose(0)
            .seed(laminaSeed++));
      } else {
        hand.run(batchSize, handShuffles.split());
      }
    }
    return (double) samples * epochs / ((System.nanoTime() - start) / 1e9);
  }

  /** One sample of {@code config} ("lamina@32"); NaN for no epochs. */
  double measure(String config, int epochs) {
    if (epochs == 0) {
      return Double.NaN;
    }
    int batch = Integer.parseInt(config.substring(config.indexOf('@') + 1));
    return sample(config.startsWith("lamina"), batch, epochs);
  }
}
