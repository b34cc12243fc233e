package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@link GraphOps} names ops exactly as TensorFlow Java's own scopes do on a graph built only
 * through it (names are what SavedModel signatures, checkpoints and Lamina's messages use), while
 * skipping the walk over the whole graph that made building quadratic in the number of layers.
 */
class GraphOpsTest {

  /** Layer-like sub-scopes, repeated names, nested scopes, explicit op names, an init scope. */
  private static void build(Ops tf) {
    var x = tf.withName("placeholder").placeholder(TFloat32.class);
    for (int i = 0; i < 5; i++) {
      Ops layer = tf.withSubScope(i % 2 == 0 ? "dense" : "square"); // dense, dense_1, square_1..
      var y = layer.math.mul(x, layer.constant(2f));
      Ops inner = layer.withSubScope("inner");
      inner.math.add(y, inner.constant(1f));
      inner.math.add(y, inner.constant(1f)); // Add, Add_1
      layer.withName("out").identity(y);
    }
    tf.withSubScope("weights").withName("var0").varHandleOp(TFloat32.class,
        org.tensorflow.ndarray.Shape.of(2));
    tf.withSubScope("dense").identity(x); // a scope name taken twice more
  }

  private static List<String> names(Function<Graph, Ops> ops) {
    try (Graph graph = new Graph()) {
      build(ops.apply(graph));
      List<String> names = new ArrayList<>();
      graph.operations().forEachRemaining(op -> names.add(op.name()));
      names.sort(null);
      return names;
    }
  }

  @Test
  void namesOpsAsTensorFlowJavasOwnScopesDo() {
    assertEquals(names(Ops::create), names(GraphOps::of));
  }

  @Test
  void opsLiveInTheRealGraph() {
    try (Graph graph = new Graph()) {
      Ops tf = GraphOps.of(graph);
      var c = tf.constant(1f);
      assertSame(graph, c.env());
      assertSame(graph, GraphOps.environmentOf(tf));
    }
  }
}
