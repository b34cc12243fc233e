package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

class ModelTest {

  @Test
  void sequentialSquaresItsInput() {
    var x = Input.of(TFloat32.class, 3);
    try (var model = Sequential.of(x, new TestLayers.Square(null))) {
      float[][] y = model.predict(new float[][] {{1, -2, 3}, {0.5f, 0, -4}}, float[][].class);
      assertArrayEquals(new float[] {1, 4, 9}, y[0]);
      assertArrayEquals(new float[] {0.25f, 0, 16}, y[1]);
    }
  }

  @Test
  void declaredShapeContradictingTracedOpsFailsAtApply() {
    var x = Input.of(TFloat32.class, 6);
    var head = new TestLayers.Head(3, 4);
    var error = assertThrows(IllegalArgumentException.class, () -> head.apply(x));
    String message = error.getMessage();
    assertTrue(message.contains("HeadLayer 'head'"), message);
    assertTrue(message.contains("\"(3)\""), message);
    assertTrue(message.contains("(4)"), message);
  }

  @Test
  void declaredShapeThatFitsIsKept() {
    var x = Input.of(TFloat32.class, 6);
    var y = new TestLayers.Head(4, 4).apply(x);
    assertArrayEquals(new long[] {-1, 4}, y.shape().asArray());
  }
}
