package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.rnn.GRU;
import dev.lamina.runtime.layers.rnn.LSTM;
import dev.lamina.runtime.layers.rnn.SimpleRNN;
import dev.lamina.runtime.layers.rnn.StackedRNN;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras 3 files with the generic {@code RNN(cell)} around {@code SimpleRNNCell}, {@code LSTMCell}
 * and {@code GRUCell} (tools/keras_rnn_cell_fixtures.py): each imports as the {@link SimpleRNN},
 * {@link LSTM} or {@link GRU} it computes, with the cell's arguments and weights (from {@code
 * rnn/cell/vars}) and the wrapper's arguments, predicts as Keras did (1e-5 relative) and trains
 * as Keras did; {@code StackedRNNCells} of them import as a {@link StackedRNN} (weights from
 * {@code rnn/cell/cells/<cell>/vars}); {@code stateful=True} is refused.
 */
class RnnCellImportTest {

  @TempDir
  Path dir;

  @Test
  void lstmCellPredictsAsKerasAndRoundTripsAsLstm() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("rnn_lstm_cell.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "rnn_lstm_cell");
      LSTM lstm = assertInstanceOf(LSTM.class, model.getLayer("rnn"));
      assertEquals(4, lstm.units());
      assertEquals(3 * 16 + 4 * 16 + 16, lstm.countParams());
      assertEquals(true, lstm.arguments().get("unit_forget_bias"));
      assertTrue(lstm.config().containsKey("kernel_regularizer"), lstm.config().toString());
      // Lamina saves the layer as what it is, an LSTM, and reads it back predicting the same.
      Path file = dir.resolve("rnn_lstm_cell.lamina");
      model.save(file);
      try (Model loaded = Model.load(file)) {
        assertInstanceOf(LSTM.class, loaded.getLayer("rnn"));
        Fixtures.assertPredictsAsKeras(loaded, "rnn_lstm_cell");
      }
    }
  }

  @Test
  void gruCellsBothWaysPredictAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("rnn_gru_cells.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "rnn_gru_cells");
      GRU after = assertInstanceOf(GRU.class, model.getLayer("rnn_after"));
      GRU before = assertInstanceOf(GRU.class, model.getLayer("rnn_before"));
      assertEquals(true, after.arguments().get("reset_after"));
      assertEquals(false, before.arguments().get("reset_after"));
      assertEquals("hard_sigmoid", before.arguments().get("recurrent_activation"));
      assertTrue(after.returnSequences() && before.returnSequences());
      // reset_after: bias (2, 9); not: bias (6).
      assertEquals(3 * 9 + 3 * 9 + 2 * 9, after.countParams());
      assertEquals(3 * 6 + 2 * 6 + 6, before.countParams());
    }
  }

  @Test
  void simpleRnnCellBackwardsWithStatePredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("rnn_simple_cell.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "rnn_simple_cell");
      SimpleRNN rnn = assertInstanceOf(SimpleRNN.class, model.getLayer("rnn"));
      assertTrue(rnn.goBackwards());
      assertTrue(rnn.returnState());
      assertEquals("relu", rnn.arguments().get("activation"));
    }
  }

  @Test
  void maskedCellsPredictAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("rnn_masked_cells.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "rnn_masked_cells");
      LSTM lstm = assertInstanceOf(LSTM.class, model.getLayer("rnn_lstm"));
      assertEquals(false, lstm.arguments().get("unit_forget_bias"));
      assertEquals(true, lstm.config().get("zero_output_for_mask"));
      assertInstanceOf(GRU.class, model.getLayer("rnn_gru"));
    }
  }

  /** Three Adam steps of the imported RNN(LSTMCell) model: Keras's losses and weights. */
  @Test
  void lstmCellTrainsAsKeras() throws Exception {
    // rnn: kernel, recurrent_kernel, bias; dense: kernel, bias.
    assertTrainsAsKeras("rnn_lstm_cell", 5);
  }

  /** The same for the three stacked cells. */
  @Test
  void stackedCellsTrainAsKeras() throws Exception {
    // rnn: three per cell; dense: kernel, bias.
    assertTrainsAsKeras("rnn_stacked_cells", 11);
  }

  private static void assertTrainsAsKeras(String fixture, int weightCount) throws Exception {
    JsonObject training = Fixtures.expected(fixture).requireObject("training");
    try (Model model = KerasModels.load(Fixtures.path(fixture + ".keras"))) {
      model.compile(Optimizer.fromConfig("Adam",
          Map.of("learning_rate", training.requireDouble("learning_rate"))),
          Losses.get(training.requireString("loss")));
      List<JsonObject> steps = training.requireArray("steps").objects();
      assertEquals(3, steps.size());
      for (int step = 0; step < steps.size(); step++) {
        JsonObject expected = steps.get(step);
        Map<String, Double> logs = model.trainOnBatch(
            Fixtures.array(training.requireObject("x")),
            Fixtures.array(training.requireObject("y")));
        double kerasLoss = expected.requireDouble("returned_loss");
        assertEquals(kerasLoss, logs.get("loss"), 1e-5 * Math.abs(kerasLoss),
            fixture + " loss of step " + (step + 1));
        JsonObject layers = expected.requireObject("weights");
        int compared = 0;
        for (String layerName : layers.keySet()) {
          // Keras's layer.weights order, which is Lamina's weights() order.
          List<JsonObject> kerasWeights = layers.requireArray(layerName).objects();
          List<Weight> own = model.getLayer(layerName).weights();
          assertEquals(kerasWeights.size(), own.size(), layerName + " weights");
          for (int i = 0; i < own.size(); i++) {
            JsonObject keras = kerasWeights.get(i);
            String what = layerName + "/" + own.get(i).name() + " (Keras's "
                + keras.requireString("path") + ") after step " + (step + 1);
            assertTrue(own.get(i).name().endsWith(keras.requireString("name")), what);
            assertClose(keras.requireArray("values").floats(), own.get(i).values(), what);
            compared++;
          }
        }
        assertEquals(weightCount, compared);
      }
    }
  }

  @Test
  void stackedCellsPredictAsKerasAndRoundTrip() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("rnn_stacked_cells.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "rnn_stacked_cells");
      StackedRNN rnn = assertInstanceOf(StackedRNN.class, model.getLayer("rnn"));
      assertEquals(3, rnn.cells().size());
      // gru_cell: (3, 9), (3, 9), (2, 9); gru_cell_1: (3, 6), (2, 6), (2, 6); simple: 2x2 x2 + 2.
      assertEquals(27 + 27 + 18 + 18 + 12 + 12 + 4 + 4 + 2, rnn.countParams());
      Path file = dir.resolve("rnn_stacked_cells.lamina");
      model.save(file);
      try (Model loaded = Model.load(file)) {
        assertInstanceOf(StackedRNN.class, loaded.getLayer("rnn"));
        Fixtures.assertPredictsAsKeras(loaded, "rnn_stacked_cells");
      }
    }
  }

  @Test
  void maskedStackedCellsBackwardsPredictAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("rnn_stacked_masked.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "rnn_stacked_masked");
      StackedRNN rnn = assertInstanceOf(StackedRNN.class, model.getLayer("rnn"));
      assertTrue(rnn.goBackwards() && rnn.returnSequences());
      assertInstanceOf(LSTM.class, rnn.cells().get(0));
      assertInstanceOf(GRU.class, rnn.cells().get(1));
    }
  }

  @Test
  void stackedCellsWithReturnStateAreRefused() throws Exception {
    Path file = KerasZips.withConfig(dir, "rnn_stacked_cells.keras",
        c -> c.replace("\"return_state\": false", "\"return_state\": true"));
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(file));
    assertTrue(e.getMessage().contains("return_state=True is not supported with "
        + "StackedRNNCells"), e.getMessage());
  }

  @Test
  void statefulRnnIsRefused() throws Exception {
    Path file = KerasZips.withConfig(dir, "rnn_lstm_cell.keras",
        c -> c.replace("\"stateful\": false", "\"stateful\": true"));
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(file));
    assertTrue(e.getMessage().contains("stateful=True is not supported"), e.getMessage());
  }

  @Test
  void unknownCellOptionAndCustomCellAreRefused() throws Exception {
    Path option = KerasZips.withConfig(dir, "rnn_lstm_cell.keras",
        c -> c.replace("\"unit_forget_bias\": true", "\"unit_forget_bias\": true, "
            + "\"peepholes\": true"));
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(option));
    assertTrue(e.getMessage().contains("has option 'peepholes', which Lamina's LSTMCell does "
        + "not support"), e.getMessage());
    Path custom = KerasZips.withConfig(dir, "rnn_lstm_cell.keras",
        c -> c.replace("\"class_name\": \"LSTMCell\"", "\"class_name\": \"PeepholeCell\""));
    e = assertThrows(ModelFormatException.class, () -> KerasModels.load(custom));
    assertTrue(e.getMessage().contains("the cell's class 'PeepholeCell' is not one Lamina "
        + "knows"), e.getMessage());
  }

  private static void assertClose(float[] keras, float[] lamina, String what) {
    assertEquals(keras.length, lamina.length, what);
    double scale = 0;
    for (float v : keras) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < keras.length; i++) {
      double difference = Math.abs(keras[i] - lamina[i]);
      assertTrue(difference <= 1e-5 * scale, what + "[" + i + "]: Keras " + keras[i]
          + ", Lamina " + lamina[i] + " (tolerance " + 1e-5 * scale + ")");
    }
  }
}
