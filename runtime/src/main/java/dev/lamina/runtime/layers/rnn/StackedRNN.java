package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code RNN(StackedRNNCells([cell, ...]))}: at each step the cells run in order, each on
 * the output of the one before, and the last one's output is the layer's. That is the same as
 * the cells' layers ({@link SimpleRNN}, {@link LSTM}, {@link GRU}) stacked with {@code
 * return_sequences} between them, run on the sequence reversed along time for {@code
 * go_backwards}: a masked step keeps every cell's states, so what a lower cell outputs there
 * never reaches the next. So the cells are held as those layers and run one after the other.
 *
 * <p>Keras keeps each cell's weights under {@code cell/cells/<snake class name>}, numbered per
 * class ({@code gru_cell}, {@code gru_cell_1}, ...), which also name the weights here ({@code
 * gru_cell/kernel}, ...). Supported: {@code return_sequences}, {@code go_backwards}, {@code
 * unroll}, {@code zero_output_for_mask}, masks. Not supported: {@code return_state} and initial
 * states (Keras nests the cells' states) and the cells' dropout (refused when read).
 */
public final class StackedRNN extends Layer {

  private final List<RNN> cells;
  private final List<String> groups;
  private final boolean returnSequences;
  private final boolean goBackwards;
  private final boolean unroll;
  private final boolean zeroOutputForMask;
  private final int maxSteps;
  private final Regularizer activityRegularizer;
  private long inputDim = -1;

  /**
   * @param name the layer's name, or null
   * @param cells the cells, as layers (their units and cell arguments; the layers' own
   *     return_sequences, go_backwards and the like are not used)
   */
  StackedRNN(String name, List<RNN> cells, boolean returnSequences, boolean goBackwards,
      boolean unroll, boolean zeroOutputForMask, int maxSteps, Regularizer activityRegularizer) {
    super(name);
    if (cells.isEmpty()) {
      throw new IllegalArgumentException("StackedRNNCells needs at least one cell");
    }
    this.returnSequences = returnSequences;
    this.goBackwards = goBackwards;
    this.unroll = unroll;
    this.zeroOutputForMask = zeroOutputForMask;
    this.maxSteps = maxSteps;
    this.activityRegularizer = activityRegularizer;
    List<RNN> copies = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Map<String, Integer> used = new HashMap<>();
    for (int i = 0; i < cells.size(); i++) {
      RNN cell = cells.get(i);
      if (cell.dropout != 0 || cell.recurrentDropout != 0) {
        throw new IllegalArgumentException("StackedRNNCells: Lamina does not support dropout "
            + "or recurrent_dropout in stacked cells");
      }
      String snake = cellClass(cell).equals("SimpleRNNCell") ? "simple_rnn_cell"
          : cellClass(cell).equals("LSTMCell") ? "lstm_cell" : "gru_cell";
      int n = used.merge(snake, 1, Integer::sum) - 1;
      String group = snake + (n == 0 ? "" : "_" + n);
      names.add(group);
      boolean last = i == cells.size() - 1;
      copies.add(withFlags(cell, group, last ? returnSequences : true,
          last && zeroOutputForMask));
    }
    this.cells = List.copyOf(copies);
    this.groups = List.copyOf(names);
  }

  /** Keras's class of the cell that {@code layer} holds. */
  static String cellClass(RNN layer) {
    return layer instanceof SimpleRNN ? "SimpleRNNCell" : layer instanceof LSTM ? "LSTMCell"
        : "GRUCell";
  }

  private RNN withFlags(RNN cell, String name, boolean sequences, boolean zeroOutput) {
    if (cell instanceof SimpleRNN) {
      return flags(cell, SimpleRNN.builder(cell.units), name, sequences, zeroOutput);
    }
    if (cell instanceof LSTM) {
      return flags(cell, LSTM.builder(cell.units)
          .unitForgetBias((Boolean) cell.arguments().get("unit_forget_bias")), name, sequences,
          zeroOutput);
    }
    return flags(cell, GRU.builder(cell.units)
        .resetAfter((Boolean) cell.arguments().get("reset_after")), name, sequences, zeroOutput);
  }

  private <B extends RNN.Builder<B, ?>> RNN flags(RNN cell, B b, String name, boolean sequences,
      boolean zeroOutput) {
    RNN.copyInto(cell, b, name, false, zeroOutput);
    b.returnSequences(sequences);
    b.returnState(false);
    b.unroll(unroll);
    b.maxSteps(maxSteps);
    b.activityRegularizer(null);
    return b.build();
  }

  /** The cells, as layers, in order. */
  public List<RNN> cells() {
    return cells;
  }

  public boolean returnSequences() {
    return returnSequences;
  }

  public boolean goBackwards() {
    return goBackwards;
  }

  @Override
  public Regularizer activityRegularizer() {
    return activityRegularizer;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    List<String> kinds = new ArrayList<>();
    for (RNN cell : cells) {
      kinds.add(cellClass(cell) + "(" + cell.units + ")");
    }
    arguments.put("cells", String.join(", ", kinds));
    arguments.put("return_sequences", returnSequences);
    arguments.put("go_backwards", goBackwards);
    arguments.put("unroll", unroll);
    return arguments;
  }

  /** The wrapper's keys, {@code cell} as Keras's serialized {@code StackedRNNCells}. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("return_sequences", returnSequences);
    config.put("return_state", false);
    config.put("go_backwards", goBackwards);
    config.put("stateful", false);
    config.put("unroll", unroll);
    config.put("zero_output_for_mask", zeroOutputForMask);
    Layers.putRegularizer(config, "activity_regularizer", activityRegularizer);
    if (maxSteps != RNN.DEFAULT_MAX_STEPS) {
      config.put("max_steps", maxSteps);
    }
    List<Object> serialized = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      Map<String, Object> inner = new LinkedHashMap<>();
      inner.put("name", groups.get(i));
      inner.putAll(cells.get(i).config());
      for (String key : WRAPPER_KEYS) {
        inner.remove(key);
      }
      Map<String, Object> cell = new LinkedHashMap<>();
      cell.put("class_name", cellClass(cells.get(i)));
      cell.put("config", inner);
      serialized.add(cell);
    }
    Map<String, Object> stacked = new LinkedHashMap<>();
    stacked.put("class_name", "StackedRNNCells");
    stacked.put("config", Map.of("cells", serialized));
    config.put("cell", stacked);
    return config;
  }

  /** The keys of a recurrent layer's config that are its RNN's, not its cell's. */
  static final List<String> WRAPPER_KEYS = List.of("return_sequences", "return_state",
      "go_backwards", "stateful", "unroll", "zero_output_for_mask", "max_steps",
      "activity_regularizer");

  /** Keras keeps each cell's weights under {@code cell/cells/<name>}. */
  @Override
  public List<Map.Entry<String, Integer>> kerasWeightGroups() {
    List<Map.Entry<String, Integer>> out = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      out.add(Map.entry("cell/cells/" + groups.get(i), cells.get(i).useBias ? 3 : 2));
    }
    return out;
  }

  /** The output; a sequence with {@code return_sequences}. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> sequences) {
    return applyTyped(sequences);
  }

  @Override
  protected synchronized List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(describe() + " takes the sequences only (Lamina does "
          + "not support initial states of stacked cells), got " + inputs.size() + " inputs");
    }
    long dim = cells.get(0).checkInputs(this, inputs, 0);
    if (inputDim >= 0 && inputDim != dim) {
      throw new IllegalArgumentException(describe() + " was built for sequences of " + inputDim
          + " features, got " + Shapes.format(inputs.get(0).shape()));
    }
    if (inputDim < 0) {
      inputDim = dim;
      long features = dim;
      for (int i = 0; i < cells.size(); i++) {
        for (RNN.WeightSpec spec : cells.get(i).weightSpecs(features)) {
          addWeight(groups.get(i) + "/" + spec.name(), spec.shape(), spec.initializer(), true,
              spec.regularizer(), spec.constraint());
        }
        features = cells.get(i).units;
      }
    }
    RNN last = cells.get(cells.size() - 1);
    return List.of(Layers.spec(last.outputShapes(inputs.get(0).shape()).get(0),
        TFloat32.class));
  }

  @Override
  protected boolean usesInputMasks() {
    return true;
  }

  /** Keras's {@code compute_mask}: the input's mask for the sequence output, else none. */
  @Override
  protected List<MaskFunction> maskFunctions(List<SymbolicTensor<?>> inputs, int outputs) {
    List<MaskFunction> masks = new ArrayList<>(Collections.nCopies(outputs, null));
    if (returnSequences && inputs.get(0).mask().isPresent()) {
      masks.set(0, (tf, operands, inputMasks) -> tf.identity(inputMasks.get(0)));
    }
    return masks;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weights, CallContext context) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    Operand<TBool> mask = context.mask(0);
    if (goBackwards) {
      x = tf.reverse(x, tf.constant(new int[] {1}));
      mask = mask == null ? null : tf.reverse(mask, tf.constant(new int[] {1}));
    }
    List<Operand<TFloat32>> w = new ArrayList<>();
    weights.forEach(o -> w.add((Operand<TFloat32>) o));
    int from = 0;
    for (int i = 0; i < cells.size(); i++) {
      RNN cell = cells.get(i);
      int count = cell.useBias ? 3 : 2;
      x = cell.run(tf.withSubScope(groups.get(i)), x, mask, List.of(),
          w.subList(from, from + count), context, describe()).get(0);
      from += count;
    }
    return List.of(x);
  }
}
