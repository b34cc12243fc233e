package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

class PredictTest {

  private static Model squareModel(long... dims) {
    return Sequential.of(Input.of(TFloat32.class, dims), new TestLayers.Square(null));
  }

  @Test
  void batchesAreConcatenatedInOrder() {
    // 5 samples with batch size 2: batches of 2, 2 and 1.
    FloatNdArray x = NdArrays.ofFloats(Shape.of(5, 2));
    for (int i = 0; i < 5; i++) {
      x.setFloat(i, i, 0);
      x.setFloat(-i, i, 1);
    }
    try (var model = squareModel(2)) {
      FloatNdArray y = model.predict(x, 2);
      assertArrayEquals(new long[] {5, 2}, y.shape().asArray());
      for (int i = 0; i < 5; i++) {
        assertEquals(i * i, y.getFloat(i, 0));
        assertEquals(i * i, y.getFloat(i, 1));
      }
    }
  }

  @Test
  void javaArraysOfRankThreeRoundTrip() {
    float[][][] x = {{{1, 2}, {3, 4}}, {{-1, 0}, {0.5f, 2}}};
    try (var model = squareModel(2, 2)) {
      float[][][] y = model.predict(x, float[][][].class);
      assertArrayEquals(new float[] {1, 4}, y[0][0]);
      assertArrayEquals(new float[] {9, 16}, y[0][1]);
      assertArrayEquals(new float[] {1, 0}, y[1][0]);
      assertArrayEquals(new float[] {0.25f, 4}, y[1][1]);
    }
  }

  @Test
  void wrongSampleShapeNamesTheInputAndTheExpectedShape() {
    try (var model = squareModel(3)) {
      var error = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new float[][] {{1, 2}}, float[][].class));
      assertEquals("input 'input' expects data of shape (None, 3), that is any number of "
          + "samples each of shape (3); got (1, 2)", error.getMessage());
    }
  }

  @Test
  void wrongRankIsRejected() {
    try (var model = squareModel(3)) {
      var error = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new float[] {1, 2, 3}, float[].class));
      assertEquals("input 'input' expects data of shape (None, 3), that is any number of "
          + "samples each of shape (3); got (3)", error.getMessage());
    }
  }

  @Test
  void raggedArraysAreRejectedWithTheRow() {
    try (var model = squareModel(2)) {
      var error = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new float[][] {{1, 2}, {3}}, float[][].class));
      assertEquals("input 'input' is ragged: row [1] has length 1, expected 2 (shape (2, 2))",
          error.getMessage());
    }
  }

  @Test
  void nullRowsAndNonFloatArraysAreRejected() {
    try (var model = squareModel(2)) {
      var nullRow = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new float[][] {{1, 2}, null}, float[][].class));
      assertEquals("input 'input' has a null row at [1]", nullRow.getMessage());
      var ints = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new int[][] {{1, 2}}, float[][].class));
      assertEquals("input 'input' must be a float array (float[], float[][], ...), got int[][]",
          ints.getMessage());
    }
  }

  @Test
  void resultTypeMustMatchTheOutputRank() {
    try (var model = squareModel(2)) {
      var error = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new float[][] {{1, 2}}, float[][][].class));
      assertEquals("The output has shape (None, 2); ask for float[][].class, not float[][][]",
          error.getMessage());
    }
  }

  @Test
  void emptyDataAndBadBatchSizesAreRejected() {
    try (var model = squareModel(2)) {
      assertThrows(IllegalArgumentException.class,
          () -> model.predict(NdArrays.ofFloats(Shape.of(0, 2))));
      assertThrows(IllegalArgumentException.class,
          () -> model.predict(NdArrays.ofFloats(Shape.of(1, 2)), 0));
    }
  }

  @Test
  void aClosedModelRefusesToPredict() {
    var model = squareModel(2);
    model.predict(new float[][] {{1, 2}}, float[][].class);
    model.close();
    var error = assertThrows(IllegalStateException.class,
        () -> model.predict(new float[][] {{1, 2}}, float[][].class));
    assertEquals("This model is closed", error.getMessage());
  }
}
