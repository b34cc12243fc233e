package dev.lamina.runtime.layers;

import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.layers.merging.Add;
import dev.lamina.runtime.layers.merging.Multiply;
import dev.lamina.runtime.layers.activations.Activation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Keras's core layers against values worked out by hand or with plain Java formulas. */
class CoreLayersTest {

  private static float[][] run(SymbolicTensor<TFloat32> x, SymbolicTensor<TFloat32> y,
      float[][] data) {
    try (var model = Model.of(x, y)) {
      return model.predict(data, float[][].class);
    }
  }

  @Test
  void denseWithGivenWeightsComputesXTimesKernelPlusBias() {
    var x = Input.of(TFloat32.class, 2);
    var dense = Dense.builder(3).kernel(new float[][] {{1, 2, 3}, {4, 5, 6}})
        .bias(new float[] {0.5f, -1, 0}).build();
    // (1, 2) . [[1,2,3],[4,5,6]] = (9, 12, 15); plus bias (9.5, 11, 15).
    float[][] y = run(x, dense.apply(x), new float[][] {{1, 2}, {0, -1}});
    assertArrayEquals(new float[] {9.5f, 11, 15}, y[0]);
    // (0, -1) . kernel = (-4, -5, -6); plus bias (-3.5, -6, -6).
    assertArrayEquals(new float[] {-3.5f, -6, -6}, y[1]);
    assertEquals(2 * 3 + 3, dense.countParams());
  }

  @Test
  void denseActivationAndNoBias() {
    var x = Input.of(TFloat32.class, 2);
    var dense = Dense.builder(2).kernel(new float[][] {{1, -1}, {1, 1}}).useBias(false)
        .activation("relu").build();
    // (2, -3) . [[1,-1],[1,1]] = (-1, -5); relu gives (0, 0). (3, 1) gives (4, -2) then (4, 0).
    float[][] y = run(x, dense.apply(x), new float[][] {{2, -3}, {3, 1}});
    assertArrayEquals(new float[] {0, 0}, y[0]);
    assertArrayEquals(new float[] {4, 0}, y[1]);
    assertEquals(4, dense.countParams());
  }

  @Test
  void denseOnRankThreeAppliesTheKernelToTheLastAxis() {
    var x = Input.of(TFloat32.class, 2, 2);
    var dense = Dense.builder(1).kernel(new float[][] {{1}, {10}}).useBias(false).build();
    var y = dense.apply(x);
    assertArrayEquals(new long[] {-1, 2, 1}, y.shape().asArray());
    try (var model = Model.of(x, y)) {
      float[][][] out = model.predict(new float[][][] {{{1, 2}, {3, 4}}}, float[][][].class);
      assertArrayEquals(new float[] {21}, out[0][0]);
      assertArrayEquals(new float[] {43}, out[0][1]);
    }
  }

  @Test
  void glorotUniformIsBoundedSeededAndCentred() {
    var a = Dense.builder(64).seed(7).build();
    var b = Dense.builder(64).seed(7).build();
    var c = Dense.builder(64).seed(8).build();
    for (Dense d : List.of(a, b, c)) {
      d.apply(Input.of(TFloat32.class, 32));
    }
    float[] values = a.weights().get(0).values();
    double limit = Math.sqrt(6.0 / (32 + 64));
    double sum = 0;
    for (float v : values) {
      assertTrue(Math.abs(v) <= limit, "inside +-" + limit + ": " + v);
      sum += v;
    }
    // Uniform on +-limit has standard deviation limit/sqrt(3); the mean of 2048 draws is within
    // four standard errors of 0.
    assertTrue(Math.abs(sum / values.length) < 4 * limit / Math.sqrt(3) / Math.sqrt(2048));
    assertArrayEquals(values, b.weights().get(0).values(), "same seed, same kernel");
    assertNotEquals(values[0], c.weights().get(0).values()[0]);
  }

