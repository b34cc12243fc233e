package dev.lamina.benchmarks;

import dev.lamina.runtime.Sequential;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * The rounds of a side-by-side run ({@link KerasSideBySide}, {@link ConvnetSideBySide},
 * {@link SequenceSideBySide}): in each, Java's half (Lamina's and, if there is one, the
 * hand-written graph's predict at every batch size, then Lamina's and the hand-written loop's fit
 * at every fit batch size, each half in a new seeded order) and
 * the Keras script's {@code predict} and {@code fit E} rounds, Java first in even rounds and
 * Keras first in odd ones, so that the machine's noise hits all three. A predict sample is the
 * mean time of enough calls to last about the sample time, calibrated once up front.
 */
final class SideBySideRun {

  /**
   * Seconds per call by "lamina@batch" and "hand@batch"; samples per second by
   * "fit:lamina@batch" and "fit:hand@batch"; the Keras script's numbers by "keras:path@batch".
   */
  final Map<String, List<Double>> samples = new LinkedHashMap<>();
  private final KerasTimingProcess keras;
  /** Java's predict calls by "name@batch", in order. */
  private final Map<String, Runnable> predicts;
  private final Map<String, Integer> calls = new LinkedHashMap<>();
  private final FitSampler fit;
  private final List<String> fitConfigs;

  /**
   * Calibrates Lamina's and the hand-written graph's predict calls on {@code inputs} (by batch
   * size, in order) and warms each fit configuration up with {@code fitWarmupEpochs} epochs
   * (which also builds its training graph).
   */
  SideBySideRun(KerasTimingProcess keras, Sequential lamina, HandPredictor hand,
      Map<Integer, FloatNdArray> inputs, double sampleSeconds, FitSampler fit, int[] fitBatches,
      int fitWarmupEpochs) {
    this(keras, predicts(lamina, hand, inputs), sampleSeconds, fit,
        configs(List.of("lamina", "hand"), fitBatches), fitWarmupEpochs);
  }

  /**
   * A run of any Java predict calls, {@code predicts} by "name@batch" (a model without a
   * hand-written twin has only "lamina@batch"), and fit configurations {@code fitConfigs}
   * ("lamina@32") of {@code fit}: calibrates the calls and warms each fit configuration up with
   * {@code fitWarmupEpochs} epochs.
   */
  SideBySideRun(KerasTimingProcess keras, Map<String, Runnable> predicts, double sampleSeconds,
      FitSampler fit, List<String> fitConfigs, int fitWarmupEpochs) {
    this.keras = keras;
    this.predicts = predicts;
    this.fit = fit;
    this.fitConfigs = List.copyOf(fitConfigs);
    predicts.forEach((config, call) ->
        calls.put(config, PredictTiming.calibrate(call, sampleSeconds)));
    for (String config : fitConfigs) {
      fit.measure(config, fitWarmupEpochs);
    }
  }

  /** Every {@code name@batch} of {@code names} and {@code batches}, names varying fastest. */
  static List<String> configs(List<String> names, int[] batches) {
    List<String> configs = new ArrayList<>();
    for (int batch : batches) {
      for (String name : names) {
        configs.add(name + "@" + batch);
      }
    }
    return configs;
  }

  private static Map<String, Runnable> predicts(Sequential lamina, HandPredictor hand,
      Map<Integer, FloatNdArray> inputs) {
    Map<String, Runnable> predicts = new LinkedHashMap<>();
    inputs.forEach((batch, x) -> {
      predicts.put("lamina@" + batch, () -> lamina.predict(x, batch));
      predicts.put("hand@" + batch, () -> hand.predict(x));
    });
    return predicts;
  }

  /**
   * {@code rounds} rounds of {@code fitEpochs} epochs per fit sample, Java's orders drawn from
   * {@code orderSeed}; prints a line per round done, naming the {@code part}.
   */
  void run(int rounds, int fitEpochs, long orderSeed, String part) throws IOException {
    Random order = new Random(orderSeed);
    for (int round = 0; round < rounds; round++) {
      boolean javaFirst = round % 2 == 0;
      for (int half = 0; half < 2; half++) {
        if ((half == 0) == javaFirst) {
          javaPredictRound(order);
          javaFitRound(order, fitEpochs);
        } else {
          keras.ask("predict", samples);
          keras.ask("fit " + fitEpochs, samples);
        }
      }
      System.out.printf(Locale.ROOT, "# %s side by side: round %d/%d done%n", part, round + 1,
          rounds);
    }
  }

  private void javaPredictRound(Random order) {
    List<String> configs = new ArrayList<>(calls.keySet());
    Collections.shuffle(configs, order);
    for (String config : configs) {
      samples.computeIfAbsent(config, c -> new ArrayList<>())
          .add(PredictTiming.secondsPerCall(predicts.get(config), calls.get(config)));
    }
  }

  private void javaFitRound(Random order, int epochs) {
    List<String> configs = new ArrayList<>(fitConfigs);
    Collections.shuffle(configs, order);
    for (String config : configs) {
      samples.computeIfAbsent("fit:" + config, c -> new ArrayList<>())
          .add(fit.measure(config, epochs));
    }
  }
}
