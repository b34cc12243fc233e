package dev.lamina.runtime.layers.rnn;

import static dev.lamina.runtime.layers.KerasLayerFixtures.array;
import static dev.lamina.runtime.layers.KerasLayerFixtures.assertClose;
import static dev.lamina.runtime.layers.KerasLayerFixtures.booleans;
import static dev.lamina.runtime.layers.KerasLayerFixtures.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.core.Embedding;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras 3 as the oracle for SimpleRNN, LSTM, GRU, Bidirectional and TimeDistributed
 * ({@code tools/keras_rnn_fixtures.py} wrote {@code rnn.json}): each case's layer is read from
 * Keras's config through its registered type, given Keras's weights, and run on the case's
 * sequences (through a masked Embedding for the masked cases, with 0 as padding in the middle of
 * a sample too); every output and its mask must match Keras's to 1e-5. Then three
 * {@code train_on_batch} steps of small models, seeded dropout included, to 1e-5.
 */
class RecurrentLayersTest {

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture("rnn.json").requireArray("cases").objects()) {
      out.add(Arguments.of(c.requireString("id"), c));
    }
    return out.stream();
  }

  static Stream<Arguments> training() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : KerasLayerFixtures.fixture("rnn.json").requireArray("training")
        .objects()) {
      out.add(Arguments.of(c.requireString("id"), c));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardMatchesKeras(String id, JsonObject testCase) throws IOException {
    assertForwardMatchesKeras(id, testCase, false);
  }

  /**
   * The same cases on an Input whose time axis is of unknown length: predict then runs the
   * TensorFlow while loop instead of the unrolled steps, and must give Keras's numbers too.
   * Keras's unroll=True refuses an unknown length, as Lamina does.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardOnUnknownLengthMatchesKeras(String id, JsonObject testCase) throws IOException {
    JsonObject config = testCase.requireObject("config");
    JsonObject inner = config.optObject("layer");
    boolean unroll = config.optBoolean("unroll", false)
        || inner != null && inner.requireObject("config").optBoolean("unroll", false);
    if (unroll) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> assertForwardMatchesKeras(id, testCase, true));
      assertTrue(e.getMessage().contains("unknown length"), e.getMessage());
      return;
    }
    assertForwardMatchesKeras(id, testCase, true);
  }

  private static void assertForwardMatchesKeras(String id, JsonObject testCase,
      boolean unknownTime) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    List<SymbolicTensor<?>> inputs = new ArrayList<>();
    List<NdArray<?>> data = new ArrayList<>();
    SymbolicTensor<?> sequences;
    JsonObject ids = testCase.optObject("ids");
    if (ids != null) {
      JsonObject emb = testCase.requireObject("embedding");
      long time = unknownTime ? Input.UNKNOWN : ids.requireArray("shape").longs()[1];
      SymbolicTensor<TInt32> tokens = Input.of(TInt32.class, time);
      inputs.add(tokens);
      data.add(array(ids));
      sequences = Embedding.builder(emb.requireInt("input_dim"), emb.requireInt("output_dim"))
          .maskZero(true).embeddings(emb.requireArray("values").floats()).build().apply(tokens);
    } else {
      JsonObject x = testCase.requireObject("x");
      long[] shape = x.requireArray("shape").longs();
      sequences = unknownTime ? Input.of(TFloat32.class, Input.UNKNOWN, shape[2])
          : KerasLayerFixtures.input(x);
      inputs.add(sequences);
      data.add(array(x));
    }
    List<SymbolicTensor<?>> callInputs = new ArrayList<>(List.of(sequences));
    JsonArray states = testCase.optArray("states");
    if (states != null) {
      for (JsonObject state : states.objects()) {
        SymbolicTensor<?> s = KerasLayerFixtures.input(state);
        inputs.add(s);
        callInputs.add(s);
        data.add(array(state));
      }
    }
    List<SymbolicTensor<?>> outputs = layer.callOutputs(callInputs);
    setWeights(layer, testCase.requireArray("weights"));
    List<JsonObject> expected = testCase.requireArray("outputs").objects();
    assertEquals(expected.size(), outputs.size(), "number of outputs");
    JsonArray masks = testCase.requireArray("output_masks");
    List<SymbolicTensor<?>> fetched = new ArrayList<>(outputs);
    List<Integer> maskOf = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      boolean keras = masks.get(i) != null;
      assertEquals(keras, outputs.get(i).mask().isPresent(), "whether output " + i
          + " has a mask, as in Keras");
      if (keras) {
        maskOf.add(i);
        fetched.add(outputs.get(i).mask().orElseThrow());
      }
    }
    try (Model model = Model.of(inputs, fetched)) {
      List<NdArray<?>> results = model.predict(data);
      for (int i = 0; i < expected.size(); i++) {
        JsonObject want = expected.get(i);
        assertEquals(Shape.of(want.requireArray("shape").longs()), results.get(i).shape(),
            id + " output " + i + " shape");
        assertClose(want.requireArray("values").floats(), floats(results.get(i)),
            id + " output " + i);
      }
      for (int k = 0; k < maskOf.size(); k++) {
        int[] keras = masks.requireObject(maskOf.get(k)).requireArray("values").ints();
        boolean[] lamina = booleans(results.get(expected.size() + k));
        for (int j = 0; j < keras.length; j++) {
          assertEquals(keras[j] != 0, lamina[j], id + " mask of output " + maskOf.get(k) + "["
              + j + "]");
        }
      }
    }
  }

  /** Keras's weights in Keras's order; a wrapper's names end with Keras's name. */
  static void setWeights(Layer layer, JsonArray weights) throws IOException {
    List<Weight> declared = layer.weights();
    assertEquals(weights.size(), declared.size(), "number of weights of " + layer.describe());
    List<org.tensorflow.ndarray.NdArray<?>> values = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      JsonObject weight = weights.requireObject(i);
      String name = declared.get(i).name();
      assertEquals(weight.requireString("name"), name.substring(name.lastIndexOf('/') + 1),
          "weight " + i);
      // rnn.json's weights are float32 and carry no dtype field.
      values.add(org.tensorflow.ndarray.NdArrays.wrap(
          Shape.of(weight.requireArray("shape").longs()),
          org.tensorflow.ndarray.buffer.DataBuffers.of(weight.requireArray("values").floats(),
              true, false)));
    }
    layer.setWeightArrays(values);
  }

  /**
   * The masked cases feed ids of unknown length, unrolled in fit to maxSteps: 8 here (the
   * batches have 6 steps) keeps the graphs small; gru_unknown_length keeps the default 100.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void trainsAsKeras(String id, JsonObject testCase) throws IOException {
    JsonObject xJson = testCase.requireObject("x");
    boolean tokens = xJson.requireString("dtype").equals("int32");
    long[] xShape = xJson.requireArray("shape").longs();
    SymbolicTensor<?> input;
    SymbolicTensor<TFloat32> h;
    if (tokens) {
      SymbolicTensor<TInt32> ids = Input.of(TInt32.class, Input.UNKNOWN);
      input = ids;
      h = Embedding.builder(7, 3).maskZero(true).name("embedding").build().apply(ids);
    } else {
      long time = id.equals("gru_unknown_length") ? Input.UNKNOWN : xShape[1];
      SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, time, xShape[2]);
      input = x;
      h = x;
    }
    Layer rnn = switch (id) {
      case "lstm_masked" -> LSTM.builder(4).maxSteps(8).name("lstm").build();
      case "gru_unknown_length" -> GRU.builder(4).name("gru").build();
      case "gru_reset_before" -> GRU.builder(4).resetAfter(false).name("gru").build();
      case "simple_rnn_masked" -> SimpleRNN.builder(4).goBackwards(true).maxSteps(8)
          .name("simple_rnn")
          .build();
      case "bidirectional_lstm_masked" -> new Bidirectional("bidirectional",
          LSTM.builder(3).maxSteps(8).build(), "concat", null);
      case "lstm_dropout_seeded" -> LSTM.builder(4).dropout(0.3).recurrentDropout(0.25)
          .seed(1234L).name("lstm").build();
      case "gru_input_dropout_seeded" -> GRU.builder(4).dropout(0.4).seed(99L).name("gru")
          .build();
      case "simple_rnn_recurrent_dropout_seeded" -> SimpleRNN.builder(4).dropout(0.2)
          .recurrentDropout(0.3).seed(5L).name("simple_rnn").build();
      case "gru_masked_sparse_cce" -> GRU.builder(4).maxSteps(8).name("gru").build();
      case "bidirectional_gru_dropout_seeded" -> new Bidirectional("bidirectional",
          GRU.builder(3).dropout(0.3).recurrentDropout(0.2).seed(7L).build(), "concat", null);
      default -> throw new AssertionError("no model for " + id);
    };
    @SuppressWarnings("unchecked")
    SymbolicTensor<TFloat32> features = (SymbolicTensor<TFloat32>) rnn.call(h);
    boolean sparse = testCase.requireString("loss").startsWith("sparse");
    SymbolicTensor<TFloat32> out = sparse
        ? Dense.builder(3).activation("softmax").name("dense").build().apply(features)
        : new Dense(2).apply(features);
    try (Model model = Model.of(input, out)) {
      assertTrainsAsKeras(testCase, model, tokens ? KerasLayerFixtures.javaArray(xJson)
          : floats3(xJson));
    }
  }

  /** Three steps from Keras's initial weights: each step's loss and weights, then predict. */
  static void assertTrainsAsKeras(JsonObject testCase, Model model, Object x)
      throws IOException {
    List<Weight> weights = model.weights();
    JsonArray initial = testCase.requireArray("initial_weights");
    assertEquals(initial.size(), weights.size(), "number of weights");
    for (int i = 0; i < weights.size(); i++) {
      JsonObject weight = initial.requireObject(i);
      String name = weights.get(i).name();
      assertEquals(weight.requireString("name"), name.substring(name.lastIndexOf('/') + 1));
      weights.get(i).assign(weight.requireArray("values").floats());
    }
    JsonObject optimizerJson = testCase.requireObject("optimizer");
    Map<String, Object> options = new LinkedHashMap<>(optimizerJson);
    options.remove("class");
    model.compile(Optimizer.fromConfig(optimizerJson.requireString("class"), options),
        Losses.get(testCase.requireString("loss")));
    JsonObject yJson = testCase.requireObject("y");
    Object y = yJson.requireString("dtype").equals("int32")
        ? yJson.requireArray("values").ints() : KerasLayerFixtures.rows(yJson);
    List<JsonObject> steps = testCase.requireArray("steps").objects();
    for (int step = 0; step < steps.size(); step++) {
      JsonObject expected = steps.get(step);
      Map<String, Double> logs = model.trainOnBatch(x, y);
      double kerasLoss = expected.requireDouble("returned_loss");
      assertEquals(kerasLoss, logs.get("loss"), 1e-5 * Math.abs(kerasLoss) + 1e-7,
          "loss of step " + (step + 1));
      JsonArray after = expected.requireArray("weights");
      for (int w = 0; w < weights.size(); w++) {
        JsonObject weight = after.requireObject(w);
        assertClose(weight.requireArray("values").floats(), weights.get(w).values(),
            weight.requireString("path") + " after step " + (step + 1));
      }
    }
    JsonObject predicted = testCase.requireObject("predict_after");
    float[] lamina = floats(model.predict(List.of(array(testCase.requireObject("x")))).get(0));
    assertClose(predicted.requireArray("values").floats(), lamina, "predictions after training");
  }

  static float[][][] floats3(JsonObject tensor) throws IOException {
    int[] s = tensor.requireArray("shape").ints();
    float[] v = tensor.requireArray("values").floats();
    float[][][] out = new float[s[0]][s[1]][s[2]];
    int k = 0;
    for (float[][] a : out) {
      for (float[] b : a) {
        for (int i = 0; i < b.length; i++) {
          b[i] = v[k++];
        }
      }
    }
    assertTrue(k == v.length);
    return out;
  }
}
