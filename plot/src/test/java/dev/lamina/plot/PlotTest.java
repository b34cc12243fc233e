package dev.lamina.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.merging.Concatenate;
import dev.lamina.runtime.layers.reshaping.Reshape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Plots of a two-branch model like the tutorial's slice model. */
class PlotTest {

  @TempDir Path dir;

  /** input -> square, head -> reshape each -> concatenate, as the tutorial's slice model. */
  private static Model branches() {
    var a = Input.of(TFloat32.class, 6);
    var left = new Reshape(6, 1).apply(new PlotLayers.Square("sq").apply(a));
    var right = new Reshape(4, 1).apply(new PlotLayers.Head(4, 4).apply(a));
    return Model.of(a, new Concatenate(1).apply(left, right));
  }

  @Test
  void diagramHasABoxPerLayerAndAnArrowPerConnection() {
    try (var model = branches()) {
      Diagram diagram = ModelPlot.diagram(model, PlotOptions.showShapes());
      assertEquals(List.of("input", "sq", "reshape", "head", "reshape_1", "concatenate"),
          diagram.boxes().stream().map(Diagram.Box::id).toList());
      assertEquals(List.of(new Diagram.Arrow("input", "sq"), new Diagram.Arrow("sq", "reshape"),
          new Diagram.Arrow("input", "head"), new Diagram.Arrow("head", "reshape_1"),
          new Diagram.Arrow("reshape", "concatenate"),
          new Diagram.Arrow("reshape_1", "concatenate")), diagram.arrows());
      Diagram.Box head = diagram.boxes().get(3);
      assertEquals("head: HeadLayer", head.title());
      assertEquals(List.of("count=4", "input: (None, 6)", "output: (None, 4)",
          "outputShape: (4)"), head.lines());
      Diagram bare = ModelPlot.diagram(model, PlotOptions.defaults().withShowLayerNames(false)
          .withShowDtype(true));
      assertEquals("HeadLayer", bare.boxes().get(3).title());
      assertEquals(List.of("count=4", "dtype: float32"), bare.boxes().get(3).lines());
    }
  }

  @Test
  void pngDecodesWithAPlausibleSize() throws IOException {
    try (var model = branches()) {
      Path png = dir.resolve("model.png");
      ModelPlot.plot(model, png, PlotOptions.showShapes());
      BufferedImage image = ImageIO.read(png.toFile());
      // Two columns of boxes about 150 px wide, four layers of boxes about 110 px tall.
      assertTrue(image.getWidth() > 250 && image.getWidth() < 900, "width " + image.getWidth());
      assertTrue(image.getHeight() > 300 && image.getHeight() < 1200,
          "height " + image.getHeight());
      ModelPlot.plot(model, png, PlotOptions.showShapes().withDpi(192));
      BufferedImage doubled = ImageIO.read(png.toFile());
      assertEquals(image.getWidth() * 2, doubled.getWidth(), 2.0);
    }
  }

  @Test
  void svgParsesWithEveryLayerAndEdgeInTheDataDirection() throws Exception {
    try (var model = branches()) {
      Path svg = dir.resolve("model.svg");
      ModelPlot.plot(model, svg, PlotOptions.showShapes());
      Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(svg.toFile());
      NodeList groups = doc.getElementsByTagName("g");
      int nodes = 0;
      int edges = 0;
      java.util.Map<String, double[]> boxes = new java.util.HashMap<>();
      for (int i = 0; i < groups.getLength(); i++) {
        Element g = (Element) groups.item(i);
        if (g.getAttribute("class").equals("node")) {
          nodes++;
          Element rect = (Element) g.getElementsByTagName("rect").item(0);
          boxes.put(g.getAttribute("id"), new double[] {
            Double.parseDouble(rect.getAttribute("x")), Double.parseDouble(rect.getAttribute("y")),
            Double.parseDouble(rect.getAttribute("width")),
            Double.parseDouble(rect.getAttribute("height"))});
        } else if (g.getAttribute("class").equals("edge")) {
          edges++;
        }
      }
      assertEquals(6, nodes);
      assertEquals(6, edges);
      assertTrue(Files.readString(svg).contains(">requires: ") == false);
      assertTrue(Files.readString(svg).contains(">outputShape: (4)</text>"));
      // No two boxes overlap.
      List<double[]> all = List.copyOf(boxes.values());
      for (int i = 0; i < all.size(); i++) {
        for (int j = i + 1; j < all.size(); j++) {
          double[] p = all.get(i);
          double[] q = all.get(j);
          boolean apart = p[0] + p[2] <= q[0] || q[0] + q[2] <= p[0] || p[1] + p[3] <= q[1]
              || q[1] + q[3] <= p[1];
          assertTrue(apart, "boxes overlap");
        }
      }
      // Top to bottom: each arrow's source box is above its target box.
      for (Diagram.Arrow arrow : ModelPlot.diagram(model, PlotOptions.showShapes()).arrows()) {
        assertTrue(boxes.get(arrow.from())[1] + boxes.get(arrow.from())[3]
            <= boxes.get(arrow.to())[1], arrow.toString());
      }
    }
  }

