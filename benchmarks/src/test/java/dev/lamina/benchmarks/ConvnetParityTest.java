package dev.lamina.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.benchmarks.ConvnetTraining.Data;
import dev.lamina.runtime.Sequential;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;

/** Lamina's convnet and the hand-written one compute the same predictions and training step. */
class ConvnetParityTest {

  @Test
  void bothGraphsPredictTheSame() {
    ConvNet.Weights weights = ConvNet.Weights.seeded(ConvNet.WEIGHT_SEED);
    FloatNdArray x = ConvNet.images(ConvNet.INPUT_SEED, 5);
    try (Sequential lamina = ConvNet.lamina(weights, ConvNet.DROPOUT);
        HandConvGraph hand = new HandConvGraph(weights)) {
      float[] l = Npz.flat(lamina.predict(x, 5));
      float[] h = Npz.flat(hand.predict(x));
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
    try (Sequential lamina = ConvNet.laminaTrainer(weights, 0);
        HandConvTrainer hand = ConvnetTraining.hand(weights, 0)) {
      double handLoss = hand.step(data.x(), data.y(), StepParity.inOrder(32), 0, 32);
      // Adam's first step moves every weight with a gradient by about the learning rate.
      StepParity.assertSameStep(lamina, data.xArray(), data.yArray(), handLoss, hand.weights(),
          weights.all(), 5e-4);
    }
  }

  @Test
  void bothLoopsTrainAnEpochWithDropout() {
    try (ConvnetTraining bench = new ConvnetTraining()) {
      for (String who : List.of("lamina", "hand")) {
        float[] before = bench.firstKernel(who);
        assertTrue(bench.measure(who + "@128", 1) > 0, who);
        // An epoch of eight Adam steps moved the kernel.
        assertFalse(java.util.Arrays.equals(before, bench.firstKernel(who)), who);
      }
    }
  }
}
