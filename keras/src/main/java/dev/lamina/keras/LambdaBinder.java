package dev.lamina.keras;

import dev.lamina.annotations.naming.LayerNames;
import dev.lamina.runtime.LambdaLayer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonNumber;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.registry.LambdaRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Binds each Keras {@code Lambda} layer to a Java {@code @Lambda} layer: an explicit binding by
 * function name, then by layer name, else the registry's one {@code @Lambda} method of the
 * function's name. All the missing bindings are one error; a binding that matches nothing is a
 * note. When the replay makes a bound layer, checks it against the file: every argument read and
 * passed on unchanged, a new layer each time, the mask Keras has; and no argument is non-finite.
 */
final class LambdaBinder {

  private final String fileName;
  /** ".keras" or ".h5", for messages. */
  private final String format;
  private final KerasConfig config;
  private final LambdaBindings bindings;
  private final KerasImportOptions options;
  private final Set<Layer> boundLayers = Collections.newSetFromMap(new IdentityHashMap<>());
  private LambdaRegistry registry;

  LambdaBinder(String fileName, KerasConfig config, LambdaBindings bindings,
      KerasImportOptions options, String format) {
    this.format = format;
    this.fileName = fileName;
    this.config = config;
    this.bindings = bindings;
    this.options = options;
  }

  /** Finds the Lambda layer's factory; false when nothing binds it. */
  boolean bind(LayerSpec spec) {
    if (spec.functionName != null) {
      var byFunction = bindings.lookup(spec.functionName);
      if (byFunction.isPresent()) {
        spec.factory = byFunction.get();
        spec.boundBy = spec.functionName;
        return true;
      }
    }
    var byLayer = bindings.lookup(spec.name);
    if (byLayer.isPresent()) {
      spec.factory = byLayer.get();
      spec.boundBy = spec.name;
      return true;
    }
    if (spec.functionName != null && bindings.usesRegistry()) {
      // The default: the one registered @Lambda method of the Python function's name.
      List<dev.lamina.runtime.registry.LambdaFactory> found =
          registry().byMethodName(spec.functionName);
      if (found.size() == 1) {
        spec.factory = fromRegistry(found.get(0));
        spec.boundBy = found.get(0).name();
        return true;
      }
    }
    return false;
  }

  private LambdaRegistry registry() {
    if (registry == null) {
      registry = LambdaRegistry.load();
    }
    return registry;
  }

  /**
   * A binding through a registered lambda's factory: each {@code @Arg} read from Keras's
   * {@code arguments} by its declared name and Java type; the layer keeps Keras's name.
   */
  private static LambdaFactory fromRegistry(dev.lamina.runtime.registry.LambdaFactory factory) {
    return args -> {
      Map<String, Object> values = new LinkedHashMap<>();
      for (var spec : factory.arguments()) {
        values.put(spec.name(), args.require(spec.name(), spec.type()));
      }
      return factory.create(args.layerName(), values);
    };
  }

  void warnUnusedBindings() {
    for (String name : unusedBindings()) {
      options.note(fileName + ": the binding '" + name + "' matches no Lambda layer's function "
          + "or layer name (is it misspelt?)");
    }
  }

  private Set<String> unusedBindings() {
    Set<String> unused = new LinkedHashSet<>(bindings.names());
    config.specs().forEach(spec -> unused.remove(spec.boundBy));
    return unused;
  }

