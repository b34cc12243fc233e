package dev.lamina.runtime.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;

/**
 * RFC 8259, strictly, without recursion: open containers live on a linked stack of frames, so a
 * file's nesting is bounded by {@link Json.Limits#maxDepth()} alone, never by the thread's stack.
 * Every limit is checked before the thing it limits is allocated.
 */
final class JsonParser {

  private static final int SMALL = 8;
  private static final Object[] NO_VALUES = {};
  private static final long[] NO_POSITIONS = {};
  private static final String[] NO_KEYS = {};

  private final char[] s;
  private final int n;
  private final String source;
  private final Json.Limits limits;
  private int i;
  private int line = 1;
  private int lineStart;
  private int elements;
  private Frame top; // the innermost open container, null at the top level

  JsonParser(char[] s, int n, String source, Json.Limits limits) {
    this.s = s;
    this.n = n;
    this.source = source;
    this.limits = limits;
  }

  /** An open object or array. */
  private static final class Frame {
    final Frame parent;
    final boolean object;
    final JsonPath path;
    final long pos;
    final int depth;
    final ArrayList<Object> values = new ArrayList<>();
    final ArrayList<String> keys;
    HashMap<String, Integer> index; // from SMALL keys on: a scan is cheaper below that
    long[] positions = new long[4];
    String key;

    Frame(Frame parent, boolean object, JsonPath path, long pos) {
      this.parent = parent;
      this.object = object;
      this.path = path;
      this.pos = pos;
      this.depth = parent == null ? 1 : parent.depth + 1;
      this.keys = object ? new ArrayList<>() : null;
    }

    boolean has(String k) {
      return index != null ? index.containsKey(k) : keys.contains(k);
    }

    char close() {
      return object ? '}' : ']';
    }

    JsonPath childPath() {
      return object ? path.child(key) : path.child(values.size());
    }

    void add(Object value, long p) {
      int k = values.size();
      if (object) {
        keys.add(key);
        if (index != null) {
          index.put(key, k);
        } else if (keys.size() > SMALL) {
          index = new HashMap<>();
          for (int j = 0; j < keys.size(); j++) {
            index.put(keys.get(j), j);
          }
        }
      }
      if (k == positions.length) {
        positions = Arrays.copyOf(positions, k * 2);
      }
      positions[k] = p;
      values.add(value);
    }

    Object build(String source) {
      // Empty containers share their arrays: a hostile file of {} and [] costs less that way.
      boolean empty = values.isEmpty();
      Object[] v = empty ? NO_VALUES : values.toArray();
      long[] p = empty ? NO_POSITIONS : Arrays.copyOf(positions, values.size());
      return object ? new JsonObject(source, path, pos, empty ? NO_KEYS
          : keys.toArray(NO_KEYS), v, p, index) : new JsonArray(source, path, pos, v, p);
    }
  }

  Object parse() throws ModelFormatException {
    skipWhitespace();
    while (true) {
      // A value starts here: the document, an array element or an object member.
      long pos = pos(i);
      if (i >= n) {
        throw error(i, valuePath(), "unexpected end of input, expected a value");
      }
      if (++elements > limits.maxElements()) {
        throw error(i, valuePath(), "more than " + limits.maxElements()
            + " values in the document");
      }
      Object value;
      char c = s[i];
      if (c == '{' || c == '[') {
        if ((top == null ? 1 : top.depth + 1) > limits.maxDepth()) {
          throw error(i, valuePath(), "nested deeper than " + limits.maxDepth() + " levels");
        }
        i++;
        top = new Frame(top, c == '{', valuePath(), pos);
        skipWhitespace();
        if (i < n && s[i] == top.close()) {
          i++;
          value = top.build(source);
          top = top.parent;
        } else {
          if (top.object) {
            readKey(top, true);
          }
          continue;
        }
      } else {
        value = scalar();
      }
      // Hand the value to its container, closing every container that ends right after it.
      while (true) {
        if (top == null) {
          skipWhitespace();
          if (i < n) {
            throw error(i, JsonPath.ROOT, "unexpected " + found() + " after the JSON value");
          }
          return value;
        }
        top.add(value, pos);
        skipWhitespace();
        if (i < n && s[i] == ',') {
          i++;
          skipWhitespace();
          if (top.object) {
            readKey(top, false);
          }
          break;
        }
        if (i < n && s[i] == top.close()) {
          i++;
          value = top.build(source);
          pos = top.pos;
          top = top.parent;
          continue;
        }
        throw error(i, top.path, "expected ',' or '" + top.close() + "', found " + found());
      }
    }
  }

