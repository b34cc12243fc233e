package dev.lamina.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.layers.Concatenate;
import dev.lamina.runtime.layers.Dense;
import dev.lamina.runtime.layers.Reshape;
import dev.lamina.runtime.plot.Diagram;
import dev.lamina.runtime.plot.PlotOptions;
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

/** Summaries and plots of a two-branch model like the tutorial's slice model. */
class SummaryAndPlotTest {

  @TempDir Path dir;

  /** input -> square, head -> reshape each -> concatenate, as the tutorial's slice model. */
  private static Model branches() {
    var a = Input.of(TFloat32.class, 6);
    var left = new Reshape(6, 1).apply(new TestLayers.Square("sq").apply(a));
    var right = new Reshape(4, 1).apply(new TestLayers.Head(4, 4).apply(a));
    return Model.of(a, new Concatenate(1).apply(left, right));
  }

  @Test
  void summaryIsKerasTable() {
    try (var model = branches()) {
      String summary = model.summary();
      String[] lines = summary.split("\n");
      assertEquals("Model: \"model\"", lines[0]);
      assertTrue(lines[2].startsWith(" Layer (type)"), lines[2]);
      assertTrue(summary.contains(" input (InputLayer)"), summary);
      assertTrue(summary.matches("(?s).* head \\(HeadLayer\\) +\\(None, 4\\) +0 +input +count=4\n.*"),
          summary);
      assertTrue(summary.matches("(?s).* concatenate \\(Concatenate\\) +\\(None, 10, 1\\) +0 +"
          + "reshape, reshape_1 +axis=1\n.*"), summary);
      assertTrue(summary.endsWith("Total params: 0\nTrainable params: 0\nNon-trainable params: 0\n"
          + "_".repeat(lines[1].length()) + "\n"), summary);
    }
  }

  @Test
  void summaryCountsDenseParameters() {
    var model = Sequential.of(Input.of(TFloat32.class, 784), new Dense(256), new Dense(10));
    try (model) {
      String summary = model.summary();
      // 784*256 + 256 = 200,960 and 256*10 + 10 = 2,570: 203,530 in all.
      assertTrue(summary.contains(" dense (Dense)"), summary);
      assertTrue(summary.matches("(?s).*\\(None, 256\\) +200960.*"), summary);
      assertTrue(summary.contains("Total params: 203530\n"), summary);
      assertFalse(summary.contains("Connected to"), "a Sequential's rows follow one another");
    }
  }

  @Test
  void diagramHasABoxPerLayerAndAnArrowPerConnection() {
    try (var model = branches()) {
      Diagram diagram = model.diagram(PlotOptions.showShapes());
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
      Diagram bare = model.diagram(PlotOptions.defaults().withShowLayerNames(false)
          .withShowDtype(true));
      assertEquals("HeadLayer", bare.boxes().get(3).title());
      assertEquals(List.of("count=4", "dtype: float32"), bare.boxes().get(3).lines());
    }
  }

  @Test
  void pngDecodesWithAPlausibleSize() throws IOException {
    try (var model = branches()) {
      Path png = dir.resolve("model.png");
      model.plot(png, PlotOptions.showShapes());
      BufferedImage image = ImageIO.read(png.toFile());
      // Two columns of boxes about 150 px wide, four layers of boxes about 110 px tall.
      assertTrue(image.getWidth() > 250 && image.getWidth() < 900, "width " + image.getWidth());
      assertTrue(image.getHeight() > 300 && image.getHeight() < 1200,
          "height " + image.getHeight());
      model.plot(png, PlotOptions.showShapes().withDpi(192));
      BufferedImage doubled = ImageIO.read(png.toFile());
      assertEquals(image.getWidth() * 2, doubled.getWidth(), 2.0);
    }
  }

  @Test
  void svgParsesWithEveryLayerAndEdgeInTheDataDirection() throws Exception {
    try (var model = branches()) {
      Path svg = dir.resolve("model.svg");
      model.plot(svg, PlotOptions.showShapes());
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
      for (Diagram.Arrow arrow : model.diagram(PlotOptions.showShapes()).arrows()) {
        assertTrue(boxes.get(arrow.from())[1] + boxes.get(arrow.from())[3]
            <= boxes.get(arrow.to())[1], arrow.toString());
      }
    }
  }

  @Test
  void leftToRightPutsSourcesLeftOfTargets() throws Exception {
    try (var model = branches()) {
      Path svg = dir.resolve("lr.svg");
      model.plot(svg, PlotOptions.defaults().withRankDir("LR"));
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
      model.plot(dot, PlotOptions.showShapes());
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
          () -> model.plot(dir.resolve("model.jpg"), PlotOptions.defaults()));
      assertTrue(extension.getMessage().endsWith("the extension must be .png, .svg or .dot"),
          extension.getMessage());
      var missing = assertThrows(IOException.class,
          () -> model.plot(dir.resolve("no/such/dir/model.png"), PlotOptions.defaults()));
      assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
      Path readOnly = Files.createDirectory(dir.resolve("ro"));
      assertTrue(readOnly.toFile().setWritable(false));
      try {
        if (!Files.isWritable(readOnly)) { // root may write anyway
          assertThrows(IOException.class,
              () -> model.plot(readOnly.resolve("model.png"), PlotOptions.defaults()));
        }
      } finally {
        readOnly.toFile().setWritable(true);
      }
      try (var files = Files.list(dir)) {
        assertEquals(List.of("ro"), files.map(p -> p.getFileName().toString()).toList(),
            "no file, partial or temporary, was left");
      }
      assertThrows(IllegalArgumentException.class, () -> PlotOptions.defaults().withRankDir("BT"));
      assertThrows(IllegalArgumentException.class, () -> PlotOptions.defaults().withDpi(0));
    }
  }
}
