package dev.lamina.plot;

import dev.lamina.runtime.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Keras's {@code plot_model}: pictures of Lamina models, an optional extra as in Keras, so that
 * {@code lamina-runtime} stays free of the layout library and fonts.
 *
 * <pre>{@code ModelPlot.plot(model, Path.of("lambda.png"), PlotOptions.showShapes());}</pre>
 */
public final class ModelPlot {

  private ModelPlot() {}

  /**
   * Keras's {@code plot_model(model, to_file, ...)}: draws {@code model} to {@code path}, as PNG
   * or SVG (laid out in-process, no Graphviz needed) or as Graphviz DOT source, by its extension.
   * With {@link PlotOptions#showShapes()} each box shows its shapes and, for lambdas, their
   * declared shape rules.
   *
   * @throws IllegalArgumentException if the extension is not .png, .svg or .dot
   * @throws IOException if the file cannot be written; nothing is left half-written
   */
  public static void plot(Model model, Path path, PlotOptions options) throws IOException {
    Objects.requireNonNull(path, "path");
    Plotter.write(diagram(model, options), path, options);
  }

  /** The diagram {@link #plot} draws, before layout: for tools and tests. */
  public static Diagram diagram(Model model, PlotOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    return Diagrams.of(model, options);
  }
}
