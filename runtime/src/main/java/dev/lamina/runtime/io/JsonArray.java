package dev.lamina.runtime.io;

import dev.lamina.runtime.io.JsonValues.Where;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.RandomAccess;

/**
 * A parsed JSON array: an immutable {@code List} of the values {@link JsonObject} describes, with
 * the same typed accessors by index and bulk ones for the arrays model files are made of
 * (shapes, names). Every error names the file, line, column and JSON path of the element.
 */
public final class JsonArray extends AbstractList<Object> implements RandomAccess {

  private final String source;
  private final JsonPath path;
  private final long pos;
  private final Object[] values;
  private final long[] positions;

  JsonArray(String source, JsonPath path, long pos, Object[] values, long[] positions) {
    this.source = source;
    this.path = path;
    this.pos = pos;
    this.values = values;
    this.positions = positions;
  }

  /** The name of the file or zip entry this array was read from. */
  public String source() {
    return source;
  }

  /** This array's JSON path in its document. */
  public String path() {
    return path.toString();
  }

  /** An error located at this array. */
  public ModelFormatException error(String detail) {
    return new Where(source, path, pos).error(detail);
  }

  /** An error located at element {@code i}. */
  public ModelFormatException error(int i, String detail) {
    return where(i).error(detail);
  }

  Where where(int i) {
    return new Where(source, path.child(i), positions[i]);
  }

  private Object require(int i) throws ModelFormatException {
    if (i < 0 || i >= values.length) {
      throw error("expected an element at index " + i + ", but the array has " + values.length);
    }
    return values[i];
  }

  /** Refuses an array whose length is not {@code n} (a pair, a fixed-rank shape). */
  public JsonArray requireSize(int n) throws ModelFormatException {
    if (values.length != n) {
      throw error("expected " + n + " elements, found " + values.length);
    }
    return this;
  }

  /** Whether element {@code i} is null (an unknown dimension, say). */
  public boolean isNull(int i) {
    return i >= 0 && i < values.length && values[i] == null;
  }

  public String requireString(int i) throws ModelFormatException {
    return JsonValues.string(require(i), where(i));
  }

  public boolean requireBoolean(int i) throws ModelFormatException {
    return JsonValues.bool(require(i), where(i));
  }

  public int requireInt(int i) throws ModelFormatException {
    return JsonValues.int32(require(i), where(i));
  }

  public long requireLong(int i) throws ModelFormatException {
    return JsonValues.int64(require(i), where(i));
  }

  public float requireFloat(int i) throws ModelFormatException {
    return JsonValues.float32(require(i), where(i));
  }

  public double requireDouble(int i) throws ModelFormatException {
    return JsonValues.float64(require(i), where(i));
  }

  public JsonObject requireObject(int i) throws ModelFormatException {
    return JsonValues.object(require(i), where(i));
  }

  public JsonArray requireArray(int i) throws ModelFormatException {
    return JsonValues.array(require(i), where(i));
  }

  /** Every element as an object. */
  public List<JsonObject> objects() throws ModelFormatException {
    var out = new ArrayList<JsonObject>(values.length);
    for (int i = 0; i < values.length; i++) {
      out.add(requireObject(i));
    }
    return Collections.unmodifiableList(out);
  }

  /** Every element as a string. */
  public List<String> strings() throws ModelFormatException {
    var out = new ArrayList<String>(values.length);
    for (int i = 0; i < values.length; i++) {
      out.add(requireString(i));
    }
    return Collections.unmodifiableList(out);
  }

  public int[] ints() throws ModelFormatException {
    int[] out = new int[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = requireInt(i);
    }
    return out;
  }

  public long[] longs() throws ModelFormatException {
    long[] out = new long[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = requireLong(i);
    }
    return out;
  }

  public float[] floats() throws ModelFormatException {
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = requireFloat(i);
    }
    return out;
  }

  public double[] doubles() throws ModelFormatException {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = requireDouble(i);
    }
    return out;
  }

  @Override
  public Object get(int i) {
    return values[i];
  }

  @Override
  public int size() {
    return values.length;
  }
}
