package dev.lamina.runtime.layers.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.core.Embedding;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The recurrent layers in a model: summary (parameter counts by hand from Keras's weight
 * layout), a save/load round trip that predicts the same, and the Java API's checks.
 */
class RecurrentModelTest {

  @TempDir
  Path dir;

  /**
   * Embedding(7, 3, mask_zero) -> Bidirectional(LSTM(3, return_sequences)) ->
   * TimeDistributed(Dense(2)) -> GRU(4, reset_after=False, go_backwards) -> Dense(2), on a time
   * axis of unknown length.
   */
  static Model model() {
    return model(Input.UNKNOWN, RNN.DEFAULT_MAX_STEPS);
  }

  static Model model(long time, int maxSteps) {
    SymbolicTensor<TInt32> ids = Input.of(TInt32.class, time);
    SymbolicTensor<TFloat32> h = Embedding.builder(7, 3).maskZero(true).name("embedding")
        .build().apply(ids);
    h = new Bidirectional("bidirectional", LSTM.builder(3).returnSequences(true)
        .maxSteps(maxSteps).build(),
        "concat", null).apply(h);
    @SuppressWarnings("unchecked")
    SymbolicTensor<TFloat32> steps = (SymbolicTensor<TFloat32>) new TimeDistributed(
        "time_distributed", new Dense(2)).call(h);
    h = GRU.builder(4).resetAfter(false).goBackwards(true).maxSteps(maxSteps)
        .name("gru").build().apply(steps);
    return Model.of(ids, new Dense(2).apply(h));
  }

  static NdArray<?> ids() {
    return NdArrays.wrap(Shape.of(3, 5), DataBuffers.of(new int[] {3, 1, 4, 0, 0, 2, 5, 6, 1,
        3, 5, 0, 2, 0, 0}, true, false));
  }

  @Test
  void summaryCountsKerasParameters() {
    try (Model model = model()) {
      String summary = model.summary();
      // Per direction: kernel 3x12 + recurrent_kernel 3x12 + bias 12 = 84.
      assertTrue(summary.matches("(?s).* bidirectional \\(Bidirectional\\) +\\(None, None, 6\\) "
          + "+168 .*"), summary);
      assertTrue(summary.matches("(?s).* time_distributed \\(TimeDistributed\\) +\\(None, None, "
          + "2\\) +14 .*"), summary);
      // kernel 2x12 + recurrent_kernel 4x12 + bias 12 (reset_after=False: one row).
      assertTrue(summary.matches("(?s).* gru \\(GRU\\) +\\(None, 4\\) +84 .*"), summary);
      assertTrue(summary.contains("Total params: " + (21 + 168 + 14 + 84 + 10)), summary);
    }
  }

  @Test
  void saveAndLoadPredictTheSame() throws Exception {
    Path file = dir.resolve("rnn.lamina");
    float[] before;
    try (Model model = model()) {
      before = KerasLayerFixtures.floats(model.predict(List.of(ids())).get(0));
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      float[] after = KerasLayerFixtures.floats(loaded.predict(List.of(ids())).get(0));
      assertArrayEquals(before, after);
      Bidirectional bidirectional = (Bidirectional) loaded.layers().stream()
          .filter(l -> l instanceof Bidirectional).findFirst().orElseThrow();
      assertEquals("concat", bidirectional.mergeMode());
      assertTrue(bidirectional.forwardLayer().returnSequences());
      GRU gru = (GRU) loaded.layers().stream().filter(l -> l instanceof GRU).findFirst()
          .orElseThrow();
      assertTrue(gru.goBackwards());
      assertEquals(false, gru.config().get("reset_after"));
    }
  }

