package dev.lamina.runtime.layers.merging;

import dev.lamina.runtime.layers.WithMask;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.BooleanNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Every merging case of the Keras fixture: the layer built from Keras's config through its
 * registered type, applied in a model to the fixture's inputs (with their Keras masks), gives
 * Keras's outputs to 1e-5 (relative, absolute below 1) at every position, masked ones included
 * (Keras 3's Multiply, Maximum and Minimum use the masks in their values), and Keras's mask.
 */
class KerasMergingFixturesTest {

  static Stream<String> cases() {
    return KerasCases.ids(KerasCases.MERGING).stream();
  }

  @Test
  void theFixtureCoversEveryMergingLayer() {
    Set<String> covered = new java.util.TreeSet<>();
    for (String id : KerasCases.ids(KerasCases.MERGING)) {
      covered.add(id.substring(0, id.indexOf('/')));
    }
    assertEquals(new java.util.TreeSet<>(KerasCases.MERGING), covered);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesKeras(String id) throws Exception {
    JsonObject c = KerasCases.byId(id);
    Layer layer = KerasCases.layer(c);
    JsonArray fixtureInputs = c.requireArray("inputs");
    JsonArray fixtureMasks = c.optArray("input_masks");
    List<SymbolicTensor<?>> modelInputs = new ArrayList<>();
    List<SymbolicTensor<?>> layerInputs = new ArrayList<>();
    List<NdArray<?>> data = new ArrayList<>();
    // Per position (batch and all but the last axis), whether every input counts it.
    boolean[] everyMaskTrue = null;
    for (int i = 0; i < fixtureInputs.size(); i++) {
      FloatNdArray x = KerasCases.array(fixtureInputs.requireObject(i));
      SymbolicTensor<TFloat32> input = Input.of("x" + i, TFloat32.class, sample(x.shape()));
      modelInputs.add(input);
      data.add(x);
      if (fixtureMasks != null && !fixtureMasks.isNull(i)) {
        FloatNdArray m = KerasCases.array(fixtureMasks.requireObject(i));
        SymbolicTensor<TFloat32> mask = Input.of("m" + i, TFloat32.class, sample(m.shape()));
        modelInputs.add(mask);
        data.add(m);
        everyMaskTrue = and(everyMaskTrue, m);
        input = new WithMask().apply(input, mask);
      }
      layerInputs.add(input);
    }
    SymbolicTensor<?> out = layer.call(layerInputs);
    List<SymbolicTensor<?>> outputs = new ArrayList<>(List.of(out));
    if (c.containsKey("mask")) {
      boolean kerasHasMask = !c.isNull("mask");
      assertEquals(kerasHasMask, out.mask().isPresent(), id + ": output mask");
      if (kerasHasMask) {
        outputs.add(out.mask().orElseThrow());
      }
    } else {
      assertFalse(out.mask().isPresent(), id + ": no input mask, no output mask");
    }
    JsonObject expected = c.requireObject("outputs").requireArray("inference").requireObject(0);
    FloatNdArray want = KerasCases.array(expected);
    try (Model model = Model.of(modelInputs, outputs)) {
      List<NdArray<?>> got = model.predict(data);
      FloatNdArray y = (FloatNdArray) got.get(0);
      assertEquals(want.shape(), y.shape(), id + ": output shape");
      if (everyMaskTrue != null) {
        boolean someMasked = false;
        for (boolean counted : everyMaskTrue) {
          someMasked |= !counted;
        }
        assertTrue(someMasked, id + ": the fixture's masks mask out no position");
      }
      float[] wantValues = values(want);
      float[] gotValues = values(y);
      assertEquals(wantValues.length, gotValues.length, id + ": value count");
      for (int i = 0; i < wantValues.length; i++) {
        float tolerance = 1e-5f * Math.max(1f, Math.abs(wantValues[i]));
        assertEquals(wantValues[i], gotValues[i], tolerance, id + ": value " + i);
      }
      if (outputs.size() == 2) {
        BooleanNdArray mask = (BooleanNdArray) got.get(1);
        FloatNdArray wantMask = KerasCases.array(c.requireObject("mask"));
        assertEquals(wantMask.shape(), mask.shape(), id + ": mask shape");
        float[] w = values(wantMask);
        boolean[] g = new boolean[w.length];
        mask.copyTo(NdArrays.wrap(mask.shape(), DataBuffers.of(g, false, false)));
        for (int i = 0; i < w.length; i++) {
          assertEquals(w[i] != 0, g[i], id + ": mask value " + i);
        }
      }
    }
  }

  private static long[] sample(Shape full) {
    return Arrays.copyOfRange(full.asArray(), 1, full.numDimensions());
  }

  private static float[] values(FloatNdArray a) {
    float[] out = new float[(int) a.shape().size()];
    a.copyTo(NdArrays.wrap(a.shape(), DataBuffers.of(out, false, false)));
    return out;
  }

  private static boolean[] and(boolean[] so, FloatNdArray mask) {
    float[] m = values(mask);
    boolean[] out = new boolean[m.length];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i] != 0 && (so == null || so[i]);
    }
    return out;
  }
}
