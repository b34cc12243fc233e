package dev.lamina.runtime.registry;

import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A layer's configuration as a file holds it, under Keras's argument names: what a
 * {@link LayerType} reads a layer back from, in Lamina's own files and in Keras's alike.
 *
 * <p>Every accessor remembers the key it read. The loader refuses a configuration with a key
 * its type did not read (an option Lamina does not know could change the model), so a type
 * reads every argument it accepts, {@link #ignore(String...) ignores} the ones that cannot matter
 * (an initializer, when the weights come from the file) and {@link #requireDefault requires}
 * the default of the ones it does not implement. Failures are {@link ModelFormatException}s
 * naming the file, line, column and JSON path; {@link #error} makes one for a type's own checks.
 * A missing key and an explicit {@code null} read alike, as Keras writes {@code None}.
 */
public final class LayerConfig {

  /** Who wrote a configuration: its reader may need to know (Keras's numerics, Keras's names). */
  public enum Origin {
    /** Lamina's own model file. */
    LAMINA,
    /** A Keras file ({@code .keras}), written by Python code Lamina never runs. */
    KERAS
  }

  private final JsonObject json;
  private final String layer;
  private final Origin origin;
  private final Set<String> read = new LinkedHashSet<>();

  /**
   * @param json the configuration object
   * @param layer how messages name the layer, e.g. {@code Dense layer 'dense'}
   * @param origin who wrote it
   */
  public LayerConfig(JsonObject json, String layer, Origin origin) {
    this.json = Objects.requireNonNull(json, "json");
    this.layer = Objects.requireNonNull(layer, "layer");
    this.origin = Objects.requireNonNull(origin, "origin");
  }

  /** Who wrote the configuration. */
  public Origin origin() {
    return origin;
  }

  /** How messages name the layer. */
  public String layer() {
    return layer;
  }

  /** The underlying JSON, for types with nested configurations. */
  public JsonObject json() {
    return json;
  }

  public boolean has(String key) {
    read.add(key);
    return json.get(key) != null;
  }

  public int requireInt(String key) throws ModelFormatException {
    read.add(key);
    return json.requireInt(key);
  }

  public int optInt(String key, int fallback) throws ModelFormatException {
    read.add(key);
    return json.optInt(key, fallback);
  }

  public long requireLong(String key) throws ModelFormatException {
    read.add(key);
    return json.requireLong(key);
  }

  public long optLong(String key, long fallback) throws ModelFormatException {
    read.add(key);
    return json.optLong(key, fallback);
  }

  public double requireDouble(String key) throws ModelFormatException {
    read.add(key);
    return json.requireDouble(key);
  }

  public double optDouble(String key, double fallback) throws ModelFormatException {
    read.add(key);
    return json.optDouble(key, fallback);
  }

  public float optFloat(String key, float fallback) throws ModelFormatException {
    read.add(key);
    return json.optFloat(key, fallback);
  }

  public boolean optBoolean(String key, boolean fallback) throws ModelFormatException {
    read.add(key);
    return json.optBoolean(key, fallback);
  }

  public String requireString(String key) throws ModelFormatException {
    read.add(key);
    return json.requireString(key);
  }

  public String optString(String key, String fallback) throws ModelFormatException {
    read.add(key);
    return json.optString(key, fallback);
  }

  /** An array of integers, e.g. a shape. */
  public long[] requireLongs(String key) throws ModelFormatException {
    read.add(key);
    return json.requireArray(key).longs();
  }

  /** An integer or an array of integers (Keras accepts both for an axis), as an array. */
  public int[] optInts(String key, int... fallback) throws ModelFormatException {
    read.add(key);
    Object value = json.get(key);
    if (value == null) {
      return fallback.clone();
    }
    if (value instanceof JsonArray list) {
      int[] out = new int[list.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = list.requireInt(i);
      }
      return out;
    }
    return new int[] {json.requireInt(key)};
  }

  /** A nested object, or null. */
  public JsonObject optObject(String key) throws ModelFormatException {
    read.add(key);
    return json.optObject(key);
  }

  /** Marks keys as read whatever they hold: arguments that cannot change what loads. */
  public LayerConfig ignore(String... keys) {
    read.addAll(List.of(keys));
    return this;
  }

  /**
   * Refuses any value but {@code fallback} (null for Keras's {@code None}): an argument Lamina's
   * layer does not implement, accepted only at the value that changes nothing.
   */
  public LayerConfig requireDefault(String key, Object fallback) throws ModelFormatException {
    read.add(key);
    Object value = json.get(key);
    boolean same = value == null // missing or None: the default
        || fallback instanceof Number n && value instanceof Number v
            && v.doubleValue() == n.doubleValue()
        || value.equals(fallback);
    if (!same) {
      throw json.error(key, layer + " sets " + key + " to " + describe(value) + "; Lamina "
          + "supports only its default, " + describe(fallback));
    }
    return this;
  }

  private static String describe(Object value) {
    return value == null ? "None" : value instanceof String s ? "'" + s + "'"
        : value instanceof JsonObject ? "an object" : String.valueOf(value);
  }

  /** An error at {@code key}, naming the layer: for a type's own checks of a value. */
  public ModelFormatException error(String key, String detail) {
    return json.error(key, layer + ": " + detail);
  }

  /** The keys no accessor read, in the file's order. */
  public List<String> unread() {
    List<String> out = new ArrayList<>();
    for (String key : json.keySet()) {
      if (!read.contains(key)) {
        out.add(key);
      }
    }
    return out;
  }

  /** The keys some accessor read, in the order they were first read. */
  public List<String> readKeys() {
    return List.copyOf(read);
  }

  /**
   * Refuses the first unread key: call after the type read what it knows.
   *
   * @param typeName the type, for the message ({@code Dense})
   */
  public void rejectUnread(String typeName) throws ModelFormatException {
    List<String> unread = unread();
    if (!unread.isEmpty()) {
      throw json.error(unread.get(0), layer + " has option '" + unread.get(0) + "', which "
          + "Lamina's " + typeName + " does not support; its options: "
          + String.join(", ", readKeys()));
    }
  }
}
