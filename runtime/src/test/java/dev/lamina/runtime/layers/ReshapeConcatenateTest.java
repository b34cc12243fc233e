package dev.lamina.runtime.layers;

import dev.lamina.runtime.layers.reshaping.Reshape;
import dev.lamina.runtime.layers.merging.Concatenate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class ReshapeConcatenateTest {

  @Test
  void reshapeKeepsRowMajorOrder() {
    var x = Input.of(TFloat32.class, 2, 3);
    var y = new Reshape(3, 2).apply(x);
    assertArrayEquals(new long[] {-1, 3, 2}, y.shape().asArray());
    try (var model = Model.of(x, y)) {
      float[][][] out = model.predict(new float[][][] {{{1, 2, 3}, {4, 5, 6}}}, float[][][].class);
      // Row-major: 1 2 3 4 5 6 read as three pairs.
      assertArrayEquals(new float[] {1, 2}, out[0][0]);
      assertArrayEquals(new float[] {3, 4}, out[0][1]);
      assertArrayEquals(new float[] {5, 6}, out[0][2]);
    }
  }

  @Test
  void reshapeInfersOneSize() {
    var x = Input.of(TFloat32.class, 2, 3);
    assertArrayEquals(new long[] {-1, 2, 3, 1},
        new Reshape(-1, 3, 1).apply(x).shape().asArray());
  }

  @Test
  void reshapeChecksTheSize() {
    var x = Input.of(TFloat32.class, 4);
    var error = assertThrows(IllegalArgumentException.class, () -> new Reshape(3, 1).apply(x));
    assertEquals("Reshape 'reshape' (target_shape=[3, 1]): cannot reshape samples of (4) "
        + "(4 values) to (3, 1); the total size must be unchanged (input (None, 4))",
        error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Reshape(-1, -1));
    assertThrows(IllegalArgumentException.class, () -> new Reshape(0, 4));
  }

  @Test
  void reshapeOfUnknownSampleSizeTakesTheBatchFromTheData() {
    var x = Input.of(TFloat32.class, Input.UNKNOWN);
    var y = new Reshape(-1, 2).apply(x);
    assertArrayEquals(new long[] {-1, -1, 2}, y.shape().asArray());
    try (var model = Model.of(x, y)) {
      float[][][] out = model.predict(new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8}},
          float[][][].class);
      assertArrayEquals(new float[] {3, 4}, out[0][1]);
      assertArrayEquals(new float[] {5, 6}, out[1][0]);
    }
  }

  @Test
  void concatenateJoinsOnTheLastAxisByDefault() {
    var a = Input.of("a", TFloat32.class, 2);
    var b = Input.of("b", TFloat32.class, 3);
    var y = new Concatenate().apply(a, b);
    assertArrayEquals(new long[] {-1, 5}, y.shape().asArray());
    var c = Input.of("c", TFloat32.class, 2, 1);
    var d = Input.of("d", TFloat32.class, 2, 1);
    var rows = new Concatenate(1).apply(c, d);
    assertArrayEquals(new long[] {-1, 4, 1}, rows.shape().asArray());
    try (var model = Model.of(List.of(c, d), List.of(rows))) {
      assertEquals(2, model.inputs().size());
    }
  }

  @Test
  void concatenateChecksShapesAndDtypes() {
    var a = Input.of(TFloat32.class, 2, 3);
    var b = Input.of(TFloat32.class, 3, 3);
    var error = assertThrows(IllegalArgumentException.class,
        () -> new Concatenate().apply(a, b));
    assertEquals("Concatenate 'concatenate' (axis=-1): inputs must match in every dimension "
        + "except the concatenation axis -1, got (None, 2, 3) float32, (None, 3, 3) float32",
        error.getMessage());
    var ints = Input.of(TInt32.class, 2, 3);
    assertThrows(IllegalArgumentException.class, () -> new Concatenate().call(a, ints));
    assertThrows(IllegalArgumentException.class, () -> new Concatenate(3).apply(a, a));
    assertThrows(IllegalArgumentException.class, () -> new Concatenate().call(a));
  }
}
