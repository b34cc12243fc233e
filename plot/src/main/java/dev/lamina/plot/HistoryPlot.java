package dev.lamina.plot;

import dev.lamina.runtime.train.History;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Draws what {@code fit} returned as Keras users plot {@code history.history} with matplotlib:
 * one panel per quantity ({@code loss}, then each metric), its training curve and, if
 * {@code fit} validated, its {@code val_} curve, against the epoch (1 for the first, as Keras's
 * progress lines count). PNG or SVG by the file's extension, written whole or not at all.
 *
 * <pre>{@code
 * History history = model.fit(x, y, new FitOptions().epochs(15).validationSplit(0.1));
 * HistoryPlot.plot(history, Path.of("training.png"));
 * }</pre>
 */
public final class HistoryPlot {

  /** matplotlib's first two colours (tab:blue, tab:orange): training, then validation. */
  static final Color TRAINING = new Color(0x1f, 0x77, 0xb4);
  static final Color VALIDATION = new Color(0xff, 0x7f, 0x0e);
  private static final int WIDTH = 640;
  private static final int PANEL_HEIGHT = 280;

  private HistoryPlot() {}

  /** Every quantity of {@code history}, one panel each. */
  public static void plot(History history, Path path) throws IOException {
    plot(history, path, quantities(history).toArray(String[]::new));
  }

  /**
   * The named quantities only ({@code "loss"}, {@code "accuracy"}, ...), each with its
   * {@code val_} curve when there is one.
   *
   * @throws IllegalArgumentException if the history has no such series, has no epochs, or the
   *     extension is not .png or .svg
   * @throws IOException if the file cannot be written; nothing is left half-written
   */
  public static void plot(History history, Path path, String... quantities) throws IOException {
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(path, "path");
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    String extension = name.contains(".")
        ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
    if (!extension.equals("png") && !extension.equals("svg")) {
      throw new IllegalArgumentException("Cannot plot a history to " + path + ": the extension "
          + "must be .png or .svg");
    }
    JFreeChart chart = chart(history, quantities);
    int height = PANEL_HEIGHT * quantities.length;
    byte[] bytes;
    if (extension.equals("png")) {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ChartUtils.writeChartAsPNG(png, chart, WIDTH, height);
      bytes = png.toByteArray();
    } else {
      SVGGraphics2D svg = new SVGGraphics2D(WIDTH, height);
      chart.draw(svg, new Rectangle2D.Double(0, 0, WIDTH, height));
      bytes = svg.getSVGDocument().getBytes(StandardCharsets.UTF_8);
    }
    Plotter.writeWhole(path.toAbsolutePath(), bytes);
  }

  /** The quantities a history holds: its series without the {@code val_} ones, in order. */
  static List<String> quantities(History history) {
    List<String> names = new ArrayList<>();
    for (String series : history.history().keySet()) {
      String base = series.startsWith("val_") ? series.substring(4) : series;
      if (!names.contains(base)) {
        names.add(base);
      }
    }
    return names;
  }

  /** The chart {@link #plot} draws: for tests and for users who style it further. */
  public static JFreeChart chart(History history, String... quantities) {
    Map<String, List<Double>> all = history.history();
    if (history.epochs().isEmpty()) {
      throw new IllegalArgumentException("This history has no epochs to plot");
    }
    if (quantities.length == 0) {
      throw new IllegalArgumentException("Name at least one quantity to plot; this history has "
          + quantities(history));
    }
    NumberAxis epochAxis = new NumberAxis("epoch");
    epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    epochAxis.setAutoRangeIncludesZero(false);
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(epochAxis);
    combined.setGap(12);
    for (String quantity : quantities) {
      Map<String, List<Double>> curves = new LinkedHashMap<>();
      if (all.containsKey(quantity)) {
        curves.put(quantity, all.get(quantity));
      }
      if (all.containsKey("val_" + quantity)) {
        curves.put("val_" + quantity, all.get("val_" + quantity));
      }
      if (curves.isEmpty()) {
        throw new IllegalArgumentException("No series '" + quantity + "' in this history; it has "
            + all.keySet());
      }
      XYSeriesCollection data = new XYSeriesCollection();
      XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
      int index = 0;
      for (Map.Entry<String, List<Double>> curve : curves.entrySet()) {
        XYSeries series = new XYSeries(curve.getKey(), false, true);
        List<Integer> epochs = history.epochs();
        for (int i = 0; i < curve.getValue().size(); i++) {
          series.add(epochs.get(i) + 1, curve.getValue().get(i));
        }
        data.addSeries(series);
        renderer.setSeriesPaint(index, curve.getKey().startsWith("val_") ? VALIDATION : TRAINING);
        renderer.setSeriesStroke(index, new BasicStroke(2f));
        index++;
      }
      NumberAxis valueAxis = new NumberAxis(quantity);
      valueAxis.setAutoRangeIncludesZero(false);
      XYPlot plot = new XYPlot(data, null, valueAxis, renderer);
      plot.setBackgroundPaint(Color.WHITE);
      plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
      plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
      combined.add(plot);
    }
    JFreeChart chart = new JFreeChart(null, new Font(Font.SANS_SERIF, Font.BOLD, 14), combined,
        true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }
}
