package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One application of a layer in a model (Keras's "node"), as {@link Model#calls()} lists them: a
 * read-only view for tools that show a model, such as {@code lamina-plot}'s pictures.
 *
 * @param layer the layer applied
 * @param name the layer's name in the model (unique there)
 * @param inputs the symbolic tensors the call takes, in order; none for a model input
 * @param inputLayers for each input, the name in the model of the layer that produced it
 * @param outputs the symbolic tensors the call produces (their shapes and dtypes), in order:
 *     one for most layers
 */
public record LayerCall(Layer layer, String name, List<SymbolicTensor<?>> inputs,
    List<String> inputLayers, List<SymbolicTensor<?>> outputs) {

  public LayerCall {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(name, "name");
    inputs = List.copyOf(inputs);
    inputLayers = List.copyOf(inputLayers);
    outputs = List.copyOf(outputs);
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("a call has at least one output");
    }
  }

  /** The call's first output: its only one, for a layer with one output. */
  public SymbolicTensor<?> output() {
    return outputs.get(0);
  }

  /** True for a model input's call: {@link Input#of}'s layer. */
  public boolean isInput() {
    return layer instanceof InputLayer;
  }

  /** True for a {@code @Lambda} layer or the mask computation of one. */
  public boolean isLambda() {
    return layer instanceof LambdaLayer || layer instanceof MaskLayer;
  }

  /**
   * The layer's arguments as summaries and error messages show them, in order: strings quoted,
   * arrays spelled out, line breaks and other control characters escaped.
   */
  public Map<String, String> formattedArguments() {
    Map<String, String> formatted = new LinkedHashMap<>();
    layer.arguments().forEach((key, value) -> formatted.put(key, Layer.formatArgument(value)));
    return Collections.unmodifiableMap(formatted);
  }

  /** Every call of {@code topology}, each after the calls that feed it. */
  static List<LayerCall> of(Topology topology) {
    List<LayerCall> calls = new ArrayList<>(topology.nodes().size());
    for (Node node : topology.nodes()) {
      List<String> sources = new ArrayList<>(node.inputs().size());
      node.inputs().forEach(input -> sources.add(topology.names().get(input.producer().layer())));
      calls.add(new LayerCall(node.layer(), topology.names().get(node.layer()), node.inputs(),
          sources, node.outputs()));
    }
    return List.copyOf(calls);
  }
}
