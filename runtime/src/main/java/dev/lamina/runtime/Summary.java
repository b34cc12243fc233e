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

  /**
   * @param lineLength the table's width in characters, as Keras's {@code line_length}: columns
   *     are narrowed (their text wrapped onto more lines) or the last one widened to fit; 0 sizes
   *     each column to its widest text
   */
  /**
   * A call's output shape, {@code (None, 4)}, or for a call with several outputs the list of
   * them, {@code [(None, 4), (None, 2)]}, as Keras's summary shows them.
   */
  static String outputShapes(Node node) {
    List<SymbolicTensor<?>> outputs = node.outputs();
    if (outputs.size() == 1) {
      return Shapes.format(outputs.get(0).shape());
    }
    StringJoiner joined = new StringJoiner(", ", "[", "]");
    outputs.forEach(output -> joined.add(Shapes.format(output.shape())));
    return joined.toString();
  }

  static String of(String title, Topology topology, boolean showConnections, int lineLength) {
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
        shapes.add(outputShapes(node));
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
    if (lineLength > 0) {
      fit(widths, columns, lineLength);
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

  /** The narrowest a column gets; a table needs this much per column and its borders. */
  private static final int MIN_COLUMN = 6;

  /** Narrows the widest columns, or widens the last, until the table is {@code lineLength}. */
  private static void fit(int[] widths, List<Integer> columns, int lineLength) {
    int target = lineLength - 1 - 3 * columns.size();
    if (target < MIN_COLUMN * columns.size()) {
      throw new IllegalArgumentException("lineLength must be at least "
          + (MIN_COLUMN * columns.size() + 1 + 3 * columns.size()) + " for this model's "
          + columns.size() + " columns, got " + lineLength);
    }
    int total = columns.stream().mapToInt(c -> widths[c]).sum();
    while (total > target) {
      int widest = columns.get(0);
      for (int c : columns) {
        widest = widths[c] > widths[widest] ? c : widest;
      }
      widths[widest]--;
      total--;
    }
    widths[columns.get(columns.size() - 1)] += target - total;
  }

  /** A row's lines: each cell wrapped to its column's width, at ", " or " " where possible. */
  private static String row(String[] cells, List<Integer> columns, int[] widths) {
    List<List<String>> wrapped = new ArrayList<>();
    int height = 1;
    for (int c : columns) {
      List<String> lines = wrap(cells[c], widths[c]);
      wrapped.add(lines);
      height = Math.max(height, lines.size());
    }
    StringJoiner rows = new StringJoiner("\n");
    for (int i = 0; i < height; i++) {
      StringBuilder line = new StringBuilder();
      for (int k = 0; k < columns.size(); k++) {
        String text = i < wrapped.get(k).size() ? wrapped.get(k).get(i) : "";
        line.append(' ').append(text).append(" ".repeat(widths[columns.get(k)] - text.length() + 2));
      }
      rows.add(line.toString().stripTrailing());
    }
    return rows.toString();
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    String rest = text;
    while (rest.length() > width) {
      int cut = rest.lastIndexOf(' ', width);
      if (cut <= 0) {
        cut = width;
      }
      lines.add(rest.substring(0, cut).stripTrailing());
      rest = rest.substring(cut).stripLeading();
    }
    lines.add(rest);
    return lines;
  }

  /**
   * Line breaks, tabs and other control characters as escapes ({@code \\n}, {@code \\t},
   * {@code \\u001b}), so that a value prints on one line.
   */
  static String escapeControls(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      boolean control = Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029';
      if (control && out == null) {
        out = new StringBuilder(text.substring(0, i));
      }
      if (out != null) {
        if (!control) {
          out.append(ch);
        } else if (ch == '\n') {
          out.append("\\n");
        } else if (ch == '\r') {
          out.append("\\r");
        } else if (ch == '\t') {
          out.append("\\t");
        } else {
          out.append(String.format("\\u%04x", (int) ch));
        }
      }
    }
    return out == null ? text : out.toString();
  }
}
