package dev.lamina.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Each helper on a small constant, against values worked out by hand. */
class KTest {

  private static final float[][] X = {{1, 2, 3}, {-4, 0, 4}};

  /** Builds {@code f} on the constant X and fetches its value as a float array. */
  private static float[] eval(Function<Ops, Operand<TFloat32>> f) {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      try (Result result = session.runner().fetch(f.apply(tf)).run()) {
        TFloat32 out = (TFloat32) result.get(0);
        float[] flat = new float[(int) out.size()];
        out.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(flat, false, false));
        return flat;
      }
    }
  }

  private static Operand<TFloat32> x(Ops tf) {
    return tf.constant(StdArrays.ndCopyOf(X));
  }

  @Test
  void reductions() {
    assertArrayEquals(new float[] {2, 0}, eval(tf -> K.mean(tf, x(tf), 1, false)));
    assertArrayEquals(new float[] {-1.5f, 1, 3.5f}, eval(tf -> K.mean(tf, x(tf), 0, true)));
    assertArrayEquals(new float[] {6, 0}, eval(tf -> K.sum(tf, x(tf), -1, true)));
    assertArrayEquals(new float[] {3, 4}, eval(tf -> K.max(tf, x(tf), 1, false)));
  }

  @Test
  void l2NormalizeDividesByTheNorm() {
    // Row 1: norm sqrt(14); row 2: norm sqrt(32).
    double a = Math.sqrt(14);
    double b = Math.sqrt(32);
    float[] expected = {(float) (1 / a), (float) (2 / a), (float) (3 / a),
        (float) (-4 / b), 0, (float) (4 / b)};
    assertArrayEquals(expected, eval(tf -> K.l2Normalize(tf, x(tf), 1)), 1e-6f);
    // A zero row stays zero: the norm is floored at sqrt(1e-12).
    assertArrayEquals(new float[] {0, 0},
        eval(tf -> K.l2Normalize(tf, tf.constant(new float[] {0, 0}), 0)));
  }

  @Test
  void elementWise() {
    assertArrayEquals(new float[] {1, 2, 3, 0, 0, 4}, eval(tf -> K.relu(tf, x(tf))));
    assertArrayEquals(new float[] {1, 4, 9, 16, 0, 16}, eval(tf -> K.square(tf, x(tf))));
    assertArrayEquals(new float[] {3, 0.5f},
        eval(tf -> K.sqrt(tf, tf.constant(new float[] {9, 0.25f}))));
  }

  @Test
  void concatenateAndSlices() {
    assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3, -4, 0, 4, -4, 0, 4},
        eval(tf -> K.concatenate(tf, List.of(x(tf), x(tf)), 1)));
    // x[:, 1] and x[:, 1:3]
    assertArrayEquals(new float[] {2, 0}, eval(tf -> K.take(tf, x(tf), 1, 1)));
    assertArrayEquals(new float[] {2, 3, 0, 4}, eval(tf -> K.slice(tf, x(tf), -1, 1, 3)));
    assertThrows(IllegalArgumentException.class, () -> eval(tf -> K.slice(tf, x(tf), 2, 0, 1)));
  }
}
