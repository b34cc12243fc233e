package dev.lamina.runtime.initializers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes Keras's serialized objects, {@code {"class_name": ..., "config": {...}}}, as
 * initializers, regularizers and constraints share them; errors are {@link
 * IllegalArgumentException}s saying what is wrong.
 */
public final class KerasObjects {

  private KerasObjects() {}

  /** {@code {"class_name": className, "config": config}}, as Keras writes it. */
  public static Map<String, Object> object(String className, Map<String, Object> config) {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("class_name", className);
    object.put("config", config);
    return object;
  }

  /** The class name of a Keras object. */
  public static String className(Map<String, ?> object, String what) {
    Object name = object.get("class_name");
    if (!(name instanceof String s)) {
      throw new IllegalArgumentException(what + " needs a string class_name, got " + object);
    }
    return s;
  }

  /** The config of a Keras object (empty if absent), checked for unknown keys. */
  public static Map<String, ?> config(Map<String, ?> object, String what, List<String> known) {
    Object config = object.get("config");
    if (config == null) {
      return Map.of();
    }
    if (!(config instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(what + ": config must be an object, got " + config);
    }
    @SuppressWarnings("unchecked")
    Map<String, ?> typed = (Map<String, ?>) map;
    for (String key : typed.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(what + " " + className(object, what)
            + " has no option '" + key + "'; it takes " + known);
      }
    }
    return typed;
  }

  /** A number option, or {@code fallback} when missing or null. */
  public static double number(Map<String, ?> config, String key, double fallback, String what) {
    Object value = config.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(what + ": " + key + " must be a number, got " + value);
    }
    return n.doubleValue();
  }

  /** A seed option: null when missing or null (Keras's {@code seed=None}). */
  public static Long seed(Map<String, ?> config, String what) {
    Object value = config.get("seed");
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException(what + ": seed must be an integer or None, got "
          + value);
    }
    return n.longValue();
  }

  /** A string option. */
  public static String string(Map<String, ?> config, String key, String fallback, String what) {
    Object value = config.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(what + ": " + key + " must be a string, got " + value);
    }
    return s;
  }

  /** An axis option, an integer or a list of integers. */
  public static int[] axes(Map<String, ?> config, String key, int fallback, String what) {
    Object value = config.get(key);
    if (value == null) {
      return new int[] {fallback};
    }
    if (value instanceof Number n) {
      return new int[] {n.intValue()};
    }
    if (value instanceof List<?> list && !list.isEmpty()) {
      int[] axes = new int[list.size()];
      for (int i = 0; i < axes.length; i++) {
        if (!(list.get(i) instanceof Number n)) {
          throw new IllegalArgumentException(what + ": " + key + " must hold integers, got "
              + value);
        }
        axes[i] = n.intValue();
      }
      return axes;
    }
    throw new IllegalArgumentException(what + ": " + key + " must be an integer or a list of "
        + "integers, got " + value);
  }

  /** An axis list as Keras writes it: a lone integer, or a list. */
  public static Object axesValue(int[] axes) {
    if (axes.length == 1) {
      return axes[0];
    }
    List<Integer> list = new java.util.ArrayList<>();
    for (int axis : axes) {
      list.add(axis);
    }
    return list;
  }

  /** Keras's {@code to_snake_case}-free lookup key: lower case without underscores. */
  public static String key(String name) {
    return name.replace("_", "").toLowerCase(java.util.Locale.ROOT);
  }
}
