package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.LambdaSignature.InputSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Faults in a layer's own code name the layer and keep the cause, whether the code runs at
 * {@code apply} (tracing) or at the first {@code predict} (building the model's graph).
 */
class LayerFaultTest {

  /** What a lambda's body does on a given call. */
  @FunctionalInterface
  interface Body {
    Operand<TFloat32> build(Ops tf, Operand<TFloat32> x, int call);
  }

  /** A float lambda 'f' of one input whose body is given; counts its calls (0 is apply's). */
  static final class Scripted extends LambdaLayer {
    private final Body body;
    private int calls;

    Scripted(String name, Body body) {
      super(new LambdaSignature("ScriptedLayer", "Lambdas.scripted", "scripted",
          List.of(InputSpec.of("x", TFloat32.class))), name, Map.of());
      this.body = body;
    }

    SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
      return applyTyped(x);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Operand<?> invoke(Ops tf, List<Operand<?>> inputs, boolean training) {
      return body.build(tf, (Operand<TFloat32>) inputs.get(0), calls++);
    }
  }

  private static Model model(Scripted layer) {
    var x = Input.of(TFloat32.class, 2);
    return Model.of(x, layer.apply(new TestLayers.Square(null).apply(x)));
  }

  @Test
  void anExceptionAtTheFirstPredictNamesTheLayerAndKeepsTheCause() {
    var boom = new IllegalStateException("boom");
    var layer = new Scripted("flaky", (tf, x, call) -> {
      if (call > 0) {
        throw boom;
      }
      return x;
    });
    try (var model = model(layer)) {
      var error = assertThrows(IllegalStateException.class,
          () -> model.predict(new float[][] {{1, 2}}, float[][].class));
      assertEquals("ScriptedLayer 'flaky': Lambdas.scripted threw java.lang.IllegalStateException: "
          + "boom while the model's graph was built (at the first predict), for input shapes "
          + "(None, 2)", error.getMessage());
      assertSame(boom, error.getCause());
    }
  }

  @Test
  void anAssertionErrorAtTheFirstPredictNamesTheLayerByItsNameInTheModel() {
    var layer = new Scripted(null, (tf, x, call) -> {
      assert call == 0 : "only once";
      if (call > 0) { // the same without -ea
        throw new AssertionError("only once");
      }
      return x;
    });
    var x = Input.of(TFloat32.class, 2);
    var first = new Scripted(null, (tf, in, call) -> in);
    try (var model = Model.of(x, layer.apply(first.apply(x)))) {
      var error = assertThrows(IllegalStateException.class,
          () -> model.predict(new float[][] {{1, 2}}, float[][].class));
      assertTrue(error.getMessage().startsWith("ScriptedLayer 'scripted' (named 'scripted_1' in "
          + "this model): Lambdas.scripted threw java.lang.AssertionError: only once while the "
          + "model's graph was built"), error.getMessage());
      assertTrue(error.getCause() instanceof AssertionError);
    }
  }

  @Test
  void anOperandKeptFromTheTracingGraphIsNamedAsSuch() {
    Operand<?>[] kept = new Operand<?>[1];
    var layer = new Scripted("cache", (tf, x, call) -> {
      if (call == 0) {
        kept[0] = tf.constant(1f);
        return x;
      }
      @SuppressWarnings("unchecked")
      Operand<TFloat32> one = (Operand<TFloat32>) kept[0];
      return tf.math.add(x, one);
    });
    try (var model = model(layer)) {
      var error = assertThrows(IllegalStateException.class,
          () -> model.predict(new float[][] {{1, 2}}, float[][].class));
      String message = error.getMessage();
      assertTrue(message.startsWith("ScriptedLayer 'cache': Lambdas.scripted uses an operand "
          + "from another graph while the model's graph was built"), message);
      assertTrue(message.contains("keep no operand between calls"), message);
      assertFalse(message.contains("TensorFlow rejects"), message);
      assertTrue(error.getCause() instanceof IllegalStateException);
    }
  }

  @Test
  void anOperandReturnedFromAnotherGraphIsRejectedBeforeItRuns() {
    Operand<?>[] kept = new Operand<?>[1];
    var layer = new Scripted("cache", (tf, x, call) -> {
      if (call == 0) {
        kept[0] = x;
      }
      @SuppressWarnings("unchecked")
      Operand<TFloat32> first = (Operand<TFloat32>) kept[0];
      return first;
    });
    try (var model = model(layer)) {
      var error = assertThrows(IllegalStateException.class,
          () -> model.predict(new float[][] {{1, 2}}, float[][].class));
      assertTrue(error.getMessage().startsWith("ScriptedLayer 'cache': Lambdas.scripted returned "
          + "an operand from another graph while the model's graph was built"),
          error.getMessage());
    }
  }

  @Test
  void codeThatThrowsAtApplyIsNotCalledATensorFlowRejection() {
    var arithmetic = new ArithmeticException("/ by zero");
    var x = Input.of(TFloat32.class, 2);
    var thrown = assertThrows(IllegalArgumentException.class,
        () -> new Scripted("div", (tf, in, call) -> {
          throw arithmetic;
        }).apply(x));
    assertEquals("ScriptedLayer 'div': Lambdas.scripted threw java.lang.ArithmeticException: "
        + "/ by zero for input shapes (None, 2)", thrown.getMessage());
    assertSame(arithmetic, thrown.getCause());

    var asserted = assertThrows(IllegalArgumentException.class,
        () -> new Scripted("check", (tf, in, call) -> {
          throw new AssertionError("rank 3 expected");
        }).apply(x));
    assertEquals("ScriptedLayer 'check': Lambdas.scripted threw java.lang.AssertionError: "
        + "rank 3 expected for input shapes (None, 2)", asserted.getMessage());

    // What TensorFlow itself rejects keeps saying so.
    var rejected = assertThrows(IllegalArgumentException.class,
        () -> new Scripted("bad", (tf, in, call) -> tf.math.add(in, tf.constant(new float[] {1, 2,
            3}))).apply(x));
    // (None, 2) + (3) does not broadcast: TensorFlow's shape inference says so.
    assertTrue(rejected.getMessage().startsWith("ScriptedLayer 'bad': TensorFlow rejects "
        + "Lambdas.scripted for input shapes (None, 2): "), rejected.getMessage());
  }

  @Test
  void aLambdaThatChangesTheBatchSizeAtRunTimeIsNamed() {
    // (batch, 4) -> (2 * batch, 2): TensorFlow infers (None, 2), so nothing fails until it runs.
    var rows = new Scripted("rows", (tf, in, call) -> tf.reshape(in, tf.constant(new int[] {-1, 2})));
    var x = Input.of(TFloat32.class, 4);
    try (var model = Model.of(x, new TestLayers.Square("sq").apply(rows.apply(x)))) {
      var error = assertThrows(IllegalStateException.class,
          () -> model.predict(new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8}}, float[][].class));
      assertTrue(error.getMessage().startsWith("ScriptedLayer 'rows' changes the batch size at "
          + "run time: The model's output 0 (4, 2) for a batch of 2 cannot be stacked into "
          + "(2, 2)"), error.getMessage());
    }
    // The same model with a layer that keeps the batch predicts.
    var same = new Scripted("same", (tf, in, call) -> tf.math.neg(in));
    try (var model = model(same)) {
      float[][] y = model.predict(new float[][] {{1, -3}}, float[][].class);
      assertArrayEquals(new float[] {-1, -9}, y[0]);
    }
  }
}