  @Test
  void theGraphHoldsTheKernelItWasGiven() {
    var x = Input.of(TFloat32.class, 3);
    var dense = Dense.builder(2).seed(11).useBias(false).build();
    try (var model = Model.of(x, dense.apply(x))) {
      // Unit vectors pick out the kernel's rows: e_i . K = row i.
      float[][] rows = model.predict(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
          float[][].class);
      float[] kernel = dense.weights().get(0).values();
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(new float[] {kernel[2 * i], kernel[2 * i + 1]}, rows[i]);
      }
    }
  }

  @Test
  void badKernelsAndUnknownRanksAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> Dense.builder(2).kernel(new float[][] {{1, 2}, {3}}));
    assertThrows(IllegalArgumentException.class, () -> Dense.builder(2).kernel(new float[0][]));
  }

  @Test
  void denseIsBuiltByItsFirstApply() {
    var dense = new Dense(4);
    dense.apply(Input.of(TFloat32.class, 3));
    var error = assertThrows(IllegalArgumentException.class,
        () -> dense.apply(Input.of(TFloat32.class, 5)));
    assertEquals("Dense 'dense' (units=4, activation=\"linear\", use_bias=true) was built for "
        + "inputs with 3 features on the last axis, got (None, 5)", error.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Dense(2).apply(Input.of(TFloat32.class, Input.UNKNOWN)));
    assertThrows(IllegalArgumentException.class, () -> new Dense(0));
    assertThrows(IllegalArgumentException.class, () -> new Dense(2, "no_such_activation"));
  }

  @Test
  void aSharedDenseLayerSharesItsWeights() {
    var x = Input.of(TFloat32.class, 2);
    var dense = Dense.builder(2).kernel(new float[][] {{0, 1}, {1, 0}}).useBias(false).build();
    try (var model = Model.of(x, dense.apply(dense.apply(x)))) {
      // Swapping twice is the identity; one variable pair in the graph, not two.
      float[][] y = model.predict(new float[][] {{3, 4}}, float[][].class);
      assertArrayEquals(new float[] {3, 4}, y[0]);
      long kernels = 0;
      var ops = model.tensorFlowGraph().operations();
      while (ops.hasNext()) {
        if (ops.next().type().equals("VarHandleOp")) {
          kernels++;
        }
      }
      assertEquals(1, kernels);
    }
  }

  @Test
  void activationsMatchTheirFormulas() {
    float[] in = {-2, -0.5f, 0, 0.5f, 3};
    check("relu", in, v -> Math.max(v, 0));
    check("sigmoid", in, v -> 1 / (1 + Math.exp(-v)));
    check("tanh", in, Math::tanh);
    check("linear", in, v -> v);
    check("softplus", in, v -> Math.log(1 + Math.exp(v)));
    check("elu", in, v -> v > 0 ? v : Math.exp(v) - 1);
    // GELU, exact form: x * Phi(x), Phi the normal CDF; erf by its series (the inputs are small).
    check("gelu", in, v -> v * 0.5 * (1 + erf(v / Math.sqrt(2))));
    // softmax over the row: exp(v) / sum of exp.
    double total = 0;
    for (float v : in) {
      total += Math.exp(v);
    }
    double norm = total;
    check("softmax", in, v -> Math.exp(v) / norm);
  }

  private static double erf(double z) {
    double sum = 0;
    double term = z;
    for (int n = 0; n < 60; n++) {
      sum += term / (2 * n + 1);
      term *= -z * z / (n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  private static void check(String activation, float[] in, DoubleUnaryOperator formula) {
    var x = Input.of(TFloat32.class, in.length);
    float[] out = run(x, new Activation(activation).apply(x), new float[][] {in})[0];
    for (int i = 0; i < in.length; i++) {
      assertEquals(formula.applyAsDouble(in[i]), out[i], 1e-5, activation + "(" + in[i] + ")");
    }
  }

  @Test
  void flattenAddMultiplyDropout() {
    var x = Input.of(TFloat32.class, 2, 2);
    var flat = new Flatten().apply(x);
    assertArrayEquals(new long[] {-1, 4}, flat.shape().asArray());
    var sum = new Add().apply(flat, flat, flat);
    var product = new Multiply().apply(sum, flat);
    var dropped = new Dropout(0.5).apply(product);
    try (var model = Model.of(x, dropped)) {
      // flat (1, 2, 3, 4); sum of three copies (3, 6, 9, 12); times flat (3, 12, 27, 48);
      // dropout is the identity when predicting.
      float[][] y = model.predict(new float[][][] {{{1, 2}, {3, 4}}}, float[][].class);
      assertArrayEquals(new float[] {3, 12, 27, 48}, y[0]);
    }
  }

  @Test
  void mergeLayersCheckShapesAndDtypes() {
    var a = Input.of(TFloat32.class, 2);
    var b = Input.of(TFloat32.class, 3);
    var error = assertThrows(IllegalArgumentException.class, () -> new Add().apply(a, b));
    assertEquals("Add 'add' cannot broadcast inputs of shapes (None, 2), (None, 3): axis 1 of "
        + "the output would be both 2 and 3 (sizes must be equal or 1)", error.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Multiply().call(a, Input.of(TInt32.class, 2)));
    assertThrows(IllegalArgumentException.class, () -> new Add().call(a));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0));
    assertThrows(IllegalArgumentException.class, () -> new Activation("nope"));
  }

  @Test
  void aSequentialOfCoreLayers() {
    var model = Sequential.of(Input.of(TFloat32.class, 2),
        Dense.builder(2).kernel(new float[][] {{1, 0}, {0, 1}}).bias(new float[] {1, -10})
            .build(),
        new Activation("relu"));
    try (model) {
      float[][] y = model.predict(new float[][] {{2, 3}}, float[][].class);
      assertArrayEquals(new float[] {3, 0}, y[0]);
    }
  }
}
