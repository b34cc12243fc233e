package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TutorialTest {

  @Test
  void squareModelSquaresEveryValue() {
    // Squares worked out by hand from Tutorial.squareInput().
    float[][] expected = {
      {1, 4, 9}, {1, 4, 9}, {0.25f, 0.0625f, 0}, {100, 100, 16}, {2.25f, 6.25f, 12.25f},
    };
    try (var model = Tutorial.squareModel()) {
      float[][] y = model.predict(Tutorial.squareInput(), float[][].class);
      assertEquals(expected.length, y.length);
      for (int i = 0; i < expected.length; i++) {
        assertArrayEquals(expected[i], y[i], 0f, "row " + i);
      }
    }
  }

  @Test
  void squareModelKeepsTheInputShapeAndDtype() {
    try (var model = Tutorial.squareModel()) {
      var output = model.outputs().get(0);
      assertArrayEquals(new long[] {-1, 3}, output.shape().asArray());
      assertEquals(org.tensorflow.types.TFloat32.class, output.dtype());
      assertEquals("Sequential: (None, 3) float32 -> square (SquareLayer) -> (None, 3) float32",
          model.toString());
    }
  }

  @Test
  void sliceModelRebuildsEachRowFromItsColumns() {
    // The tutorial's x_test [[[1,2],[2,3],[3,4],[4,5]]]: column 0 is (1,2,3,4), column 1 is
    // (2,3,4,5); each becomes (4,1,1) and the two join on the last axis, so row r is
    // [[x[r][0], x[r][1]]]: the input row itself, nested one level deeper.
    float[][][][] expected = {{{{1, 2}}, {{2, 3}}, {{3, 4}}, {{4, 5}}}};
    try (var model = Tutorial.sliceModel()) {
      assertArrayEquals(new long[] {-1, 4, 1, 2}, model.outputs().get(0).shape().asArray());
      float[][][][] y = model.predict(Tutorial.sliceInput(), float[][][][].class);
      assertEquals(1, y.length);
      assertEquals(4, y[0].length);
      for (int r = 0; r < 4; r++) {
        assertEquals(1, y[0][r].length);
        assertArrayEquals(expected[0][r][0], y[0][r][0], 0f, "row " + r);
      }
    }
  }

  @Test
  void theTutorialsOwnOutputShapeForSliceIsCaught() {
    // Keras's tutorial declares output_shape=(4, 1) for x[:, :, index], whose shape is (4).
    var a = dev.lamina.runtime.Input.of(org.tensorflow.types.TFloat32.class, 4, 2);
    var error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> KerasSliceLayer.of(0).apply(a));
    String message = error.getMessage();
    assertEquals("KerasSliceLayer 'keras_slice' (index=0): declares outputShape \"(4, 1)\", "
        + "which gives (4, 1) per sample, but its ops produce (4) per sample (output (None, 4) "
        + "for input (None, 4, 2)); fix the declaration or the ops", message);
  }

  @Test
  void antirectifierModelGivesProbabilities() {
    try (var model = Tutorial.antirectifierModel()) {
      // Input, Dense(16), antirectifier, dropout, Dense(3): the antirectifier doubles 16 to 32,
      // which the last Dense was built for.
      assertEquals(5, model.layers().size());
      assertEquals(32 * 3 + 3, model.layers().get(4).countParams());
      assertArrayEquals(new long[] {-1, 3}, model.outputs().get(0).shape().asArray());
      float[][] y = model.predict(Tutorial.antirectifierInput(), float[][].class);
      assertEquals(2, y.length);
      for (float[] row : y) {
        assertEquals(3, row.length);
        float sum = 0;
        for (float p : row) {
          org.junit.jupiter.api.Assertions.assertTrue(p > 0 && p < 1, "a probability: " + p);
          sum += p;
        }
        assertEquals(1f, sum, 1e-5f, "softmax rows sum to 1");
      }
    }
  }
}