  /** One error for every unbound Lambda layer: what it is, what it takes, how to bind it. */
  ModelFormatException missingBindings(List<LayerSpec> unbound) throws ModelFormatException {
    StringBuilder text = new StringBuilder(fileName).append(": ").append(unbound.size())
        .append(unbound.size() == 1 ? " Lambda layer has" : " Lambda layers have")
        .append(" no Java binding. Lamina never runs the Python code a ").append(format)
        .append(" file holds; bind"
            + " each Lambda to a @Lambda method's layer, by function name or else by layer"
            + " name:");
    for (LayerSpec spec : unbound) {
      text.append("\n  - ").append(spec.describe()).append(", input ")
          .append(config.recordedInputs(spec));
      JsonObject args = spec.config.optObject("arguments");
      if (args != null && !args.isEmpty()) {
        text.append(", arguments ").append(KerasConfig.show(args));
      }
    }
    text.append("\nfor example:\n  KerasModels.load(path, LambdaBindings.of()");
    Set<String> shown = new LinkedHashSet<>();
    for (LayerSpec spec : unbound) {
      String key = spec.functionName != null ? spec.functionName : spec.name;
      if (shown.add(key)) {
        text.append("\n      ").append(javaBinding(spec));
      }
    }
    text.append(")");
    Set<String> unused = unusedBindings();
    if (!unused.isEmpty()) {
      text.append("\nThese bindings match no Lambda layer's function or layer name (misspelt?): ")
          .append(unused);
    }
    return new ModelFormatException(text.toString());
  }

  /** The line of Java that would bind this layer, with the arguments' accessors by JSON type. */
  private static String javaBinding(LayerSpec spec) throws ModelFormatException {
    String key = spec.functionName != null ? spec.functionName : spec.name;
    String type = spec.functionName != null ? layerClassFor(spec.functionName) : "YourLayer";
    StringJoiner args = new StringJoiner(", ");
    JsonObject arguments = spec.config.optObject("arguments");
    if (arguments != null) {
      for (var e : arguments.entrySet()) {
        args.add("args." + accessor(e.getValue()) + "(\"" + e.getKey() + "\")");
      }
    }
    String line = ".bind(\"" + key + "\", args -> " + type + ".of(" + args + "))";
    return spec.functionName != null ? line
        : line + "   // a Python lambda, bound by its layer's name: write it as a @Lambda method";
  }

  private static String accessor(Object value) {
    if (value instanceof JsonNumber n) {
      return n.isIntegerLiteral() ? "requireInt" : "requireFloat";
    } else if (value instanceof Boolean) {
      return "requireBoolean";
    } else if (value instanceof JsonArray a) {
      boolean ints = a.stream().allMatch(v -> v instanceof JsonNumber n && n.isIntegerLiteral());
      return ints ? "requireIntArray" : "requireFloatArray";
    }
    return "requireString";
  }

  /**
   * The class the processor generates for a {@code @Lambda} method named as the Python function
   * ({@code antirectifier_output}: {@code AntirectifierOutputLayer}), or {@code YourLayer} when
   * the file's function name makes no Java class name.
   */
  static String layerClassFor(String pythonName) {
    String type = LayerNames.lambdaClassName(pythonName);
    boolean identifier = Character.isJavaIdentifierStart(type.codePointAt(0))
        && type.codePoints().allMatch(Character::isJavaIdentifierPart);
    return identifier ? type : "YourLayer";
  }

  /** The bound layer for a Lambda layer, checked against the file's arguments and mask. */
  LambdaLayer create(LayerSpec spec) throws ModelFormatException {
    JsonObject arguments = spec.config.optObject("arguments");
    if (arguments == null) {
      arguments = Json.parseObject("{}".getBytes(StandardCharsets.UTF_8), "config.json");
    }
    KerasArguments args = new KerasArguments(arguments, spec.name, spec.functionName,
        spec.describe());
    LambdaLayer layer;
    try {
      layer = spec.factory.create(args);
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFormatException(fileName + ": " + spec.describe() + ": its binding '"
          + spec.boundBy + "' failed for arguments " + KerasConfig.show(arguments)
          + ": " + e, e);
    }
    if (layer == null) {
      throw new IllegalStateException("The binding '" + spec.boundBy + "' returned null for "
          + spec.describe() + "; it must return a new layer");
    }
    if (!boundLayers.add(layer)) {
      throw new IllegalStateException("The binding '" + spec.boundBy + "' returned the same "
          + "layer instance for two Keras layers; it must return a new layer on each call");
    }
    Set<String> unread = args.unread();
    if (!unread.isEmpty()) {
      throw spec.config.error("arguments", spec.describe() + ": its binding '" + spec.boundBy
          + "' did not read argument(s) " + unread + " that the file gives; a binding must use "
          + "every argument, or the model would differ from Keras's");
    }
    // Keras's arguments match the layer's @Args by name: a value the binding changed on the way
    // (a constant, an off-by-one) would make a model that differs from Keras's.
    Map<String, Object> javaArgs = layer.arguments();
    for (var e : arguments.entrySet()) {
      if (javaArgs.containsKey(e.getKey())
          && !sameValue(javaArgs.get(e.getKey()), e.getValue())) {
        throw spec.config.error("arguments", spec.describe() + ": its binding '" + spec.boundBy
            + "' made " + layer.describe() + ", but the file gives " + e.getKey() + "="
            + KerasConfig.show(e.getValue()) + "; the @Arg of that name must get "
            + "the file's value");
      }
    }
    Object mask = spec.config.get("mask");
    if (mask != null && layer.signature().mask().isEmpty()) {
      throw spec.config.error("mask", spec.describe() + " has a mask function in Keras, but "
          + layer.signature().function() + " declares no mask; declare one with "
          + "@Lambda(mask = ...)");
    }
    return layer;
  }

