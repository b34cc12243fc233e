package dev.lamina.keras;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.preprocessing.Hashing;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.types.family.TType;

/**
 * What each layer of the file is, and whether Lamina can reproduce it exactly: its {@link
 * LayerType} from the registry (by Keras class name or registered name) and the layer that type
 * reads from the config; the options of the importer's own InputLayer and Lambda; the dtype
 * policy. Any option not understood is refused: one Lamina ignored could change the model.
 */
final class LayerOptions {

  /** Options of every Keras layer, which the importer reads itself. */
  private static final List<String> COMMON = List.of("name", "trainable", "dtype");

  private static final Map<String, Class<? extends TType>> INPUT_DTYPES = Shapes.DTYPES;

  private LayerOptions() {}

  /**
   * Finds the layer's type and checks its options; a typed layer is made here, from its config
   * (a Lambda's layer is its binding's, an InputLayer's is the replay's).
   */
  static void check(LayerSpec spec) throws ModelFormatException {
    check(spec, false);
  }

  /** {@link #check(LayerSpec)}, for a Keras 2 file when {@code keras2} (its Lambda's form). */
  static void check(LayerSpec spec, boolean keras2) throws ModelFormatException {
    checkKerasClass(spec);
    checkOptions(spec, keras2);
  }

  /** The tensor type of an InputLayer's dtype, which {@link #check} accepted. */
  static Class<? extends TType> inputType(String dtype) {
    return INPUT_DTYPES.get(dtype);
  }

  /**
   * Finds the layer's type: InputLayer and Lambda are the importer's own; a Keras layer is found
   * by its class name, a Python class registered with {@code register_keras_serializable} by its
   * registered name, among the registered {@link LayerType}s (the application's too).
   */
  private static void checkKerasClass(LayerSpec spec) throws ModelFormatException {
    String module = spec.json.optString("module", "keras.layers");
    String registered = spec.json.optString("registered_name", null);
    boolean keras = module.equals("keras") || module.startsWith("keras.");
    if (registered != null && !registered.equals(spec.className)) {
      spec.type = LayerTypes.byKerasClassName(registered).orElseThrow(() -> spec.json.error(
          "registered_name", "layer '" + spec.name + "' is a custom Python class (module '"
              + module + "', registered name '" + registered + "'); its code is Python's, which "
              + "Lamina never runs. Write it as a Java layer and register a LayerType whose "
              + "kerasClassName() is \"" + registered + "\" (LayerTypes.register, or a "
              + "LayerTypeProvider service)"));
      return;
    }
    if (!keras) {
      throw spec.json.error("module", "layer '" + spec.name + "' is a custom Python class "
          + "(module '" + module + "', class " + spec.className + ") with no registered name; "
          + "its code is Python's, so Lamina cannot import it. Register it in Python with "
          + "@keras.saving.register_keras_serializable and a Java LayerType of that name");
    }
    if (spec.isInput() || spec.className.equals("Lambda")) {
      return;
    }
    if (module.startsWith("keras.src.ops.") && LayerSpec.MASK_OPS.contains(spec.className)) {
      spec.maskOp = true;
      return;
    }
    spec.type = LayerTypes.byKerasClassName(spec.className).orElseThrow(() -> spec.json.error(
        "class_name", "layer '" + spec.name + "' is a " + spec.className + ", which the Keras "
            + "importer does not support; supported layers: InputLayer, Lambda, "
            + String.join(", ", LayerTypes.kerasClassNames())));
  }

