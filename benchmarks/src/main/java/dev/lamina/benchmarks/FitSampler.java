package dev.lamina.benchmarks;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.train.FitOptions;
import java.util.SplittableRandom;

/**
 * One sample of training throughput, as {@link TrainBenchmark}, {@link ConvnetTraining} and
 * {@link SequenceSideBySide} take it: one call of Lamina's {@code fit} for {@code epochs} epochs
 * (shuffled, verbose 0, a new seed per call), as a user trains and as the Keras side times
 * {@code model.fit}, or {@code epochs} epochs of a hand-written loop (a new split of one seeded
 * shuffle stream per epoch), on the same data, in samples per second. Configurations are named
 * {@code "lamina@32"}, {@code "hand@256"}, and {@code "lamina1@32"} for {@code epochs} one-epoch
 * calls of {@code fit}, which adds its fixed cost per call to every epoch.
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

  /** The three ways {@link #sample} trains. */
  enum Loop {
    /** One {@code fit} call of all the epochs. */
    LAMINA,
    /** A {@code fit} call per epoch. */
    LAMINA_CALL_PER_EPOCH,
    HAND
  }

  /** Trains {@code epochs} epochs with one loop; returns samples per second. */
  double sample(Loop loop, int batchSize, int epochs) {
    long start = System.nanoTime();
    switch (loop) {
      case LAMINA -> lamina.fit(x, y, new FitOptions().batchSize(batchSize).epochs(epochs)
          .verbose(0).seed(laminaSeed++));
      case LAMINA_CALL_PER_EPOCH -> {
        for (int e = 0; e < epochs; e++) {
          lamina.fit(x, y, new FitOptions().batchSize(batchSize).epochs(1).verbose(0)
              .seed(laminaSeed++));
        }
      }
      case HAND -> {
        for (int e = 0; e < epochs; e++) {
          hand.run(batchSize, handShuffles.split());
        }
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
    String loop = config.substring(0, config.indexOf('@'));
    return sample(switch (loop) {
      case "lamina" -> Loop.LAMINA;
      case "lamina1" -> Loop.LAMINA_CALL_PER_EPOCH;
      case "hand" -> Loop.HAND;
      default -> throw new IllegalArgumentException("no loop '" + loop + "' in " + config);
    }, batch, epochs);
  }
}
