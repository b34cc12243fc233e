package dev.lamina.benchmarks;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import dev.lamina.runtime.Input;
import dev.lamina.runtime.SessionOptions;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.RmsProp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Training throughput of the digits antirectifier model (64 features → Dense(256) →
 * antirectifier → Dropout(0.1) → Dense(256) → antirectifier → Dropout(0.1) → Dense(10, softmax),
 * RMSprop, categorical cross-entropy): Lamina's {@code fit} (one call per sample, shuffled,
 * verbose 0; and, to show its fixed cost per call, one call per epoch) against {@link
 * HandTrainer}, the same graph and update written by hand, from the same weights on the same data
 * (1,437 seeded random rows of 64 values in [0, 1) with random one-hot targets: the digits'
 * training split's size). Samples per second, measured in rounds with the six configurations
 * (three loops × batch 32 and 256) in a new seeded order each round.
 */
public final class TrainBenchmark implements AutoCloseable {

  public static final int FEATURES = 64;
  public static final int SAMPLES = 1437;
  public static final long WEIGHT_SEED = 0x5eed_0011L;
  public static final long DATA_SEED = 0x5eed_0012L;
  public static final double DROPOUT = 0.1;
  /** The two Dropout layers' seeds, as in {@code samples/DigitsTraining}. */
  public static final long[] DROPOUT_SEEDS = {3, 4};
  public static final int[] BATCHES = {32, 256};

  /** Row-major inputs and one-hot targets. */
  public record Data(float[] x, float[] y, int samples, int features) {

    public static Data seeded(long seed, int samples, int features) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] x = new float[samples * features];
      AntirectifierNet.fill(random, x);
      float[] y = new float[samples * AntirectifierNet.CLASSES];
      for (int i = 0; i < samples; i++) {
        y[i * AntirectifierNet.CLASSES + random.nextInt(AntirectifierNet.CLASSES)] = 1;
      }
      return new Data(x, y, samples, features);
    }

    public FloatNdArray xArray() {
      return NdArrays.wrap(Shape.of(samples, features), DataBuffers.of(x, true, false));
    }

    public FloatNdArray yArray() {
      return NdArrays.wrap(Shape.of(samples, AntirectifierNet.CLASSES),
          DataBuffers.of(y, true, false));
    }
  }

  /** The model with Lamina, compiled with Keras's RMSprop defaults and no metrics. */
  public static Sequential lamina(Weights w, double dropout) {
    Sequential model = Sequential.of(Input.of(TFloat32.class, w.kernel1().length),
        Dense.builder(AntirectifierNet.HIDDEN).kernel(w.kernel1()).bias(w.bias1()).build(),
        AntirectifierLayer.of(),
        new Dropout("dropout", dropout, DROPOUT_SEEDS[0]),
        Dense.builder(AntirectifierNet.HIDDEN).kernel(w.kernel2()).bias(w.bias2()).build(),
        AntirectifierLayer.of(),
        new Dropout("dropout_1", dropout, DROPOUT_SEEDS[1]),
        Dense.builder(AntirectifierNet.CLASSES).kernel(w.kernel3()).bias(w.bias3())
            .activation("softmax").build());
    model.compile(new RmsProp(HandTrainer.LEARNING_RATE), Losses.categoricalCrossentropy());
    return model;
  }

  public static HandTrainer hand(Weights w, double dropout) {
    return new HandTrainer(w, dropout, DROPOUT_SEEDS, SessionOptions.defaults().toConfigProto());
  }

  private final Data data;
  private final Sequential lamina;
  private final HandTrainer hand;
  private final FitSampler sampler;

  public TrainBenchmark() {
    Weights weights = Weights.seeded(WEIGHT_SEED, FEATURES);
    data = Data.seeded(DATA_SEED, SAMPLES, FEATURES);
    lamina = lamina(weights, DROPOUT);
    hand = hand(weights, DROPOUT);
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

  /** Samples per second by configuration ("lamina@32", "hand@256", ...), one per round. */
  public Map<String, List<Double>> run(int warmupEpochs, int rounds, int epochsPerSample,
      long orderSeed) {
    List<String> configs = new ArrayList<>();
    for (int batch : BATCHES) {
      configs.add("lamina@" + batch);
      configs.add("lamina1@" + batch);
      configs.add("hand@" + batch);
    }
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    for (String config : configs) {
      rates.put(config, new ArrayList<>());
      measure(config, warmupEpochs);
    }
    Random order = new Random(orderSeed);
    for (int round = 0; round < rounds; round++) {
      List<String> shuffled = new ArrayList<>(configs);
      Collections.shuffle(shuffled, order);
      for (String config : shuffled) {
        rates.get(config).add(measure(config, epochsPerSample));
      }
    }
    return rates;
  }

  /** One sample of {@code config} ("lamina@32"). */
  public double measure(String config, int epochs) {
    return sampler.measure(config, epochs);
  }

  /**
   * Batch by row: Lamina, hand-written, their ratio; then, where measured, Lamina with a call per
   * epoch and its ratio to the hand loop, and Keras and Lamina's ratio to it.
   */
  static String table(Map<String, List<Double>> rates) {
    StringBuilder text = new StringBuilder();
    boolean perEpoch = rates.containsKey("lamina1@" + BATCHES[0]);
    boolean keras = rates.containsKey("keras@" + BATCHES[0]);
    text.append("| batch | Lamina fit (samples/s) | hand-written loop (samples/s) | Lamina / hand")
        .append(perEpoch ? " | Lamina, a fit call per epoch (samples/s) | that / hand" : "")
        .append(keras ? " | Keras fit (samples/s) | Lamina / Keras" : "").append(" |\n");
    text.append("| ---: | ---: | ---: | ---:").append(perEpoch ? " | ---: | ---:" : "")
        .append(keras ? " | ---: | ---:" : "").append(" |\n");
    for (int batch : BATCHES) {
      List<Double> l = rates.get("lamina@" + batch);
      List<Double> h = rates.get("hand@" + batch);
      text.append(String.format(Locale.ROOT, "| %d | %s | %s | %s", batch,
          Stats.withQuartiles(l, "%,.0f"), Stats.withQuartiles(h, "%,.0f"),
          ratio(l, h)));
      if (perEpoch) {
        List<Double> l1 = rates.get("lamina1@" + batch);
        text.append(String.format(Locale.ROOT, " | %s | %s", Stats.withQuartiles(l1, "%,.0f"),
            ratio(l1, h)));
      }
      if (keras) {
        List<Double> k = rates.get("keras@" + batch);
        text.append(String.format(Locale.ROOT, " | %s | %s", Stats.withQuartiles(k, "%,.0f"),
            ratio(l, k)));
      }
      text.append(" |\n");
    }
    return text.toString();
  }

  /** The ratio of medians, and the quartiles of the per-round ratios. */
  static String ratio(List<Double> a, List<Double> b) {
    List<Double> perRound = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      perRound.add(a.get(i) / b.get(i));
    }
    return String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", Stats.median(a) / Stats.median(b),
        Stats.quantile(perRound, 0.25), Stats.quantile(perRound, 0.75));
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
