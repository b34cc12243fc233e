package dev.lamina.runtime.layers.activations;

import dev.lamina.runtime.layers.WithMask;
import static dev.lamina.runtime.layers.activations.ActivationFixture.assertClose;
import static dev.lamina.runtime.layers.activations.ActivationFixture.booleans;
import static dev.lamina.runtime.layers.activations.ActivationFixture.fixture;
import static dev.lamina.runtime.layers.activations.ActivationFixture.floats;
import static dev.lamina.runtime.layers.activations.ActivationFixture.fromKeras;
import static dev.lamina.runtime.layers.activations.ActivationFixture.sample;
import static dev.lamina.runtime.layers.activations.ActivationFixture.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.core.Dense;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3 as the oracle for the activation layers and every activation name: each layer is
 * built from the config Keras wrote, through its registered type, applied in a model to
 * Keras's inputs, and its outputs compared with Keras's (see {@link ActivationFixture} for the
 * tolerance: 1e-5 relative, 1e-6 absolute near zero).
 */
class KerasActivationsTest {

  private static final Set<String> CLASSES =
      Set.of("ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Activation");

  static Stream<Arguments> layerCases() throws ModelFormatException {
    List<Arguments> cases = new ArrayList<>();
    for (JsonObject c : fixture().requireArray("cases").objects()) {
      if (CLASSES.contains(c.requireString("class_name")) && c.get("error") == null) {
        cases.add(Arguments.of(c.requireString("id"), c));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layerCases")
  void computesAsKeras(String id, JsonObject c) throws Exception {
    Layer layer = fromKeras(c.requireString("class_name"), c.requireObject("config"));
    JsonObject x = c.requireArray("inputs").requireObject(0);
    JsonArray masks = c.get("input_masks") == null ? null : c.requireArray("input_masks");
    var input = Input.of(TFloat32.class, sample(shape(x)));
    List<SymbolicTensor<?>> inputs = new ArrayList<>(List.of(input));
    List<NdArray<?>> data = new ArrayList<>(List.of(floats(x)));
    SymbolicTensor<?> output;
    if (masks != null) {
      // Keras's call(inputs, mask=...): the mask is a model input of its own here
      JsonObject mask = masks.requireObject(0);
      var maskInput = Input.of(TBool.class, sample(shape(mask)));
      inputs.add(maskInput);
      data.add(booleans(mask));
      output = ((Softmax) layer).apply(input, maskInput);
    } else {
      output = layer.call(input);
    }
    try (Model model = Model.of(inputs, List.of(output))) {
      JsonArray weights = c.requireArray("weights");
      List<FloatNdArray> values = new ArrayList<>();
      for (JsonObject w : weights.objects()) {
        values.add(floats(w));
      }
      assertEquals(weights.size(), layer.weights().size(), "weights");
      if (!values.isEmpty()) {
        layer.setWeights(values); // PReLU's alpha as Keras's initializer drew it
      }
      List<NdArray<?>> out = model.predict(data);
      assertClose(c.requireObject("outputs").requireArray("inference").requireObject(0),
          out.get(0), id);
    }
  }

  @Test
  void everyKerasActivationNameIsKnownAsKerasWritesIt() throws ModelFormatException {
    JsonObject names = fixture().requireObject("activation_names");
    for (String name : names.keySet()) {
      if (name.equals("threshold")) {
        assertFalse(Activation.KERAS_NAMES.containsKey(name), "threshold needs arguments");
        continue;
      }
      assertEquals(names.requireString(name), Activation.KERAS_NAMES.get(name), name);
    }
    assertEquals(names.keySet().size() - 1, Activation.KERAS_NAMES.size(),
        "KERAS_NAMES holds Keras's names only");
  }

  @Test
  void kerassThresholdActivationIsRefusedAsKerasFailsToCallIt() throws ModelFormatException {
    JsonObject c = null;
    for (JsonObject o : fixture().requireArray("cases").objects()) {
      if (o.requireString("id").equals("Activation/threshold")) {
        c = o;
      }
    }
    JsonObject config = c.requireObject("config");
    assertTrue(c.requireString("error").contains("threshold() missing 2 required"));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> fromKeras("Activation", config));
    assertTrue(e.getMessage().contains("activation 'threshold' is not supported"),
        e.getMessage());
  }

  /** Dense's activation is the same function: an identity kernel shows it alone. */
  @ParameterizedTest(name = "Dense(activation={0})")
  @MethodSource("activationCases")
  void denseAppliesEveryActivationAsKeras(String name, JsonObject c) throws Exception {
    JsonObject x = c.requireArray("inputs").requireObject(0);
    long[] xs = shape(x);
    int features = (int) xs[xs.length - 1];
    float[][] identity = new float[features][features];
    for (int i = 0; i < features; i++) {
      identity[i][i] = 1f;
    }
    Dense dense = Dense.builder(features).activation(name).kernel(identity)
        .bias(new float[features]).build();
    var input = Input.of(TFloat32.class, sample(xs));
    try (Model model = Model.of(input, dense.apply(input))) {
      assertClose(c.requireObject("outputs").requireArray("inference").requireObject(0),
          model.predict(List.of(floats(x))).get(0), "Dense " + name);
    }
  }

  static Stream<Arguments> activationCases() throws ModelFormatException {
    List<Arguments> cases = new ArrayList<>();
    for (JsonObject c : fixture().requireArray("cases").objects()) {
      String id = c.requireString("id");
      if (c.requireString("class_name").equals("Activation") && c.get("error") == null
          && !id.endsWith("_3d")) {
        cases.add(Arguments.of(c.requireObject("config").requireString("activation"), c));
      }
    }
    return cases.stream();
  }

  /**
   * {@code keras.activations.*} called with arguments a name cannot carry: the functions of
   * {@link ActivationFunctions}, in an eager session (axis 0 here is the fixture's first axis).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("functionCases")
  void functionsWithArgumentsComputeAsKeras(String label, JsonObject c) throws Exception {
    JsonObject kwargs = c.requireObject("kwargs");
    boolean approximate = kwargs.optBoolean("approximate", false);
    double slope = kwargs.optDouble("negative_slope", 0);
    double maxValue = kwargs.optDouble("max_value", 0);
    double threshold = kwargs.optDouble("threshold", 0);
    double alpha = kwargs.optDouble("alpha", 0);
    double b = kwargs.optDouble("b", 0);
    double defaultValue = kwargs.optDouble("default_value", 0);
    int axis = kwargs.optInt("axis", -1);
    BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> f = switch (c.requireString("function")) {
      case "gelu" -> (tf, x) -> ActivationFunctions.gelu(tf, x, approximate);
      case "relu" -> (tf, x) -> ActivationFunctions.relu(tf, x, slope, maxValue, threshold);
      case "leaky_relu" -> (tf, x) -> ActivationFunctions.leakyRelu(tf, x, slope);
      case "elu" -> (tf, x) -> ActivationFunctions.elu(tf, x, alpha);
      case "celu" -> (tf, x) -> ActivationFunctions.celu(tf, x, alpha);
      case "hard_shrink" -> (tf, x) -> ActivationFunctions.hardShrink(tf, x, threshold);
      case "soft_shrink" -> (tf, x) -> ActivationFunctions.softShrink(tf, x, threshold);
      case "squareplus" -> (tf, x) -> ActivationFunctions.squareplus(tf, x, b);
      case "threshold" -> (tf, x) -> ActivationFunctions.threshold(tf, x, threshold,
          defaultValue);
      case "softmax" -> (tf, x) -> ActivationFunctions.softmax(tf, x, axis);
      case "log_softmax" -> (tf, x) -> ActivationFunctions.logSoftmax(tf, x, axis);
      case "glu" -> (tf, x) -> ActivationFunctions.glu(tf, x, axis);
      case "sparsemax" -> (tf, x) -> ActivationFunctions.sparsemax(tf, x, axis);
      default -> throw new AssertionError("no Lamina function for " + label);
    };
    try (var session = org.tensorflow.EagerSession.create()) {
      Ops tf = Ops.create(session);
      FloatNdArray input = floats(c.requireObject("input"));
      try (Tensor result = f.apply(tf, tf.constant(input)).asTensor()) {
        assertClose(c.requireObject("output"), (TFloat32) result, label);
      }
    }
  }

  static Stream<Arguments> functionCases() throws ModelFormatException {
    List<Arguments> cases = new ArrayList<>();
    for (JsonObject c : fixture().requireArray("function_cases").objects()) {
      cases.add(Arguments.of(c.requireString("function") + c.requireObject("kwargs"), c));
    }
    return cases.stream();
  }

  @Test
  void lowerCaseActivationNamesLaminaWroteBeforeStillResolve() {
    // TensorFlow Java's framework read names in any case; Lamina's older files may hold them.
    assertEquals("relu", Activation.resolve("RELU"));
    assertEquals("silu", Activation.resolve("swish"));
    assertEquals("hard_sigmoid", Activation.resolve("Hard_Sigmoid"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Activation.resolve("threshold"));
    assertTrue(e.getMessage().contains("needs arguments"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Activation.resolve("RELU6"));
  }

  @Test
  void kerasConfigsOutsideWhatLaminaImplementsAreRefusedNamingTheLayer() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> fromKeras("PReLU",
        configOf(Map.of("alpha_regularizer", Map.of("class_name", "L7")))));
    assertTrue(e.getMessage().contains("PReLU layer") && e.getMessage().contains(
        "alpha_regularizer: Unknown regularizer 'L7'"), e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> fromKeras("LeakyReLU", configOf(Map.of("negative_slope", -1.0))));
    assertTrue(e.getMessage().contains("negative_slope is -1.0"), e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> fromKeras("ReLU", configOf(Map.of("threshold", -0.5))));
    assertTrue(e.getMessage().contains("threshold is -0.5; it must be 0 or more"),
        e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> fromKeras("Dense", configOf(Map.of("units", 3, "activation", "glu"))));
    assertTrue(e.getMessage().contains("must be even"), e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> fromKeras("ReLU", configOf(Map.of("max_value", 1.0, "alpha", 1.0))));
    assertTrue(e.getMessage().contains("option 'alpha'"), e.getMessage());
  }

  private static JsonObject configOf(Map<String, Object> config) throws ModelFormatException {
    return dev.lamina.runtime.io.Json.parseObject(dev.lamina.runtime.io.Json.writeBytes(config,
        dev.lamina.runtime.io.Json.Style.COMPACT), "config");
  }

  @Test
  void softmaxTakesTheMaskItsInputCarries() {
    var x = Input.of(TFloat32.class, 4);
    var mask = Input.of(TBool.class, 4);
    var masked = new Softmax().apply(x, mask); // carries the mask on (supports_masking)
    assertTrue(masked.mask().isPresent());
    SymbolicTensor<?> called = new Softmax().call(masked); // the Keras importer's form
    assertTrue(called.mask().isPresent());
    assertArrayEquals(new long[] {-1, 4}, called.shape().asArray());
    assertTrue(new Softmax().apply(masked).mask().isPresent());
    var wide = Input.of(TFloat32.class, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Softmax().call(new WithMask().call(wide, mask)));
    assertTrue(e.getMessage().contains("the mask its input carries"), e.getMessage());
  }

  /**
   * Keras passes the mask travelling with a tensor to Softmax's call: a one-input call (as
   * {@code apply(x)} and the Keras importer make) does the same, and gives Keras's output, every
   * value, masked positions included, for the fixture's masked cases. The element-wise layers and
   * Activation pass the mask on.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"Softmax/mask",
      "Softmax/mask_broadcast_3d"})
  void softmaxUsesTheMaskItsInputCarriesAsKeras(String id) throws Exception {
    JsonObject c = null;
    for (JsonObject o : fixture().requireArray("cases").objects()) {
      if (o.requireString("id").equals(id)) {
        c = o;
      }
    }
    JsonObject x = c.requireArray("inputs").requireObject(0);
    JsonObject m = c.requireArray("input_masks").requireObject(0);
    var input = Input.of(TFloat32.class, sample(shape(x)));
    var maskInput = Input.of(TBool.class, sample(shape(m)));
    @SuppressWarnings("unchecked")
    SymbolicTensor<TFloat32> carried = (SymbolicTensor<TFloat32>) new WithMask().call(input,
        maskInput);
    assertTrue(carried.mask().isPresent());
    for (Layer layer : List.of(new ReLU(), new LeakyReLU(), new ELU(), new Activation("tanh"))) {
      assertTrue(layer.call(carried).mask().isPresent(), layer.describe() + " passes it on");
    }
    Layer softmax = fromKeras("Softmax", c.requireObject("config"));
    SymbolicTensor<?> out = softmax.call(carried);
    assertTrue(out.mask().isPresent());
    try (Model model = Model.of(List.of(input, maskInput), List.of(out))) {
      assertClose(c.requireObject("outputs").requireArray("inference").requireObject(0),
          model.predict(List.of(floats(x), booleans(m))).get(0), id + ", carried");
    }
  }}
