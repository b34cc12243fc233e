package dev.lamina.keras;

import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A Keras {@code Lambda} layer's {@code arguments} (the keyword arguments Keras passes to the
 * function), for a {@link LambdaFactory} to turn into a generated layer's {@code @Arg} values with
 * type checks. Every error names the file, the JSON path, the layer and the argument:
 *
 * <pre>
 * config.json:40:22: at $.config.layers[1].config.arguments.index: Lambda layer 'lambda'
 * (function slice): argument 'index': expected an integer, found string "0"
 * </pre>
 *
 * <p>The importer also checks that the binding read every argument the file gives: one it ignored
 * would make a model that differs from Keras's without a word.
 */
public final class KerasArguments {

  private final JsonObject arguments;
  private final String layerName;
  private final String functionName;
  private final String layer;
  private final Set<String> read = new LinkedHashSet<>();

  KerasArguments(JsonObject arguments, String layerName, String functionName, String layer) {
    this.arguments = Objects.requireNonNull(arguments, "arguments");
    this.layerName = layerName;
    this.functionName = functionName;
    this.layer = layer;
  }

  /** The Keras layer's name, e.g. {@code lambda_1}: pass it to a generated layer's {@code name}. */
  public String layerName() {
    return layerName;
  }

  /** The Python function's name, or empty for a Python {@code lambda}. */
  public Optional<String> functionName() {
    return Optional.ofNullable(functionName);
  }

  /** The argument names the file gives, in its order. */
  public Set<String> names() {
    return arguments.keySet();
  }

  /** Whether the file gives {@code name} (and not as null). */
  public boolean has(String name) {
    read.add(name);
    return arguments.get(name) != null;
  }

  public int requireInt(String name) throws ModelFormatException {
    present(name);
    try {
      return arguments.requireInt(name);
    } catch (ModelFormatException e) {
      throw wrap(name, e);
    }
  }

  public long requireLong(String name) throws ModelFormatException {
    present(name);
    try {
      return arguments.requireLong(name);
    } catch (ModelFormatException e) {
      throw wrap(name, e);
    }
  }

  public float requireFloat(String name) throws ModelFormatException {
    present(name);
    try {
      return arguments.requireFloat(name);
    } catch (ModelFormatException e) {
      throw wrap(name, e);
    }
  }

  public double requireDouble(String name) throws ModelFormatException {
    present(name);
    try {
      return arguments.requireDouble(name);
    } catch (ModelFormatException e) {
      throw wrap(name, e);
    }
  }

  public boolean requireBoolean(String name) throws ModelFormatException {
    present(name);
    try {
      return arguments.requireBoolean(name);
    } catch (ModelFormatException e) {
      throw wrap(name, e);
    }
  }

  public String requireString(String name) throws ModelFormatException {
    present(name);
    try {
      return arguments.requireString(name);
    } catch (ModelFormatException e) {
      throw wrap(name, e);
    }
  }

  /** A Python list or tuple of integers, e.g. {@code (1, 2)}. */
  public int[] requireIntArray(String name) throws ModelFormatException {
    present(name);
    try {
      return arguments.requireArray(name).ints();
    } catch (ModelFormatException e) {
      throw wrap(name, e);
    }
  }

  /** A Python list or tuple of numbers, each rounded once to float32. */
  public float[] requireFloatArray(String name) throws ModelFormatException {
    present(name);
    try {
      return arguments.requireArray(name).floats();
    } catch (ModelFormatException e) {
      throw wrap(name, e);
    }
  }

  /** A Python list or tuple of numbers. */
  public double[] requireDoubleArray(String name) throws ModelFormatException {
    present(name);
    try {
      return arguments.requireArray(name).doubles();
    } catch (ModelFormatException e) {
      throw wrap(name, e);
    }
  }

  /** An enum constant spelled as the file's string, e.g. {@code "mean"} for {@code MEAN}. */
  public <E extends Enum<E>> E requireEnum(String name, Class<E> type)
      throws ModelFormatException {
    return type.cast(enumConstant(name, type.getEnumConstants()));
  }

