package dev.lamina.spark;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoder;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ArraySeq;

/**
 * How one column feeds one model input: where it is in the row, what it holds, and how a value
 * becomes a sample (a flat primitive array, row-major, with its shape). Built on the driver from
 * the schema, which it checks; used on executors.
 */
final class InputColumn implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A value that cannot be a sample: why, for the message. */
  static final class InvalidValue extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidValue(String message) {
      super(message, null, false, false);
    }
  }

  final String column;
  final int index;
  final TensorSpec spec;
  private final boolean vector;
  private final ElementKind source;
  /**
   * Whether the column is one list of primitives per row whose elements cannot be null
   * ({@code array<float>} and the like with {@code containsNull = false}): then the stage's
   * encoder hands it over as a Java primitive array, copied from Spark's row in one piece, and
   * no element is boxed.
   */
  final boolean primitive;

  private InputColumn(String column, int index, TensorSpec spec, boolean vector,
      ElementKind source, boolean primitive) {
    this.column = column;
    this.index = index;
    this.spec = spec;
    this.vector = vector;
    this.source = source;
    this.primitive = primitive;
  }

  /**
   * The reader of {@code column} for {@code spec}, or an error saying what the column holds and
   * what the input takes.
   */
  static InputColumn of(StructType schema, String column, TensorSpec spec) {
    int index;
    try {
      index = schema.fieldIndex(column);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Input column '" + column + "' (for the model's "
          + spec.describe() + ") is not in the data; its columns are "
          + Arrays.toString(schema.fieldNames()));
    }
    StructField field = schema.fields()[index];
    DataType type = field.dataType();
    if (type.equals(SQLDataTypes.VectorType())) {
      if (spec.rank() == 1 && (spec.kind == ElementKind.FLOAT || spec.kind == ElementKind.DOUBLE)) {
        return new InputColumn(column, index, spec, true, ElementKind.DOUBLE, false);
      }
      throw mismatch(column, type, spec);
    }
    int depth = 0;
    while (type instanceof ArrayType array) {
      depth++;
      type = array.elementType();
    }
    ElementKind element = ElementKind.of(type);
    if (element == null || depth != spec.rank() || !spec.kind.accepts(element)) {
      throw mismatch(column, field.dataType(), spec);
    }
    boolean primitive = depth == 1
        && !((ArrayType) field.dataType()).containsNull();
    return new InputColumn(column, index, spec, false, element, primitive);
  }

  /**
   * The encoder of this column's values when {@link #primitive}: a Java primitive array of the
   * column's element type (Spark reads it with {@code ArrayData.toFloatArray()} and its kin).
   */
  AgnosticEncoder<?> primitiveEncoder() {
    return new AgnosticEncoders.ArrayEncoder<>(source.primitiveEncoder(), false);
  }

  private static IllegalArgumentException mismatch(String column, DataType type,
      TensorSpec spec) {
    return new IllegalArgumentException("Input column '" + column + "' has type "
        + type.simpleString() + ", but the model's " + spec.describe() + " takes "
        + expected(spec) + " per row");
  }

  /** The column types that fit {@code spec}, for messages. */
  static String expected(TensorSpec spec) {
    StringBuilder elements = new StringBuilder();
    for (ElementKind kind : ElementKind.values()) {
      if (spec.kind.accepts(kind)) {
        elements.append(elements.length() == 0 ? "" : "|").append(kind.sparkType.simpleString());
      }
    }
    String inner = elements.indexOf("|") >= 0 ? "(" + elements + ")" : elements.toString();
    String text = inner;
    for (int i = 0; i < spec.rank(); i++) {
      text = "array<" + text + ">";
    }
    if (spec.rank() == 1 && (spec.kind == ElementKind.FLOAT || spec.kind == ElementKind.DOUBLE)) {
      text += " or an ML Vector";
    }
    if (spec.rank() > 0) {
      text += " of shape " + sampleShape(spec.dims());
    }
    return text;
  }

  static String sampleShape(long[] dims) {
    StringBuilder text = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      text.append(i == 0 ? "" : ", ").append(dims[i] < 0 ? "any" : Long.toString(dims[i]));
    }
    return text.append(dims.length == 1 ? ")" : ")").toString();
  }

  /**
   * The sample in {@code value}: a primitive array of the input's kind, row-major; its sizes go
   * to {@code shape}. The array may be Spark's own (never written to).
   */
  Object read(Object value, long[] shape) throws InvalidValue {
    if (value == null) {
      throw new InvalidValue("is null");
    }
    if (spec.rank() == 0) {
      Object sample = spec.kind.allocate(1);
      spec.kind.set(sample, 0, value);
      return sample;
    }
    if (primitive && value.getClass().isArray()) {
      shape[0] = java.lang.reflect.Array.getLength(value);
      checkShape(shape);
      // A new array per row (the encoder's copy): the sample may be it.
      return source == spec.kind ? value : spec.kind.convert(source, value);
    }
    if (vector) {
      Vector v = (Vector) value;
      shape[0] = v.size();
      checkShape(shape);
      double[] values = v.toArray();
      if (spec.kind == ElementKind.DOUBLE) {
        return values;
      }
      float[] floats = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        floats[i] = (float) values[i];
      }
      return floats;
    }
    // Sizes from the first element of each level; every other list is checked against them.
    Object level = value;
    for (int d = 0; d < shape.length; d++) {
      if (level == null) {
        throw new InvalidValue("holds a null list");
      }
      scala.collection.Seq<?> seq = seq(level);
      shape[d] = seq.length();
      level = seq.isEmpty() ? null : seq.apply(0);
      if (seq.isEmpty()) {
        Arrays.fill(shape, d + 1, shape.length, 0);
        break;
      }
    }
    checkShape(shape);
    if (shape.length == 1 && spec.kind == source && value instanceof ArraySeq.ofFloat floats) {
      return floats.unsafeArray();
    }
    long size = 1;
    for (long dim : shape) {
      size *= dim;
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new InvalidValue("holds " + size + " values, more than one sample can have");
    }
    Object sample = spec.kind.allocate((int) size);
    fill(seq(value), 0, sample, 0, shape, new int[shape.length]);
    return sample;
  }

  private void checkShape(long[] shape) throws InvalidValue {
    for (int d = 0; d < shape.length; d++) {
      if (spec.dim(d) >= 0 && shape[d] != spec.dim(d)) {
        throw new InvalidValue("has shape " + sampleShape(shape) + " where the model's "
            + spec.describe() + " needs " + sampleShape(spec.dims()));
      }
    }
  }

  /** Fills {@code out} from {@code offset} with the level-{@code depth} list {@code seq}. */
  private int fill(scala.collection.Seq<?> seq, int depth, Object out, int offset, long[] shape,
      int[] path) throws InvalidValue {
    if (seq.length() != shape[depth]) {
      path[depth] = -1;
      throw new InvalidValue("is ragged: the list at " + at(path, depth) + " has " + seq.length()
          + " elements where the first one of its level has " + shape[depth]);
    }
    scala.collection.Iterator<?> it = seq.iterator();
    int i = 0;
    if (depth == shape.length - 1) {
      while (it.hasNext()) {
        Object element = it.next();
        if (element == null) {
          path[depth] = i;
          throw new InvalidValue("holds a null at " + at(path, depth + 1));
        }
        spec.kind.set(out, offset + i, element);
        i++;
      }
      return offset + i;
    }
    while (it.hasNext()) {
      Object element = it.next();
      path[depth] = i;
      if (element == null) {
        throw new InvalidValue("holds a null list at " + at(path, depth + 1));
      }
      offset = fill(seq(element), depth + 1, out, offset, shape, path);
      i++;
    }
    return offset;
  }

  private static String at(int[] path, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append('[').append(path[i] < 0 ? "" : Integer.toString(path[i])).append(']');
    }
    return text.length() == 0 ? "the top" : text.toString();
  }

  private static scala.collection.Seq<?> seq(Object value) throws InvalidValue {
    if (value instanceof scala.collection.Seq<?> seq) {
      return seq;
    }
    if (value instanceof java.util.List<?> list) {
      return scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
    }
    throw new InvalidValue("holds a " + value.getClass().getName() + " where a list belongs");
  }
}
