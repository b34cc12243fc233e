package dev.lamina.spark;

import java.io.Serializable;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoder;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** How one model output becomes one column: an array (nested for rank > 1) or an ML Vector. */
final class OutputColumn implements Serializable {
  private static final long serialVersionUID = 1L;

  final String column;
  final TensorSpec spec;
  final boolean vector;

  OutputColumn(String column, TensorSpec spec, boolean vector) {
    if (vector && (spec.rank() != 1
        || (spec.kind != ElementKind.FLOAT && spec.kind != ElementKind.DOUBLE))) {
      throw new IllegalArgumentException("Output column '" + column + "' cannot be a Vector: the "
          + "model's " + spec.describe() + " is not one float vector per row; set outputFormat "
          + "to \"array\"");
    }
    this.column = column;
    this.spec = spec;
    this.vector = vector;
  }

  DataType dataType() {
    if (vector) {
      return SQLDataTypes.VectorType();
    }
    DataType type = spec.kind.sparkType;
    for (int i = 0; i < spec.rank(); i++) {
      type = DataTypes.createArrayType(type, false);
    }
    return type;
  }

  /**
   * The encoder of this column's values when they are one primitive array per row (an array
   * output of rank 1, which {@link #value} gives as a Java primitive array): Spark copies it into
   * its row in one piece. {@code null} for the others, which keep Spark's {@code Row} encoder.
   */
  AgnosticEncoder<?> primitiveEncoder() {
    if (vector || spec.rank() != 1) {
      return null;
    }
    return new AgnosticEncoders.ArrayEncoder<>(spec.kind.primitiveEncoder(), false);
  }

  /**
   * Sample {@code sample} of a batch's output {@code data} (row-major, each sample
   * {@code dims} with {@code sampleSize} values) as a column value.
   */
  Object value(Object data, int sample, long[] dims, int sampleSize) {
    int offset = sample * sampleSize;
    if (dims.length == 0) {
      return java.lang.reflect.Array.get(data, offset);
    }
    if (vector) {
      double[] values = new double[sampleSize];
      if (data instanceof float[] floats) {
        for (int i = 0; i < sampleSize; i++) {
          values[i] = floats[offset + i];
        }
      } else {
        System.arraycopy(data, offset, values, 0, sampleSize);
      }
      return Vectors.dense(values);
    }
    return nested(data, offset, dims, 0, sampleSize);
  }

  /** Java arrays nested as the dims are: {@code float[]} for the last, {@code Object[]} above. */
  private Object nested(Object data, int offset, long[] dims, int depth, int size) {
    if (depth == dims.length - 1) {
      Object leaf = spec.kind.allocate(size);
      System.arraycopy(data, offset, leaf, 0, size);
      return leaf;
    }
    int count = (int) dims[depth];
    int step = count == 0 ? 0 : size / count;
    Object[] parts = new Object[count];
    for (int i = 0; i < count; i++) {
      parts[i] = nested(data, offset + i * step, dims, depth + 1, step);
    }
    return parts;
  }
}
