package dev.lamina.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.History;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/** History drawn as Keras users draw history.history with matplotlib. */
class HistoryPlotTest {

  @TempDir
  Path dir;

  /** Three epochs with validation, values chosen by hand. */
  private static History history() {
    History history = new History();
    history.record(0, logs(1.0, 0.5, 1.2, 0.4));
    history.record(1, logs(0.6, 0.7, 0.9, 0.6));
    history.record(2, logs(0.3, 0.9, 0.8, 0.7));
    return history;
  }

  /** In fit's order: the training values, then the validation ones. */
  private static Map<String, Double> logs(double loss, double accuracy, double valLoss,
      double valAccuracy) {
    Map<String, Double> logs = new LinkedHashMap<>();
    logs.put("accuracy", accuracy);
    logs.put("loss", loss);
    logs.put("val_accuracy", valAccuracy);
    logs.put("val_loss", valLoss);
    return logs;
  }

  @Test
  void onePanelPerQuantityWithItsValidationCurveAgainstEpochsFromOne() {
    JFreeChart chart = HistoryPlot.chart(history(), "loss", "accuracy");
    List<XYPlot> panels = ((CombinedDomainXYPlot) chart.getPlot()).getSubplots();
    assertEquals(2, panels.size());
    XYDataset loss = panels.get(0).getDataset();
    assertEquals(2, loss.getSeriesCount());
    assertEquals("loss", loss.getSeriesKey(0));
    assertEquals("val_loss", loss.getSeriesKey(1));
    assertEquals(3, loss.getItemCount(0));
    for (int i = 0; i < 3; i++) {
      assertEquals(i + 1, loss.getXValue(0, i), 0);
    }
    assertEquals(0.3, loss.getYValue(0, 2), 0);
    assertEquals(0.9, loss.getYValue(1, 1), 0);
    XYDataset accuracy = panels.get(1).getDataset();
    assertEquals("val_accuracy", accuracy.getSeriesKey(1));
    assertEquals(0.7, accuracy.getYValue(1, 2), 0);
    assertEquals("accuracy", panels.get(1).getRangeAxis().getLabel());
  }

  @Test
  void allQuantitiesByDefaultInTheHistorysOrder() {
    assertEquals(List.of("accuracy", "loss"), HistoryPlot.quantities(history()));
  }

  @Test
  void writesAPngWithBothCurvesColours() throws IOException {
    Path png = dir.resolve("history.png");
    HistoryPlot.plot(history(), png, "loss");
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(640, image.getWidth());
    assertEquals(280, image.getHeight());
    assertTrue(hasColour(image, HistoryPlot.TRAINING.getRGB()), "no training curve drawn");
    assertTrue(hasColour(image, HistoryPlot.VALIDATION.getRGB()), "no validation curve drawn");
  }

  @Test
  void writesAnSvgWithItsLegend() throws Exception {
    Path svg = dir.resolve("history.svg");
    HistoryPlot.plot(history(), svg);
    String text = Files.readString(svg);
    // Parses as XML, and the legend names every curve.
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    factory.newDocumentBuilder().parse(svg.toFile());
    for (String series : List.of("loss", "val_loss", "accuracy", "val_accuracy")) {
      assertTrue(text.contains(">" + series + "<"), "legend lacks " + series);
    }
  }

  @Test
  void aFitsHistoryPlotsWithoutValidationToo() throws IOException {
    var x = Input.of(TFloat32.class, 1);
    try (Model model = Model.of(x, Dense.builder(1).seed(1).build().apply(x))) {
      model.compile(new Sgd(0.1), Losses.meanSquaredError());
      History history = model.fit(new float[][] {{1}, {2}, {3}}, new float[][] {{2}, {4}, {6}},
          new FitOptions().epochs(4).batchSize(3).verbose(0));
      JFreeChart chart = HistoryPlot.chart(history, "loss");
      XYDataset loss = ((CombinedDomainXYPlot) chart.getPlot()).getSubplots().get(0).getDataset();
      assertEquals(1, loss.getSeriesCount());
      assertEquals(4, loss.getItemCount(0));
      assertEquals(history.get("loss").get(3), loss.getYValue(0, 3), 0);
      Path png = dir.resolve("fit.png");
      HistoryPlot.plot(history, png);
      assertTrue(Files.size(png) > 0);
    }
  }

  @Test
  void badRequestsAreClearErrors() {
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> HistoryPlot.plot(history(), dir.resolve("h.png"), "auc"));
    assertTrue(unknown.getMessage().startsWith("No series 'auc' in this history; it has "),
        unknown.getMessage());
    var extension = assertThrows(IllegalArgumentException.class,
        () -> HistoryPlot.plot(history(), dir.resolve("h.jpg")));
    assertEquals("Cannot plot a history to " + dir.resolve("h.jpg") + ": the extension must be "
        + ".png or .svg", extension.getMessage());
    var empty = assertThrows(IllegalArgumentException.class,
        () -> HistoryPlot.plot(new History(), dir.resolve("h.png")));
    assertEquals("This history has no epochs to plot", empty.getMessage());
    assertFalse(Files.exists(dir.resolve("h.png")));
  }

  private static boolean hasColour(BufferedImage image, int rgb) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff)) {
          return true;
        }
      }
    }
    return false;
  }
}
