package dev.lamina.runtime;

import static dev.lamina.runtime.ShapeCheck.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

/** The evaluator generated shape checks call; expected values worked out by hand. */
class ShapeCheckTest {

  @Test
  void arithmeticOnKnownSizes() {
    assertEquals(7, ShapeCheck.add(3, 4));
    assertEquals(-1, ShapeCheck.sub(3, 4), "a real -1, not an unknown size");
    assertEquals(12, ShapeCheck.mul(3, 4));
    assertEquals(2, ShapeCheck.div(7, 3));
    assertEquals(-3, ShapeCheck.div(-7, 3), "floor division, as Python's //");
    assertEquals(-5, ShapeCheck.neg(5));
  }

  @Test
  void unknownSizesFlowThroughArithmetic() {
    assertEquals(UNKNOWN, ShapeCheck.add(UNKNOWN, 4));
    assertEquals(UNKNOWN, ShapeCheck.sub(3, UNKNOWN));
    assertEquals(UNKNOWN, ShapeCheck.mul(ShapeCheck.add(UNKNOWN, 1), 2));
    assertEquals(UNKNOWN, ShapeCheck.div(UNKNOWN, 2));
    assertEquals(UNKNOWN, ShapeCheck.div(4, 0), "no size comes of a division by zero");
    assertEquals(UNKNOWN, ShapeCheck.neg(UNKNOWN));
  }

  @Test
  void comparisonsWithAnUnknownSizeAreUnknown() {
    assertEquals(true, ShapeCheck.lt(1, 2));
    assertEquals(false, ShapeCheck.le(3, 2));
    assertEquals(true, ShapeCheck.gt(3, 2));
    assertEquals(true, ShapeCheck.ge(2, 2));
    assertEquals(false, ShapeCheck.eq(2, 3));
    assertEquals(true, ShapeCheck.ne(2, 3));
    assertNull(ShapeCheck.lt(UNKNOWN, 2));
    assertNull(ShapeCheck.eq(2, UNKNOWN));
  }

  @Test
  void threeValuedLogic() {
    Boolean unknown = null;
    assertEquals(false, ShapeCheck.and(false, unknown), "false && ? is false");
    assertNull(ShapeCheck.and(true, unknown));
    assertEquals(true, ShapeCheck.and(true, true));
    assertEquals(true, ShapeCheck.or(unknown, true), "? || true is true");
    assertNull(ShapeCheck.or(false, unknown));
    assertEquals(false, ShapeCheck.or(false, false));
    assertNull(ShapeCheck.not(unknown));
    assertEquals(false, ShapeCheck.not(true));
  }

  @Test
  void outputPrependsTheBatchAndRejectsNegativeSizes() {
    var layer = new TestLayers.Head(4, 4);
    var check = new ShapeCheck(layer, List.of(Shape.of(-1, 6)));
    assertArrayEquals(new long[] {-1, 8, -1}, check.output(8, UNKNOWN).asArray());
    var error = assertThrows(ShapeRuleException.class, () -> check.output(ShapeCheck.sub(3, 4)));
    assertEquals("HeadLayer 'head' (count=4): outputShape \"(4)\" gives (-1), a negative size, "
        + "for input (None, 6)", error.getMessage());
  }

  @Test
  void symbolsBindFromTheEndPastALeadingEllipsis() {
    var layer = new TestLayers.Head(4, 4);
    var check = new ShapeCheck(layer, List.of(Shape.of(-1, 5, 7, 3)));
    // Pattern "(..., a, b)": two dims counted from the end of (None, 5, 7, 3).
    assertEquals(7, check.symbol("a", 0, 0, 2));
    assertEquals(3, check.symbol("b", 0, 1, 2));
    assertEquals(UNKNOWN, new ShapeCheck(layer, List.of(Shape.unknown())).dim(0, 0, 1));
  }
}
