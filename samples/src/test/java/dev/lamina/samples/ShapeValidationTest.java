package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** Each kind of shape rule, failing at apply with the layer, the rule and the shapes named. */
class ShapeValidationTest {

  @Test
  void rank() {
    var x = Input.of(TFloat32.class, 4);
    var error = assertThrows(IllegalArgumentException.class, () -> SliceLayer.of(0).apply(x));
    assertEquals("SliceLayer 'slice' (index=0): inputShape \"(n, c)\" of input x needs 2 dims "
        + "per sample, but the input is (None, 4)", error.getMessage());
  }

  @Test
  void rankWithLeadingEllipsis() {
    var scalar = Input.of(TFloat32.class);
    var error = assertThrows(IllegalArgumentException.class, () -> WideLayer.of().apply(scalar));
    assertEquals("WideLayer 'wide': inputShape \"(..., c)\" of input x needs at least 1 dim per "
        + "sample, but the input is (None)", error.getMessage());
    assertArrayEquals(new long[] {-1, 5, 6, 3},
        WideLayer.of().apply(Input.of(TFloat32.class, 5, 6, 3)).shape().asArray());
  }

  @Test
  void fixedDim() {
    var x = Input.of(TFloat32.class, 2, 3);
    var error = assertThrows(IllegalArgumentException.class, () -> PairSumLayer.of().apply(x, x));
    assertEquals("PairSumLayer 'pair_sum': inputShape \"(n, 4)\" of input x needs size 4 at dim 2"
        + " of the pattern, but the input is (None, 2, 3)", error.getMessage());
  }

  @Test
  void symbolMismatch() {
    var x = Input.of(TFloat32.class, 2, 4);
    var y = Input.of(TFloat32.class, 3, 4);
    var error = assertThrows(IllegalArgumentException.class, () -> PairSumLayer.of().apply(x, y));
    assertEquals("PairSumLayer 'pair_sum': inputShape binds n = 2 from input x (None, 2, 4) but "
        + "n = 3 in input y (None, 3, 4) (patterns \"(n, 4)\", \"(n, 4)\")", error.getMessage());
  }

  @Test
  void requires() {
    var a = Input.of(TFloat32.class, 4, 2);
    var error = assertThrows(IllegalArgumentException.class, () -> SliceLayer.of(2).apply(a));
    assertEquals("SliceLayer 'slice' (index=2): requires \"0 <= index && index < c\" but "
        + "index = 2, c = 2 for input (None, 4, 2)", error.getMessage());
    var wide = assertThrows(IllegalArgumentException.class,
        () -> WideLayer.of().apply(Input.of(TFloat32.class, 3, 1)));
    assertEquals("WideLayer 'wide': requires \"c >= 2\" but c = 1 for input (None, 3, 1)",
        wide.getMessage());
  }

  @Test
  void requiresWithAnUnknownSizeCannotFail() {
    var a = Input.of(TFloat32.class, 4, Input.UNKNOWN);
    assertArrayEquals(new long[] {-1, 4}, SliceLayer.of(7).apply(a).shape().asArray());
  }

  @Test
  void declaredAgainstTraced() {
    var x = Input.of(TFloat32.class, 6);
    var error = assertThrows(IllegalArgumentException.class, () -> FirstFourLayer.of().apply(x));
    assertEquals("FirstFourLayer 'first_four': declares outputShape \"(3)\", which gives (3) per "
        + "sample, but its ops produce (4) per sample (output (None, 4) for input (None, 6)); fix "
        + "the declaration or the ops", error.getMessage());
  }

  @Test
  void outputShapeFnThatRejectsItsInputNamesTheLayer() {
    var x = Input.of(TFloat32.class, 2, 3);
    var error = assertThrows(IllegalArgumentException.class,
        () -> AntirectifierLayer.of().apply(x));
    assertEquals("AntirectifierLayer 'antirectifier': outputShapeFn antirectifierShape fails for "
        + "input (None, 2, 3): java.lang.IllegalArgumentException: the antirectifier takes "
        + "(batch, features) inputs", error.getMessage());
  }

  @Test
  void antirectifierShapeFunctionAndExpressionAgree() {
    for (long features : new long[] {3, 784, Input.UNKNOWN}) {
      var x = Input.of(TFloat32.class, features);
      long doubled = features == Input.UNKNOWN ? -1 : 2 * features;
      assertArrayEquals(new long[] {-1, doubled},
          AntirectifierLayer.of().apply(x).shape().asArray(), "fn, features " + features);
      assertArrayEquals(new long[] {-1, doubled},
          AntirectifierDeclaredLayer.of().apply(x).shape().asArray(), "expr, features " + features);
    }
  }

  @Test
  void antirectifierValues() {
    // Sample (1, 2, 3): mean 2, centred (-1, 0, 1), L2 norm sqrt(2), normalised
    // (-1/sqrt2, 0, 1/sqrt2); relu gives (0, 0, 1/sqrt2), relu of the negation (1/sqrt2, 0, 0).
    float r = (float) (1 / Math.sqrt(2));
    var x = Input.of(TFloat32.class, 3);
    try (var model = Model.of(x, AntirectifierLayer.of().apply(x));
        var declared = Model.of(x, AntirectifierDeclaredLayer.of().apply(x))) {
      float[][] y = model.predict(new float[][] {{1, 2, 3}}, float[][].class);
      assertArrayEquals(new float[] {0, 0, r, r, 0, 0}, y[0], 1e-6f);
      float[][] z = declared.predict(new float[][] {{1, 2, 3}}, float[][].class);
      assertArrayEquals(y[0], z[0], 0f);
    }
  }
}