  @Test
  void leftToRightPutsSourcesLeftOfTargets() throws Exception {
    try (var model = branches()) {
      Path svg = dir.resolve("lr.svg");
      ModelPlot.plot(model, svg, PlotOptions.defaults().withRankDir("LR"));
      String text = Files.readString(svg);
      int input = text.indexOf("id=\"input\"");
      int concatenate = text.indexOf("id=\"concatenate\"");
      double inputX = Double.parseDouble(text.substring(text.indexOf("x=\"", input) + 3,
          text.indexOf('"', text.indexOf("x=\"", input) + 3)));
      double concatenateX = Double.parseDouble(text.substring(
          text.indexOf("x=\"", concatenate) + 3, text.indexOf('"',
              text.indexOf("x=\"", concatenate) + 3)));
      assertTrue(inputX < concatenateX, inputX + " < " + concatenateX);
    }
  }

  @Test
  void dotNamesEveryLayerAndEdge() throws IOException {
    try (var model = branches()) {
      Path dot = dir.resolve("model.dot");
      ModelPlot.plot(model, dot, PlotOptions.showShapes());
      String text = Files.readString(dot);
      assertTrue(text.startsWith("digraph model {\n  rankdir=TB;\n"), text);
      for (String layer : List.of("input", "sq", "reshape", "head", "reshape_1", "concatenate")) {
        assertTrue(text.contains("  \"" + layer + "\" [label=\""), layer);
      }
      assertTrue(text.contains("  \"input\" -> \"sq\";\n"), text);
      assertTrue(text.contains("  \"reshape_1\" -> \"concatenate\";\n"), text);
      assertTrue(text.contains("head: HeadLayer\\ncount=4\\ninput: (None, 6)"), text);
    }
  }

  @Test
  void badPathsAreClearAndLeaveNothing() throws IOException {
    try (var model = branches()) {
      var extension = assertThrows(IllegalArgumentException.class,
          () -> ModelPlot.plot(model, dir.resolve("model.jpg"), PlotOptions.defaults()));
      assertTrue(extension.getMessage().endsWith("the extension must be .png, .svg or .dot"),
          extension.getMessage());
      var missing = assertThrows(IOException.class,
          () -> ModelPlot.plot(model, dir.resolve("no/such/dir/model.png"), PlotOptions.defaults()));
      assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
      // A write that fails after the temporary file is written, whoever runs it (root included):
      // the target is a directory that is not empty, so the final move cannot replace it.
      Path occupied = Files.createDirectories(dir.resolve("taken.png").resolve("inside"));
      var blocked = assertThrows(IOException.class,
          () -> ModelPlot.plot(model, dir.resolve("taken.png"), PlotOptions.defaults()));
      assertTrue(blocked.getMessage().startsWith("Cannot plot to " + dir.resolve("taken.png")),
          blocked.getMessage());
      assertTrue(Files.isDirectory(occupied), "the directory is left as it was");
      try (var files = Files.list(dir)) {
        assertEquals(List.of("taken.png"), files.map(p -> p.getFileName().toString()).toList(),
            "no file, partial or temporary, was left");
      }
      assertThrows(IllegalArgumentException.class, () -> PlotOptions.defaults().withRankDir("BT"));
      assertThrows(IllegalArgumentException.class, () -> PlotOptions.defaults().withDpi(0));
    }
  }

  @Test
  void plotsGetThePermissionsTheUmaskGives() throws IOException {
    Path reference = dir.resolve("reference.txt");
    Files.write(reference, new byte[] {1}); // created as any file the program writes
    try (var model = branches()) {
      for (String name : List.of("model.png", "model.svg", "model.dot")) {
        Path plot = dir.resolve(name);
        ModelPlot.plot(model, plot, PlotOptions.defaults());
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(plot),
            name);
      }
    }
  }

  @Test
  void layingOutLeavesNoEmfThreadForExecJavaToInterrupt() throws IOException {
    try (var model = branches()) {
      ModelPlot.plot(model, dir.resolve("model.png"), PlotOptions.defaults());
    }
    // mvn exec:java interrupts the threads a program leaves; EMF's reference cleaner, started
    // under ELK, printed the InterruptedException's stack trace.
    assertTrue(Thread.getAllStackTraces().keySet().stream()
        .noneMatch(thread -> thread.getName().equals("EMF Reference Cleaner")));
  }
}
