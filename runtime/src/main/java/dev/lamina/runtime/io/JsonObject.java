package dev.lamina.runtime.io;

import dev.lamina.runtime.io.JsonValues.Where;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Map;
import java.util.Set;

/**
 * A parsed JSON object: an immutable {@code Map} in the file's key order whose values are
 * {@link JsonObject}, {@link JsonArray}, {@link String}, {@link JsonNumber}, {@link Boolean} or
 * null. It remembers where it came from, so its typed accessors make loaders read one line per
 * field and fail with the file, line, column and JSON path of the value at fault:
 *
 * <pre>{@code
 * JsonObject layer = layers.requireObject(i);
 * String name = layer.requireString("name");
 * int units = layer.requireObject("config").requireInt("units");
 * // config.json:14:20: at $.layers[2].config.units: expected an integer, found string "ten"
 * }</pre>
 *
 * <p>The {@code opt} accessors treat a missing key and an explicit null alike (Python writes
 * {@code None} as null), and return the default for both. Immutable, so safe to share between
 * threads.
 */
public final class JsonObject extends AbstractMap<String, Object> {

  private final String source;
  private final JsonPath path;
  private final long pos;
  private final String[] keys;
  private final Object[] values;
  private final long[] positions;
  private final Map<String, Integer> index; // only for large objects: small ones scan the keys

  JsonObject(String source, JsonPath path, long pos, String[] keys, Object[] values,
      long[] positions, Map<String, Integer> index) {
    this.source = source;
    this.path = path;
    this.pos = pos;
    this.keys = keys;
    this.values = values;
    this.positions = positions;
    this.index = index;
  }

