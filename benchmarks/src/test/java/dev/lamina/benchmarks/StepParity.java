package dev.lamina.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Sequential;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * The check {@link TrainParityTest} and {@link ConvnetParityTest} make of a hand-written training
 * loop against Lamina's: from the same weights, one step on the same batch gives the same loss
 * and the same weights after it, each of which the step moved.
 */
final class StepParity {

  private StepParity() {}

  /** {@code 0, 1, ..., n - 1}: the batch's rows in order. */
  static int[] inOrder(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /**
   * Runs Lamina's {@code trainOnBatch(x, y)} and compares it with the hand-written loop's step,
   * which returned {@code handLoss} and left {@code handWeights} (Keras's order, row-major): the
   * loss and every weight to 1e-5, relative; each weight moved from {@code initial} by more than
   * {@code minMove} somewhere.
   */
  static void assertSameStep(Sequential lamina, FloatNdArray x, FloatNdArray y, double handLoss,
      List<float[]> handWeights, float[][] initial, double minMove) {
    Map<String, Double> logs = lamina.trainOnBatch(x, y);
    double laminaLoss = logs.get("loss");
    assertTrue(handLoss > 1, "a real loss: " + handLoss);
    assertEquals(handLoss, laminaLoss, 1e-5 * Math.abs(handLoss));
    List<FloatNdArray> laminaWeights = lamina.getWeights();
    assertEquals(6, laminaWeights.size());
    for (int i = 0; i < 6; i++) {
      float[] h = handWeights.get(i);
      float[] l = Npz.flat(laminaWeights.get(i));
      double moved = 0;
      for (int j = 0; j < h.length; j++) {
        assertEquals(h[j], l[j], 1e-5 * Math.max(1, Math.abs(h[j])),
            "weight " + i + " [" + j + "]");
        moved = Math.max(moved, Math.abs(h[j] - initial[i][j]));
      }
      assertTrue(moved > minMove, "weight " + i + " moved in the step: " + moved);
    }
  }
}
