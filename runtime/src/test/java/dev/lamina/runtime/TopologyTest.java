package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;
import org.tensorflow.types.TFloat32;

class TopologyTest {

  @Test
  void defaultNamesAreMadeUniqueAndGivenNamesKept() {
    var x = Input.of(TFloat32.class, 2);
    var first = new TestLayers.Square(null);
    var second = new TestLayers.Square(null);
    var named = new TestLayers.Square("square_1");
    try (var model = Model.of(x, named.apply(second.apply(first.apply(x))))) {
      assertEquals("square", model.nameOf(first));
      assertEquals("square_2", model.nameOf(second), "square_1 is taken by the named layer");
      assertEquals("square_1", model.nameOf(named));
    }
  }

  @Test
  void eachLayerBuildsUnderItsNameInTheGraph() {
    var x = Input.of(TFloat32.class, 2);
    var shared = new TestLayers.Square("sq");
    try (var model = Model.of(x, shared.apply(shared.apply(x)))) {
      List<String> names = new java.util.ArrayList<>();
      model.tensorFlowGraph().operations().forEachRemaining(
          (GraphOperation op) -> names.add(op.name()));
      assertTrue(names.contains("sq/Square"), names.toString());
      assertTrue(names.contains("sq_1/Square"), names.toString());
    }
  }

  @Test
  void twoLayersWithOneNameAreRejected() {
    var x = Input.of(TFloat32.class, 2);
    var out = new TestLayers.Square("same").apply(new TestLayers.Square("same").apply(x));
    var error = assertThrows(IllegalArgumentException.class, () -> Model.of(x, out));
    assertTrue(error.getMessage().startsWith("Two layers are named 'same'"), error.getMessage());
  }

  @Test
  void anOutputNeedingAnotherInputIsDisconnected() {
    var a = Input.of(TFloat32.class, 2);
    var b = Input.of("b", TFloat32.class, 2);
    var sum = new TestLayers.Add().call(a, b);
    var error = assertThrows(IllegalArgumentException.class, () -> Model.of(a, sum));
    assertTrue(error.getMessage().startsWith("Graph disconnected"), error.getMessage());
  }

  @Test
  void modelInputsMustBeInputs() {
    var x = Input.of(TFloat32.class, 2);
    var y = new TestLayers.Square(null).apply(x);
    var error = assertThrows(IllegalArgumentException.class, () -> Model.of(y, y));
    assertTrue(error.getMessage().startsWith("Model inputs must come from Input.of"),
        error.getMessage());
  }

  @Test
  void invalidNamesAndDimsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new TestLayers.Square("has space"));
    assertThrows(IllegalArgumentException.class, () -> Input.of(TFloat32.class, 0));
    assertEquals(-1, Input.of(TFloat32.class, Input.UNKNOWN).shape().get(1));
  }

  @Test
  void sequentialCannotChangeOnceBuilt() {
    var model = Sequential.of(Input.of(TFloat32.class, 2));
    try (model) {
      model.predict(new float[][] {{1, 2}}, float[][].class);
      assertThrows(IllegalStateException.class, () -> model.add(new TestLayers.Square(null)));
    }
  }
}