  private static void checkOptions(LayerSpec spec, boolean keras2) throws ModelFormatException {
    JsonObject c = spec.config;
    if (spec.type != null) {
      spec.layer = fromConfig(spec, spec.type);
    }
    switch (spec.type != null ? "typed" : spec.maskOp ? "mask op" : spec.className) {
      case "typed" -> { }
      case "mask op" -> {
        // Any's and ConvertToTensor's, checked where the mask is read
        allow(spec, "axis", "keepdims", "dtype", "sparse", "ragged");
        return;
      }
      case "InputLayer" -> {
        allow(spec, "batch_shape", "dtype", "sparse", "ragged", "optional");
        requireValue(spec, "sparse", false);
        requireValue(spec, "ragged", false);
        requireValue(spec, "optional", false);
        String dtype = c.optString("dtype", "float32");
        if (!INPUT_DTYPES.containsKey(dtype)) {
          throw c.error("dtype", spec.describe() + " has dtype '" + dtype
              + "'; supported input dtypes: " + String.join(", ", INPUT_DTYPES.keySet()));
        }
        c.requireArray("batch_shape");
      }
      case "Lambda" -> {
        if (keras2) {
          keras2Lambda(spec);
          break;
        }
        allow(spec, "function", "output_shape", "mask", "arguments");
        lambdaFunction(spec);
        LambdaBinder.requireFiniteArguments(spec);
        Object shape = c.get("output_shape");
        if (shape instanceof JsonArray list) {
          spec.declaredOutput = KerasConfig.dims(list, spec, "output_shape");
        } else if (shape instanceof JsonObject fn) {
          String fnKind = fn.optString("class_name", "");
          if (!fnKind.equals("function") && !fnKind.equals("__lambda__")) {
            throw c.error("output_shape", spec.describe() + ": output_shape is a '" + fnKind
                + "'; supported: a shape, or a Python function (which Lamina never runs: the "
                + "bound Java layer's shape is used)");
          }
        } else if (shape != null) {
          throw c.error("output_shape", spec.describe() + ": output_shape must be a shape or a "
              + "function");
        }
      }
      default -> throw new AssertionError(spec.className);
    }
    if (!spec.isInput()) {
      dtypePolicy(spec);
      c.optBoolean("trainable", true); // a frozen layer stays frozen: see the replay
    }
  }

  /**
   * The layer its type reads from the config. Keras's options of every layer ({@code name},
   * {@code trainable}, {@code dtype}) are the importer's; any other key the type did not read
   * is refused: an option Lamina ignored could change the model.
   */
  private static <L extends Layer> L fromConfig(LayerSpec spec, LayerType<L> type)
      throws ModelFormatException {
    LayerConfig config = new LayerConfig(spec.config, spec.describe(), LayerConfig.Origin.KERAS);
    config.ignore(COMMON.toArray(String[]::new));
    L layer;
    try {
      layer = type.fromConfig(spec.name, config);
    } catch (IllegalArgumentException e) {
      throw spec.json.error(spec.describe() + ": " + e.getMessage());
    }
    if (layer == null) {
      throw new IllegalStateException(type + " made no layer for " + spec.describe());
    }
    // Arguments of Keras's base Layer, which Keras writes for a class without a get_config of
    // its own; at these values they ask for nothing (autocast matters only under a mixed
    // precision policy). A type that reads them has done so above.
    if (spec.config.isNull("activity_regularizer")) {
      config.ignore("activity_regularizer");
    }
    if (Boolean.TRUE.equals(spec.config.get("autocast"))) {
      config.ignore("autocast");
    }
    config.rejectUnread(type.kerasClassName());
    return layer;
  }

  /** Refuses options the importer does not know: one it ignored could change the model. */
  private static void allow(LayerSpec spec, String... specific) throws ModelFormatException {
    Set<String> known = new LinkedHashSet<>(COMMON);
    known.addAll(List.of(specific));
    for (String key : spec.config.keySet()) {
      if (!known.contains(key)) {
        throw spec.config.error(key, spec.describe() + " has option '" + key + "', which the "
            + "importer does not support; supported options of " + spec.className + ": "
            + String.join(", ", known));
      }
    }
  }

  private static void requireValue(LayerSpec spec, String key, boolean value)
      throws ModelFormatException {
    if (spec.config.optBoolean(key, value) != value) {
      throw spec.config.error(key, spec.describe() + " has " + key + "=" + !value
          + "; supported: " + value);
    }
  }

