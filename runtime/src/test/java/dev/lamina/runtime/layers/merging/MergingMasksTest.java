package dev.lamina.runtime.layers.merging;

import dev.lamina.runtime.layers.WithMask;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Masked values where the inputs' ranks differ: Keras 3 expands the lower-rank input into a new
 * tensor, without a mask, and keeps the mask of the input already at the output's rank. The
 * expected rows are Keras 3.15.1's, for {@code a = arange(1, 25).reshape(3, 2, 4)} masked
 * {@code [[True, False]] * 3} and {@code b = full((3, 4), 3)}, in either order (batch 0 shown).
 */
class MergingMasksTest {

  private static float[] batch0(Layer layer, boolean aFirst) {
    var a = Input.of(TFloat32.class, 2, 4);
    var m = Input.of(TFloat32.class, 2);
    var b = Input.of(TFloat32.class, 4);
    SymbolicTensor<TFloat32> masked = new WithMask().apply(a, m);
    SymbolicTensor<?> y = aFirst ? layer.call(masked, b) : layer.call(b, masked);
    float[] av = new float[24];
    for (int i = 0; i < av.length; i++) {
      av[i] = i + 1;
    }
    float[] bv = new float[12];
    java.util.Arrays.fill(bv, 3);
    float[] mv = {1, 0, 1, 0, 1, 0};
    try (Model model = Model.of(List.of(a, m, b), List.of(y))) {
      List<NdArray<?>> out = model.predict(List.of(
          NdArrays.wrap(Shape.of(3, 2, 4), DataBuffers.of(av, true, false)),
          NdArrays.wrap(Shape.of(3, 2), DataBuffers.of(mv, true, false)),
          NdArrays.wrap(Shape.of(3, 4), DataBuffers.of(bv, true, false))));
      FloatNdArray values = (FloatNdArray) out.get(0);
      float[] all = new float[(int) values.size()];
      values.copyTo(NdArrays.wrap(values.shape(), DataBuffers.of(all, false, false)));
      return java.util.Arrays.copyOf(all, 8);
    }
  }

  @Test
  void theMaskOfTheInputAtTheOutputsRankCountsAsInKeras() {
    for (boolean aFirst : new boolean[] {true, false}) {
      assertArrayEquals(new float[] {3, 3, 3, 4, 3, 3, 3, 3}, batch0(new Maximum(), aFirst));
      assertArrayEquals(new float[] {1, 2, 3, 3, 3, 3, 3, 3}, batch0(new Minimum(), aFirst));
      assertArrayEquals(new float[] {3, 6, 9, 12, 3, 3, 3, 3}, batch0(new Multiply(), aFirst));
    }
  }

  /** Keras's broadcast_to(expand_dims(mask, -1), shape(x)) fails; Lamina says why, at apply. */
  @Test
  void aMaskThatDoesNotCoverTheInputWithoutItsLastAxisIsRefused() {
    var a = Input.of(TFloat32.class, 2, 4);
    var sameRank = Input.of(TFloat32.class, 2, 4);
    var masked = new WithMask().apply(a, sameRank);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Multiply().apply(masked, a));
    assertTrue(e.getMessage().contains("one axis fewer than its input"), e.getMessage());
    new Add().apply(masked, a); // Add ignores masks in its values, as Keras's
  }
}
