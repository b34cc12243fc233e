package dev.lamina.runtime.layers.merging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/** Shapes the merging layers accept (Keras's broadcasting), and the errors for those they do not. */
class MergingShapesTest {

  @Test
  void lowerRankAndSizeOneAxesBroadcastAsInKeras() {
    var a = Input.of("a", TFloat32.class, 2);
    var b = Input.of("b", TFloat32.class, 3, 1);
    var sum = new Add().apply(a, b);
    assertArrayEquals(new long[] {-1, 3, 2}, sum.shape().asArray());
    try (Model model = Model.of(List.of(a, b), List.of(sum))) {
      var out = model.predict(List.of(new float[][] {{1, 2}}, new float[][][] {{{10}, {20}, {30}}}),
          List.of(float[][][].class));
      // (1, 2) becomes (1, 1, 2) after the batch axis, then both stretch to (1, 3, 2).
      float[][][] y = (float[][][]) out.get(0);
      assertArrayEquals(new float[] {11, 12}, y[0][0]);
      assertArrayEquals(new float[] {21, 22}, y[0][1]);
      assertArrayEquals(new float[] {31, 32}, y[0][2]);
    }
  }

  @Test
  void anUnknownSizeTakesTheKnownOneUnlessItIsOne() {
    var a = Input.of(TFloat32.class, Input.UNKNOWN, 4);
    var b = Input.of(TFloat32.class, 5, Input.UNKNOWN);
    assertArrayEquals(new long[] {-1, 5, 4}, new Maximum().apply(a, b).shape().asArray());
    var c = Input.of(TFloat32.class, 1, 1);
    assertArrayEquals(new long[] {-1, -1, 4}, new Minimum().apply(a, c).shape().asArray());
  }

  @Test
  void averageDividesTheLeftToRightSumByTheCount() {
    var a = Input.of("a", TFloat32.class, 2);
    var b = Input.of("b", TFloat32.class, 2);
    var c = Input.of("c", TFloat32.class, 2);
    try (Model model = Model.of(List.of(a, b, c), List.of(new Average().apply(a, b, c)))) {
      var out = model.predict(List.of(new float[][] {{1, -6}}, new float[][] {{2, 0}},
          new float[][] {{6, 3}}), List.of(float[][].class));
      assertArrayEquals(new float[] {3, -1}, ((float[][]) out.get(0))[0]);
    }
  }

