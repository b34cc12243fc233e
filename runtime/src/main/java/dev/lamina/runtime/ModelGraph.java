package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/** A model's one TensorFlow graph and the session that runs it; owns both native handles. */
final class ModelGraph implements AutoCloseable {

  private final Graph graph;
  private final Session session;
  private final List<Operand<?>> feeds;
  private final Fetches fetches;
  private final Map<Node, Operand<?>> built;

  private ModelGraph(Graph graph, Session session, List<Operand<?>> feeds, Fetches fetches,
      Map<Node, Operand<?>> built) {
    this.graph = graph;
    this.session = session;
    this.feeds = feeds;
    this.fetches = fetches;
    this.built = built;
  }

  /**
   * Adds every layer call's ops, each under its layer's name and on {@code device} ({@code null}:
   * wherever TensorFlow places them), and opens a session with soft placement.
   */
  static ModelGraph build(Topology topology, DeviceSpec device) {
    NativeLogging.configure();
    Graph graph = new Graph();
    try {
      Ops tf = device == null ? Ops.create(graph) : Ops.create(graph).withDevice(device);
      Map<Node, Operand<?>> built = new IdentityHashMap<>();
      Map<Layer, List<Operand<?>>> weights = new IdentityHashMap<>();
      for (Node node : topology.nodes()) {
        List<Operand<?>> operands = new ArrayList<>(node.inputs().size());
        node.inputs().forEach(input -> operands.add(built.get(input.producer())));
        // withSubScope makes a repeated scope unique, so a layer's second call gets name_1/...
        String name = topology.names().get(node.layer());
        built.put(node, LayerCalls.build(tf.withSubScope(name), node, name, operands, weights));
      }
      List<Operand<?>> feeds = new ArrayList<>();
      topology.inputs().forEach(input -> feeds.add(built.get(input.producer())));
      List<Operand<?>> outputs = new ArrayList<>();
      topology.outputs().forEach(output -> outputs.add(built.get(output.producer())));
      Fetches fetches = Fetches.of(outputs, feeds, tf);
      ConfigProto config = ConfigProto.newBuilder().setAllowSoftPlacement(true).build();
      return new ModelGraph(graph, new Session(graph, config), List.copyOf(feeds), fetches,
          built);
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /**
   * Runs the graph once. The caller closes the result, which owns the fetched tensors.
   * Safe to call from several threads: TensorFlow sessions run concurrently.
   */
  Result run(List<? extends Tensor> inputs) {
    return run(inputs, fetches.unique());
  }

  /** Where model output {@code output}'s tensor is in what {@link #run(List)} returns. */
  int resultIndex(int output) {
    return fetches.index()[output];
  }

  /** Runs the graph once fetching {@code operands}; for diagnostics. */
  Result run(List<? extends Tensor> inputs, List<Operand<?>> operands) {
    Session.Runner runner = session.runner();
    for (int i = 0; i < feeds.size(); i++) {
      runner.feed(feeds.get(i), inputs.get(i));
    }
    operands.forEach(runner::fetch);
    return runner.run();
  }

  /** The operand a layer call was built into, and whether it is fed rather than computed. */
  Operand<?> operandOf(Node node) {
    return built.get(node);
  }

  boolean isFed(Operand<?> operand) {
    return feeds.stream().anyMatch(feed -> feed.asOutput().equals(operand.asOutput()));
  }

  Graph graph() {
    return graph;
  }

  @Override
  public void close() {
    try (graph) {
      session.close();
    }
  }
}
