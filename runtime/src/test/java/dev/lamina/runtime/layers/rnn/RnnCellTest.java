package dev.lamina.runtime.layers.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.core.Embedding;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's generic {@code RNN(cell)} read from its configuration ({@link RnnTypes#GENERIC_RNN}):
 * the cell's arguments come from the cell, the wrapper's from the layer, and the layer is the
 * {@link SimpleRNN}, {@link LSTM} or {@link GRU} it computes; what is not built is refused. (Keras
 * files of it, predicting and training as Keras did: the keras module's RnnCellImportTest.)
 */
class RnnCellTest {

  private static Layer read(String json) throws ModelFormatException {
    LayerConfig config = new LayerConfig(Json.parseObject(json.getBytes(StandardCharsets.UTF_8),
        "test"), "RNN layer 'r'", LayerConfig.Origin.KERAS);
    config.ignore("name", "trainable", "dtype"); // the importer's, as for every layer
    Layer layer = RnnTypes.GENERIC_RNN.fromConfig("r", config);
    config.rejectUnread("RNN");
    return layer;
  }

  private static String rnn(String cellClass, String cellConfig, String wrapper) {
    return "{" + wrapper + (wrapper.isEmpty() ? "" : ", ") + "\"cell\": {\"module\": "
        + "\"keras.layers\", \"class_name\": \"" + cellClass + "\", \"config\": {\"name\": "
        + "\"cell\", \"trainable\": true, \"dtype\": {\"module\": \"keras\", \"class_name\": "
        + "\"DTypePolicy\", \"config\": {\"name\": \"float32\"}}, " + cellConfig + "}, "
        + "\"registered_name\": null, \"build_config\": {\"input_shape\": [null, 3]}}}";
  }

  private static String cell(String cellClass, String cellConfig) {
    return "{\"class_name\": \"" + cellClass + "\", \"config\": {\"name\": \"c\", "
        + cellConfig + "}}";
  }

  @Test
  void stackedCellsReadAsStackedRnnAndWriteBack() throws Exception {
    StackedRNN layer = assertInstanceOf(StackedRNN.class, read(rnn("StackedRNNCells",
        "\"cells\": [" + cell("GRUCell", "\"units\": 3, \"reset_after\": false") + ", "
            + cell("LSTMCell", "\"units\": 2") + ", " + cell("GRUCell", "\"units\": 2") + "]",
        "\"return_sequences\": true, \"go_backwards\": true")));
    assertEquals(3, layer.cells().size());
    assertTrue(layer.returnSequences() && layer.goBackwards());
    // Keras's weight groups: per class, numbered.
    assertEquals(List.of(Map.entry("cell/cells/gru_cell", 3),
        Map.entry("cell/cells/lstm_cell", 3), Map.entry("cell/cells/gru_cell_1", 3)),
        layer.kerasWeightGroups());
    // Only the last cell's layer returns the wrapper's return_sequences; all run forward on the
    // reversed sequence.
    assertEquals(false, layer.cells().get(0).arguments().get("reset_after"));
    assertTrue(layer.cells().stream().allMatch(c -> c.returnSequences() && !c.goBackwards()));
    // Saved as Keras's RNN(StackedRNNCells), read back the same.
    assertSame(RnnTypes.GENERIC_RNN, LayerTypes.of(layer).orElseThrow());
    String json = Json.write(layer.config(), Json.Style.COMPACT);
    StackedRNN again = assertInstanceOf(StackedRNN.class, read(json));
    assertEquals(json, Json.write(again.config(), Json.Style.COMPACT));
  }

  /**
   * A masked stack on a time axis of unknown length: a padded sample predicts as its unpadded
   * prefix (a masked step keeps every cell's states), and fit unrolls to max_steps for batches
   * of two lengths.
   */
  @Test
  void maskedStackOnUnknownLengthPredictsPrefixAndTrains() throws Exception {
    StackedRNN stack = assertInstanceOf(StackedRNN.class, read(rnn("StackedRNNCells",
        "\"cells\": [" + cell("LSTMCell", "\"units\": 3") + ", " + cell("GRUCell",
            "\"units\": 2") + "]", "\"max_steps\": 8")));
    SymbolicTensor<TInt32> ids = Input.of(TInt32.class, Input.UNKNOWN);
    SymbolicTensor<TFloat32> h = Embedding.builder(7, 3).maskZero(true).build().apply(ids);
    SymbolicTensor<TFloat32> out = new Dense(2).apply(stack.apply(h));
    try (Model model = Model.of(ids, out)) {
      float[] padded = first(model.predict(List.of(ids(new int[] {3, 1, 4, 0, 0}))).get(0));
      float[] prefix = first(model.predict(List.of(ids(new int[] {3, 1, 4}))).get(0));
      float[] other = first(model.predict(List.of(ids(new int[] {3, 1, 5}))).get(0));
      for (int i = 0; i < padded.length; i++) {
        assertEquals(prefix[i], padded[i], 1e-6, "output " + i);
      }
      assertTrue(Math.abs(other[0] - prefix[0]) + Math.abs(other[1] - prefix[1]) > 1e-6,
          "the output depends on the ids");
      model.compile(Optimizer.fromConfig("SGD", Map.of("learning_rate", 0.1)),
          Losses.get("mse"));
      float[][] y = {{0.5f, -0.5f}, {1f, 0f}};
      double first = model.trainOnBatch(new int[][] {{3, 1, 4, 0}, {2, 5, 0, 0}}, y)
          .get("loss");
      double second = model.trainOnBatch(new int[][] {{3, 1, 4, 1, 5, 0, 0}, {2, 5, 6, 0, 0,
          0, 0}}, y).get("loss");
      assertTrue(Double.isFinite(first) && Double.isFinite(second), first + ", " + second);
      assertTrue(first > 0, "loss " + first);
    }
  }

  private static NdArray<?> ids(int[] row) {
    return NdArrays.wrap(Shape.of(1, row.length), DataBuffers.of(row, true, false));
  }

  private static float[] first(NdArray<?> array) {
    FloatNdArray values = (FloatNdArray) array;
    float[] out = new float[(int) values.size()];
    values.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  @Test
  void registeredUnderKerasName() {
    assertSame(RnnTypes.GENERIC_RNN, LayerTypes.byKerasClassName("RNN").orElseThrow());
    assertSame(RnnTypes.GENERIC_RNN, LayerTypes.byName("RNN").orElseThrow());
    // Its layers are LSTMs, GRUs and SimpleRNNs, saved under their own types.
    assertSame(RnnTypes.LSTM_TYPE, LayerTypes.of(new LSTM(2)).orElseThrow());
  }

  @Test
  void lstmCellReadsCellAndWrapperArguments() throws Exception {
    Layer layer = read(rnn("LSTMCell", "\"units\": 4, \"activation\": \"relu\", "
        + "\"recurrent_activation\": \"hard_sigmoid\", \"use_bias\": false, "
        + "\"unit_forget_bias\": false, \"kernel_regularizer\": {\"module\": "
        + "\"keras.regularizers\", \"class_name\": \"L2\", \"config\": {\"l2\": 0.01}, "
        + "\"registered_name\": null}, \"dropout\": 0.25, \"recurrent_dropout\": 0.5, "
        + "\"seed\": 7",
        "\"name\": \"r\", \"return_sequences\": true, \"return_state\": true, \"go_backwards\": "
            + "true, \"stateful\": false, \"unroll\": true, \"zero_output_for_mask\": true"));
    LSTM lstm = assertInstanceOf(LSTM.class, layer);
    assertEquals("r", lstm.explicitName().orElseThrow());
    Map<String, Object> args = lstm.arguments();
    assertEquals(4, args.get("units"));
    assertEquals("relu", args.get("activation"));
    assertEquals("hard_sigmoid", args.get("recurrent_activation"));
    assertEquals(false, args.get("use_bias"));
    assertEquals(false, args.get("unit_forget_bias"));
    assertEquals(0.25, args.get("dropout"));
    assertEquals(0.5, args.get("recurrent_dropout"));
    assertEquals(true, args.get("return_sequences"));
    assertEquals(true, args.get("return_state"));
    assertEquals(true, args.get("go_backwards"));
    assertEquals(true, args.get("unroll"));
    Map<String, Object> config = lstm.config();
    assertEquals(true, config.get("zero_output_for_mask"));
    assertEquals(7L, ((Number) config.get("seed")).longValue());
    assertTrue(config.containsKey("kernel_regularizer"), config.toString());
  }

  @Test
  void gruAndSimpleRnnCellsWithKerasDefaults() throws Exception {
    GRU gru = assertInstanceOf(GRU.class, read(rnn("GRUCell", "\"units\": 3", "")));
    assertEquals(true, gru.arguments().get("reset_after"));
    assertEquals("sigmoid", gru.arguments().get("recurrent_activation"));
    assertEquals(false, gru.returnSequences());
    GRU before = assertInstanceOf(GRU.class,
        read(rnn("GRUCell", "\"units\": 3, \"reset_after\": false", "")));
    assertEquals(false, before.arguments().get("reset_after"));
    SimpleRNN simple = assertInstanceOf(SimpleRNN.class,
        read(rnn("SimpleRNNCell", "\"units\": 2, \"activation\": null", "\"go_backwards\": true")));
    assertEquals("linear", simple.arguments().get("activation"));
    assertNull(simple.arguments().get("recurrent_activation"));
    assertTrue(simple.goBackwards());
  }

  @Test
  void bidirectionalTakesAGenericRnn() throws Exception {
    String inner = rnn("GRUCell", "\"units\": 3", "\"name\": \"forward_r\", \"trainable\": true");
    LayerConfig config = new LayerConfig(Json.parseObject(("{\"layer\": {\"class_name\": "
        + "\"RNN\", \"config\": " + inner + "}, \"merge_mode\": \"sum\"}")
        .getBytes(StandardCharsets.UTF_8), "test"), "Bidirectional layer 'b'",
        LayerConfig.Origin.KERAS);
    Bidirectional layer = RnnTypes.BIDIRECTIONAL.fromConfig("b", config);
    assertInstanceOf(GRU.class, layer.forwardLayer());
  }

  @Test
  void refusesWhatIsNotBuilt() {
    var empty = assertThrows(ModelFormatException.class, () -> read(rnn("StackedRNNCells",
        "\"cells\": []", "")));
    assertTrue(empty.getMessage().contains("StackedRNNCells needs at least one cell"),
        empty.getMessage());
    var dropout = assertThrows(ModelFormatException.class, () -> read(rnn("StackedRNNCells",
        "\"cells\": [" + cell("GRUCell", "\"units\": 2, \"dropout\": 0.5") + "]", "")));
    assertTrue(dropout.getMessage().contains("does not support dropout or recurrent_dropout in "
        + "stacked cells"), dropout.getMessage());
    var state = assertThrows(ModelFormatException.class, () -> read(rnn("StackedRNNCells",
        "\"cells\": [" + cell("GRUCell", "\"units\": 2") + "]", "\"return_state\": true")));
    assertTrue(state.getMessage().contains("return_state=True is not supported with "
        + "StackedRNNCells"), state.getMessage());
    var stateful = assertThrows(ModelFormatException.class,
        () -> read(rnn("LSTMCell", "\"units\": 2", "\"stateful\": true")));
    assertTrue(stateful.getMessage().contains("stateful=True is not supported"),
        stateful.getMessage());
    var custom = assertThrows(ModelFormatException.class,
        () -> read(rnn("MinimalRNNCell", "\"units\": 2", "")));
    assertTrue(custom.getMessage().contains("'MinimalRNNCell' is not one Lamina knows"),
        custom.getMessage());
    // A cell's argument given to the wrapper is not Keras's RNN's: refused, not moved.
    var misplaced = assertThrows(ModelFormatException.class,
        () -> read(rnn("LSTMCell", "\"units\": 2", "\"dropout\": 0.5")));
    assertTrue(misplaced.getMessage().contains("'dropout'"), misplaced.getMessage());
    var option = assertThrows(ModelFormatException.class,
        () -> read(rnn("GRUCell", "\"units\": 2, \"peepholes\": true", "")));
    assertTrue(option.getMessage().contains("has option 'peepholes', which Lamina's GRUCell"),
        option.getMessage());
    var units = assertThrows(ModelFormatException.class,
        () -> read(rnn("SimpleRNNCell", "\"units\": 0", "")));
    assertTrue(units.getMessage().contains("units is 0"), units.getMessage());
    var mixed = assertThrows(ModelFormatException.class, () -> read(rnn("LSTMCell",
        "\"units\": 2", "").replace("\"name\": \"float32\"", "\"name\": \"mixed_float16\"")));
    assertTrue(mixed.getMessage().contains("dtype policy is 'mixed_float16'"),
        mixed.getMessage());
  }
}