  private void readKey(Frame f, boolean first) throws ModelFormatException {
    if (i >= n || s[i] != '"') {
      throw error(i, f.path, "expected a string key" + (first ? " or '}'" : "") + ", found "
          + found());
    }
    int at = i;
    String key = string(f.path);
    if (f.has(key)) {
      throw error(at, f.path.child(key), "duplicate key " + JsonValues.quote(key, 60));
    }
    skipWhitespace();
    if (i >= n || s[i] != ':') {
      throw error(i, f.path, "expected ':' after key " + JsonValues.quote(key, 60) + ", found "
          + found());
    }
    i++;
    skipWhitespace();
    f.key = key;
  }

  private JsonPath valuePath() {
    return top == null ? JsonPath.ROOT : top.childPath();
  }

  private Object scalar() throws ModelFormatException {
    char c = s[i];
    switch (c) {
      case '"':
        return string(null);
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      case 'N':
      case 'I':
        return nonFinite();
      case '-':
        if (i + 1 < n && s[i + 1] == 'I') {
          return nonFinite();
        }
        return number();
      default:
        if (c >= '0' && c <= '9') {
          return number();
        }
        throw error(i, valuePath(), "unexpected " + found() + ", expected a value");
    }
  }

  private Object literal(String word, Object value) throws ModelFormatException {
    if (!matches(word)) {
      throw error(i, valuePath(), "unexpected " + found() + ", expected a value");
    }
    i += word.length();
    return value;
  }

