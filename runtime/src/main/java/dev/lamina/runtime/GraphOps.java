package dev.lamina.runtime;

import org.tensorflow.ConcreteFunction;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.OpScope;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

/**
 * The op builder for a graph Lamina creates and fills alone: TensorFlow Java's own scopes, names
 * and ops, without the walk over the whole graph that every {@code withSubScope} otherwise makes.
 *
 * <p>TensorFlow Java's name scope "imports" the names already in a graph each time a sub-scope is
 * made ({@code NameScope.importIdsFrom}, which iterates every operation through JNI), so building
 * one sub-scope per layer call is quadratic in the number of layers: 8,000 layers took 56 s. It
 * does so only when the scope's environment is a {@link Graph}. Here the scope's environment is
 * this delegate, so the import finds nothing, which is right because every op in the graph is
 * made through these scopes and their names are already tracked. Ops themselves are still built
 * in the real graph ({@link #opBuilder} delegates), so operands, sessions and gradients see one
 * graph as before.
 */
final class GraphOps implements ExecutionEnvironment {

  private final Graph graph;
  private final Scope root;

  private GraphOps(Graph graph) {
    this.graph = graph;
    this.root = new OpScope(this);
  }

  /**
   * The root {@link Ops} of {@code graph}, which must be empty and filled only through the
   * returned builder and its sub-scopes (names made elsewhere are not seen, so could clash).
   */
  static Ops of(Graph graph) {
    return Ops.create(new GraphOps(graph));
  }

  /** The environment {@code tf} builds ops in: the real graph behind a {@code GraphOps}. */
  static ExecutionEnvironment environmentOf(Ops tf) {
    ExecutionEnvironment env = tf.scope().env();
    return env instanceof GraphOps ops ? ops.graph : env;
  }

  @Override
  public OperationBuilder opBuilder(String type, String name, Scope scope) {
    return graph.opBuilder(type, name, scope);
  }

  @Override
  public void attachFunction(ConcreteFunction function) {
    graph.attachFunction(function);
  }

  @Override
  public boolean isOpEnabled(String opType) {
    return graph.isOpEnabled(opType);
  }

  @Override
  public void checkInput(Operation input) {
    graph.checkInput(input);
  }

  @Override
  public Types environmentType() {
    return graph.environmentType();
  }

  @Override
  public Scope baseScope() {
    return root;
  }

  @Override
  public boolean isInitializer(Operation op) {
    return graph.isInitializer(op);
  }
}
