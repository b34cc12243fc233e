package dev.lamina.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.benchmarks.ConvnetTraining.Data;
import dev.lamina.runtime.Sequential;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;

/** Lamina's convnet and the hand-written one compute the same predictions and training step. */
class ConvnetParityTest {

  @Test
  void bothGraphsPredictTheSame() {
    ConvNet.Weights weights = ConvNet.Weights.seeded(ConvNet.WEIGHT_SEED);
    FloatNdArray x = ConvNet.images(ConvNet.INPUT_SEED, 5);
    try (Sequential lamina = ConvNet.lamina(weights, ConvNet.DROPOUT);
        HandConvGraph hand = new HandConvGraph(weights)) {
      float[] l = flat(lamina.predict(x, 5));
      float[] h = flat(hand.predict(x));
      assertEquals(5 * ConvNet.CLASSES, h.length);
      assertArrayEquals(h, l, 1e-5f);
      // Not a degenerate model: the five images get different probabilities.
      assertTrue(Math.abs(h[0] - h[ConvNet.CLASSES]) > 1e-4, "h[0]=" + h[0]);
    }
  }

  @Test
  void bothLoopsTakeTheSameFirstStep() {
    ConvNet.Weights weights = ConvNet.Weights.seeded(ConvnetTraining.WEIGHT_SEED);
    Data data = Data.seeded(ConvnetTraining.DATA_SEED, 32);
    int[] order = new int[32];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    try (Sequential lamina = ConvNet.laminaTrainer(weights, 0);
        HandConvTrainer hand = ConvnetTraining.hand(weights, 0)) {
      double handLoss = hand.step(data.x(), data.y(), order, 0, 32);
      Map<String, Double> logs = lamina.trainOnBatch(data.xArray(), data.yArray());
      double laminaLoss = logs.get("loss");
      assertTrue(handLoss > 1, "a real loss: " + handLoss);
      assertEquals(handLoss, laminaLoss, 1e-5 * Math.abs(handLoss));
      List<FloatNdArray> laminaWeights = lamina.getWeights();
      List<float[]> handWeights = hand.weights();
      float[][] initial = weights.all();
      assertEquals(6, laminaWeights.size());
      for (int i = 0; i < 6; i++) {
        float[] h = handWeights.get(i);
        float[] l = flat(laminaWeights.get(i));
        double moved = 0;
        for (int j = 0; j < h.length; j++) {
          assertEquals(h[j], l[j], 1e-5 * Math.max(1, Math.abs(h[j])),
              "weight " + i + " [" + j + "]");
          moved = Math.max(moved, Math.abs(h[j] - initial[i][j]));
        }
        // Adam's first step moves every weight with a gradient by about the learning rate.
        assertTrue(moved > 5e-4, "weight " + i + " moved in the step: " + moved);
      }
    }
  }

  @Test
  void bothLoopsTrainAnEpochWithDropout() {
    try (ConvnetTraining bench = new ConvnetTraining()) {
      for (String config : List.of("lamina@128", "hand@128")) {
        assertTrue(bench.measure(config, 1) > 0, config);
      }
    }
  }

  private static float[] flat(FloatNdArray array) {
    float[] values = new float[Math.toIntExact(array.size())];
    array.copyTo(NdArrays.wrap(array.shape(), DataBuffers.of(values, false, false)));
    return values;
  }
}