  /** Whether a Java {@code @Arg} value equals a JSON value of the file (true when not comparable). */
  static boolean sameValue(Object value, Object file) {
    if (value == null || file == null) {
      return value == file;
    }
    if (value.getClass().isArray()) {
      if (!(file instanceof JsonArray list)
          || java.lang.reflect.Array.getLength(value) != list.size()) {
        return false;
      }
      for (int i = 0; i < list.size(); i++) {
        if (!sameValue(java.lang.reflect.Array.get(value, i), list.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof Float f) {
      return file instanceof JsonNumber n && Float.compare(n.floatValue(), f) == 0;
    }
    if (value instanceof Double d) {
      return file instanceof JsonNumber n && Double.compare(n.doubleValue(), d) == 0;
    }
    if (value instanceof Number number) {
      if (!(file instanceof JsonNumber n)) {
        return false;
      }
      try {
        return n.longValueExact() == number.longValue();
      } catch (ArithmeticException e) {
        return false;
      }
    }
    if (value instanceof Enum<?> constant) {
      return file instanceof String s && constant.name().equalsIgnoreCase(s);
    }
    if (value instanceof Boolean || value instanceof String || value instanceof Character) {
      return value.toString().equals(file.toString()) && !(file instanceof JsonArray)
          && !(file instanceof JsonObject) && (value instanceof Boolean) == (file instanceof Boolean);
    }
    return true;
  }

  /** Refuses a non-finite value anywhere in the Lambda layer's {@code arguments}. */
  static void requireFiniteArguments(LayerSpec spec) throws ModelFormatException {
    JsonObject arguments = spec.config.optObject("arguments");
    if (arguments != null) {
      for (var e : arguments.entrySet()) {
        requireFinite(spec, e.getKey(), e.getValue(), arguments, e.getKey(), null);
      }
    }
  }

  /**
   * Refuses NaN and the infinities (Python's json writes them; JSON has none) anywhere in a
   * Lambda argument, as Lamina's own format does: no {@code @Arg} may hold one.
   *
   * @param where the object or array holding {@code value}; {@code key} a String or an Integer
   */
  private static void requireFinite(LayerSpec spec, String argument, Object value, Object where,
      Object key, String inside) throws ModelFormatException {
    if (value instanceof JsonNumber n && !n.isFinite()) {
      String text = spec.describe() + ": argument '" + argument + "' " + (inside == null
          ? "is " + n : "holds " + n + " at " + inside) + ", which is not finite; Lamina's "
          + "layers take finite arguments only (its own format refuses them too)";
      throw where instanceof JsonObject o ? o.error((String) key, text)
          : ((JsonArray) where).error((Integer) key, text);
    } else if (value instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        requireFinite(spec, argument, list.get(i), list, i, (inside == null ? "" : inside)
            + "[" + i + "]");
      }
    } else if (value instanceof JsonObject object) {
      for (var e : object.entrySet()) {
        requireFinite(spec, argument, e.getValue(), object, e.getKey(), (inside == null ? ""
            : inside) + "." + e.getKey());
      }
    }
  }
}
