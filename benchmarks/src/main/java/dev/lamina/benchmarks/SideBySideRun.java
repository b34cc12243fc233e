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
 * The rounds of a side-by-side run ({@link KerasSideBySide}, {@link ConvnetSideBySide}): in each,
 * Java's half (Lamina's and the hand-written graph's predict at every batch size, then Lamina's
 * and the hand-written loop's fit at every fit batch size, each half in a new seeded order) and
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
  private final Sequential lamina;
  private final HandPredictor hand;
  private final Map<Integer, FloatNdArray> inputs;
  private final Map<String, Integer> calls = new LinkedHashMap<>();
  private final FitSampler fit;
  private final List<String> fitConfigs = new ArrayList<>();

  /**
   * Calibrates the predict calls on {@code inputs} (by batch size, in order) and warms each fit
   * configuration up with {@code fitWarmupEpochs} epochs (which also builds its training graph).
   */
  SideBySideRun(KerasTimingProcess keras, Sequential lamina, HandPredictor hand,
      Map<Integer, FloatNdArray> inputs, double sampleSeconds, FitSampler fit, int[] fitBatches,
      int fitWarmupEpochs) {
    this.keras = keras;
    this.lamina = lamina;
    this.hand = hand;
    this.inputs = inputs;
    this.fit = fit;
    inputs.forEach((batch, x) -> {
      calls.put("lamina@" + batch, PredictTiming.calibrate(() -> lamina.predict(x, batch),
          sampleSeconds));
      calls.put("hand@" + batch, PredictTiming.calibrate(() -> hand.predict(x), sampleSeconds));
    });
    for (int batch : fitBatches) {
      fitConfigs.add("lamina@" + batch);
      fitConfigs.add("hand@" + batch);
    }
    for (String config : fitConfigs) {
      fit.measure(config, fitWarmupEpochs);
    }
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
      int batch = Integer.parseInt(config.substring(config.indexOf('@') + 1));
      FloatNdArray x = inputs.get(batch);
      Runnable call = config.startsWith("lamina") ? () -> lamina.predict(x, batch)
          : () -> hand.predict(x);
      samples.computeIfAbsent(config, c -> new ArrayList<>())
          .add(PredictTiming.secondsPerCall(call, calls.get(config)));
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