  /** A padded sample predicts as its unpadded prefix: the mask reaches every recurrent layer. */
  @Test
  void paddingIsMaskedOut() {
    try (Model model = model()) {
      float[] padded = KerasLayerFixtures.floats(model.predict(List.of(NdArrays.wrap(
          Shape.of(1, 5), DataBuffers.of(new int[] {3, 1, 4, 0, 0}, true, false)))).get(0));
      float[] prefix = KerasLayerFixtures.floats(model.predict(List.of(NdArrays.wrap(
          Shape.of(1, 3), DataBuffers.of(new int[] {3, 1, 4}, true, false)))).get(0));
      assertArrayEquals(prefix, padded, 1e-6f);
    }
  }

  /**
   * {@code fit} on a time axis of unknown length (unrolled to maxSteps, the padded steps masked
   * out) takes the same step as on the known length (unrolled exactly), through a Bidirectional
   * LSTM's sequences, a TimeDistributed Dense and a backward GRU, masked steps in the middle too;
   * a batch longer than maxSteps fails naming it.
   */
  @Test
  void fitOnUnknownLengthStepsAsOnKnownLength() {
    try (Model known = model(5, RNN.DEFAULT_MAX_STEPS); Model unknown = model(Input.UNKNOWN, 8)) {
      List<Weight> from = known.weights();
      List<Weight> to = unknown.weights();
      assertEquals(from.size(), to.size());
      for (int i = 0; i < from.size(); i++) {
        to.get(i).assign(from.get(i).values());
      }
      for (Model model : List.of(known, unknown)) {
        model.compile(Optimizer.fromConfig("SGD", Map.of("learning_rate", 0.1)),
            Losses.get("mse"));
      }
      int[][] x = {{3, 1, 4, 0, 0}, {2, 5, 6, 1, 3}, {5, 0, 2, 0, 0}};
      float[][] y = {{0.5f, -0.5f}, {1f, 0f}, {-1f, 0.25f}};
      for (int step = 0; step < 2; step++) {
        double a = known.trainOnBatch(x, y).get("loss");
        double b = unknown.trainOnBatch(x, y).get("loss");
        assertEquals(a, b, 1e-6, "loss of step " + step);
      }
      for (int i = 0; i < from.size(); i++) {
        assertArrayEquals(from.get(i).values(), to.get(i).values(), 1e-6f, to.get(i).name());
      }
      int[][] longer = {{1, 2, 3, 4, 5, 6, 1, 2, 3}, {1, 0, 0, 0, 0, 0, 0, 0, 0},
          {2, 2, 0, 0, 0, 0, 0, 0, 0}};
      Exception e = assertThrows(Exception.class, () -> unknown.trainOnBatch(longer, y));
      StringBuilder messages = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        messages.append(t.getMessage()).append('\n');
      }
      assertTrue(messages.toString().contains("maxSteps (8)"), messages.toString());
    }
  }

  @Test
  void badArgumentsNameTheLayer() {
    var units = assertThrows(IllegalArgumentException.class, () -> LSTM.builder(0).build());
    assertTrue(units.getMessage().contains("LSTM units"), units.getMessage());
    var stateful = assertThrows(IllegalArgumentException.class,
        () -> GRU.builder(2).stateful(true).build());
    assertTrue(stateful.getMessage().contains("stateful"), stateful.getMessage());
    var rank = assertThrows(IllegalArgumentException.class,
        () -> new LSTM(2).apply(Input.of(TFloat32.class, 4)));
    assertTrue(rank.getMessage().contains("(batch, time, features)"), rank.getMessage());
    var unroll = assertThrows(IllegalArgumentException.class, () -> SimpleRNN.builder(2)
        .unroll(true).build().apply(Input.of(TFloat32.class, Input.UNKNOWN, 3)));
    assertTrue(unroll.getMessage().contains("unknown length"), unroll.getMessage());
    var merge = assertThrows(IllegalArgumentException.class,
        () -> new Bidirectional("b", new LSTM(2), "max", null));
    assertTrue(merge.getMessage().contains("merge_mode"), merge.getMessage());
  }
}
