package dev.lamina.plot;

import java.util.List;

/**
 * What a model plot shows, before layout: one box per layer, one arrow per connection.
 *
 * @param boxes the layers, in the model's order
 * @param arrows from a layer to a layer it feeds
 */
public record Diagram(List<Box> boxes, List<Arrow> arrows) {

  public Diagram {
    boxes = List.copyOf(boxes);
    arrows = List.copyOf(arrows);
  }

  /**
   * One layer.
   *
   * @param id the layer's name, unique in the model
   * @param title the first line, e.g. {@code slice: SliceLayer}
   * @param lines the lines below it
   * @param kind how to colour it
   */
  public record Box(String id, String title, List<String> lines, Kind kind) {
    public Box {
      lines = List.copyOf(lines);
    }
  }

  /** A connection, in the data's direction. */
  public record Arrow(String from, String to) {}

  /** Box colours: inputs, lambdas, the rest. */
  public enum Kind { INPUT, LAMBDA, LAYER }
}
