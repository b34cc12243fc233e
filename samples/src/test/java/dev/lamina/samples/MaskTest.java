package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.BooleanNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;

/** Masks computed by a lambda's mask method reach the next layer's mask method. */
class MaskTest {

  @Test
  void aMaskFlowsIntoTheNextLayer() {
    var x = Input.of(TFloat32.class, 4);
    var marked = MarkPositiveLayer.of().apply(x);
    var scaled = ScaleMaskedLayer.of(2f).apply(marked);
    assertTrue(marked.mask().isPresent());
    assertArrayEquals(new long[] {-1, 4}, scaled.mask().orElseThrow().shape().asArray());
    try (var model = Model.of(List.of(x), List.of(scaled, marked.mask().get(),
        scaled.mask().get()))) {
      FloatNdArray data = StdArrays.ndCopyOf(new float[][] {{-1, 2, 7, 3}});
      List<NdArray<?>> out = model.predict(List.of(data), 32);
      // By hand: values doubled; first mask x > 0 gives (F, T, T, T); the second keeps it where
      // 2x < 10, (T, T, F, T), so (F, T, F, T). Ignoring the first mask would give (T, T, F, T).
      assertArrayEquals(new float[] {-2, 4, 14, 6},
          StdArrays.array2dCopyOf((FloatNdArray) out.get(0))[0]);
      assertArrayEquals(new boolean[] {false, true, true, true},
          StdArrays.array2dCopyOf((BooleanNdArray) out.get(1))[0]);
      assertArrayEquals(new boolean[] {false, true, false, true},
          StdArrays.array2dCopyOf((BooleanNdArray) out.get(2))[0]);
    }
  }

  @Test
  void withoutAMaskMethodTheOutputHasNoMask() {
    var x = Input.of(TFloat32.class, 4);
    var marked = MarkPositiveLayer.of().apply(x);
    assertFalse(SquareLayer.of().apply(marked).mask().isPresent(), "as Keras's Lambda");
    assertFalse(x.mask().isPresent());
  }

  @Test
  void theFirstMaskMethodSeesNoInputMask() {
    var x = Input.of(TFloat32.class, 2);
    var scaled = ScaleMaskedLayer.of(1f).apply(x);
    try (var model = Model.of(List.of(x), List.of(scaled.mask().orElseThrow()))) {
      var out = model.predict(List.of(StdArrays.ndCopyOf(new float[][] {{9, 11}})), 32);
      assertArrayEquals(new boolean[] {true, false},
          StdArrays.array2dCopyOf((BooleanNdArray) out.get(0))[0]);
      assertEquals(2, model.layers().size(), "the input and the mask's layer call");
    }
  }

  @Test
  void concatenateJoinsMasksAsKerasDoes() {
    // Sequences of 3 features: a has 2 steps and a step mask; b has 3 steps and no mask.
    var a = Input.of("a", TFloat32.class, 2, 3);
    var b = Input.of("b", TFloat32.class, 3, 3);
    var masked = MaskZeroStepsLayer.of().apply(a);
    var joined = new dev.lamina.runtime.layers.merging.Concatenate(1).apply(masked, b);
    var mask = joined.mask().orElseThrow();
    assertArrayEquals(new long[] {-1, 5}, mask.shape().asArray());
    try (var model = Model.of(List.of(a, b), List.of(mask))) {
      var out = model.predict(List.of(
          StdArrays.ndCopyOf(new float[][][] {{{1, 2, 3}, {0, 0, 0}}}),
          StdArrays.ndCopyOf(new float[][][] {{{0, 0, 0}, {1, 1, 1}, {2, 2, 2}}})), 32);
      // a's steps: (1,2,3) kept, (0,0,0) masked; b has no mask, so all its steps are kept,
      // even its all-zero first one: (T, F, T, T, T).
      assertArrayEquals(new boolean[] {true, false, true, true, true},
          StdArrays.array2dCopyOf((BooleanNdArray) out.get(0))[0]);
    }
    assertFalse(new dev.lamina.runtime.layers.merging.Concatenate(1).apply(a, a).mask().isPresent(),
        "no input mask, no output mask");
  }
}
