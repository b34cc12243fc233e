package dev.lamina.plot;

/**
 * Keras's {@code plot_model} options. Immutable; each {@code withX} returns a copy.
 *
 * @param showsShapes input and output shapes, and each lambda's declared shape rules
 * @param showsDtype each layer's output dtype
 * @param showsLayerNames each layer's name before its type
 * @param rankDir {@code "TB"} (top to bottom) or {@code "LR"} (left to right)
 * @param expandNested Keras's option for nested models; Lamina has none, so it changes nothing
 * @param showsLayerActivations the activation of {@code Dense} and {@code Activation} layers
 * @param dpi the PNG's resolution; 96 draws at the SVG's size
 */
public record PlotOptions(
    boolean showsShapes,
    boolean showsDtype,
    boolean showsLayerNames,
    String rankDir,
    boolean expandNested,
    boolean showsLayerActivations,
    int dpi) {

  public PlotOptions {
    if (!rankDir.equals("TB") && !rankDir.equals("LR")) {
      throw new IllegalArgumentException("rankDir must be \"TB\" or \"LR\", got \"" + rankDir
          + "\"");
    }
    if (dpi < 24 || dpi > 1200) {
      throw new IllegalArgumentException("dpi must be between 24 and 1200, got " + dpi);
    }
  }

  /** Keras's defaults: names shown, nothing else, top to bottom, 96 dpi. */
  public static PlotOptions defaults() {
    return new PlotOptions(false, false, true, "TB", false, false, 96);
  }

  /** Keras's {@code show_shapes=True}, as in the tutorial. */
  public static PlotOptions showShapes() {
    return defaults().withShowShapes(true);
  }

  public PlotOptions withShowShapes(boolean show) {
    return new PlotOptions(show, showsDtype, showsLayerNames, rankDir, expandNested,
        showsLayerActivations, dpi);
  }

  public PlotOptions withShowDtype(boolean show) {
    return new PlotOptions(showsShapes, show, showsLayerNames, rankDir, expandNested,
        showsLayerActivations, dpi);
  }

  public PlotOptions withShowLayerNames(boolean show) {
    return new PlotOptions(showsShapes, showsDtype, show, rankDir, expandNested,
        showsLayerActivations, dpi);
  }

  public PlotOptions withRankDir(String direction) {
    return new PlotOptions(showsShapes, showsDtype, showsLayerNames, direction, expandNested,
        showsLayerActivations, dpi);
  }

  public PlotOptions withExpandNested(boolean expand) {
    return new PlotOptions(showsShapes, showsDtype, showsLayerNames, rankDir, expand,
        showsLayerActivations, dpi);
  }

  public PlotOptions withShowLayerActivations(boolean show) {
    return new PlotOptions(showsShapes, showsDtype, showsLayerNames, rankDir, expandNested, show,
        dpi);
  }

  public PlotOptions withDpi(int dotsPerInch) {
    return new PlotOptions(showsShapes, showsDtype, showsLayerNames, rankDir, expandNested,
        showsLayerActivations, dotsPerInch);
  }
}