  private Object enumConstant(String name, Object[] constants) throws ModelFormatException {
    String value = requireString(name);
    for (Object constant : constants) {
      if (((Enum<?>) constant).name().equalsIgnoreCase(value)) {
        return constant;
      }
    }
    StringBuilder known = new StringBuilder();
    for (Object constant : constants) {
      known.append(known.length() == 0 ? "" : ", ").append(((Enum<?>) constant).name()
          .toLowerCase(java.util.Locale.ROOT));
    }
    throw arguments.error(name, layer + ": argument '" + name + "' is \"" + value
        + "\", expected one of " + known);
  }

  /**
   * The argument as a value of an {@code @Arg}'s Java type: a primitive or its box, {@code
   * String}, an enum, or an array of {@code int}, {@code long}, {@code float} or {@code double}.
   * For code that binds by a lambda's declared argument types rather than by hand.
   *
   * @return the value, boxed for a primitive type
   * @throws IllegalArgumentException if {@code type} is not an {@code @Arg} type this reads
   */
  public Object require(String name, Class<?> type) throws ModelFormatException {
    if (type == int.class || type == Integer.class) {
      return requireInt(name);
    } else if (type == long.class || type == Long.class) {
      return requireLong(name);
    } else if (type == float.class || type == Float.class) {
      return requireFloat(name);
    } else if (type == double.class || type == Double.class) {
      return requireDouble(name);
    } else if (type == boolean.class || type == Boolean.class) {
      return requireBoolean(name);
    } else if (type == String.class) {
      return requireString(name);
    } else if (type == int[].class) {
      return requireIntArray(name);
    } else if (type == long[].class) {
      present(name);
      try {
        return arguments.requireArray(name).longs();
      } catch (ModelFormatException e) {
        throw wrap(name, e);
      }
    } else if (type == float[].class) {
      return requireFloatArray(name);
    } else if (type == double[].class) {
      return requireDoubleArray(name);
    } else if (type.isEnum()) {
      return enumConstant(name, type.getEnumConstants());
    }
    throw new IllegalArgumentException("KerasArguments cannot read an @Arg of type "
        + type.getName());
  }

  public int optInt(String name, int fallback) throws ModelFormatException {
    return has(name) ? requireInt(name) : fallback;
  }

  public long optLong(String name, long fallback) throws ModelFormatException {
    return has(name) ? requireLong(name) : fallback;
  }

  public float optFloat(String name, float fallback) throws ModelFormatException {
    return has(name) ? requireFloat(name) : fallback;
  }

  public double optDouble(String name, double fallback) throws ModelFormatException {
    return has(name) ? requireDouble(name) : fallback;
  }

  public boolean optBoolean(String name, boolean fallback) throws ModelFormatException {
    return has(name) ? requireBoolean(name) : fallback;
  }

  public String optString(String name, String fallback) throws ModelFormatException {
    return has(name) ? requireString(name) : fallback;
  }

  private void present(String name) throws ModelFormatException {
    read.add(name);
    if (!arguments.containsKey(name)) {
      throw arguments.error(layer + ": argument '" + name + "' is missing; the file gives "
          + (arguments.isEmpty() ? "no arguments" : "arguments " + arguments.keySet()));
    }
  }

  private ModelFormatException wrap(String name, ModelFormatException e) {
    // The JSON reader's message already has the file, line and path: add who and which argument.
    String message = e.getMessage();
    int at = message.indexOf(": at ");
    int detail = at < 0 ? -1 : message.indexOf(": ", at + 5);
    String text = detail < 0
        ? layer + ": argument '" + name + "': " + message
        : message.substring(0, detail + 2) + layer + ": argument '" + name + "': "
            + message.substring(detail + 2);
    return new ModelFormatException(text, e);
  }

  /** The arguments the file gives that the binding never asked for. */
  Set<String> unread() {
    Set<String> left = new LinkedHashSet<>(arguments.keySet());
    left.removeAll(read);
    return left;
  }

}
