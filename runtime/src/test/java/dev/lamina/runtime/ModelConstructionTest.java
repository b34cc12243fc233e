package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.LambdaSignature.InputSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Models Keras accepts: repeated outputs, very deep chains; and clear errors for nulls. */
class ModelConstructionTest {

  /** x -> x + 1. */
  static final class PlusOne extends LambdaLayer {
    static final LambdaSignature SIGNATURE = new LambdaSignature("PlusOneLayer",
        "Lambdas.plusOne", "plus_one", List.of(InputSpec.of("x", TFloat32.class)));

    PlusOne() {
      super(SIGNATURE, null, Map.of());
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Operand<?> invoke(Ops tf, List<Operand<?>> inputs, boolean training) {
      return tf.math.add((Operand<TFloat32>) inputs.get(0), tf.constant(1f));
    }
  }

  private static float[][] output(List<NdArray<?>> outputs, int i) {
    return StdArrays.array2dCopyOf((FloatNdArray) outputs.get(i));
  }

  @Test
  void oneTensorListedTwiceAsAnOutputComesOutTwice() {
    var x = Input.of(TFloat32.class, 2);
    var y = new TestLayers.Square(null).apply(x);
    try (var model = Model.of(List.of(x), List.of(y, x, y, x))) {
      var outputs = model.predict(List.of(StdArrays.ndCopyOf(new float[][] {{3, -2}})));
      assertEquals(4, outputs.size());
      assertArrayEquals(new float[] {9, 4}, output(outputs, 0)[0]);
      assertArrayEquals(new float[] {3, -2}, output(outputs, 1)[0]);
      assertArrayEquals(new float[] {9, 4}, output(outputs, 2)[0]);
      assertArrayEquals(new float[] {3, -2}, output(outputs, 3)[0]);
    }
  }

  @Test
  void aChainOfFiveThousandLayersIsOrderedWithoutRecursion() {
    var x = Input.of(TFloat32.class, 2);
    List<Layer> applied = new java.util.ArrayList<>();
    SymbolicTensor<?> y = x;
    for (int i = 0; i < 5_000; i++) {
      PlusOne layer = new PlusOne();
      applied.add(layer);
      y = layer.call(y);
    }
    try (var model = Model.of(x, y)) {
      List<Layer> layers = model.layers();
      assertEquals(5_001, layers.size());
      assertEquals(applied, layers.subList(1, 5_001), "each layer after the one feeding it");
      assertEquals("plus_one", model.nameOf(applied.get(0)));
      assertEquals("plus_one_4999", model.nameOf(applied.get(4_999)));
    }
    // Running it is left out: TensorFlow Java's withSubScope reads every op already in the graph,
    // so building 5,000 scoped layers takes about a minute. A short chain shows the values.
    SymbolicTensor<?> z = x;
    for (int i = 0; i < 50; i++) {
      z = new PlusOne().call(z);
    }
    try (var model = Model.of(x, z)) {
      float[][] out = model.predict(new float[][] {{1, -2}}, float[][].class);
      assertArrayEquals(new float[] {51, 48}, out[0]);
    }
  }

  @Test
  void nullsAreNamedNotBareNullPointers() {
    var x = Input.of(TFloat32.class, 2);
    var y = new TestLayers.Square(null).apply(x);
    var nullOutput = assertThrows(IllegalArgumentException.class, () -> Model.of(x, null));
    assertEquals("A model's outputs contain null (at index 0 of 1); pass the symbolic tensors "
        + "that Input.of and layers' apply return", nullOutput.getMessage());
    var nullInput = assertThrows(IllegalArgumentException.class, () -> Model.of(null, y));
    assertEquals("A model's inputs contain null (at index 0 of 1); pass the symbolic tensors "
        + "that Input.of and layers' apply return", nullInput.getMessage());
    var nullElement = assertThrows(IllegalArgumentException.class,
        () -> Model.of(List.of(x), Arrays.asList(y, null)));
    assertEquals("A model's outputs contain null (at index 1 of 2); pass the symbolic tensors "
        + "that Input.of and layers' apply return", nullElement.getMessage());
    var nullList = assertThrows(IllegalArgumentException.class, () -> Model.of(List.of(x), null));
    assertEquals("A model's outputs are null; pass a list of symbolic tensors",
        nullList.getMessage());
  }
}
