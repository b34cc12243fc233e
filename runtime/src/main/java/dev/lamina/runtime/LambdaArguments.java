package dev.lamina.runtime;

import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonNumber;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.registry.LambdaFactory;
import dev.lamina.runtime.registry.LambdaFactory.ArgumentSpec;
import java.io.IOException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lambda's {@code @Arg} values in a model file, typed by the registry's declaration of the
 * lambda: numbers as JSON numbers (floats written to parse back bit-exact), booleans, strings,
 * an enum by its constant's name, a primitive array as a JSON array, a boxed null as null. On
 * reading, a value of the wrong kind, out of its type's range or an unknown enum constant is an
 * error naming the layer and the argument.
 */
final class LambdaArguments {

  /** Longest array argument a file may give. */
  static final int MAX_ARRAY = 1 << 20;

  private LambdaArguments() {}

  static Map<String, Object> encode(LambdaFactory factory, Map<String, Object> values) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (ArgumentSpec spec : factory.arguments()) {
      out.put(spec.name(), encodeValue(values.get(spec.name())));
    }
    return out;
  }

  private static Object encodeValue(Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean
        || value instanceof String) {
      return value;
    }
    if (value instanceof Character c) {
      return String.valueOf(c);
    }
    if (value instanceof Enum<?> constant) {
      return constant.name();
    }
    if (value.getClass().isArray()) {
      List<Object> list = new ArrayList<>();
      for (int i = 0; i < Array.getLength(value); i++) {
        list.add(encodeValue(Array.get(value, i)));
      }
      return list;
    }
    throw new IllegalArgumentException("an @Arg value of type " + value.getClass().getName()
        + " cannot be saved");
  }

  static Map<String, Object> decode(LambdaFactory factory, JsonObject json, String layer)
      throws IOException {
    List<String> names = new ArrayList<>();
    factory.arguments().forEach(spec -> names.add(spec.name()));
    json.rejectUnknownKeys(names.toArray(String[]::new));
    Map<String, Object> values = new LinkedHashMap<>();
    for (ArgumentSpec spec : factory.arguments()) {
      if (!json.containsKey(spec.name())) {
        throw json.error("lacks argument '" + spec.name() + "' of layer '" + layer + "' ("
            + factory.name() + " takes " + names + ")");
      }
      String what = "argument '" + spec.name() + "' of layer '" + layer + "' ("
          + spec.type().getSimpleName() + ")";
      values.put(spec.name(), decodeValue(json.get(spec.name()), spec.type(), what, json,
          spec.name()));
    }
    return values;
  }

  private static Object decodeValue(Object value, Class<?> type, String what, JsonObject where,
      String key) throws ModelFormatException {
    if (value == null) {
      if (type.isPrimitive()) {
        throw where.error(key, what + " is null; a primitive needs a value");
      }
      return null;
    }
    if (type.isArray() && type.getComponentType().isPrimitive()) {
      if (!(value instanceof JsonArray array)) {
        throw where.error(key, what + " needs an array, got " + kind(value));
      }
      if (array.size() > MAX_ARRAY) {
        throw where.error(key, what + " has " + array.size() + " elements; at most " + MAX_ARRAY);
      }
      Object out = Array.newInstance(type.getComponentType(), array.size());
      for (int i = 0; i < array.size(); i++) {
        Object element = decodeValue(array.get(i), type.getComponentType(),
            what + "[" + i + "]", where, key);
        Array.set(out, i, element);
      }
      return out;
    }
    if (type.isEnum()) {
      if (!(value instanceof String name)) {
        throw where.error(key, what + " needs a constant's name, got " + kind(value));
      }
      for (Object constant : type.getEnumConstants()) {
        if (((Enum<?>) constant).name().equals(name)) {
          return constant;
        }
      }
      List<String> known = new ArrayList<>();
      for (Object constant : type.getEnumConstants()) {
        known.add(((Enum<?>) constant).name());
      }
      throw where.error(key, what + " is '" + name + "', not one of " + known);
    }
    if (type == String.class) {
      if (!(value instanceof String)) {
        throw where.error(key, what + " needs a string, got " + kind(value));
      }
      return value;
    }
    if (type == boolean.class || type == Boolean.class) {
      if (!(value instanceof Boolean)) {
        throw where.error(key, what + " needs true or false, got " + kind(value));
      }
      return value;
    }
    if (type == char.class || type == Character.class) {
      if (!(value instanceof String s) || s.length() != 1) {
        throw where.error(key, what + " needs a one-character string, got " + kind(value));
      }
      return s.charAt(0);
    }
    if (!(value instanceof JsonNumber number)) {
      throw where.error(key, what + " needs a number, got " + kind(value));
    }
    if (!number.isFinite()) {
      throw where.error(key, what + " is " + number + ", which is not finite");
    }
    if (type == float.class || type == Float.class) {
      return finite(number.floatValue(), where, key, what);
    } else if (type == double.class || type == Double.class) {
      return finite(number.doubleValue(), where, key, what);
    }
    long whole;
    try {
      whole = number.longValueExact();
    } catch (ArithmeticException e) {
      throw where.error(key, what + " is " + number + ", which is not a whole number in its "
          + "type's range");
    }
    long min;
    long max;
    if (type == int.class || type == Integer.class) {
      min = Integer.MIN_VALUE;
      max = Integer.MAX_VALUE;
    } else if (type == long.class || type == Long.class) {
      return whole;
    } else if (type == short.class || type == Short.class) {
      min = Short.MIN_VALUE;
      max = Short.MAX_VALUE;
    } else if (type == byte.class || type == Byte.class) {
      min = Byte.MIN_VALUE;
      max = Byte.MAX_VALUE;
    } else {
      throw where.error(key, what + ": Lamina cannot read arguments of this type");
    }
    if (whole < min || whole > max) {
      throw where.error(key, what + " is " + whole + ", outside its type's range");
    }
    return type == int.class || type == Integer.class ? (Object) (int) whole
        : type == short.class || type == Short.class ? (Object) (short) whole
        : (Object) (byte) whole;
  }

  private static <N extends Number> N finite(N value, JsonObject where, String key, String what)
      throws ModelFormatException {
    if (Double.isInfinite(value.doubleValue())) {
      throw where.error(key, what + " is out of its type's range");
    }
    return value;
  }

  private static String kind(Object value) {
    return value instanceof JsonObject ? "an object" : value instanceof JsonArray ? "an array"
        : value instanceof String ? "a string" : value instanceof Boolean ? "a boolean"
        : value instanceof JsonNumber ? "a number" : String.valueOf(value);
  }
}
