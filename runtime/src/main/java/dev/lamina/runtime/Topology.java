package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layer calls between a model's inputs and outputs, in an order where each call comes after
 * the calls that feed it, and the unique name of each layer (Keras's {@code square},
 * {@code square_1}, ...).
 */
record Topology(
    List<SymbolicTensor<?>> inputs,
    List<SymbolicTensor<?>> outputs,
    List<Node> nodes,
    Map<Layer, String> names,
    Map<Node, SymbolicTensor<?>> produced) {

  static Topology of(List<? extends SymbolicTensor<?>> inputs,
      List<? extends SymbolicTensor<?>> outputs) {
    if (inputs.isEmpty() || outputs.isEmpty()) {
      throw new IllegalArgumentException("A model needs at least one input and one output");
    }
    Set<Node> inputNodes = Collections.newSetFromMap(new IdentityHashMap<>());
    for (SymbolicTensor<?> input : inputs) {
      if (!input.isInput()) {
        throw new IllegalArgumentException("Model inputs must come from Input.of, but one is "
            + input + "; pass the Input it was computed from");
      }
      if (!inputNodes.add(input.producer())) {
        throw new IllegalArgumentException("Input " + input + " is given twice");
      }
    }
    List<Node> order = new ArrayList<>();
    Map<Node, SymbolicTensor<?>> produced = new IdentityHashMap<>();
    inputs.forEach(input -> {
      order.add(input.producer());
      produced.put(input.producer(), input);
    });
    Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    visited.addAll(inputNodes);
    for (SymbolicTensor<?> output : outputs) {
      visit(output, visited, order, produced);
    }
    return new Topology(List.copyOf(inputs), List.copyOf(outputs), List.copyOf(order),
        assignNames(order), Collections.unmodifiableMap(produced));
  }

  /** Depth-first, inputs of a call before the call itself. */
  private static void visit(SymbolicTensor<?> tensor, Set<Node> visited, List<Node> order,
      Map<Node, SymbolicTensor<?>> produced) {
    Node node = tensor.producer();
    if (visited.contains(node)) {
      return;
    }
    if (tensor.isInput()) {
      throw new IllegalArgumentException("Graph disconnected: the outputs depend on " + tensor
          + ", which is not among the model's inputs");
    }
    for (SymbolicTensor<?> input : node.inputs()) {
      visit(input, visited, order, produced);
    }
    visited.add(node);
    order.add(node);
    produced.put(node, tensor);
  }

  /** Given names are kept (two layers may not share one); the rest get unique default names. */
  private static Map<Layer, String> assignNames(List<Node> order) {
    Map<Layer, String> names = new IdentityHashMap<>();
    Map<String, Layer> owners = new HashMap<>();
    for (Node node : order) {
      node.layer().explicitName().ifPresent(name -> {
        Layer owner = owners.putIfAbsent(name, node.layer());
        if (owner != null && owner != node.layer()) {
          throw new IllegalArgumentException("Two layers are named '" + name + "' ("
              + owner.describe() + " and " + node.layer().describe()
              + "); layer names must be unique in a model");
        }
        names.put(node.layer(), name);
      });
    }
    Set<String> taken = new HashSet<>(owners.keySet());
    for (Node node : order) {
      Layer layer = node.layer();
      if (!names.containsKey(layer)) {
        String base = layer.defaultName();
        String name = base;
        for (int i = 1; taken.contains(name); i++) {
          name = base + "_" + i;
        }
        taken.add(name);
        names.put(layer, name);
      }
    }
    return names;
  }

  /** Each layer's calls, in order. */
  Map<Layer, List<Node>> calls() {
    Map<Layer, List<Node>> calls = new IdentityHashMap<>();
    for (Node node : nodes) {
      calls.computeIfAbsent(node.layer(), layer -> new ArrayList<>()).add(node);
    }
    return calls;
  }

  /** Distinct layers in order of first call. */
  List<Layer> layers() {
    Set<Layer> identity = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Layer> layers = new ArrayList<>();
    for (Node node : nodes) {
      if (identity.add(node.layer())) {
        layers.add(node.layer());
      }
    }
    return List.copyOf(layers);
  }
}
