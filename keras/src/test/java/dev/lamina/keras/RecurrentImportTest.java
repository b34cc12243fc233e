package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SessionOptions;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.rnn.Bidirectional;
import dev.lamina.runtime.layers.rnn.GRU;
import dev.lamina.runtime.layers.rnn.LSTM;
import dev.lamina.runtime.layers.rnn.TimeDistributed;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * Keras 3 files with recurrent layers (tools/keras_rnn_fixtures.py): the weights come from the
 * cells' groups of {@code model.weights.h5} ({@code lstm/cell/vars}, {@code
 * bidirectional/forward_layer/cell/vars}, {@code time_distributed/layer/vars}), masks reach the
 * recurrent layers through a masked Embedding and a Lambda with a mask, on a time axis of
 * unknown length, and the models predict as Keras did (1e-5 relative).
 */
class RecurrentImportTest {

  @TempDir
  Path dir;

  static final LambdaBindings SCALE = LambdaBindings.of()
      .bind("scale", args -> DoubledLayer.of().name(args.layerName()));

  @Test
  void maskedLstmPredictsAsKeras() throws Exception {
    List<String> notes = new ArrayList<>();
    try (Model model = KerasModels.load(Fixtures.path("masked_lstm.keras"), SCALE,
        KerasImportOptions.defaults().withNotes(notes::add))) {
      Fixtures.assertPredictsAsKeras(model, "masked_lstm");
      Layer lstm = model.layers().stream().filter(l -> l instanceof LSTM).findFirst()
          .orElseThrow();
      // Keras's trained weights: kernel (4, 20), recurrent_kernel (5, 20), bias (20).
      assertEquals(4 * 20 + 5 * 20 + 20, lstm.countParams());
      // The padded first sample [3, 1, 4, 0, 0, 0] predicts as its unpadded prefix.
      float[] padded = row(model.predict(List.of(ids(new int[] {3, 1, 4, 0, 0, 0}))).get(0));
      float[] prefix = row(model.predict(List.of(ids(new int[] {3, 1, 4}))).get(0));
      for (int i = 0; i < padded.length; i++) {
        assertEquals(padded[i], prefix[i], 1e-6, "output " + i);
      }
    }
    assertEquals(List.of(), notes);
  }

  @Test
  void bidirectionalGruWithTimeDistributedPredictsAsKeras() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("bidirectional_gru.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "bidirectional_gru");
      List<Layer> bidirectional = model.layers().stream()
          .filter(l -> l instanceof Bidirectional).toList();
      assertEquals(2, bidirectional.size());
      assertTrue(((Bidirectional) bidirectional.get(0)).forwardLayer() instanceof GRU);
      assertEquals("ave", ((Bidirectional) bidirectional.get(1)).mergeMode());
      assertTrue(model.layers().stream().anyMatch(l -> l instanceof TimeDistributed));
    }
  }

  /** An imported masked LSTM on a time axis of unknown length trains on batches of any length. */
  @Test
  void importedMaskedLstmTrainsOnBatchesOfTwoLengths() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("masked_lstm.keras"), SCALE)) {
      // The LSTM unrolls to its default 100 steps in fit; without grappler the first step
      // does not spend its time optimising that graph (see README, Sequence layers).
      model.withSessionOptions(SessionOptions.defaults().grappler(false));
      model.compile(Optimizer.fromConfig("SGD", Map.of("learning_rate", 0.1)),
          Losses.get("mse"));
      float[][] y = {{0.5f, -0.5f}, {1f, 0f}};
      double first = model.trainOnBatch(new int[][] {{3, 1, 4, 0}, {2, 5, 0, 0}}, y)
          .get("loss");
      double second = model.trainOnBatch(new int[][] {{3, 1, 4, 1, 5, 0, 0}, {2, 5, 6, 0, 0, 0,
          0}}, y).get("loss");
      assertTrue(Double.isFinite(first) && Double.isFinite(second), first + ", " + second);
    }
  }

  /** The mask node is read only as a mask=: a layer fed by it is refused, naming it. */
  @Test
  void maskNodeFeedingALayerIsRefused() throws Exception {
    Path file = KerasZips.withConfig(dir, "masked_lstm.keras",
        c -> c.replace("\"keras_history\": [\"lstm\", 0, 0]",
            "\"keras_history\": [\"not_equal\", 0, 0]"));
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(file, SCALE));
    assertTrue(e.getMessage().contains("'not_equal' is Keras's op NotEqual, which the importer "
        + "reads only as part of a mask passed by mask="), e.getMessage());
  }

  /** A mask= that is not an Embedding(mask_zero=True)'s (here: mask_zero off) is refused. */
  @Test
  void maskKeywordWithoutLaminaMaskIsRefused() throws Exception {
    Path file = KerasZips.withConfig(dir, "masked_lstm.keras",
        c -> c.replace("\"mask_zero\": true", "\"mask_zero\": false"));
    var e = assertThrows(ModelFormatException.class, () -> KerasModels.load(file, SCALE));
    assertTrue(e.getMessage().contains("neither an Embedding(mask_zero=True)'s ids != 0"),
        e.getMessage());
  }

  private static NdArray<?> ids(int[] row) {
    return NdArrays.wrap(Shape.of(1, row.length), DataBuffers.of(row, true, false));
  }

  private static float[] row(NdArray<?> array) {
    FloatNdArray values = (FloatNdArray) array;
    float[] out = new float[(int) values.size()];
    values.copyTo(DataBuffers.of(out, false, false));
    return out;
  }
}
