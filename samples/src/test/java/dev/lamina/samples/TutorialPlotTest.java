package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.plot.Diagram;
import dev.lamina.plot.ModelPlot;
import dev.lamina.plot.PlotOptions;
import dev.lamina.runtime.Model;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Each of the tutorial's models drawn to PNG, SVG and DOT, with its structure checked. */
class TutorialPlotTest {

  @TempDir Path dir;

  private void check(Supplier<Model> build, List<String> layers, int arrows) throws Exception {
    try (Model model = build.get()) {
      Diagram diagram = ModelPlot.diagram(model, PlotOptions.showShapes());
      assertEquals(layers, diagram.boxes().stream().map(Diagram.Box::id).toList());
      assertEquals(arrows, diagram.arrows().size());

      Path png = dir.resolve(layers.get(1) + ".png");
      ModelPlot.plot(model, png, PlotOptions.showShapes());
      BufferedImage image = ImageIO.read(png.toFile());
      assertNotNull(image, "the PNG decodes");
      // Boxes are 100 to 300 px wide and 40 to 150 px tall, stacked one per layer at most.
      assertTrue(image.getWidth() >= 100 && image.getWidth() <= 1200, "width " + image.getWidth());
      assertTrue(image.getHeight() >= 40 * layers.size() / 2
          && image.getHeight() <= 200 * layers.size(), "height " + image.getHeight());

      Path svg = dir.resolve(layers.get(1) + ".svg");
      ModelPlot.plot(model, svg, PlotOptions.showShapes());
      Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(svg.toFile());
      NodeList groups = doc.getElementsByTagName("g");
      int nodes = 0;
      int edges = 0;
      for (int i = 0; i < groups.getLength(); i++) {
        String kind = ((Element) groups.item(i)).getAttribute("class");
        nodes += kind.equals("node") ? 1 : 0;
        edges += kind.equals("edge") ? 1 : 0;
      }
      assertEquals(layers.size(), nodes);
      assertEquals(arrows, edges);
      String svgText = Files.readString(svg);
      for (String layer : layers) {
        assertTrue(svgText.contains("id=\"" + layer + "\""), layer);
      }

      Path dot = dir.resolve(layers.get(1) + ".dot");
      ModelPlot.plot(model, dot, PlotOptions.showShapes());
      String dotText = Files.readString(dot);
      for (String layer : layers) {
        assertTrue(dotText.contains("\"" + layer + "\" [label=\"" + layer + ": "), layer);
      }
      for (Diagram.Arrow arrow : diagram.arrows()) {
        assertTrue(dotText.contains("\"" + arrow.from() + "\" -> \"" + arrow.to() + "\";"),
            arrow.toString());
      }
    }
  }

  @Test
  void squareModel() throws Exception {
    check(Tutorial::squareModel, List.of("input", "square"), 1);
  }

  @Test
  void antirectifierModel() throws Exception {
    check(Tutorial::antirectifierModel,
        List.of("input", "dense", "antirectifier", "dropout", "dense_1"), 4);
  }

  @Test
  void sliceModelShowsTheLambdasShapeRules() throws Exception {
    check(Tutorial::sliceModel,
        List.of("input", "slice", "reshape", "slice_1", "reshape_1", "concatenate"), 6);
    try (Model model = Tutorial.sliceModel()) {
      Diagram.Box slice = ModelPlot.diagram(model, PlotOptions.showShapes()).boxes().get(1);
      assertEquals(List.of("index=0", "input: (None, 4, 2)", "output: (None, 4)",
          "inputShape: (n, c)", "outputShape: (n)", "requires: 0 <= index && index < c"),
          slice.lines());
    }
  }
}
