package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.BuiltInLayerTypes;
import dev.lamina.runtime.layers.activations.Activation;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading the recurrent layers and their wrappers from a configuration under Keras's names and
 * defaults, for {@link BuiltInLayerTypes}.
 */
public final class RnnTypes {

  private RnnTypes() {}

  /** Keras's {@code SimpleRNN}. */
  public static final LayerType<SimpleRNN> SIMPLE_RNN = LayerType.of("SimpleRNN",
      SimpleRNN.class, (name, c) -> common(c, SimpleRNN.builder(units(c)).name(name), false));

  /** Keras's {@code LSTM}. */
  public static final LayerType<LSTM> LSTM_TYPE = LayerType.of("LSTM", LSTM.class,
      (name, c) -> {
        LSTM.Builder b = LSTM.builder(units(c)).name(name);
        b.unitForgetBias(c.optBoolean("unit_forget_bias", true));
        return common(c, b, true);
      });

  /** Keras's {@code GRU}. */
  public static final LayerType<GRU> GRU_TYPE = LayerType.of("GRU", GRU.class, (name, c) -> {
    GRU.Builder b = GRU.builder(units(c)).name(name);
    b.resetAfter(c.optBoolean("reset_after", true));
    return common(c, b, true);
  });

  /**
   * Keras's generic {@code RNN(cell)} with a {@code SimpleRNNCell}, {@code LSTMCell} or {@code
   * GRUCell}: read as the {@link SimpleRNN}, {@link LSTM} or {@link GRU} it computes (see {@link
   * #generic}), saved as that layer; with {@code StackedRNNCells} of them, a {@link StackedRNN},
   * saved as {@code RNN} (its class is the one this type stands for).
   */
  @SuppressWarnings("unchecked")
  public static final LayerType<Layer> GENERIC_RNN = LayerType.of("RNN",
      (Class<Layer>) (Class<?>) StackedRNN.class, RnnTypes::generic);

  /** Keras's {@code ConvLSTM1D}. */
  public static final LayerType<ConvLSTM1D> CONV_LSTM1D = LayerType.of("ConvLSTM1D",
      ConvLSTM1D.class, (name, c) -> convLstm(c, 1,
          new ConvLSTM1D.Builder(filters(c), convInts(c, "kernel_size", 1, -1)).name(name)));

  /** Keras's {@code ConvLSTM2D}. */
  public static final LayerType<ConvLSTM2D> CONV_LSTM2D = LayerType.of("ConvLSTM2D",
      ConvLSTM2D.class, (name, c) -> convLstm(c, 2,
          new ConvLSTM2D.Builder(filters(c), convInts(c, "kernel_size", 2, -1)).name(name)));

  /** Keras's {@code ConvLSTM3D}. */
  public static final LayerType<ConvLSTM3D> CONV_LSTM3D = LayerType.of("ConvLSTM3D",
      ConvLSTM3D.class, (name, c) -> convLstm(c, 3,
          new ConvLSTM3D.Builder(filters(c), convInts(c, "kernel_size", 3, -1)).name(name)));

  /** Keras's {@code Bidirectional}. */
  public static final LayerType<Bidirectional> BIDIRECTIONAL = LayerType.of("Bidirectional",
      Bidirectional.class, RnnTypes::bidirectional);

  /** Keras's {@code TimeDistributed}. */
  public static final LayerType<TimeDistributed> TIME_DISTRIBUTED = LayerType.of(
      "TimeDistributed", TimeDistributed.class, (name, c) -> {
        Layer inner = nested(c, "layer");
        return new TimeDistributed(name, inner);
      });

  private static int units(LayerConfig c) throws ModelFormatException {
    int units = c.requireInt("units");
    if (units < 1) {
      throw c.error("units", "units is " + units + "; it must be 1 or more");
    }
    return units;
  }

