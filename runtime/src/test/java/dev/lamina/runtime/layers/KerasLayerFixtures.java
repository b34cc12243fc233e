package dev.lamina.runtime.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.tensorflow.ndarray.BooleanNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Keras 3 as the oracle for single layers: {@code tools/keras_layer_fixtures.py} wrote each
 * case's config, inputs, weights, outputs and mask ({@code layers.json}), and training runs of
 * small models. Layers here are built from Keras's config through their registered type, as the
 * Keras importer builds them.
 */
public final class KerasLayerFixtures {

  /** Agreement to 1e-5 of each value, with a floor of 1e-6 for values near zero. */
  public static final double RELATIVE = 1e-5;
  private static final double ABSOLUTE = 1e-6;

  private static JsonObject fixture;

  private KerasLayerFixtures() {}

  public static synchronized JsonObject fixture() throws IOException {
    if (fixture == null) {
      try (InputStream in = KerasLayerFixtures.class.getResourceAsStream("/keras/layers.json")) {
        fixture = Json.parseObject(in.readAllBytes(), "layers.json");
      }
    }
    return fixture;
  }

  private static final Map<String, JsonObject> OTHERS = new java.util.HashMap<>();

  /** Another fixture file of the same case format, e.g. {@code reshaping.json}. */
  public static synchronized JsonObject fixture(String resource) throws IOException {
    JsonObject loaded = OTHERS.get(resource);
    if (loaded == null) {
      try (InputStream in = KerasLayerFixtures.class.getResourceAsStream("/keras/" + resource)) {
        loaded = Json.parseObject(in.readAllBytes(), resource);
      }
      OTHERS.put(resource, loaded);
    }
    return loaded;
  }

  /** Every case of {@code className}, named by its id, for a parameterized test. */
  public static Stream<Arguments> cases(String className) throws IOException {
    return cases(fixture(), className);
  }

  /** Every case of {@code className} in another fixture file ({@link #fixture(String)}). */
  public static Stream<Arguments> cases(String resource, String className) throws IOException {
    return cases(fixture(resource), className);
  }