  private static void dtypePolicy(LayerSpec spec) throws ModelFormatException {
    Object value = spec.config.get("dtype");
    String name;
    if (value == null) {
      return;
    } else if (value instanceof String s) {
      name = s;
    } else if (value instanceof JsonObject policy) {
      String kind = policy.requireString("class_name");
      if (!kind.equals("DTypePolicy") && !kind.equals("Policy")) { // Keras 2's mixed_precision
        throw spec.config.error("dtype", spec.describe() + " has dtype policy '" + kind
            + "'; supported: float32");
      }
      name = policy.requireObject("config").requireString("name");
    } else {
      throw spec.config.error("dtype", spec.describe() + ": dtype must be a name or a policy");
    }
    // Keras's Hashing with output_mode "int" defaults its dtype to int64: its bins' dtype.
    String supported = spec.layer instanceof Hashing hashing ? hashing.kerasDtype()
        : spec.layer instanceof dev.lamina.runtime.layers.preprocessing.HashedCrossing crossing
            ? crossing.kerasDtype() : "float32";
    if (!name.equals(supported)) {
      throw spec.config.error("dtype", spec.describe() + " computes in '" + name
          + "'; supported: " + supported);
    }
  }

  /**
   * A Keras 2 Lambda: {@code function_type} {@code "lambda"} for any Python function (a {@code
   * def} too), its {@code function} the triple {@code [code, defaults, closure]}, of which only
   * the function's name is read from the code's marshal data ({@link PythonCodeName}), never
   * run; {@code "function"} for a callable by name. {@code output_shape} is a shape ({@code
   * "raw"}, batch excluded) or a function of either kind, never run; {@code mask} a function.
   * {@code module}, {@code output_shape_module} and {@code mask_module} only say where Python
   * found them.
   */
  private static void keras2Lambda(LayerSpec spec) throws ModelFormatException {
    JsonObject c = spec.config;
    Object name = keras2Function(spec, "function", "function_type", true);
    if (name instanceof String s) {
      spec.functionName = s.equals("<lambda>") ? null : s;
    } else {
      spec.unreadableFunction = true;
    }
    allow(spec, "function", "function_type", "module", "output_shape", "output_shape_type",
        "output_shape_module", "mask", "mask_type", "mask_module", "arguments");
    LambdaBinder.requireFiniteArguments(spec);
    String shapeType = c.optString("output_shape_type", "raw");
    if (shapeType.equals("raw")) {
      Object shape = c.get("output_shape");
      if (shape instanceof JsonArray list) {
        spec.declaredOutput = KerasConfig.dims(list, spec, "output_shape");
      } else if (shape != null) {
        throw c.error("output_shape", spec.describe() + ": output_shape must be a shape, a list "
            + "of sizes and nulls");
      }
    } else {
      keras2Function(spec, "output_shape", "output_shape_type", false);
    }
    if (c.get("mask") != null) {
      keras2Function(spec, "mask", "mask_type", false);
    }
  }

  /**
   * A Keras 2 function reference ({@code key} of the kind {@code typeKey} says): the name of a
   * callable, the name a code object gives ({@code <lambda>} for a lambda), or null when it
   * gives none. The code is only read as data when {@code named}.
   */
  private static Object keras2Function(LayerSpec spec, String key, String typeKey,
      boolean named) throws ModelFormatException {
    JsonObject c = spec.config;
    String kind = c.requireOneOf(typeKey, "lambda", "function");
    if (kind.equals("function")) {
      return c.requireString(key);
    }
    JsonArray triple = c.requireArray(key);
    if (triple.size() != 3 || !(triple.get(0) instanceof String code)) {
      throw c.error(key, spec.describe() + ": " + key + " of " + typeKey + " 'lambda' must be "
          + "Keras 2's [code, defaults, closure], the code a string");
    }
    return named ? PythonCodeName.of(code) : null;
  }

  /** Reads the Lambda's function reference without ever reading the code it may carry. */
  private static void lambdaFunction(LayerSpec spec) throws ModelFormatException {
    JsonObject fn = spec.config.requireObject("function");
    String kind = fn.requireString("class_name");
    if (kind.equals("function")) {
      spec.functionName = fn.requireString("config");
    } else if (!kind.equals("__lambda__")) {
      throw spec.config.error("function", "Lambda layer '" + spec.name + "' has a function of "
          + "kind '" + kind + "'; supported: a named Python function or a Python lambda, each "
          + "bound to a Java @Lambda layer");
    }
    Object mask = spec.config.get("mask");
    if (mask != null && !(mask instanceof JsonObject)) {
      throw spec.config.error("mask", spec.describe() + ": mask must be a function");
    }
  }
}
