package dev.lamina.plot;

import dev.lamina.runtime.LambdaLayer;
import dev.lamina.runtime.LambdaSignature;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.LayerCall;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/** What a model's plot shows: a box per layer, an arrow per connection. */
final class Diagrams {

  private Diagrams() {}

  static Diagram of(Model model, PlotOptions options) {
    Map<Layer, List<LayerCall>> calls = new LinkedHashMap<>();
    for (LayerCall call : model.calls()) {
      calls.computeIfAbsent(call.layer(), layer -> new ArrayList<>()).add(call);
    }
    List<Diagram.Box> boxes = new ArrayList<>();
    Set<Diagram.Arrow> arrows = new LinkedHashSet<>();
    for (List<LayerCall> layerCalls : calls.values()) {
      LayerCall first = layerCalls.get(0);
      Layer layer = first.layer();
      String name = first.name();
      for (LayerCall call : layerCalls) {
        for (String source : call.inputLayers()) {
          arrows.add(new Diagram.Arrow(source, name));
        }
      }
      boxes.add(new Diagram.Box(name,
          options.showsLayerNames() ? name + ": " + layer.typeName() : layer.typeName(),
          lines(first, layerCalls, options), kind(first)));
    }
    return new Diagram(boxes, new ArrayList<>(arrows));
  }

  private static Diagram.Kind kind(LayerCall call) {
    if (call.isInput()) {
      return Diagram.Kind.INPUT;
    }
    return call.isLambda() ? Diagram.Kind.LAMBDA : Diagram.Kind.LAYER;
  }

  private static List<String> lines(LayerCall first, List<LayerCall> calls, PlotOptions options) {
    Layer layer = first.layer();
    List<String> lines = new ArrayList<>();
    Object activation = layer.arguments().get("activation");
    Map<String, String> arguments = new LinkedHashMap<>(first.formattedArguments());
    arguments.remove("activation");
    if (!arguments.isEmpty()) {
      StringJoiner joined = new StringJoiner(", ");
      arguments.forEach((key, value) -> joined.add(key + "=" + value));
      lines.add(joined.toString());
    }
    if (options.showsLayerActivations() && activation != null) {
      lines.add("activation: " + activation);
    }
    if (options.showsShapes()) {
      Set<String> inputs = new LinkedHashSet<>();
      Set<String> outputs = new LinkedHashSet<>();
      for (LayerCall call : calls) {
        StringJoiner shapes = new StringJoiner(", ");
        for (SymbolicTensor<?> input : call.inputs()) {
          shapes.add(Shapes.format(input.shape()));
        }
        if (!call.inputs().isEmpty()) {
          inputs.add(shapes.toString());
        }
        StringJoiner made = new StringJoiner(", ");
        call.outputs().forEach(output -> made.add(Shapes.format(output.shape())));
        outputs.add(made.toString());
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
      calls.forEach(call -> dtypes.add(Shapes.dtypeName(call.output().dtype())));
      lines.add("dtype: " + String.join(", ", dtypes));
    }
    return lines;
  }
}
