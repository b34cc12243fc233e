package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
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
    Map<Layer, String> names) {

  static Topology of(List<? extends SymbolicTensor<?>> inputs,
      List<? extends SymbolicTensor<?>> outputs) {
    requireElements(inputs, "inputs");
    requireElements(outputs, "outputs");
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
    inputs.forEach(input -> order.add(input.producer()));
    Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    visited.addAll(inputNodes);
    for (SymbolicTensor<?> output : outputs) {
      visit(output, visited, order);
    }
    return new Topology(List.copyOf(inputs), List.copyOf(outputs), List.copyOf(order),
        assignNames(order));
  }

  private static void requireElements(List<? extends SymbolicTensor<?>> tensors, String what) {
    if (tensors == null) {
      throw new IllegalArgumentException("A model's " + what + " are null; pass a list of "
          + "symbolic tensors");
    }
    for (int i = 0; i < tensors.size(); i++) {
      if (tensors.get(i) == null) {
        throw new IllegalArgumentException("A model's " + what + " contain null (at index " + i
            + " of " + tensors.size() + "); pass the symbolic tensors that Input.of and layers' "
            + "apply return");
      }
    }
  }

  /**
   * Depth first, the inputs of a call before the call itself; with a stack of its own rather than
   * recursion, so a chain of thousands of layers does not overflow the thread's stack.
   */
  private static void visit(SymbolicTensor<?> output, Set<Node> visited, List<Node> order) {
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(output));
    while (!stack.isEmpty()) {
      Frame top = stack.peek();
      Node node = top.tensor.producer();
      if (top.next == 0) {
        if (visited.contains(node)) {
          stack.pop();
          continue;
        }
        if (top.tensor.isInput()) {
          throw new IllegalArgumentException("Graph disconnected: the outputs depend on "
              + top.tensor + ", which is not among the model's inputs");
        }
      }
      List<SymbolicTensor<?>> dependencies = top.dependencies();
      if (top.next < dependencies.size()) {
        stack.push(new Frame(dependencies.get(top.next++)));
        continue;
      }
      stack.pop();
      if (visited.add(node)) { // a diamond may have finished it meanwhile
        order.add(node);
      }
    }
  }

  /** A tensor being visited and the index of its producer's next input to visit. */
  private static final class Frame {
    final SymbolicTensor<?> tensor;
    int next;
    private List<SymbolicTensor<?>> dependencies;

    /** The producer's inputs, then the masks it reads: each built before the call. */
    List<SymbolicTensor<?>> dependencies() {
      if (dependencies == null) {
        dependencies = tensor.producer().dependencies();
      }
      return dependencies;
    }

    Frame(SymbolicTensor<?> tensor) {
      this.tensor = tensor;
    }
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
    // The next suffix to try per default name, so that n layers of one type take linear time.
    Map<String, Integer> nextSuffix = new HashMap<>();
    for (Node node : order) {
      Layer layer = node.layer();
      if (!names.containsKey(layer)) {
        String base = layer.defaultName();
        String name = base;
        int i = nextSuffix.getOrDefault(base, 0);
        if (i > 0) {
          name = base + "_" + i;
        }
        while (taken.contains(name)) {
          name = base + "_" + ++i;
        }
        nextSuffix.put(base, i + 1);
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
