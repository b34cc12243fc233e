package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.LambdaSignature.InputSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** predict on plain Java arrays of every dtype with a Java element type, any rank. */
class JavaArrayPredictTest {

  /** x -> !x. */
  static final class Not extends LambdaLayer {
    Not() {
      super(new LambdaSignature("NotLayer", "Lambdas.not", "not",
          List.of(InputSpec.of("x", TBool.class))), null, Map.of());
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Operand<?> invoke(Ops tf, List<Operand<?>> inputs, boolean training) {
      return tf.math.logicalNot((Operand<TBool>) inputs.get(0));
    }
  }

  private static Model square(Class<? extends org.tensorflow.types.family.TType> dtype,
      long... dims) {
    return Sequential.of(Input.of(dtype, dims), new TestLayers.Square(null));
  }

  @Test
  void doublesOfRankThree() {
    try (var model = square(TFloat64.class, 1, 2)) {
      double[][][] y = model.predict(new double[][][] {{{1.5, -2}}, {{0.1, 3}}},
          double[][][].class);
      assertArrayEquals(new double[] {2.25, 4}, y[0][0]);
      // 0.1 * 0.1 in double precision, not float's 0.010000001.
      assertArrayEquals(new double[] {0.1 * 0.1, 9}, y[1][0]);
    }
  }

  @Test
  void intsOfRankTwo() {
    try (var model = square(TInt32.class, 2)) {
      int[][] y = model.predict(new int[][] {{3, -4}, {0, 46_340}}, int[][].class);
      assertArrayEquals(new int[] {9, 16}, y[0]);
      assertArrayEquals(new int[] {0, 2_147_395_600}, y[1]);
    }
  }

  @Test
  void longsOfRankFourKeepSixtyFourBits() {
    try (var model = square(TInt64.class, 1, 1, 2)) {
      long[][][][] y = model.predict(new long[][][][] {{{{3_000_000_000L, -7}}}},
          long[][][][].class);
      assertArrayEquals(new long[] {9_000_000_000_000_000_000L, 49}, y[0][0][0]);
    }
  }

  @Test
  void booleansOfRankTwo() {
    try (var model = Sequential.of(Input.of(TBool.class, 3), new Not())) {
      boolean[][] y = model.predict(new boolean[][] {{true, false, true}}, boolean[][].class);
      assertArrayEquals(new boolean[] {false, true, false}, y[0]);
    }
  }

  @Test
  void severalInputsAndOutputs() {
    var a = Input.of("a", TInt32.class, 2);
    var b = Input.of("b", TInt32.class, 2);
    var sum = new TestLayers.Add().call(a, b);
    var squared = new TestLayers.Square(null).call(a);
    try (var model = Model.of(List.of(a, b), List.of(sum, squared))) {
      List<Object> y = model.predict(List.of(new int[][] {{1, 2}, {3, 4}},
          new int[][] {{10, 20}, {30, 40}}), List.of(int[][].class, int[][].class));
      assertArrayEquals(new int[][] {{11, 22}, {33, 44}}, (int[][]) y.get(0));
      assertArrayEquals(new int[][] {{1, 4}, {9, 16}}, (int[][]) y.get(1));
    }
  }

  @Test
  void wrongElementTypesAreNamed() {
    try (var model = square(TInt32.class, 2)) {
      var input = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new float[][] {{1, 2}}, int[][].class));
      assertEquals("input 'input' must be an int array (int[], int[][], ...), got float[][]",
          input.getMessage());
      var output = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new int[][] {{1, 2}}, float[][].class));
      assertEquals("The output has shape (None, 2); ask for int[][].class, not float[][]",
          output.getMessage());
      var missing = assertThrows(IllegalArgumentException.class,
          () -> model.predict(null, int[][].class));
      assertEquals("input 'input' must be an int array (int[], int[][], ...), got null",
          missing.getMessage());
      var ragged = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new int[][] {{1, 2}, {3}}, int[][].class));
      assertEquals("input 'input' is ragged: row [1] has length 1, expected 2 (shape (2, 2))",
          ragged.getMessage());
    }
  }

  @Test
  void anEmptyBatchSaysSoRatherThanGivingAMadeUpShape() {
    try (var model = square(TFloat32.class, 4)) {
      var error = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new float[0][4], float[][].class));
      assertEquals("input 'input' has no samples: it is an empty float[][]; predict needs at "
          + "least one", error.getMessage());
    }
  }
}