  private static <B extends RNN.Builder<B, L>, L extends RNN> L common(LayerConfig c, B b,
      boolean gated) throws ModelFormatException {
    cell(c, b, gated);
    wrapper(c, b, " (pass states as initial_state instead)");
    // Keras's choice of kernel (cuDNN or not) and implementation change no numbers.
    c.ignore("use_cudnn", "implementation");
    c.requireDefault("time_major", false);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw c.error("units", e.getMessage());
    }
  }

  /**
   * The arguments Keras's cell takes ({@code SimpleRNNCell}, {@code LSTMCell}, {@code GRUCell}),
   * which the layers {@code SimpleRNN}, {@code LSTM}, {@code GRU} pass on to it; the cell's own
   * ({@code unit_forget_bias}, {@code reset_after}) are read by the caller.
   */
  private static void cell(LayerConfig c, RNN.Builder<?, ?> b, boolean gated)
      throws ModelFormatException {
    b.activation(Activation.read(c, "activation"));
    if (gated) {
      String recurrent = c.has("recurrent_activation")
          ? Activation.read(c, "recurrent_activation") : "sigmoid";
      b.recurrentActivation = recurrent;
    }
    b.useBias(c.optBoolean("use_bias", true));
    cellArguments(c, b);
  }

  /**
   * The arguments every recurrent layer shares, by Keras's names and defaults; {@code statefulFix}
   * ends the refusal of {@code stateful=True}.
   */
  private static void recurrent(LayerConfig c, RecurrentBuilder<?> b, String statefulFix)
      throws ModelFormatException {
    cellArguments(c, b);
    wrapper(c, b, statefulFix);
  }

  /** Initializers, regularizers, constraints, dropout and seed: a cell's in Keras. */
  private static void cellArguments(LayerConfig c, RecurrentBuilder<?> b)
      throws ModelFormatException {
    b.kernelInitializer(BuiltInLayerTypes.initializer(c, "kernel_initializer"));
    b.recurrentInitializer(BuiltInLayerTypes.initializer(c, "recurrent_initializer"));
    b.biasInitializer(BuiltInLayerTypes.initializer(c, "bias_initializer"));
    b.kernelRegularizer(BuiltInLayerTypes.regularizer(c, "kernel_regularizer"));
    b.recurrentRegularizer(BuiltInLayerTypes.regularizer(c, "recurrent_regularizer"));
    b.biasRegularizer(BuiltInLayerTypes.regularizer(c, "bias_regularizer"));
    b.kernelConstraint(BuiltInLayerTypes.constraint(c, "kernel_constraint"));
    b.recurrentConstraint(BuiltInLayerTypes.constraint(c, "recurrent_constraint"));
    b.biasConstraint(BuiltInLayerTypes.constraint(c, "bias_constraint"));
    for (String key : new String[] {"dropout", "recurrent_dropout"}) {
      double rate = c.optDouble(key, 0.0);
      if (!(rate >= 0 && rate < 1)) {
        throw c.error(key, key + " is " + rate + "; Lamina supports rates in [0, 1)");
      }
      if (key.equals("dropout")) {
        b.dropout(rate);
      } else {
        b.recurrentDropout(rate);
      }
    }
    b.seed(c.has("seed") ? c.requireLong("seed") : null);
  }

  /**
   * The arguments of Keras's {@code RNN} layer around its cell: the outputs, the direction,
   * {@code stateful} (refused), {@code unroll}, masks, the activity regularizer of the output,
   * and Lamina's {@code max_steps}.
   */
  private static void wrapper(LayerConfig c, RecurrentBuilder<?> b, String statefulFix)
      throws ModelFormatException {
    b.activityRegularizer(BuiltInLayerTypes.regularizer(c, "activity_regularizer"));
    b.returnSequences(c.optBoolean("return_sequences", false));
    b.returnState(c.optBoolean("return_state", false));
    b.goBackwards(c.optBoolean("go_backwards", false));
    if (c.optBoolean("stateful", false)) {
      throw c.error("stateful", "stateful=True is not supported: Lamina's layers keep no state "
          + "between batches" + statefulFix);
    }
    b.unroll(c.optBoolean("unroll", false));
    b.zeroOutputForMask(c.optBoolean("zero_output_for_mask", false));
    b.maxSteps(c.optInt("max_steps", RNN.DEFAULT_MAX_STEPS));
  }

  /**
   * Keras's generic {@code RNN(cell)} with one of Keras's cells: the Lamina layer that computes
   * it ({@code RNN(SimpleRNNCell(...))} is {@link SimpleRNN}, {@code RNN(LSTMCell(...))} is
   * {@link LSTM}, {@code RNN(GRUCell(...))} is {@link GRU}, as in Keras 3, where those layers are
   * that {@code RNN}), with the cell's arguments and the wrapper's. Keras keeps the cell's
   * weights under {@code cell}, as it does a layer's. Saved by Lamina, the layer is written as
   * what it is: {@code SimpleRNN}, {@code LSTM} or {@code GRU}. {@code StackedRNNCells} of those
   * cells is a {@link StackedRNN}, written back as this {@code RNN}.
   */
  private static Layer generic(String name, LayerConfig c) throws ModelFormatException {
    JsonObject cell = c.optObject("cell");
    if (cell == null) {
      throw c.error("cell", "cell is missing");
    }
    String className = checkedCellClass(c, cell);
    if (className.equals("StackedRNNCells")) {
      return stacked(name, c, cell);
    }
    RNN.Builder<?, ?> b = cellBuilder(c, cell, className);
    b.name(name);
    wrapper(c, b, " (pass states as initial_state instead)");
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw c.error("cell", e.getMessage());
    }
  }

  /** The serialized cell's class, if it is Keras's (not a custom Python class). */
  private static String checkedCellClass(LayerConfig c, JsonObject cell)
      throws ModelFormatException {
    String className = cell.requireString("class_name");
    String module = cell.optString("module", "keras.layers");
    String registered = cell.optString("registered_name", null);
    if (!(module.equals("keras") || module.startsWith("keras."))
        || registered != null && !registered.equals(className)) {
      throw c.error("cell", "the cell is a custom Python class (module '" + module + "', class "
          + className + (registered != null ? ", registered name '" + registered + "'" : "")
          + "); Lamina's RNN takes Keras's SimpleRNNCell, LSTMCell, GRUCell and "
          + "StackedRNNCells of them");
    }
    return className;
  }

  /** A builder of the layer computing one serialized cell, with the cell's arguments read. */
  private static RNN.Builder<?, ?> cellBuilder(LayerConfig c, JsonObject cell, String className)
      throws ModelFormatException {
    JsonObject config = cell.requireObject("config");
    String cellName = config.optString("name", className);
    LayerConfig cc = new LayerConfig(config, className + " '" + cellName + "' (the cell of "
        + c.layer() + ")", c.origin());
    cc.ignore("name", "trainable");
    cellDtype(cc);
    RNN.Builder<?, ?> b;
    boolean gated = true;
    switch (className) {
      case "SimpleRNNCell" -> {
        b = SimpleRNN.builder(units(cc));
        gated = false;
      }
      case "LSTMCell" -> b = LSTM.builder(units(cc))
          .unitForgetBias(cc.optBoolean("unit_forget_bias", true));
      case "GRUCell" -> b = GRU.builder(units(cc))
          .resetAfter(cc.optBoolean("reset_after", true));
      default -> throw c.error("cell", "the cell's class '" + className + "' is not one Lamina "
          + "knows; Lamina's RNN takes Keras's SimpleRNNCell, LSTMCell, GRUCell and "
          + "StackedRNNCells of them");
    }
    cell(cc, b, gated);
    if (gated) {
      cc.ignore("implementation"); // LSTMCell's and GRUCell's kernel choice: no other numbers
    }
    if (cc.json().isNull("activity_regularizer")) {
      cc.ignore("activity_regularizer");
    }
    cc.rejectUnread(className);
    return b;
  }

  /** {@code RNN(StackedRNNCells([...]))}: a {@link StackedRNN}. */
  private static StackedRNN stacked(String name, LayerConfig c, JsonObject cell)
      throws ModelFormatException {
    JsonObject config = cell.requireObject("config");
    LayerConfig sc = new LayerConfig(config, "StackedRNNCells (the cell of " + c.layer() + ")",
        c.origin());
    sc.ignore("name", "trainable");
    cellDtype(sc);
    if (sc.json().isNull("activity_regularizer")) {
      sc.ignore("activity_regularizer");
    }
    dev.lamina.runtime.io.JsonArray list = config.requireArray("cells");
    sc.ignore("cells"); // read below, cell by cell
    List<RNN> cells = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonObject inner = list.requireObject(i);
      String className = checkedCellClass(c, inner);
      if (className.equals("StackedRNNCells")) {
        throw c.error("cell", "a StackedRNNCells inside a StackedRNNCells is not supported");
      }
      try {
        cells.add(cellBuilder(c, inner, className).build());
      } catch (IllegalArgumentException e) {
        throw c.error("cell", e.getMessage());
      }
    }
    sc.rejectUnread("StackedRNNCells");
    // The wrapper's arguments, read into a builder of their own.
    SimpleRNN.Builder flags = SimpleRNN.builder(1);
    wrapper(c, flags, " (pass states as initial_state instead)");
    if (flags.returnState) {
      throw c.error("return_state", "return_state=True is not supported with StackedRNNCells "
          + "(Keras nests the cells' states)");
    }
    try {
      return new StackedRNN(name, cells, flags.returnSequences, flags.goBackwards,
          flags.unroll, flags.zeroOutputForMask, flags.maxSteps, flags.activityRegularizer);
    } catch (IllegalArgumentException e) {
      throw c.error("cell", e.getMessage());
    }
  }

  /** A cell computes in float32: its dtype policy, if written, must say so. */
  private static void cellDtype(LayerConfig cc) throws ModelFormatException {
    Object value = cc.json().get("dtype");
    cc.ignore("dtype");
    String policy = value == null ? "float32"
        : value instanceof String s ? s
        : value instanceof JsonObject o && o.optObject("config") != null
            ? o.requireObject("config").optString("name", "?") : "?";
    if (!policy.equals("float32")) {
      throw cc.error("dtype", "the cell's dtype policy is '" + policy + "'; Lamina's recurrent "
          + "layers compute in float32");
    }
  }

  private static int filters(LayerConfig c) throws ModelFormatException {
    int filters = c.requireInt("filters");
    if (filters < 1) {
      throw c.error("filters", "filters is " + filters + "; it must be 1 or more");
    }
    return filters;
  }

  /** An int or {@code rank} ints; {@code fallback < 0}: required. */
  private static int[] convInts(LayerConfig c, String key, int rank, int fallback)
      throws ModelFormatException {
    if (fallback < 0 && !c.has(key)) {
      throw c.error(key, key + " is missing");
    }
    int[] values = c.optInts(key, fallback);
    if (values.length != 1 && values.length != rank) {
      throw c.error(key, key + " must be an int or " + rank + " ints, got " + values.length
          + " ints");
    }
    return values;
  }

  private static <B extends ConvLSTM.Builder<B, L>, L extends ConvLSTM> L convLstm(
      LayerConfig c, int rank, B b) throws ModelFormatException {
    String dataFormat = c.optString("data_format", "channels_last");
    if (dataFormat == null) {
      dataFormat = "channels_last"; // Keras's None: the backend's image_data_format
    }
    if (!dataFormat.equals("channels_last")) {
      throw c.error("data_format", "data_format '" + dataFormat + "' is not supported; Lamina's "
          + "ConvLSTM layers are channels_last");
    }
    b.strides(convInts(c, "strides", rank, 1));
    b.padding(c.optString("padding", "valid"));
    b.dilationRate(convInts(c, "dilation_rate", rank, 1));
    b.activation(Activation.read(c, "activation"));
    b.recurrentActivation(c.has("recurrent_activation")
        ? Activation.read(c, "recurrent_activation") : "sigmoid");
    b.useBias(c.optBoolean("use_bias", true));
    b.unitForgetBias(c.optBoolean("unit_forget_bias", true));
    recurrent(c, b, "");
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw c.error("filters", e.getMessage());
    }
  }

  private static Bidirectional bidirectional(String name, LayerConfig c)
      throws ModelFormatException {
    String mergeMode = c.has("merge_mode") ? c.requireString("merge_mode") : null;
    if (!c.json().containsKey("merge_mode")) {
      mergeMode = "concat"; // missing is Keras's default; an explicit null is None
    }
    if (mergeMode != null && !Bidirectional.MERGE_MODES.contains(mergeMode)) {
      throw c.error("merge_mode", "merge_mode '" + mergeMode + "' is not one of concat, sum, "
          + "mul, ave, None");
    }
    Layer forward = nested(c, "layer");
    Layer backward = c.has("backward_layer") ? nested(c, "backward_layer") : null;
    if (!(forward instanceof RNN rnn) || backward != null && !(backward instanceof RNN)) {
      throw c.error("layer", "Lamina's Bidirectional wraps SimpleRNN, LSTM and GRU layers");
    }
    // Keras writes the forward layer under its forward_ name; Bidirectional adds the prefix.
    try {
      return new Bidirectional(name, rnn, mergeMode, (RNN) backward);
    } catch (IllegalArgumentException e) {
      throw c.error("layer", e.getMessage());
    }
  }

  /** A nested layer: Keras's serialized {@code {"class_name": ..., "config": {...}}}. */
  public static Layer nested(LayerConfig c, String key) throws ModelFormatException {
    JsonObject object = c.optObject(key);
    if (object == null) {
      throw c.error(key, key + " is missing");
    }
    String className = object.requireString("class_name");
    LayerType<?> type = (c.origin() == LayerConfig.Origin.KERAS
        ? LayerTypes.byKerasClassName(className) : LayerTypes.byKerasClassName(className)
            .or(() -> LayerTypes.byName(className)))
        .orElseThrow(() -> c.error(key, "the wrapped layer's class '" + className
            + "' is not a layer type Lamina knows"));
    JsonObject config = object.requireObject("config");
    String name = config.requireString("name");
    LayerConfig inner = new LayerConfig(config, className + " layer '" + name + "' in "
        + c.layer(), c.origin());
    inner.ignore("name", "trainable", "dtype");
    Layer layer = type.fromConfig(name, inner);
    inner.rejectUnread(className);
    return layer;
  }
}
