package dev.lamina.runtime.layers.rnn;

import static dev.lamina.runtime.layers.KerasLayerFixtures.array;
import static dev.lamina.runtime.layers.KerasLayerFixtures.booleans;
import static dev.lamina.runtime.layers.KerasLayerFixtures.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.KerasLayerFixtures;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.registry.LayerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * ConvLSTM1D and ConvLSTM2D ({@code convlstm.json}) and ConvLSTM3D ({@code convlstm3d.json})
 * against Keras 3 (tools/keras_convlstm_fixtures.py): each case's
 * layer is read from Keras's config through its registered type, given Keras's weights, and run
 * on the case's sequences (masked cases through a test layer that attaches Keras's mask); every
 * output and its mask must match to 1e-5. Then three SGD train_on_batch steps of a small model,
 * a summary, a save/load round trip and the refusals.
 */
class ConvLSTMTest {

  @TempDir
  Path dir;

  private static final List<String> FIXTURES = List.of("convlstm.json", "convlstm3d.json");

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String fixture : FIXTURES) {
      for (JsonObject c : KerasLayerFixtures.fixture(fixture).requireArray("cases").objects()) {
        out.add(Arguments.of(c.requireString("id"), c));
      }
    }
    return out.stream();
  }

  /** Passes the sequences through, with the mask {@code keep > 0} of its second input. */
  static final class MaskFrom extends Layer {
    MaskFrom() {
      super("mask_from");
    }

    @Override
    protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
      return Layers.spec(inputs.get(0).shape(), TFloat32.class);
    }

    @Override
    protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
      return tf.identity(inputs.get(0));
    }

    @Override
    @SuppressWarnings("unchecked")
    protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
      return (tf, operands, masks) -> tf.math.greater((Operand<TFloat32>) operands.get(1),
          tf.constant(0f));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardMatchesKeras(String id, JsonObject testCase) throws IOException {
    assertForwardMatchesKeras(id, testCase, false);
  }

  /**
   * The same cases on an Input whose time axis is of unknown length: the steps are then
   * unrolled to maxSteps (100), the padded ones masked out, and must give Keras's numbers too
   * (a case with {@code unroll=True} is refused, as Keras refuses it).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardOnUnknownLengthMatchesKeras(String id, JsonObject testCase) throws IOException {
    assertForwardMatchesKeras(id, testCase, true);
  }

  private static void assertForwardMatchesKeras(String id, JsonObject testCase,
      boolean unknownTime) throws IOException {
    Layer layer = KerasLayerFixtures.fromKerasConfig(testCase);
    JsonObject x = testCase.requireObject("x");
    long[] xShape = x.requireArray("shape").longs();
    long[] inputShape = java.util.Arrays.copyOfRange(xShape, 1, xShape.length);
    if (unknownTime) {
      inputShape[0] = Input.UNKNOWN;
    }
    SymbolicTensor<?> input = Input.of(TFloat32.class, inputShape);
    List<SymbolicTensor<?>> inputs = new ArrayList<>(List.of(input));
    List<NdArray<?>> data = new ArrayList<>(List.of(array(x)));
    SymbolicTensor<?> sequences = input;
    JsonObject mask = testCase.optObject("mask");
    if (mask != null) {
      int[] keep = mask.requireArray("values").ints();
      float[] asFloat = new float[keep.length];
      for (int i = 0; i < keep.length; i++) {
        asFloat[i] = keep[i];
      }
      long[] shape = mask.requireArray("shape").longs();
      SymbolicTensor<TFloat32> keepInput = Input.of(TFloat32.class,
          unknownTime ? Input.UNKNOWN : shape[1]);
      inputs.add(keepInput);
      data.add(NdArrays.wrap(Shape.of(shape), DataBuffers.of(asFloat, true, false)));
      sequences = new MaskFrom().call(input, keepInput);
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
    if (unknownTime && Boolean.TRUE.equals(layer.config().get("unroll"))) {
      // Keras too: "Cannot unroll a RNN if the time dimension is undefined"
      var e = assertThrows(IllegalArgumentException.class, () -> layer.callOutputs(callInputs));
      assertTrue(e.getMessage().contains("cannot unroll"), e.getMessage());
      return;
    }
    List<SymbolicTensor<?>> outputs = layer.callOutputs(callInputs);
    RecurrentLayersTest.setWeights(layer, testCase.requireArray("weights"));
    List<JsonObject> expected = testCase.requireArray("outputs").objects();
    assertEquals(expected.size(), outputs.size(), "number of outputs");
    JsonArray masks = testCase.requireArray("output_masks");
    List<SymbolicTensor<?>> fetched = new ArrayList<>(outputs);
    List<Integer> maskOf = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      boolean keras = masks.get(i) != null;
      assertEquals(keras, outputs.get(i).mask().isPresent(), id + ": whether output " + i
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
        if (!unknownTime) {
          assertEquals(Shape.of(want.requireArray("shape").longs()).tail(),
              outputs.get(i).shape().tail(), id + " output " + i + " static shape");
        }
        assertCloseConv(want.requireArray("values").floats(), floats(results.get(i)),
            id + " output " + i);
      }
      for (int k = 0; k < maskOf.size(); k++) {
        int[] keras = masks.requireObject(maskOf.get(k)).requireArray("values").ints();
        boolean[] lamina = booleans(results.get(expected.size() + k));
        for (int j = 0; j < keras.length; j++) {
          assertEquals(keras[j] != 0, lamina[j], id + " mask of output " + maskOf.get(k));
        }
      }
    }
  }

  /**
   * 5e-5 relative (KerasLayerFixtures' 1e-5 plus room): the convolutions sum their float32 terms
   * in another order than Keras's TensorFlow kernels, and the differences grow over the steps.
   */
  static void assertCloseConv(float[] keras, float[] lamina, String what) {
    assertEquals(keras.length, lamina.length, what + ": number of values");
    for (int i = 0; i < keras.length; i++) {
      double tolerance = 5e-5 * Math.abs(keras[i]) + 1e-6;
      assertTrue(Math.abs(keras[i] - lamina[i]) <= tolerance, what + "[" + i + "]: Keras "
          + keras[i] + ", Lamina " + lamina[i] + " (tolerance " + tolerance + ")");
    }
  }

  static Model trainingModel() {
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 3, 5, 2);
    SymbolicTensor<TFloat32> h = ConvLSTM1D.builder(2, 3).padding("same").name("conv_lstm1d")
        .build().apply(x);
    @SuppressWarnings("unchecked")
    SymbolicTensor<TFloat32> flat = (SymbolicTensor<TFloat32>) new Flatten().call(h);
    return Model.of(x, Dense.builder(2).name("dense").build().apply(flat));
  }

  static Stream<Arguments> training() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String fixture : FIXTURES) {
      for (JsonObject c : KerasLayerFixtures.fixture(fixture).requireArray("training")
          .objects()) {
        out.add(Arguments.of(c.requireString("id"), c));
      }
    }
    return out.stream();
  }

  /** Three SGD steps from Keras's initial weights, seeded dropout masks included. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void trainsAsKeras(String id, JsonObject testCase) throws IOException {
    Model built = switch (id) {
      case "conv_lstm1d_same" -> trainingModel();
      case "conv_lstm1d_dropout_seeded" -> head(Input.of(TFloat32.class, 3, 5, 2),
          ConvLSTM1D.builder(2, 3).padding("same").dropout(0.3).recurrentDropout(0.25)
              .seed(1234L).name("conv_lstm1d").build());
      case "conv_lstm2d_dropout_seeded" -> head(Input.of(TFloat32.class, 3, 3, 4, 2),
          ConvLSTM2D.builder(2, 2).dropout(0.4).seed(99L).name("conv_lstm2d").build());
      case "conv_lstm3d_same_strides" -> head(Input.of(TFloat32.class, 3, 2, 3, 3, 2),
          ConvLSTM3D.builder(2, 2).padding("same").strides(1, 2, 1).name("conv_lstm3d")
              .build());
      case "conv_lstm3d_dropout_seeded" -> head(Input.of(TFloat32.class, 3, 2, 3, 3, 2),
          ConvLSTM3D.builder(2, 2).dropout(0.3).recurrentDropout(0.25).seed(7L)
              .name("conv_lstm3d").build());
      default -> throw new AssertionError("no model for " + id);
    };
    try (Model model = built) {
      JsonObject x = testCase.requireObject("x");
      RecurrentLayersTest.assertTrainsAsKeras(testCase, model,
          x.requireArray("shape").size() == 4 ? floats4(x) : array(x));
    }
  }

  @SuppressWarnings("unchecked")
  private static Model head(SymbolicTensor<TFloat32> x, ConvLSTM layer) {
    SymbolicTensor<TFloat32> h = (SymbolicTensor<TFloat32>) layer.call(x);
    SymbolicTensor<TFloat32> flat = (SymbolicTensor<TFloat32>) new Flatten().call(h);
    return Model.of(x, Dense.builder(2).name("dense").build().apply(flat));
  }

  @Test
  void summaryCountsKerasParameters() {
    try (Model model = trainingModel()) {
      String summary = model.summary();
      // kernel 3x2x8 + recurrent_kernel 3x2x8 + bias 8 = 104.
      assertTrue(summary.matches("(?s).* conv_lstm1d \\(ConvLSTM1D\\) +\\(None, 5, 2\\) +104 "
          + ".*"), summary);
    }
  }

  /**
   * ConvLSTM3D in a summary with Keras's count, and through a file: kernel 2x3x2 x 3 x 8 = 288,
   * recurrent_kernel 2x3x2 x 2 x 8 = 192, bias 8: 488; the output (valid) (3, 2, 4, 2).
   */
  @Test
  void convLstm3dSummarizesAndSavesAndLoads() throws Exception {
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, 2, 4, 4, 5, 3);
    ConvLSTM3D layer = ConvLSTM3D.builder(2, 2, 3, 2).recurrentDropout(0.1).seed(5L)
        .name("conv_lstm3d").build();
    SymbolicTensor<TFloat32> h = layer.apply(x);
    assertArrayEquals(new long[] {-1, 3, 2, 4, 2}, h.shape().asArray());
    assertEquals(488, layer.countParams());
    Path file = dir.resolve("convlstm3d.lamina");
    float[] values = new float[2 * 2 * 4 * 4 * 5 * 3];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) Math.sin(0.3 * i);
    }
    NdArray<?> data = NdArrays.wrap(Shape.of(2, 2, 4, 4, 5, 3),
        DataBuffers.of(values, true, false));
    float[] before;
    try (Model model = Model.of(x, h)) {
      String summary = model.summary();
      assertTrue(summary.matches("(?s).* conv_lstm3d \\(ConvLSTM3D\\) +\\(None, 3, 2, 4, 2\\) "
          + "+488 .*"), summary);
      before = floats(model.predict(List.of(data)).get(0));
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertArrayEquals(before, floats(loaded.predict(List.of(data)).get(0)));
      Layer back = loaded.layers().stream().filter(l -> l instanceof ConvLSTM3D).findFirst()
          .orElseThrow();
      assertEquals(layer.config(), back.config());
    }
  }

  @Test
  void saveAndLoadPredictTheSame() throws Exception {
    Path file = dir.resolve("convlstm.lamina");
    float[][][][] x = new float[2][3][5][2];
    for (int i = 0; i < 60; i++) {
      x[i / 30][i / 10 % 3][i / 2 % 5][i % 2] = (float) Math.sin(i);
    }
    NdArray<?> data = NdArrays.wrap(Shape.of(2, 3, 5, 2),
        DataBuffers.of(flatten(x), true, false));
    float[] before;
    try (Model model = trainingModel()) {
      before = floats(model.predict(List.of(data)).get(0));
      model.save(file);
    }
    try (Model loaded = Model.load(file)) {
      assertArrayEquals(before, floats(loaded.predict(List.of(data)).get(0)));
      ConvLSTM1D layer = (ConvLSTM1D) loaded.layers().stream()
          .filter(l -> l instanceof ConvLSTM1D).findFirst().orElseThrow();
      assertEquals("same", layer.config().get("padding"));
      assertEquals(2, layer.filters());
    }
  }

  static float[][][][] floats4(JsonObject tensor) throws IOException {
    int[] s = tensor.requireArray("shape").ints();
    float[] v = tensor.requireArray("values").floats();
    float[][][][] out = new float[s[0]][s[1]][s[2]][s[3]];
    int k = 0;
    for (float[][][] a : out) {
      for (float[][] b : a) {
        for (float[] c : b) {
          for (int i = 0; i < c.length; i++) {
            c[i] = v[k++];
          }
        }
      }
    }
    assertEquals(v.length, k);
    return out;
  }

  private static float[] flatten(float[][][][] x) {
    float[] out = new float[60];
    int k = 0;
    for (float[][][] a : x) {
      for (float[][] b : a) {
        for (float[] c : b) {
          for (float v : c) {
            out[k++] = v;
          }
        }
      }
    }
    return out;
  }

  /**
   * {@code fit} on a time axis of unknown length (unrolled to maxSteps, the padded steps kept
   * out) takes the same steps as on the known length, backwards and with return_sequences; a
   * batch longer than maxSteps fails naming the layer.
   */
  @Test
  void fitOnUnknownLengthStepsAsOnKnownLength() {
    try (Model known = sequenceModel(3, 100); Model unknown = sequenceModel(Input.UNKNOWN, 4)) {
      List<dev.lamina.runtime.Weight> from = known.weights();
      List<dev.lamina.runtime.Weight> to = unknown.weights();
      assertEquals(from.size(), to.size());
      for (int i = 0; i < from.size(); i++) {
        to.get(i).assign(from.get(i).values());
      }
      for (Model model : List.of(known, unknown)) {
        model.compile(dev.lamina.runtime.train.Optimizer.fromConfig("SGD",
            java.util.Map.of("learning_rate", 0.1)), dev.lamina.runtime.train.Losses.get("mse"));
      }
      float[][][][] x = new float[2][3][5][2];
      for (int i = 0; i < 60; i++) {
        x[i / 30][i / 10 % 3][i / 2 % 5][i % 2] = (float) Math.cos(0.7 * i);
      }
      float[][] y = {{0.5f, -0.5f}, {1f, 0f}};
      for (int step = 0; step < 2; step++) {
        double a = known.trainOnBatch(x, y).get("loss");
        double b = unknown.trainOnBatch(x, y).get("loss");
        assertEquals(a, b, 1e-6, "loss of step " + step);
      }
      for (int i = 0; i < from.size(); i++) {
        assertArrayEquals(from.get(i).values(), to.get(i).values(), 1e-6f, to.get(i).name());
      }
      float[][][][] tooLong = new float[2][5][5][2];
      var e = assertThrows(RuntimeException.class, () -> unknown.trainOnBatch(tooLong, y));
      assertTrue(String.valueOf(e.getMessage()).contains("maxSteps (4)"), e.getMessage());
    }
  }

  /** ConvLSTM1D(2, 2, go_backwards, return_sequences) -> ConvLSTM1D(2, 3, same) -> Dense. */
  @SuppressWarnings("unchecked")
  static Model sequenceModel(long time, int maxSteps) {
    SymbolicTensor<TFloat32> x = Input.of(TFloat32.class, time, 5, 2);
    SymbolicTensor<TFloat32> h = ConvLSTM1D.builder(2, 2).goBackwards(true)
        .returnSequences(true).maxSteps(maxSteps).name("a").build().apply(x);
    h = ConvLSTM1D.builder(2, 3).padding("same").maxSteps(maxSteps).name("b").build().apply(h);
    SymbolicTensor<TFloat32> flat = (SymbolicTensor<TFloat32>) new Flatten().call(h);
    return Model.of(x, Dense.builder(2).name("dense").build().apply(flat));
  }

  @Test
  void refusesWhatItDoesNotSupport() {
    var stateful = assertThrows(IllegalArgumentException.class,
        () -> ConvLSTM1D.builder(2, 3).stateful(true).build());
    assertTrue(stateful.getMessage().contains("stateful"), stateful.getMessage());
    var first = assertThrows(IllegalArgumentException.class,
        () -> ConvLSTM2D.builder(2, 3).dataFormat("channels_first").build());
    assertTrue(first.getMessage().contains("channels_first"), first.getMessage());
    var causal = assertThrows(IllegalArgumentException.class,
        () -> ConvLSTM1D.builder(2, 3).padding("causal").build());
    assertTrue(causal.getMessage().contains("padding"), causal.getMessage());
    var both = assertThrows(IllegalArgumentException.class,
        () -> ConvLSTM1D.builder(2, 3).strides(2).dilationRate(2).build());
    assertTrue(both.getMessage().contains("dilation_rate"), both.getMessage());
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> ConvLSTM1D.builder(2, 3).unroll(true).build()
            .apply(Input.of(TFloat32.class, Input.UNKNOWN, 5, 2)));
    assertTrue(unknown.getMessage().contains("unknown length"), unknown.getMessage());
    var rank = assertThrows(IllegalArgumentException.class,
        () -> new ConvLSTM2D(2, 3).apply(Input.of(TFloat32.class, 3, 5, 2)));
    assertTrue(rank.getMessage().contains("ConvLSTM2D"), rank.getMessage());
    var rank3 = assertThrows(IllegalArgumentException.class,
        () -> new ConvLSTM3D(2, 3).apply(Input.of(TFloat32.class, 3, 5, 5, 2)));
    assertTrue(rank3.getMessage().contains("ConvLSTM3D"), rank3.getMessage());
    assertTrue(rank3.getMessage().contains("(batch, time, depth, rows, cols, channels)"),
        rank3.getMessage());
    var small = assertThrows(IllegalArgumentException.class,
        () -> new ConvLSTM3D(2, 3).apply(Input.of(TFloat32.class, 3, 2, 5, 5, 2)));
    assertTrue(small.getMessage().contains("too small"), small.getMessage());
    var kernel = assertThrows(IllegalArgumentException.class,
        () -> ConvLSTM3D.builder(2, 3, 3).build());
    assertTrue(kernel.getMessage().contains("ConvLSTM3D kernel_size"), kernel.getMessage());
    var first3 = assertThrows(ModelFormatException.class,
        () -> RnnTypes.CONV_LSTM3D.fromConfig("c", new LayerConfig(Json.parseObject(
            ("{\"filters\": 2, \"kernel_size\": [2, 2, 2], \"data_format\": "
                + "\"channels_first\"}").getBytes(StandardCharsets.UTF_8), "test"),
            "ConvLSTM3D layer 'c'", LayerConfig.Origin.KERAS)));
    assertTrue(first3.getMessage().contains("channels_first"), first3.getMessage());
    assertTrue(first3.getMessage().contains("ConvLSTM3D"), first3.getMessage());
    var config = assertThrows(ModelFormatException.class,
        () -> RnnTypes.CONV_LSTM1D.fromConfig("c", new LayerConfig(Json.parseObject(
            ("{\"filters\": 2, \"kernel_size\": 3, \"data_format\": \"channels_first\"}")
                .getBytes(StandardCharsets.UTF_8), "test"), "ConvLSTM1D layer 'c'",
            LayerConfig.Origin.KERAS)));
    assertTrue(config.getMessage().contains("channels_first"), config.getMessage());
  }
}
