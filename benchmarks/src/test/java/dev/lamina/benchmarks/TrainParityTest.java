package dev.lamina.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.benchmarks.AntirectifierNet.Weights;
import dev.lamina.benchmarks.TrainBenchmark.Data;
import dev.lamina.runtime.Sequential;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;

/** Lamina's training step and the hand-written one compute the same thing. */
class TrainParityTest {

  @Test
  void bothLoopsTakeTheSameFirstStep() {
    Weights weights = Weights.seeded(TrainBenchmark.WEIGHT_SEED, TrainBenchmark.FEATURES);
    Data data = Data.seeded(TrainBenchmark.DATA_SEED, 32, TrainBenchmark.FEATURES);
    int[] order = new int[32];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    try (Sequential lamina = TrainBenchmark.lamina(weights, 0);
        HandTrainer hand = TrainBenchmark.hand(weights, 0)) {
      double handLoss = hand.step(data.x(), data.y(), order, 0, 32);
      Map<String, Double> logs = lamina.trainOnBatch(data.xArray(), data.yArray());
      double laminaLoss = logs.get("loss");
      assertTrue(handLoss > 1, "a real loss: " + handLoss);
      assertEquals(handLoss, laminaLoss, 1e-5 * Math.abs(handLoss));
      List<FloatNdArray> laminaWeights = lamina.getWeights();
      List<float[]> handWeights = hand.weights();
      assertEquals(6, laminaWeights.size());
      float[][] initial = {flat(weights.kernel1()), weights.bias1(), flat(weights.kernel2()),
          weights.bias2(), flat(weights.kernel3()), weights.bias3()};
      for (int i = 0; i < 6; i++) {
        float[] h = handWeights.get(i);
        float[] l = new float[h.length];
        laminaWeights.get(i).copyTo(NdArrays.wrap(laminaWeights.get(i).shape(),
            DataBuffers.of(l, false, false)));
        double moved = 0;
        for (int j = 0; j < h.length; j++) {
          assertEquals(h[j], l[j], 1e-5 * Math.max(1, Math.abs(h[j])),
              "weight " + i + " [" + j + "]");
          moved = Math.max(moved, Math.abs(h[j] - initial[i][j]));
        }
        assertTrue(moved > 1e-4, "weight " + i + " moved in the step: " + moved);
      }
    }
  }

  @Test
  void bothLoopsTrainAnEpochWithDropout() {
    try (TrainBenchmark bench = new TrainBenchmark()) {
      for (String config : List.of("lamina@256", "hand@256")) {
        assertTrue(bench.measure(config, 1) > 0, config);
      }
    }
  }

  private static float[] flat(float[][] kernel) {
    float[] flat = new float[kernel.length * kernel[0].length];
    for (int i = 0; i < kernel.length; i++) {
      System.arraycopy(kernel[i], 0, flat, i * kernel[0].length, kernel[0].length);
    }
    return flat;
  }
}