  private int indexOf(Object key) {
    if (index != null) {
      Integer i = index.get(key);
      return i == null ? -1 : i;
    }
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The name of the file or zip entry this object was read from. */
  public String source() {
    return source;
  }

  /** This object's JSON path in its document, {@code $} for the root. */
  public String path() {
    return path.toString();
  }

  /** An error located at this object, for a loader's own checks. */
  public ModelFormatException error(String detail) {
    return new Where(source, path, pos).error(detail);
  }

  /** An error located at the value of {@code key} (or at this object if it has no such key). */
  public ModelFormatException error(String key, String detail) {
    return where(key).error(detail);
  }

  Where where(String key) {
    int i = indexOf(key);
    return i < 0 ? new Where(source, path, pos) : new Where(source, path.child(key), positions[i]);
  }

  private Object require(String key) throws ModelFormatException {
    int i = indexOf(key);
    if (i < 0) {
      throw error("missing field " + JsonValues.quote(key, 60));
    }
    return values[i];
  }

  /** Refuses keys not in {@code known}: a typo or a newer format's field is not silently lost. */
  public JsonObject rejectUnknownKeys(String... known) throws ModelFormatException {
    var set = Set.of(known);
    for (String key : keys) {
      if (!set.contains(key)) {
        throw error(key, "unknown field " + JsonValues.quote(key, 60) + ", expected one of "
            + Arrays.toString(known));
      }
    }
    return this;
  }

  /**
   * A copy in which the entry {@code from} is named {@code to} (in the same place, with the same
   * value and file position): for readers that map an older format's names onto the current
   * ones. An error at the renamed entry names the new key in its JSON path, at the old key's line
   * and column. Without {@code from}, this object.
   *
   * @throws IllegalArgumentException if {@code to} is a key already
   */
  public JsonObject renamed(String from, String to) {
    int i = indexOf(from);
    if (i < 0) {
      return this;
    }
    if (indexOf(to) >= 0) {
      throw new IllegalArgumentException("the object has a key '" + to + "' already");
    }
    String[] k = keys.clone();
    k[i] = to;
    return new JsonObject(source, path, pos, k, values, positions, reindex(k));
  }

  /**
   * A copy in which {@code key} holds {@code value}, a value of this document (one of its nested
   * values, such as an array's only element), at {@code key}'s file position; the key must exist.
   */
  public JsonObject replaced(String key, Object value) {
    int i = indexOf(key);
    if (i < 0) {
      throw new IllegalArgumentException("no key '" + key + "'");
    }
    Object[] v = values.clone();
    v[i] = value;
    return new JsonObject(source, path, pos, keys, v, positions, index);
  }

  /** A copy without {@code key} (this object if it has none). */
  public JsonObject without(String key) {
    int i = indexOf(key);
    if (i < 0) {
      return this;
    }
    int n = keys.length - 1;
    String[] k = new String[n];
    Object[] v = new Object[n];
    long[] p = new long[n];
    System.arraycopy(keys, 0, k, 0, i);
    System.arraycopy(keys, i + 1, k, i, n - i);
    System.arraycopy(values, 0, v, 0, i);
    System.arraycopy(values, i + 1, v, i, n - i);
    System.arraycopy(positions, 0, p, 0, i);
    System.arraycopy(positions, i + 1, p, i, n - i);
    return new JsonObject(source, path, pos, k, v, p, reindex(k));
  }

  private Map<String, Integer> reindex(String[] k) {
    if (index == null) {
      return null;
    }
    Map<String, Integer> out = new java.util.HashMap<>();
    for (int i = 0; i < k.length; i++) {
      out.put(k[i], i);
    }
    return out;
  }

  /** Whether {@code key} is present and null. */
  public boolean isNull(String key) {
    return containsKey(key) && get(key) == null;
  }

  public String requireString(String key) throws ModelFormatException {
    return JsonValues.string(require(key), where(key));
  }

  /** A string that must be one of {@code allowed} (a layer type, a dtype). */
  public String requireOneOf(String key, String... allowed) throws ModelFormatException {
    String s = requireString(key);
    if (!Arrays.asList(allowed).contains(s)) {
      throw error(key, "expected one of " + Arrays.toString(allowed) + ", found "
          + JsonValues.describe(s));
    }
    return s;
  }

  public boolean requireBoolean(String key) throws ModelFormatException {
    return JsonValues.bool(require(key), where(key));
  }

  /** An integer in int32's range; {@code 2.0} and {@code 2e0} count as integers. */
  public int requireInt(String key) throws ModelFormatException {
    return JsonValues.int32(require(key), where(key));
  }

  /** An integer in int64's range, exactly. */
  public long requireLong(String key) throws ModelFormatException {
    return JsonValues.int64(require(key), where(key));
  }

  /** A number rounded once to float32; a finite number beyond its range is an error. */
  public float requireFloat(String key) throws ModelFormatException {
    return JsonValues.float32(require(key), where(key));
  }

  /** A number rounded once to float64; a finite number beyond its range is an error. */
  public double requireDouble(String key) throws ModelFormatException {
    return JsonValues.float64(require(key), where(key));
  }

  public JsonObject requireObject(String key) throws ModelFormatException {
    return JsonValues.object(require(key), where(key));
  }

  public JsonArray requireArray(String key) throws ModelFormatException {
    return JsonValues.array(require(key), where(key));
  }

  public String optString(String key, String fallback) throws ModelFormatException {
    return get(key) == null ? fallback : requireString(key);
  }

  public boolean optBoolean(String key, boolean fallback) throws ModelFormatException {
    return get(key) == null ? fallback : requireBoolean(key);
  }

  public int optInt(String key, int fallback) throws ModelFormatException {
    return get(key) == null ? fallback : requireInt(key);
  }

  public long optLong(String key, long fallback) throws ModelFormatException {
    return get(key) == null ? fallback : requireLong(key);
  }

  public float optFloat(String key, float fallback) throws ModelFormatException {
    return get(key) == null ? fallback : requireFloat(key);
  }

  public double optDouble(String key, double fallback) throws ModelFormatException {
    return get(key) == null ? fallback : requireDouble(key);
  }

  /** The object at {@code key}, or null if missing or null. */
  public JsonObject optObject(String key) throws ModelFormatException {
    return get(key) == null ? null : requireObject(key);
  }

  /** The array at {@code key}, or null if missing or null. */
  public JsonArray optArray(String key) throws ModelFormatException {
    return get(key) == null ? null : requireArray(key);
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Iterator<>() {
          int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(keys[i], values[i]);
          }
        };
      }

      @Override
      public int size() {
        return values.length;
      }
    };
  }
}
