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

  /**
   * The predict graphs have the same ops but for known extras: a Lamina layer pushes its
   * weights' values through one placeholder per weight where the hand-written graph bakes them
   * into constants, and Lamina's Dropout is an Identity when predicting (the hand-written graph
   * leaves it out).
   */
  @Test
  void laminasGraphHasTheHandWrittenOpsAndTheKnownExtras() {
    ConvNet.Weights weights = ConvNet.Weights.seeded(ConvNet.WEIGHT_SEED);
    FloatNdArray x = ConvNet.images(ConvNet.INPUT_SEED, 2);
    try (Sequential lamina = ConvNet.lamina(weights, ConvNet.DROPOUT);
        HandConvGraph hand = new HandConvGraph(weights)) {
      lamina.predict(x, 2);
      Map<String, Integer> laminaOps = GraphParityTest.opsByType(lamina.tensorFlowGraph());
      Map<String, Integer> handOps = GraphParityTest.opsByType(hand.graph());
      System.out.println("Lamina's convnet graph: " + laminaOps);
      System.out.println("hand-written:           " + handOps);
      Map<String, Integer> difference = new java.util.TreeMap<>();
      java.util.Set<String> types = new java.util.TreeSet<>(laminaOps.keySet());
      types.addAll(handOps.keySet());
      for (String type : types) {
        int d = laminaOps.getOrDefault(type, 0) - handOps.getOrDefault(type, 0);
        if (d != 0) {
          difference.put(type, d);
        }
      }
      assertEquals(Map.of("Const", -6, "Identity", 1, "Placeholder", 6), difference,
          "Lamina " + laminaOps + ", hand-written " + handOps);
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