  @Test
  void subtractTakesExactlyTwoInputs() {
    var a = Input.of(TFloat32.class, 4);
    var e = assertThrows(IllegalArgumentException.class,
        () -> new Subtract().apply(a, a, a));
    assertEquals("Subtract 'subtract' takes 2 inputs, got 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Subtract("diff").apply(a));
    assertEquals("Subtract 'diff' takes 2 inputs, got 1", e.getMessage());
  }

  @Test
  void theOthersTakeTwoOrMore() {
    var a = Input.of(TFloat32.class, 4);
    for (var layer : List.of(new Add(), new Multiply(), new Average(), new Maximum(),
        new Minimum())) {
      var e = assertThrows(IllegalArgumentException.class, () -> layer.call(a));
      assertEquals(layer.describe() + " needs at least 2 inputs, got 1", e.getMessage());
    }
  }

  @Test
  void shapesThatDoNotBroadcastAreNamed() {
    var a = Input.of(TFloat32.class, 3, 4);
    var b = Input.of(TFloat32.class, 5, 4);
    var e = assertThrows(IllegalArgumentException.class, () -> new Maximum().apply(a, b));
    assertEquals("Maximum 'maximum' cannot broadcast inputs of shapes (None, 3, 4), "
        + "(None, 5, 4): axis 1 of the output would be both 3 and 5 (sizes must be equal or 1)",
        e.getMessage());
    var c = Input.of(TFloat32.class, 4);
    var d = Input.of(TFloat32.class, 3);
    e = assertThrows(IllegalArgumentException.class, () -> new Subtract().apply(c, d));
    assertTrue(e.getMessage().startsWith("Subtract 'subtract' cannot broadcast inputs of shapes "
        + "(None, 4), (None, 3)"), e.getMessage());
  }

  @Test
  void dtypesMustAgreeAndAverageNeedsFloats() {
    var f = Input.of(TFloat32.class, 4);
    var d = Input.of(TFloat64.class, 4);
    var e = assertThrows(IllegalArgumentException.class, () -> new Add().call(f, d));
    assertEquals("Add 'add' needs inputs of one dtype, got (None, 4) float32, (None, 4) float64",
        e.getMessage());
    var i = Input.of(TInt32.class, 4);
    e = assertThrows(IllegalArgumentException.class, () -> new Average().call(i, i));
    assertEquals("Average 'average' needs floating-point inputs, got (None, 4) int32, "
        + "(None, 4) int32", e.getMessage());
    assertArrayEquals(new long[] {-1, 4}, new Maximum().apply(i, i).shape().asArray());
  }

  @Test
  void dotShapesFollowBatchDot() {
    var v = Input.of(TFloat32.class, 4);
    assertArrayEquals(new long[] {-1, 1}, new Dot(1).apply(v, v).shape().asArray());
    var m = Input.of(TFloat32.class, 3, 4);
    assertArrayEquals(new long[] {-1, 3}, new Dot(-1).apply(m, v).shape().asArray());
    assertArrayEquals(new long[] {-1, 3}, new Dot(null, 1, 2, false).apply(v, m).shape()
        .asArray());
    var t = Input.of(TFloat32.class, 2, 5, 3);
    assertArrayEquals(new long[] {-1, 2, 5, 4}, new Dot(null, 3, 1, false).apply(t, m).shape()
        .asArray());
  }

  @Test
  void dotOfRankFourAndThreeSumsTheNamedAxes() {
    // x (1, 2, 1, 2), y (1, 2, 3): axes (1, 1); out[0, i, j, k] = sum_a x[0, a, i, j] y[0, a, k].
    var x = Input.of("x", TFloat32.class, 2, 1, 2);
    var y = Input.of("y", TFloat32.class, 2, 3);
    var dot = new Dot(1).apply(x, y);
    assertArrayEquals(new long[] {-1, 1, 2, 3}, dot.shape().asArray());
    try (Model model = Model.of(List.of(x, y), List.of(dot))) {
      var out = model.predict(List.of(new float[][][][] {{{{1, 2}}, {{3, 4}}}},
          new float[][][] {{{1, 0, 2}, {0, 1, -1}}}), List.of(float[][][][].class));
      float[][] got = ((float[][][][]) out.get(0))[0][0];
      // j = 0: x[:, 0, 0] = (1, 3); j = 1: x[:, 0, 1] = (2, 4).
      assertArrayEquals(new float[] {1, 3, -1}, got[0]);
      assertArrayEquals(new float[] {2, 4, 0}, got[1]);
    }
  }

  @Test
  void dotErrorsNameTheLayerAndShapes() {
    var a = Input.of(TFloat32.class, 3, 4);
    var b = Input.of(TFloat32.class, 5, 4);
    var e = assertThrows(IllegalArgumentException.class, () -> new Dot(1).apply(a, b));
    assertEquals("Dot 'dot' (axes=1, normalize=false): the summed axes differ in size, 3 (axis 1 "
        + "of the first input) and 5 (axis 1 of the second), got (None, 3, 4) float32, "
        + "(None, 5, 4) float32", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Dot(3).apply(a, b));
    assertEquals("Dot 'dot' (axes=3, normalize=false): axes [3] must name a non-batch axis of "
        + "each input, got (None, 3, 4) float32, (None, 5, 4) float32", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Dot(-3).apply(a, b));
    assertTrue(e.getMessage().contains("axes [-3] must name a non-batch axis"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Dot(0));
    assertEquals("Dot 'dot' (axes=0, normalize=false): axis 0 is the batch axis; the dot product "
        + "cannot sum over it", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Dot(1).call(a, b, a));
    assertEquals("Dot 'dot' (axes=1, normalize=false) takes 2 inputs, got 3", e.getMessage());
    var v = Input.of(TFloat32.class, 4);
    var i = Input.of(TInt32.class, 4);
    e = assertThrows(IllegalArgumentException.class, () -> new Dot(1).call(v, i));
    assertTrue(e.getMessage().contains("needs two inputs of one floating-point dtype"),
        e.getMessage());
  }

  @Test
  void dotReadsKerasAxesAsAnIntOrAPairAndRefusesOthers() throws Exception {
    var type = LayerTypes.byKerasClassName("Dot").orElseThrow();
    Dot pair = (Dot) type.fromConfig("d", config("{\"axes\": [1, -1], \"normalize\": true}"));
    assertEquals(Map.of("axes", List.of(1, -1), "normalize", true), pair.arguments());
    Dot one = (Dot) type.fromConfig("d", config("{\"axes\": -1}"));
    assertEquals(Map.of("axes", -1, "normalize", false), one.arguments());
    var e = assertThrows(ModelFormatException.class,
        () -> type.fromConfig("d", config("{\"axes\": [1, 2, 3]}")));
    assertTrue(e.getMessage().contains("axes has 3 values; Dot takes one axis or a pair"),
        e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> type.fromConfig("d", config("{\"normalize\": false}")));
    assertTrue(e.getMessage().contains("Dot needs axes"), e.getMessage());
  }

  private static LayerConfig config(String json) throws ModelFormatException {
    return new LayerConfig(Json.parseObject(json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "test"), "Dot layer 'd'", LayerConfig.Origin.KERAS);
  }
}
