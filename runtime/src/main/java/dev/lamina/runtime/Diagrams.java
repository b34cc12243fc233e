package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import dev.lamina.runtime.plot.Diagram;
import dev.lamina.runtime.plot.PlotOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/** What {@code Model.plot} draws for a model: a box per layer, an arrow per connection. */
final class Diagrams {

  private Diagrams() {}

  static Diagram of(Topology topology, PlotOptions options) {
    Map<Layer, List<Node>> calls = topology.calls();
    List<Diagram.Box> boxes = new ArrayList<>();
    Set<Diagram.Arrow> arrows = new LinkedHashSet<>();
    for (Layer layer : topology.layers()) {
      String name = topology.names().get(layer);
      List<Node> nodes = calls.get(layer);
      for (Node node : nodes) {
        for (SymbolicTensor<?> input : node.inputs()) {
          arrows.add(new Diagram.Arrow(topology.names().get(input.producer().layer()), name));
        }
      }
      boxes.add(new Diagram.Box(name,
          options.showsLayerNames() ? name + ": " + layer.typeName() : layer.typeName(),
          lines(layer, nodes, topology, options), kind(layer)));
    }
    return new Diagram(boxes, new ArrayList<>(arrows));
  }

  private static Diagram.Kind kind(Layer layer) {
    if (layer instanceof InputLayer) {
      return Diagram.Kind.INPUT;
    }
    return layer instanceof LambdaLayer || layer instanceof MaskLayer
        ? Diagram.Kind.LAMBDA : Diagram.Kind.LAYER;
  }

  private static List<String> lines(Layer layer, List<Node> nodes, Topology topology,
      PlotOptions options) {
    List<String> lines = new ArrayList<>();
    Map<String, Object> arguments = new LinkedHashMap<>(layer.arguments());
    Object activation = arguments.remove("activation");
    if (!arguments.isEmpty()) {
      StringJoiner joined = new StringJoiner(", ");
      arguments.forEach((key, value) -> joined.add(key + "=" + Layer.formatArgument(value)));
      lines.add(joined.toString());
    }
    if (options.showsLayerActivations() && activation != null) {
      lines.add("activation: " + activation);
    }
    if (options.showsShapes()) {
      Set<String> inputs = new LinkedHashSet<>();
      Set<String> outputs = new LinkedHashSet<>();
      for (Node node : nodes) {
        StringJoiner shapes = new StringJoiner(", ");
        node.inputs().forEach(input -> shapes.add(Shapes.format(input.shape())));
        if (!node.inputs().isEmpty()) {
          inputs.add(shapes.toString());
        }
        outputs.add(Shapes.format(topology.produced().get(node).shape()));
      }
      inputs.forEach(shapes -> lines.add("input: " + shapes));
      outputs.forEach(shape -> lines.add("output: " + shape));
      if (layer instanceof LambdaLayer lambda) {
        LambdaSignature signature = lambda.signature();
        if (!signature.inputShapes().isEmpty()) {
          lines.add("inputShape: " + String.join(", ", signature.inputShapes()));
        }
        if (!signature.outputShape().isEmpty()) {
          lines.add("outputShape: " + signature.outputShape());
        }
        if (!signature.outputShapeFn().isEmpty()) {
          lines.add("outputShapeFn: " + signature.outputShapeFn());
        }
        if (!signature.requires().isEmpty()) {
          lines.add("requires: " + signature.requires());
        }
      }
    }
    if (options.showsDtype()) {
      Set<String> dtypes = new LinkedHashSet<>();
      nodes.forEach(node -> dtypes.add(Shapes.dtypeName(topology.produced().get(node).dtype())));
      lines.add("dtype: " + String.join(", ", dtypes));
    }
    return lines;
  }
}