  private static Stream<Arguments> cases(JsonObject fixture, String className)
      throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : fixture.requireArray("cases").objects()) {
      if (c.requireString("class_name").equals(className)) {
        out.add(Arguments.of(c.requireString("id"), c));
      }
    }
    assertTrue(!out.isEmpty(), "no fixture cases of " + className);
    return out.stream();
  }

  /** The training case {@code id}. */
  public static JsonObject training(String id) throws IOException {
    for (JsonObject c : fixture().requireArray("training").objects()) {
      if (c.requireString("id").equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no training case " + id);
  }

  /**
   * The layer Keras's config describes, read by its registered type as the importer reads it:
   * Keras's common options are the importer's, and any other key left unread is refused.
   */
  public static Layer fromKerasConfig(JsonObject testCase) throws ModelFormatException {
    String className = testCase.requireString("class_name");
    LayerType<?> type = LayerTypes.byKerasClassName(className).orElseThrow();
    JsonObject json = testCase.requireObject("config");
    LayerConfig config = new LayerConfig(json, className + " layer", LayerConfig.Origin.KERAS);
    config.ignore("name", "trainable", "dtype");
    Layer layer = type.fromConfig(json.requireString("name"), config);
    config.rejectUnread(className);
    return layer;
  }

  /** A tensor of the fixture as an NdArray of its dtype. */
  public static NdArray<?> array(JsonObject tensor) throws IOException {
    Shape shape = Shape.of(tensor.requireArray("shape").longs());
    JsonArray values = tensor.requireArray("values");
    switch (tensor.requireString("dtype")) {
      case "float32":
        return NdArrays.wrap(shape, DataBuffers.of(values.floats(), true, false));
      case "int32":
        return NdArrays.wrap(shape, DataBuffers.of(values.ints(), true, false));
      case "int64":
        return NdArrays.wrap(shape, DataBuffers.of(values.longs(), true, false));
      default:
        throw new AssertionError("dtype " + tensor.requireString("dtype"));
    }
  }

  public static Class<? extends TType> dtype(JsonObject tensor) throws IOException {
    return switch (tensor.requireString("dtype")) {
      case "float32" -> TFloat32.class;
      case "int32" -> TInt32.class;
      case "int64" -> TInt64.class;
      default -> throw new AssertionError(tensor.requireString("dtype"));
    };
  }

  /** A symbolic input for the fixture tensor's samples (its first axis is the batch). */
  public static SymbolicTensor<?> input(JsonObject tensor) throws IOException {
    long[] shape = tensor.requireArray("shape").longs();
    return Input.of(dtype(tensor), Arrays.copyOfRange(shape, 1, shape.length));
  }

  /** A weight's fixture values as an NdArray of Keras's dtype (int64 for Normalization's count). */
  public static NdArray<?> weightValue(JsonObject weight) throws IOException {
    return array(weight);
  }

  /**
   * Checks a weight against Keras's values: an integer weight exactly, a float one to the
   * fixtures' tolerance; and its dtype against Keras's.
   */
  public static void assertWeight(JsonObject keras, Weight weight, String what)
      throws IOException {
    assertEquals(keras.requireString("dtype"), weight.dtype(), what + ": dtype");
    if (weight.dtypeClass() == TInt64.class) {
      long[] lamina = new long[Math.toIntExact(weight.shape().size())];
      ((org.tensorflow.ndarray.LongNdArray) weight.array()).copyTo(NdArrays.wrap(weight.shape(),
          DataBuffers.of(lamina, false, false)));
      org.junit.jupiter.api.Assertions.assertArrayEquals(keras.requireArray("values").longs(),
          lamina, what);
    } else {
      assertClose(keras.requireArray("values").floats(), weight.values(), what);
    }
  }

  /** Sets the case's weights, after checking they are Keras's in name, order and kind. */
  public static void setWeights(Layer layer, JsonArray weights) throws IOException {
    List<Weight> declared = layer.weights();
    assertEquals(weights.size(), declared.size(), "number of weights of " + layer.describe());
    List<NdArray<?>> values = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      JsonObject weight = weights.requireObject(i);
      assertEquals(weight.requireString("name"), declared.get(i).name(), "weight " + i);
      assertEquals(weight.requireBoolean("trainable"), declared.get(i).declaredTrainable(),
          "whether weight " + weight.requireString("name") + " is trainable");
      assertEquals(weight.requireString("dtype"), declared.get(i).dtype(),
          "dtype of weight " + weight.requireString("name"));
      values.add(weightValue(weight));
    }
    layer.setWeightArrays(values);
  }

  public static float[] floats(NdArray<?> array) {
    float[] out = new float[Math.toIntExact(array.size())];
    ((FloatNdArray) array).copyTo(NdArrays.wrap(array.shape(),
        DataBuffers.of(out, false, false)));
    return out;
  }

  public static boolean[] booleans(NdArray<?> array) {
    boolean[] out = new boolean[Math.toIntExact(array.size())];
    ((BooleanNdArray) array).copyTo(NdArrays.wrap(array.shape(),
        DataBuffers.of(out, false, false)));
    return out;
  }

  public static void assertClose(float[] keras, float[] lamina, String what) {
    assertEquals(keras.length, lamina.length, what + ": number of values");
    for (int i = 0; i < keras.length; i++) {
      double tolerance = RELATIVE * Math.abs(keras[i]) + ABSOLUTE;
      assertTrue(Math.abs(keras[i] - lamina[i]) <= tolerance, what + "[" + i + "]: Keras "
          + keras[i] + ", Lamina " + lamina[i] + " (tolerance " + tolerance + ")");
    }
  }

  /**
   * Builds the case's layer from Keras's config, sets Keras's weights, runs it on the case's
   * inputs in a model and compares the output (and the mask, where Keras recorded one).
   */
  public static Layer assertMatchesKeras(JsonObject testCase) throws IOException {
    Layer layer = fromKerasConfig(testCase);
    JsonObject inputJson = testCase.requireArray("inputs").requireObject(0);
    SymbolicTensor<?> x = input(inputJson);
    SymbolicTensor<?> y = layer.call(x);
    setWeights(layer, testCase.requireArray("weights"));
    JsonObject maskJson = testCase.optObject("mask");
    List<SymbolicTensor<?>> outputs = new ArrayList<>(List.of(y));
    if (maskJson != null) {
      outputs.add(y.mask().orElseThrow(() -> new AssertionError(layer.describe()
          + " gives no mask; Keras's has one")));
    } else {
      assertTrue(y.mask().isEmpty(), layer.describe() + " gives a mask; Keras's has none");
    }
    JsonObject expected = testCase.requireObject("outputs").requireArray("inference")
        .requireObject(0);
    try (Model model = Model.of(List.of(x), outputs)) {
      List<NdArray<?>> results = model.predict(List.of(array(inputJson)));
      assertEquals(Shape.of(expected.requireArray("shape").longs()), results.get(0).shape(),
          "output shape");
      assertClose(expected.requireArray("values").floats(), floats(results.get(0)),
          testCase.requireString("id"));
      if (maskJson != null) {
        int[] keras = maskJson.requireArray("values").ints();
        boolean[] lamina = booleans(results.get(1));
        assertEquals(Shape.of(maskJson.requireArray("shape").longs()), results.get(1).shape());
        for (int i = 0; i < keras.length; i++) {
          assertEquals(keras[i] != 0, lamina[i], "mask[" + i + "]");
        }
      }
    }
    return layer;
  }

  /**
   * Keras's three {@code train_on_batch} steps: from the recorded initial weights (set in
   * {@code model.weights()} order, which must be Keras's), the loss of each step and every
   * weight after it, then the predictions after training.
   */
  public static void assertTrainsAsKeras(JsonObject testCase, Model model, Object x)
      throws IOException {
    List<Weight> weights = model.weights();
    compileFromInitialWeights(testCase, model);
    float[][] y = rows(testCase.requireObject("y"));
    List<JsonObject> steps = testCase.requireArray("steps").objects();
    for (int step = 0; step < steps.size(); step++) {
      JsonObject expected = steps.get(step);
      Map<String, Double> logs = model.trainOnBatch(x, y);
      double kerasLoss = expected.requireDouble("returned_loss");
      assertEquals(kerasLoss, logs.get("loss"), RELATIVE * Math.abs(kerasLoss) + 1e-7,
          "loss of step " + (step + 1));
      JsonArray after = expected.requireArray("weights");
      for (int w = 0; w < weights.size(); w++) {
        JsonObject weight = after.requireObject(w);
        assertWeight(weight, weights.get(w),
            weight.requireString("path") + " after step " + (step + 1));
      }
    }
    Object predictAfter = testCase.get("predict_after");
    if (predictAfter instanceof JsonObject tensor) {
      float[] lamina = floats(model.predict(List.of(array(testCase.requireObject("x"))))
          .get(0));
      assertClose(tensor.requireArray("values").floats(), lamina, "predictions after training");
    }
  }

  /**
   * Sets the recorded initial weights (in {@code model.weights()} order, which must be Keras's)
   * and compiles with the case's optimizer (Keras's whole config) and loss.
   */
  public static void compileFromInitialWeights(JsonObject testCase, Model model)
      throws IOException {
    JsonArray initial = testCase.requireArray("initial_weights");
    List<Weight> weights = model.weights();
    assertEquals(initial.size(), weights.size(), "number of weights");
    for (int i = 0; i < weights.size(); i++) {
      JsonObject weight = initial.requireObject(i);
      assertEquals(weight.requireString("name"), weights.get(i).name(), "weight " + i);
      weights.get(i).assign(array(weight));
    }
    JsonObject optimizerJson = testCase.requireObject("optimizer");
    Map<String, Object> options = new LinkedHashMap<>(optimizerJson);
    options.remove("class");
    model.compile(Optimizer.fromConfig(optimizerJson.requireString("class"), options),
        Losses.get(testCase.requireString("loss")));
  }

  /** A float32 fixture tensor of rank 2 as rows. */
  public static float[][] rows(JsonObject tensor) throws IOException {
    return (float[][]) javaArray(tensor);
  }

  /** A rank-2 fixture tensor as a Java array: float[][], int[][] or long[][]. */
  public static Object javaArray(JsonObject tensor) throws IOException {
    int[] shape = tensor.requireArray("shape").ints();
    JsonArray values = tensor.requireArray("values");
    String dtype = tensor.requireString("dtype");
    Object out = switch (dtype) {
      case "float32" -> new float[shape[0]][shape[1]];
      case "int32" -> new int[shape[0]][shape[1]];
      case "int64" -> new long[shape[0]][shape[1]];
      default -> throw new AssertionError(dtype);
    };
    for (int r = 0; r < shape[0]; r++) {
      for (int c = 0; c < shape[1]; c++) {
        int i = r * shape[1] + c;
        switch (dtype) {
          case "float32" -> ((float[][]) out)[r][c] = values.requireFloat(i);
          case "int32" -> ((int[][]) out)[r][c] = values.requireInt(i);
          default -> ((long[][]) out)[r][c] = values.requireLong(i);
        }
      }
    }
    return out;
  }
}
