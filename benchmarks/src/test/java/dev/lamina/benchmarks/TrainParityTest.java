package dev.lamina.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import dev.lamina.benchmarks.TrainBenchmark.Data;
import dev.lamina.runtime.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lamina's training step and the hand-written one compute the same thing. */
class TrainParityTest {

  @Test
  void bothLoopsTakeTheSameFirstStep() {
    Weights weights = Weights.seeded(TrainBenchmark.WEIGHT_SEED, TrainBenchmark.FEATURES);
    Data data = Data.seeded(TrainBenchmark.DATA_SEED, 32, TrainBenchmark.FEATURES);
    try (Sequential lamina = TrainBenchmark.lamina(weights, 0);
        HandTrainer hand = TrainBenchmark.hand(weights, 0)) {
      double handLoss = hand.step(data.x(), data.y(), StepParity.inOrder(32), 0, 32);
      float[][] initial = {flat(weights.kernel1()), weights.bias1(), flat(weights.kernel2()),
          weights.bias2(), flat(weights.kernel3()), weights.bias3()};
      StepParity.assertSameStep(lamina, data.xArray(), data.yArray(), handLoss, hand.weights(),
          initial, 1e-4);
    }
  }

  @Test
  void bothLoopsTrainAnEpochWithDropout() {
    try (TrainBenchmark bench = new TrainBenchmark()) {
      for (String config : List.of("lamina@256", "lamina1@256", "hand@256")) {
        assertTrue(bench.measure(config, 2) > 0, config);
      }
    }
  }

  @Test
  void theTableShowsEachLoopAgainstTheHandWrittenOne() {
    java.util.Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
    for (int batch : TrainBenchmark.BATCHES) {
      rates.put("lamina@" + batch, List.of(90.0, 100.0, 110.0));
      rates.put("lamina1@" + batch, List.of(80.0, 80.0, 80.0));
      rates.put("hand@" + batch, List.of(100.0, 100.0, 100.0));
    }
    String table = TrainBenchmark.table(rates);
    assertTrue(table.contains("| 32 | 100 (95–105) | 100 (100–100) | 1.000 (0.950–1.050) | 80 "
        + "(80–80) | 0.800 (0.800–0.800) |"), table);
  }

  private static float[] flat(float[][] kernel) {
    float[] flat = new float[kernel.length * kernel[0].length];
    for (int i = 0; i < kernel.length; i++) {
      System.arraycopy(kernel[i], 0, flat, i * kernel[0].length, kernel[0].length);
    }
    return flat;
  }
}
