package dev.lamina.plot;

import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.font.FontRenderContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.alg.layered.options.OrderingStrategy;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * A diagram laid out by the Eclipse Layout Kernel's layered algorithm (the Sugiyama method
 * Graphviz's dot uses): boxes sized to their text, placed in layers in the data's direction with
 * few crossings, and arrows routed orthogonally between them.
 *
 * @param width the drawing's width, in pixels at 96 dpi
 * @param height its height
 * @param boxes each box with its place
 * @param routes each arrow's points, from its source box to its target box
 */
record Layout(double width, double height, List<Placed> boxes, List<Route> routes) {

  static final float FONT_SIZE = 13f;
  static final double PADDING = 8;
  static final double LINE_GAP = 4;

  /** A box at its place. */
  record Placed(Diagram.Box box, double x, double y, double width, double height) {}

  /** An arrow's polyline. */
  record Route(Diagram.Arrow arrow, List<double[]> points) {}

  private static boolean registered;

  static Layout of(Diagram diagram, PlotOptions options) {
    register();
    ElkNode root = ElkGraphUtil.createGraph();
    root.setProperty(CoreOptions.ALGORITHM, "org.eclipse.elk.layered");
    root.setProperty(CoreOptions.DIRECTION,
        options.rankDir().equals("LR") ? Direction.RIGHT : Direction.DOWN);
    root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
    root.setProperty(CoreOptions.PADDING, new ElkPadding(20));
    root.setProperty(CoreOptions.SPACING_NODE_NODE, 30.0);
    root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 40.0);
    root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 15.0);
    // Keep the model's order where crossings allow: a model's first branch on the left (top).
    root.setProperty(LayeredOptions.CONSIDER_MODEL_ORDER_STRATEGY,
        OrderingStrategy.NODES_AND_EDGES);

    Map<String, ElkNode> nodes = new LinkedHashMap<>();
    for (Diagram.Box box : diagram.boxes()) {
      ElkNode node = ElkGraphUtil.createNode(root);
      node.setIdentifier(box.id());
      node.setDimensions(boxWidth(box), boxHeight(box));
      nodes.put(box.id(), node);
    }
    List<ElkEdge> edges = new ArrayList<>();
    for (Diagram.Arrow arrow : diagram.arrows()) {
      edges.add(ElkGraphUtil.createSimpleEdge(nodes.get(arrow.from()), nodes.get(arrow.to())));
    }
    new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());

    List<Placed> placed = new ArrayList<>();
    for (Diagram.Box box : diagram.boxes()) {
      ElkNode node = nodes.get(box.id());
      placed.add(new Placed(box, node.getX(), node.getY(), node.getWidth(), node.getHeight()));
    }
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < edges.size(); i++) {
      List<double[]> points = new ArrayList<>();
      for (ElkEdgeSection section : edges.get(i).getSections()) {
        points.add(new double[] {section.getStartX(), section.getStartY()});
        for (ElkBendPoint bend : section.getBendPoints()) {
          points.add(new double[] {bend.getX(), bend.getY()});
        }
        points.add(new double[] {section.getEndX(), section.getEndY()});
      }
      routes.add(new Route(diagram.arrows().get(i), points));
    }
    return new Layout(root.getWidth(), root.getHeight(), placed, routes);
  }

  /**
   * EMF, under ELK, starts a daemon thread to clear references ("EMF Reference Cleaner") unless
   * this property is "false". Tools that end a program by interrupting its remaining threads, as
   * {@code mvn exec:java} does, then get a stack trace from it: EMF logs the
   * InterruptedException. Lamina's plots need no such thread; a value the user set is kept.
   */
  static final String EMF_CLEANER = "org.eclipse.emf.common.util.ReferenceClearingQueue";

  private static synchronized void register() {
    if (!registered) {
      if (System.getProperty(EMF_CLEANER) == null) {
        System.setProperty(EMF_CLEANER, "false"); // before any ELK class loads EMF's CommonUtil
      }
      LayoutMetaDataService.getInstance()
          .registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
      registered = true;
    }
  }

  static double lineHeight() {
    Font font = font(false);
    var metrics = font.getLineMetrics("Ag", context());
    return Math.ceil(metrics.getAscent() + metrics.getDescent()) + LINE_GAP;
  }

  static double textWidth(String text, boolean bold) {
    return font(bold).getStringBounds(text, context()).getWidth();
  }

  private static double boxWidth(Diagram.Box box) {
    double width = textWidth(box.title(), true);
    for (String line : box.lines()) {
      width = Math.max(width, textWidth(line, false));
    }
    return Math.ceil(width + 2 * PADDING);
  }

  private static double boxHeight(Diagram.Box box) {
    double separator = box.lines().isEmpty() ? 0 : PADDING;
    return Math.ceil((1 + box.lines().size()) * lineHeight() + 2 * PADDING + separator);
  }

  static FontRenderContext context() {
    return new FontRenderContext(null, true, true);
  }

  private static Font regular;
  private static Font bold;

  /** DejaVu Sans, shipped with Lamina, so text measures the same on every machine. */
  static synchronized Font font(boolean isBold) {
    if (regular == null) {
      regular = load("DejaVuSans.ttf");
      bold = load("DejaVuSans-Bold.ttf");
    }
    return isBold ? bold : regular;
  }

  private static Font load(String file) {
    try (InputStream in = Layout.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("The font " + file + " is missing from lamina-plot");
      }
      return Font.createFont(Font.TRUETYPE_FONT, in).deriveFont(FONT_SIZE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (FontFormatException e) {
      throw new IllegalStateException("The font " + file + " cannot be read", e);
    }
  }
}
