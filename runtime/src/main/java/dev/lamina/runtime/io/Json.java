package dev.lamina.runtime.io;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON (RFC 8259) for model files, with no dependency beyond the JDK.
 *
 * <p><b>Reading</b> gives immutable plain values: {@link JsonObject} (a {@code Map} in the file's
 * key order), {@link JsonArray} (a {@code List}), {@link String}, {@link JsonNumber} (the literal
 * text, converted exactly on request), {@link Boolean} and null. It refuses everything RFC 8259
 * does not allow (comments, trailing commas, single quotes, leading zeros, unescaped control
 * characters, invalid UTF-8, a byte order mark, unpaired surrogate escapes, text after the value)
 * and duplicate keys, which RFC 8259 leaves open and which two readers could resolve differently.
 * Every refusal is a {@link ModelFormatException} with the source, line, column and JSON path.
 * {@link Limits} bound the input before it is read and each string, number, depth and the number
 * of values before they are allocated.
 *
 * <p><b>Writing</b> takes {@code Map<String, ?>} (iterated in its own order, so pass a {@code
 * LinkedHashMap} or a parsed object), {@code List}, {@code String}, {@code Boolean}, null and the
 * JDK's numbers. Output is deterministic and UTF-8: {@code float}s are written as {@link
 * Float#toString}, {@code double}s as {@link Double#toString}, both shortest-enough to parse back
 * bit-exact through {@link JsonObject#requireFloat} and {@link JsonObject#requireDouble}, {@code
 * -0.0} included. NaN and the infinities have no JSON spelling, so writing one is an error: Lamina
 * keeps non-finite values in binary weights, never in JSON. Reading them is possible only with
 * {@link Limits#withNonFinite}, for Keras files, whose Python writer emits {@code NaN}.
 */
public final class Json {

  private Json() {}

  /**
   * What a reader accepts. The defaults fit the model descriptions Lamina and Keras write with
   * wide margins (Keras's largest application models have about 1,000 layers, 100,000 values and
   * a few MB of JSON) while bounding what a hostile file costs: a parsed value takes at most about
   * 200 bytes of heap (a distinct key, its number and its index entry), so the default element
   * limit caps a document at about 100 MB, plus the input's characters while reading.
   *
   * @param maxInputBytes the largest document, in UTF-8 bytes (UTF-16 characters for a String)
   * @param maxDepth the deepest nesting of objects and arrays, the document itself being 1; the
   *     reader has no recursion, but the values' {@code equals}, {@code hashCode} and {@code
   *     toString} (the collections' own) recurse, so keep this in the hundreds
   * @param maxStringLength the longest string or key, in UTF-16 characters after unescaping
   * @param maxElements the most values (objects, arrays and scalars, not keys) in the document
   * @param maxNumberLength the longest number literal (float64's longest round-trip form is 24)
   * @param allowNonFinite whether Python's {@code NaN}, {@code Infinity} and {@code -Infinity}
   *     are read as numbers
   */
  public record Limits(int maxInputBytes, int maxDepth, int maxStringLength, int maxElements,
      int maxNumberLength, boolean allowNonFinite) {

    /** 16 MiB, depth 128, strings of 1 Mi characters, 500,000 values, numbers of 100 chars. */
    public static final Limits DEFAULT = new Limits(16 << 20, 128, 1 << 20, 500_000, 100, false);

    public Limits {
      if (maxInputBytes < 1 || maxDepth < 1 || maxStringLength < 0 || maxElements < 1
          || maxNumberLength < 1) {
        throw new IllegalArgumentException("limits must be positive: " + this);
      }
    }

    public Limits withMaxInputBytes(int v) {
      return new Limits(v, maxDepth, maxStringLength, maxElements, maxNumberLength, allowNonFinite);
    }

    public Limits withMaxDepth(int v) {
      return new Limits(maxInputBytes, v, maxStringLength, maxElements, maxNumberLength,
          allowNonFinite);
    }

    public Limits withMaxStringLength(int v) {
      return new Limits(maxInputBytes, maxDepth, v, maxElements, maxNumberLength, allowNonFinite);
    }

    public Limits withMaxElements(int v) {
      return new Limits(maxInputBytes, maxDepth, maxStringLength, v, maxNumberLength,
          allowNonFinite);
    }

    public Limits withMaxNumberLength(int v) {
      return new Limits(maxInputBytes, maxDepth, maxStringLength, maxElements, v, allowNonFinite);
    }

    public Limits withNonFinite(boolean v) {
      return new Limits(maxInputBytes, maxDepth, maxStringLength, maxElements, maxNumberLength, v);
    }
  }

  /** How {@link #write} lays out its output; each is deterministic. */
  public enum Style {
    /** No whitespace; keys in the map's order. */
    COMPACT,
    /** Two-space indentation, one member or element per line; keys in the map's order. */
    PRETTY,
    /**
     * As {@code COMPACT} with every object's keys sorted by UTF-16 code units (as RFC 8785), so
     * equal data give equal bytes whatever order it was built in: for hashing and comparing.
     */
    CANONICAL
  }

  /** Reads a UTF-8 document with the default limits; {@code source} names it in errors. */
  public static Object parse(byte[] utf8, String source) throws ModelFormatException {
    return parse(utf8, source, Limits.DEFAULT);
  }

  /** Reads a UTF-8 document; {@code source} (a file or zip entry name) names it in errors. */
  public static Object parse(byte[] utf8, String source, Limits limits)
      throws ModelFormatException {
    if (utf8.length > limits.maxInputBytes()) {
      throw new ModelFormatException(source + ": " + utf8.length + " bytes, more than the limit of "
          + limits.maxInputBytes());
    }
    if (utf8.length >= 3 && (utf8[0] & 0xFF) == 0xEF && (utf8[1] & 0xFF) == 0xBB
        && (utf8[2] & 0xFF) == 0xBF) {
      throw new ModelFormatException(source, 1, 1, null,
          "a byte order mark is not allowed in JSON");
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(utf8);
    CharBuffer out = CharBuffer.allocate(utf8.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      // Where the bad byte is, both for an editor (line:column) and a hex viewer (offset).
      throw errorAt(out.array(), out.position(), source,
          "invalid UTF-8 at byte offset " + in.position());
    }
    return new JsonParser(out.array(), out.position(), source, limits).parse();
  }

  /** Reads at most {@code limits.maxInputBytes()} (plus one, to tell) from {@code in}. */
  public static Object parse(InputStream in, String source, Limits limits) throws IOException {
    // readNBytes grows its buffer as bytes arrive, never to the bound ahead of them.
    int bound = (int) Math.min(limits.maxInputBytes() + 1L, Integer.MAX_VALUE - 8);
    byte[] bytes = in.readNBytes(bound);
    return parse(bytes, source, limits);
  }

  /** Reads a document held in a String, such as a test's text block. */
  public static Object parse(String text, String source) throws ModelFormatException {
    Limits limits = Limits.DEFAULT;
    if (text.length() > limits.maxInputBytes()) {
      throw new ModelFormatException(source + ": " + text.length()
          + " characters, more than the limit of " + limits.maxInputBytes());
    }
    char[] chars = text.toCharArray();
    for (int k = 0; k < chars.length; k++) {
      // A String may hold half a character, which UTF-8 input cannot: refuse it as invalid input.
      if (Character.isHighSurrogate(chars[k]) && k + 1 < chars.length
          && Character.isLowSurrogate(chars[k + 1])) {
        k++;
      } else if (Character.isSurrogate(chars[k])) {
        throw errorAt(chars, k, source, "unpaired surrogate U+" + Integer.toHexString(chars[k])
            .toUpperCase(java.util.Locale.ROOT));
      }
    }
    return new JsonParser(chars, chars.length, source, limits).parse();
  }

  /** An error at offset {@code at} of {@code text}, for faults found before parsing. */
  private static ModelFormatException errorAt(char[] c, int at, String source, String detail) {
    int line = 1;
    int lineStart = 0;
    for (int k = 0; k < at; k++) {
      if (c[k] == '\n' || (c[k] == '\r' && (k + 1 >= at || c[k + 1] != '\n'))) {
        line++;
        lineStart = k + 1;
      }
    }
    return new ModelFormatException(source, line, at - lineStart + 1, null, detail);
  }

  /** Reads a document that must be an object, as every model description is. */
  public static JsonObject parseObject(byte[] utf8, String source, Limits limits)
      throws ModelFormatException {
    Object v = parse(utf8, source, limits);
    if (v instanceof JsonObject o) {
      return o;
    } else if (v instanceof JsonArray a) {
      throw a.error("expected an object at the top level, found an array");
    }
    throw new ModelFormatException(source, 1, 1, "$", "expected an object at the top level, found "
        + JsonValues.describe(v));
  }

  /** {@link #parseObject(byte[], String, Limits)} with the default limits. */
  public static JsonObject parseObject(byte[] utf8, String source) throws ModelFormatException {
    return parseObject(utf8, source, Limits.DEFAULT);
  }

  /**
   * Writes {@code value} as JSON text.
   *
   * @throws IllegalArgumentException for a value JSON cannot hold (NaN, an infinity, an unpaired
   *     surrogate, a non-String key, an unknown type) or one nested deeper than the default
   *     reader accepts; the message gives the JSON path
   */
  public static String write(Object value, Style style) {
    var sb = new StringBuilder();
    write(value, style, sb, "$", 1);
    return sb.toString();
  }

  /** {@link #write} encoded as UTF-8. */
  public static byte[] writeBytes(Object value, Style style) {
    return write(value, style).getBytes(StandardCharsets.UTF_8);
  }

  private static void write(Object v, Style style, StringBuilder sb, String path, int depth) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      sb.append('"');
      if (!escape(s, sb, true)) {
        throw new IllegalArgumentException("cannot write " + path + ": unpaired surrogate");
      }
      sb.append('"');
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long
        || v instanceof Short || v instanceof Byte || v instanceof BigInteger
        || v instanceof BigDecimal) {
      sb.append(v);
    } else if (v instanceof Double || v instanceof Float || v instanceof JsonNumber) {
      boolean finite = v instanceof JsonNumber n ? n.isFinite() : Double.isFinite(((Number) v)
          .doubleValue());
      if (!finite) {
        throw new IllegalArgumentException("cannot write " + path + ": " + v
            + " has no JSON spelling");
      }
      sb.append(v); // Float/Double.toString: always a valid JSON number when finite
    } else if (v instanceof Map<?, ?> || v instanceof List<?>) {
      if (depth > Limits.DEFAULT.maxDepth()) {
        throw new IllegalArgumentException("cannot write " + path + ": nested deeper than "
            + Limits.DEFAULT.maxDepth() + " levels (or a cycle)");
      }
      container(v, style, sb, path, depth);
    } else {
      throw new IllegalArgumentException("cannot write " + path + ": " + JsonValues.describe(v)
          + " is not a JSON value");
    }
  }

  private static void container(Object v, Style style, StringBuilder sb, String path, int depth) {
    boolean object = v instanceof Map<?, ?>;
    List<?> items;
    if (object) {
      var entries = new ArrayList<Map.Entry<?, ?>>(((Map<?, ?>) v).entrySet());
      for (var e : entries) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException("cannot write " + path + ": key "
              + JsonValues.describe(e.getKey()) + " is not a String");
        }
      }
      if (style == Style.CANONICAL) {
        entries.sort((a, b) -> ((String) a.getKey()).compareTo((String) b.getKey()));
      }
      items = entries;
    } else {
      items = (List<?>) v;
    }
    sb.append(object ? '{' : '[');
    int k = 0;
    for (Object item : items) {
      if (k > 0) {
        sb.append(',');
      }
      if (style == Style.PRETTY) {
        sb.append('\n').append("  ".repeat(depth));
      }
      if (object) {
        var e = (Map.Entry<?, ?>) item;
        String key = (String) e.getKey();
        write(key, style, sb, path, depth);
        sb.append(style == Style.PRETTY ? ": " : ":");
        write(e.getValue(), style, sb, path + JsonValues.segment(key), depth + 1);
      } else {
        write(item, style, sb, path + "[" + k + "]", depth + 1);
      }
      k++;
    }
    if (style == Style.PRETTY && k > 0) {
      sb.append('\n').append("  ".repeat(depth - 1));
    }
    sb.append(object ? '}' : ']');
  }

  /**
   * Appends {@code s} with JSON's escapes: quote, backslash and the control characters, which
   * JSON requires escaped, and nothing else. Returns false on an unpaired surrogate, which has no
   * UTF-8 spelling ({@code strict}); otherwise (for messages) writes it as an escape.
   */
  static boolean escape(String s, StringBuilder sb, boolean strict) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (Character.isHighSurrogate(c) && k + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(k + 1))) {
            sb.append(c).append(s.charAt(++k));
          } else if (c < 0x20 || Character.isSurrogate(c)) {
            if (strict && c >= 0x20) {
              return false;
            }
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return true;
  }
}