  private boolean matches(String word) {
    if (n - i < word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (s[i + k] != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  // Python's json module (and so Keras) writes these; JSON has no such numbers.
  private Object nonFinite() throws ModelFormatException {
    for (String word : new String[] {"NaN", "Infinity", "-Infinity"}) {
      if (matches(word)) {
        if (!limits.allowNonFinite()) {
          throw error(i, valuePath(), word + " is not a JSON number (only a reader for Keras files"
              + " accepts it)");
        }
        i += word.length();
        return new JsonNumber(word);
      }
    }
    throw error(i, valuePath(), "unexpected " + found() + ", expected a value");
  }

  private JsonNumber number() throws ModelFormatException {
    int start = i;
    if (s[i] == '-') {
      i++;
    }
    if (!digitAt(i)) {
      throw error(i, valuePath(), "expected a digit after '-', found " + found());
    }
    if (s[i] == '0') {
      i++;
      if (digitAt(i)) {
        throw error(start, valuePath(), "leading zeros are not allowed in a number");
      }
    } else {
      skipDigits();
    }
    if (i < n && s[i] == '.') {
      i++;
      if (!digitAt(i)) {
        throw error(i, valuePath(), "expected a digit after '.', found " + found());
      }
      skipDigits();
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
      i++;
      if (i < n && (s[i] == '+' || s[i] == '-')) {
        i++;
      }
      if (!digitAt(i)) {
        throw error(i, valuePath(), "expected a digit in the exponent, found " + found());
      }
      skipDigits();
    }
    if (i - start > limits.maxNumberLength()) {
      throw error(start, valuePath(), "number longer than " + limits.maxNumberLength()
          + " characters");
    }
    return new JsonNumber(new String(s, start, i - start));
  }

  private boolean digitAt(int k) {
    return k < n && s[k] >= '0' && s[k] <= '9';
  }

  private void skipDigits() {
    while (digitAt(i)) {
      i++;
    }
  }

  /** A string value, or with {@code keyOf} a key of that object (errors then point there). */
  private String string(JsonPath keyOf) throws ModelFormatException {
    JsonPath path = keyOf != null ? keyOf : valuePath();
    int start = i++;
    int from = i;
    int max = limits.maxStringLength();
    // Most strings have no escapes: find the end, check the length, then copy once.
    while (i < n && s[i] != '"' && s[i] != '\\' && s[i] >= 0x20) {
      i++;
    }
    if (i - from > max) {
      throw error(start, path, "string longer than " + max + " characters");
    }
    if (i < n && s[i] == '"') {
      i++;
      return new String(s, from, i - 1 - from);
    }
    var sb = new StringBuilder(i - from + 16).append(s, from, i - from);
    while (true) {
      if (i >= n) {
        throw error(start, path, "unterminated string");
      }
      char c = s[i];
      if (c == '"') {
        i++;
        return sb.toString();
      } else if (c < 0x20) {
        throw error(i, path, String.format("control character U+%04X must be escaped", (int) c));
      } else if (c == '\\') {
        escape(sb, path);
      } else {
        sb.append(c);
        i++;
      }
      if (sb.length() > max) {
        throw error(start, path, "string longer than " + max + " characters");
      }
    }
  }

  private void escape(StringBuilder sb, JsonPath path) throws ModelFormatException {
    int at = i;
    char e = i + 1 < n ? s[i + 1] : 0;
    i += 2;
    switch (e) {
      case '"', '\\', '/' -> sb.append(e);
      case 'b' -> sb.append('\b');
      case 'f' -> sb.append('\f');
      case 'n' -> sb.append('\n');
      case 'r' -> sb.append('\r');
      case 't' -> sb.append('\t');
      case 'u' -> {
        char c = hex4(at, path);
        if (Character.isLowSurrogate(c)) {
          throw error(at, path, "unpaired surrogate in escape \\u" + hex(c));
        }
        if (Character.isHighSurrogate(c)) {
          // JSON spells a character beyond U+FFFF as two escapes; a lone half is not text.
          if (!(i + 1 < n && s[i] == '\\' && s[i + 1] == 'u')) {
            throw error(at, path, "unpaired surrogate in escape \\u" + hex(c));
          }
          int low = i;
          i += 2;
          char d = hex4(low, path);
          if (!Character.isLowSurrogate(d)) {
            throw error(at, path, "unpaired surrogate in escape \\u" + hex(c));
          }
          sb.append(c);
          c = d;
        }
        sb.append(c);
      }
      default -> {
        throw error(at, path, "invalid escape '\\" + (at + 1 < n ? printable(s[at + 1]) : "")
            + "' in a string");
      }
    }
  }

  private char hex4(int at, JsonPath path) throws ModelFormatException {
    int v = 0;
    for (int k = 0; k < 4; k++, i++) {
      char h = i < n ? s[i] : 0;
      int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
          : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
      if (d < 0) {
        throw error(at, path, "expected four hex digits after \\u");
      }
      v = v * 16 + d;
    }
    return (char) v;
  }

  private static String hex(char c) {
    return String.format("%04X", (int) c);
  }

  private void skipWhitespace() {
    while (i < n) {
      char c = s[i];
      if (c == '\n') {
        line++;
        lineStart = i + 1;
      } else if (c == '\r') {
        // CR LF is one line break; a lone CR is one too.
        if (i + 1 < n && s[i + 1] == '\n') {
          i++;
        }
        line++;
        lineStart = i + 1;
      } else if (c != ' ' && c != '\t') {
        return;
      }
      i++;
    }
  }

  // Line breaks only occur in whitespace (a raw one in a string is an error at that spot), so the
  // line counted there holds for every offset on it.
  private long pos(int at) {
    return JsonValues.pos(line, at - lineStart + 1);
  }

  private String found() {
    return i >= n ? "end of input" : "'" + printable(s[i]) + "'";
  }

  private static String printable(char c) {
    return c < 0x20 || c == 0x7F || Character.isSurrogate(c) ? "\\u" + hex(c) : String.valueOf(c);
  }

  private ModelFormatException error(int at, JsonPath path, String detail) {
    return new ModelFormatException(source, line, at - lineStart + 1, path.toString(), detail);
  }
}
