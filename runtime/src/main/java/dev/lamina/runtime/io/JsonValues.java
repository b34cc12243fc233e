package dev.lamina.runtime.io;

import java.math.BigDecimal;

/** Conversions shared by {@link JsonObject} and {@link JsonArray}, with their error messages. */
final class JsonValues {

  private JsonValues() {}

  /** Where a value sits, for error messages. */
  record Where(String source, JsonPath path, long pos) {
    ModelFormatException error(String detail) {
      return new ModelFormatException(source, (int) (pos >>> 32), (int) pos, path.toString(),
          detail);
    }

    ModelFormatException expected(String what, Object found) {
      return error("expected " + what + ", found " + describe(found));
    }
  }

  static long pos(int line, int column) {
    return ((long) line << 32) | (column & 0xFFFFFFFFL);
  }

  /** A path step for an object key: {@code .name}, or {@code ["odd key"]} when it needs quoting. */
  static String segment(String key) {
    boolean plain = !key.isEmpty() && key.length() <= 60 && !Character.isDigit(key.charAt(0));
    for (int i = 0; i < key.length() && plain; i++) {
      char c = key.charAt(i);
      plain = c == '_' || (c < 128 && Character.isLetterOrDigit(c));
    }
    return plain ? "." + key : "[" + quote(key, 60) + "]";
  }

  /** A short, escaped rendering of a value for messages: never the whole of a long string. */
  static String describe(Object v) {
    if (v == null) {
      return "null";
    } else if (v instanceof String s) {
      return "string " + quote(s, 40);
    } else if (v instanceof JsonNumber || v instanceof Number) {
      String t = v.toString();
      return "number " + (t.length() > 40 ? t.substring(0, 40) + "..." : t);
    } else if (v instanceof Boolean) {
      return v.toString();
    } else if (v instanceof java.util.Map) {
      return "an object";
    } else if (v instanceof java.util.List) {
      return "an array";
    }
    return "a " + v.getClass().getName();
  }

  static String quote(String s, int max) {
    var sb = new StringBuilder().append('"');
    Json.escape(s.length() > max ? s.substring(0, max) : s, sb, false);
    return sb.append(s.length() > max ? "...\"" : "\"").toString();
  }

  static String string(Object v, Where w) throws ModelFormatException {
    if (v instanceof String s) {
      return s;
    }
    throw w.expected("a string", v);
  }

  static boolean bool(Object v, Where w) throws ModelFormatException {
    if (v instanceof Boolean b) {
      return b;
    }
    throw w.expected("true or false", v);
  }

  static JsonObject object(Object v, Where w) throws ModelFormatException {
    if (v instanceof JsonObject o) {
      return o;
    }
    throw w.expected("an object", v);
  }

  static JsonArray array(Object v, Where w) throws ModelFormatException {
    if (v instanceof JsonArray a) {
      return a;
    }
    throw w.expected("an array", v);
  }

  static long int64(Object v, Where w) throws ModelFormatException {
    if (!(v instanceof JsonNumber n)) {
      throw w.expected("an integer", v);
    }
    try {
      return n.longValueExact();
    } catch (ArithmeticException e) {
      throw w.error(isIntegral(n) ? "number " + n + " is out of the int64 range"
          : "expected an integer, found " + describe(n));
    }
  }

  static int int32(Object v, Where w) throws ModelFormatException {
    long x = int64(v, w);
    if (x != (int) x) {
      throw w.error("number " + v + " is out of the int32 range");
    }
    return (int) x;
  }

  static double float64(Object v, Where w) throws ModelFormatException {
    if (!(v instanceof JsonNumber n)) {
      throw w.expected("a number", v);
    }
    double d = n.doubleValue();
    if (Double.isInfinite(d) && n.isFinite()) {
      throw w.error("number " + n + " is out of the float64 range");
    }
    return d;
  }

  static float float32(Object v, Where w) throws ModelFormatException {
    if (!(v instanceof JsonNumber n)) {
      throw w.expected("a number", v);
    }
    float f = n.floatValue();
    if (Float.isInfinite(f) && n.isFinite()) {
      throw w.error("number " + n + " is out of the float32 range");
    }
    return f;
  }

  private static boolean isIntegral(JsonNumber n) {
    if (!n.isFinite()) {
      return false;
    }
    try {
      BigDecimal d = n.bigDecimalValue();
      // Cheap even for 1e-999999999: stripping works on the unscaled digits, at most 100 here.
      return d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
    } catch (NumberFormatException e) {
      return !n.toString().contains("e-") && !n.toString().contains("E-");
    }
  }
}
