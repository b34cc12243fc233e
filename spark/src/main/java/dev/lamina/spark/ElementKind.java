package dev.lamina.spark;

import org.apache.spark.sql.catalyst.encoders.AgnosticEncoder;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.BooleanNdArray;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * The element types a model's inputs and outputs may have here: TensorFlow's dtype, Spark's
 * element type, and the Java primitive array that carries a batch.
 */
enum ElementKind {
  FLOAT("float32", DataTypes.FloatType),
  DOUBLE("float64", DataTypes.DoubleType),
  INT("int32", DataTypes.IntegerType),
  LONG("int64", DataTypes.LongType),
  BOOLEAN("bool", DataTypes.BooleanType);

  final String dtypeName;
  final DataType sparkType;

  ElementKind(String dtypeName, DataType sparkType) {
    this.dtypeName = dtypeName;
    this.sparkType = sparkType;
  }

  /** The kind of a TensorFlow dtype, or {@code null} for one Spark columns cannot carry. */
  static ElementKind of(Class<? extends TType> dtype) {
    if (dtype == TFloat32.class) {
      return FLOAT;
    } else if (dtype == TFloat64.class) {
      return DOUBLE;
    } else if (dtype == TInt32.class) {
      return INT;
    } else if (dtype == TInt64.class) {
      return LONG;
    } else if (dtype == TBool.class) {
      return BOOLEAN;
    }
    return null;
  }

  /** The kind of a Spark element type, or {@code null}. */
  static ElementKind of(DataType type) {
    for (ElementKind kind : values()) {
      if (kind.sparkType.equals(type)) {
        return kind;
      }
    }
    return null;
  }

  /**
   * Whether a column of {@code source} elements may feed an input of this kind, losslessly or as
   * Spark ML does (doubles into float32, as a Vector must).
   */
  boolean accepts(ElementKind source) {
    switch (this) {
      case FLOAT:
      case DOUBLE:
        return source != BOOLEAN;
      case INT:
        return source == INT;
      case LONG:
        return source == INT || source == LONG;
      default:
        return source == BOOLEAN;
    }
  }

  /** A primitive array of this kind with {@code length} elements. */
  Object allocate(int length) {
    switch (this) {
      case FLOAT:
        return new float[length];
      case DOUBLE:
        return new double[length];
      case INT:
        return new int[length];
      case LONG:
        return new long[length];
      default:
        return new boolean[length];
    }
  }

  /** Spark's encoder of this kind's Java primitive, for primitive arrays of it. */
  AgnosticEncoder<?> primitiveEncoder() {
    switch (this) {
      case FLOAT:
        return AgnosticEncoders.PrimitiveFloatEncoder$.MODULE$;
      case DOUBLE:
        return AgnosticEncoders.PrimitiveDoubleEncoder$.MODULE$;
      case INT:
        return AgnosticEncoders.PrimitiveIntEncoder$.MODULE$;
      case LONG:
        return AgnosticEncoders.PrimitiveLongEncoder$.MODULE$;
      default:
        return AgnosticEncoders.PrimitiveBooleanEncoder$.MODULE$;
    }
  }

  /**
   * A new array of this kind holding {@code values} (a primitive array of {@code source}, a kind
   * this one {@link #accepts}), each value converted as {@link #set} converts a boxed one.
   */
  Object convert(ElementKind source, Object values) {
    int length = java.lang.reflect.Array.getLength(values);
    Object out = allocate(length);
    for (int i = 0; i < length; i++) {
      switch (source) {
        case FLOAT:
          set(out, i, ((float[]) values)[i]);
          break;
        case DOUBLE:
          set(out, i, ((double[]) values)[i]);
          break;
        case INT:
          set(out, i, ((int[]) values)[i]);
          break;
        case LONG:
          set(out, i, ((long[]) values)[i]);
          break;
        default:
          set(out, i, ((boolean[]) values)[i]);
      }
    }
    return out;
  }

  /** Stores a boxed Spark value (already checked non-null and of an accepted kind). */
  void set(Object array, int index, Object value) {
    switch (this) {
      case FLOAT:
        ((float[]) array)[index] = ((Number) value).floatValue();
        break;
      case DOUBLE:
        ((double[]) array)[index] = ((Number) value).doubleValue();
        break;
      case INT:
        ((int[]) array)[index] = ((Number) value).intValue();
        break;
      case LONG:
        ((long[]) array)[index] = ((Number) value).longValue();
        break;
      default:
        ((boolean[]) array)[index] = (Boolean) value;
    }
  }

  /** {@code data} (a primitive array of this kind) as an NdArray of {@code shape}, not copied. */
  NdArray<?> wrap(Shape shape, Object data) {
    switch (this) {
      case FLOAT:
        return NdArrays.wrap(shape, DataBuffers.of((float[]) data, true, false));
      case DOUBLE:
        return NdArrays.wrap(shape, DataBuffers.of((double[]) data, true, false));
      case INT:
        return NdArrays.wrap(shape, DataBuffers.of((int[]) data, true, false));
      case LONG:
        return NdArrays.wrap(shape, DataBuffers.of((long[]) data, true, false));
      default:
        return NdArrays.wrap(shape, DataBuffers.of((boolean[]) data, true, false));
    }
  }

  /** Every value of {@code array}, row-major, in a new primitive array of this kind. */
  Object read(NdArray<?> array) {
    long size = array.shape().size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("A batch's output has " + size + " values, more than a "
          + "Java array holds; set a smaller batchSize");
    }
    Object data = allocate((int) size);
    switch (this) {
      case FLOAT:
        ((FloatNdArray) array).copyTo(DataBuffers.of((float[]) data, false, false));
        break;
      case DOUBLE:
        ((DoubleNdArray) array).copyTo(DataBuffers.of((double[]) data, false, false));
        break;
      case INT:
        ((IntNdArray) array).copyTo(DataBuffers.of((int[]) data, false, false));
        break;
      case LONG:
        ((LongNdArray) array).copyTo(DataBuffers.of((long[]) data, false, false));
        break;
      default:
        ((BooleanNdArray) array).copyTo(DataBuffers.of((boolean[]) data, false, false));
    }
    return data;
  }
}
