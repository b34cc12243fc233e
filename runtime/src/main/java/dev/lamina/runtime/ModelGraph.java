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
  private final List<Operand<?>> fetches;

  private ModelGraph(Graph graph, Session session, List<Operand<?>> feeds,
      List<Operand<?>> fetches) {
    this.graph = graph;
    this.session = session;
    this.feeds = feeds;
    this.fetches = fetches;
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
        Layer layer = node.layer();
        Ops scoped = tf.withSubScope(topology.names().get(layer));
        List<Operand<?>> layerWeights =
            weights.computeIfAbsent(layer, first -> first.createWeights(scoped));
        built.put(node, layer.build(scoped, operands, layerWeights));
      }
      List<Operand<?>> feeds = new ArrayList<>();
      topology.inputs().forEach(input -> feeds.add(built.get(input.producer())));
      List<Operand<?>> fetches = new ArrayList<>();
      for (SymbolicTensor<?> output : topology.outputs()) {
        Operand<?> fetch = built.get(output.producer());
        // TensorFlow cannot fetch a tensor it is fed: an input that reaches an output unchanged
        // (no layer, or layers that return their input) is fetched through a copy.
        boolean fed = feeds.stream().anyMatch(feed -> feed.asOutput().equals(fetch.asOutput()));
        fetches.add(fed ? tf.withName("output").identity(fetch) : fetch);
      }
      ConfigProto config = ConfigProto.newBuilder().setAllowSoftPlacement(true).build();
      return new ModelGraph(graph, new Session(graph, config), List.copyOf(feeds),
          List.copyOf(fetches));
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
    Session.Runner runner = session.runner();
    for (int i = 0; i < feeds.size(); i++) {
      runner.feed(feeds.get(i), inputs.get(i));
    }
    fetches.forEach(runner::fetch);
    return runner.run();
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
