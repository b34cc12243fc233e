package dev.lamina.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes a {@link Diagram} as PNG or SVG (laid out and drawn in-process, no external program) or
 * as Graphviz DOT source, by the file's extension. The file is written whole or not at all.
 */
public final class Plotter {

  private static final Color STROKE = new Color(0x44, 0x44, 0x44);
  private static final String STROKE_HEX = "#444444";

  private Plotter() {}

  /**
   * Writes {@code diagram} to {@code path}: {@code .png}, {@code .svg} or {@code .dot}.
   *
   * @throws IllegalArgumentException for another extension
   * @throws IOException if the file cannot be written; no partial file is left
   */
  public static void write(Diagram diagram, Path path, PlotOptions options) throws IOException {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    String extension = name.contains(".")
        ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
    byte[] bytes = switch (extension) {
      case "png" -> png(Layout.of(diagram, options), options.dpi());
      case "svg" -> svg(Layout.of(diagram, options)).getBytes(StandardCharsets.UTF_8);
      case "dot" -> dot(diagram, options).getBytes(StandardCharsets.UTF_8);
      default -> throw new IllegalArgumentException("Cannot plot to " + path + ": the extension "
          + "must be .png, .svg or .dot");
    };
    writeWhole(path.toAbsolutePath(), bytes);
  }

