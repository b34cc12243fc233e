package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Keras's {@code model.summary()} as text: one row per layer with its output shape, parameter
 * count, the layers it is connected to (functional models) and, for lambdas, their arguments;
 * then the parameter totals.
 */
final class Summary {

  private Summary() {}

  static String of(String title, Topology topology, boolean showConnections) {
    Map<Layer, List<Node>> calls = topology.calls();
    List<Layer> layers = topology.layers();
    List<String[]> rows = new ArrayList<>();
    long total = 0;
    long trainable = 0;
    for (Layer layer : layers) {
      List<Node> nodes = calls.get(layer);
      Set<String> shapes = new LinkedHashSet<>();
      Set<String> sources = new LinkedHashSet<>();
      for (Node node : nodes) {
        shapes.add(Shapes.format(topology.produced().get(node).shape()));
        for (SymbolicTensor<?> input : node.inputs()) {
          sources.add(topology.names().get(input.producer().layer()));
        }
      }
      long params = layer.countParams();
      total += params;
      trainable += layer.countTrainableParams();
      StringJoiner arguments = new StringJoiner(", ");
      layer.arguments().forEach(
          (key, value) -> arguments.add(key + "=" + Layer.formatArgument(value)));
      rows.add(new String[] {
        topology.names().get(layer) + " (" + layer.typeName() + ")",
        shapes.size() == 1 ? shapes.iterator().next() : "multiple",
        Long.toString(params),
        sources.isEmpty() ? "-" : String.join(", ", sources),
        arguments.toString(),
      });
    }
    String[] header = {"Layer (type)", "Output Shape", "Param #", "Connected to", "Arguments"};
    boolean anyArguments = rows.stream().anyMatch(row -> !row[4].isEmpty());
    List<Integer> columns = new ArrayList<>(List.of(0, 1, 2));
    if (showConnections) {
      columns.add(3);
    }
    if (anyArguments) {
      columns.add(4);
    }
    int[] widths = new int[header.length];
    for (int c : columns) {
      widths[c] = header[c].length();
      for (String[] row : rows) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    int width = columns.stream().mapToInt(c -> widths[c] + 3).sum() + 1;
    StringBuilder out = new StringBuilder();
    out.append("Model: \"").append(title).append("\"\n");
    out.append("_".repeat(width)).append('\n');
    out.append(row(header, columns, widths)).append('\n');
    out.append("=".repeat(width)).append('\n');
    for (int i = 0; i < rows.size(); i++) {
      out.append(row(rows.get(i), columns, widths)).append('\n');
      out.append(i == rows.size() - 1 ? "=".repeat(width) : "_".repeat(width)).append('\n');
    }
    out.append("Total params: ").append(total).append('\n');
    out.append("Trainable params: ").append(trainable).append('\n');
    out.append("Non-trainable params: ").append(total - trainable).append('\n');
    out.append("_".repeat(width)).append('\n');
    return out.toString();
  }

  private static String row(String[] cells, List<Integer> columns, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c : columns) {
      line.append(' ').append(cells[c]).append(" ".repeat(widths[c] - cells[c].length() + 2));
    }
    return line.toString().stripTrailing();
  }
}