  /**
   * Writes to a temporary file beside the target, then moves it into place. The temporary file is
   * created as any file the program writes, so the plot gets the permissions the umask gives
   * (Files.createTempFile would make it readable by its owner only).
   */
  static void writeWhole(Path path, byte[] bytes) throws IOException {
    Path directory = path.getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw new IOException("Cannot plot to " + path + ": the directory " + directory
          + " does not exist");
    }
    Path temporary = null;
    try {
      for (int attempt = 0; temporary == null; attempt++) {
        Path candidate = directory.resolve(".lamina-plot-"
            + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        try (OutputStream out = Files.newOutputStream(candidate, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
          temporary = candidate;
          out.write(bytes);
        } catch (FileAlreadyExistsException taken) {
          if (attempt == 100) {
            throw taken;
          }
        }
      }
      try {
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new IOException("Cannot plot to " + path + ": " + e, e);
    } finally {
      if (temporary != null) {
        Files.deleteIfExists(temporary);
      }
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  static String svg(Layout layout) {
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
            + "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            + "font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"%.0f\">%n",
        layout.width(), layout.height(), layout.width(), layout.height(), Layout.FONT_SIZE));
    svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
        + "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
        + "fill=\"" + STROKE_HEX + "\"/></marker></defs>\n");
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    for (Layout.Route route : layout.routes()) {
      StringBuilder points = new StringBuilder();
      for (double[] p : route.points()) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", p[0], p[1]));
      }
      svg.append("<g class=\"edge\" data-from=\"").append(xml(route.arrow().from()))
          .append("\" data-to=\"").append(xml(route.arrow().to())).append("\"><polyline points=\"")
          .append(points.toString().trim()).append("\" fill=\"none\" stroke=\"").append(STROKE_HEX)
          .append("\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/></g>\n");
    }
    double line = Layout.lineHeight();
    for (Layout.Placed placed : layout.boxes()) {
      Diagram.Box box = placed.box();
      svg.append("<g class=\"node\" id=\"").append(xml(box.id())).append("\">");
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
              + "height=\"%.1f\" rx=\"6\" fill=\"%s\" stroke=\"%s\"/>", placed.x(), placed.y(),
          placed.width(), placed.height(), hex(fill(box.kind())), STROKE_HEX));
      double y = placed.y() + Layout.PADDING + line - Layout.LINE_GAP;
      svg.append(text(placed.x() + Layout.PADDING, y, box.title(), true));
      if (!box.lines().isEmpty()) {
        double rule = y + Layout.PADDING / 2 + 2;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                + "y2=\"%.1f\" stroke=\"%s\"/>", placed.x(), rule, placed.x() + placed.width(),
            rule, STROKE_HEX));
        y += Layout.PADDING;
      }
      for (String text : box.lines()) {
        y += line;
        svg.append(text(placed.x() + Layout.PADDING, y, text, false));
      }
      svg.append("</g>\n");
    }
    return svg.append("</svg>\n").toString();
  }

  private static String text(double x, double y, String text, boolean bold) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>", x, y,
        bold ? " font-weight=\"bold\"" : "", xml(text));
  }

  static byte[] png(Layout layout, int dpi) throws IOException {
    double scale = dpi / 96.0;
    int width = (int) Math.ceil(layout.width() * scale);
    int height = (int) Math.ceil(layout.height() * scale);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS,
          RenderingHints.VALUE_FRACTIONALMETRICS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.scale(scale, scale);
      g.setStroke(new BasicStroke(1.5f));
      for (Layout.Route route : layout.routes()) {
        drawArrow(g, route.points());
      }
      double line = Layout.lineHeight();
      for (Layout.Placed placed : layout.boxes()) {
        Diagram.Box box = placed.box();
        var shape = new RoundRectangle2D.Double(placed.x(), placed.y(), placed.width(),
            placed.height(), 12, 12);
        g.setColor(fill(box.kind()));
        g.fill(shape);
        g.setColor(STROKE);
        g.setStroke(new BasicStroke(1f));
        g.draw(shape);
        double y = placed.y() + Layout.PADDING + line - Layout.LINE_GAP;
        g.setFont(Layout.font(true));
        g.drawString(box.title(), (float) (placed.x() + Layout.PADDING), (float) y);
        g.setFont(Layout.font(false));
        if (!box.lines().isEmpty()) {
          double rule = y + Layout.PADDING / 2 + 2;
          g.draw(new java.awt.geom.Line2D.Double(placed.x(), rule, placed.x() + placed.width(),
              rule));
          y += Layout.PADDING;
        }
        for (String text : box.lines()) {
          y += line;
          g.drawString(text, (float) (placed.x() + Layout.PADDING), (float) y);
        }
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static void drawArrow(Graphics2D g, List<double[]> points) {
    g.setColor(STROKE);
    g.setStroke(new BasicStroke(1.5f));
    Path2D.Double path = new Path2D.Double();
    path.moveTo(points.get(0)[0], points.get(0)[1]);
    for (double[] p : points.subList(1, points.size())) {
      path.lineTo(p[0], p[1]);
    }
    g.draw(path);
    double[] end = points.get(points.size() - 1);
    double[] before = points.get(points.size() - 2);
    double angle = Math.atan2(end[1] - before[1], end[0] - before[0]);
    Path2D.Double head = new Path2D.Double();
    head.moveTo(end[0], end[1]);
    head.lineTo(end[0] - 9 * Math.cos(angle - 0.4), end[1] - 9 * Math.sin(angle - 0.4));
    head.lineTo(end[0] - 9 * Math.cos(angle + 0.4), end[1] - 9 * Math.sin(angle + 0.4));
    head.closePath();
    g.fill(head);
  }

  static String dot(Diagram diagram, PlotOptions options) {
    StringBuilder dot = new StringBuilder("digraph model {\n");
    dot.append("  rankdir=").append(options.rankDir()).append(";\n");
    dot.append("  node [shape=box, style=\"rounded,filled\", fontname=\"DejaVu Sans\"];\n");
    for (Diagram.Box box : diagram.boxes()) {
      StringBuilder label = new StringBuilder(dotText(box.title()));
      for (String line : box.lines()) {
        label.append("\\n").append(dotText(line));
      }
      dot.append("  \"").append(dotText(box.id())).append("\" [label=\"").append(label)
          .append("\", fillcolor=\"").append(hex(fill(box.kind()))).append("\"];\n");
    }
    for (Diagram.Arrow arrow : diagram.arrows()) {
      dot.append("  \"").append(dotText(arrow.from())).append("\" -> \"")
          .append(dotText(arrow.to())).append("\";\n");
    }
    return dot.append("}\n").toString();
  }

  private static Color fill(Diagram.Kind kind) {
    return switch (kind) {
      case INPUT -> new Color(0xEE, 0xEE, 0xEE);
      case LAMBDA -> new Color(0xDD, 0xEE, 0xFF);
      case LAYER -> Color.WHITE;
    };
  }

  private static String hex(Color color) {
    return String.format("#%02x%02x%02x", color.getRed(), color.getGreen(), color.getBlue());
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String dotText(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
