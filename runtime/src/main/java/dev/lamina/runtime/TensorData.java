package dev.lamina.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.BooleanNdArray;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.BooleanDataBuffer;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.DoubleDataBuffer;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.ndarray.buffer.LongDataBuffer;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Moves data between NdArrays and tensors of the dtypes {@code predict} accepts, and holds the
 * one table of what Lamina does per dtype: the NdArray class that carries it, TensorFlow's
 * {@code DataType}, and, for the dtypes weights may have (float32, float64, int32, int64), the
 * width and little-endian byte view that model files use.
 */
final class TensorData {

  /**
   * A dense array, the buffer behind it (so that a batch is copied in with one bulk copy) and the
   * Java array behind that ({@code float[]} for float32, {@code long[]} for int64, ...), from
   * which {@link #gatherRows} copies rows without making an object per row.
   */
  record Dense(NdArray<?> array, DataBuffer<?> buffer, Object values) {}

  /**
   * One dtype: its NdArray class, how to allocate one, how to see a tensor's raw memory as its
   * values, TensorFlow's {@code DataType}, and for a weight dtype its byte width, how values go
   * to and from little-endian bytes, and how an initializer's float values become its values
   * ({@code null}s for bool, not a weight dtype).
   */
  private record Kind(Class<? extends NdArray<?>> array, Function<Shape, Dense> allocate,
      Function<ByteDataBuffer, DataBuffer<?>> view, DataType dataType, int bytes, Codec codec,
      FromFloats fromFloats) {}

  /** Moves values between a buffer of one dtype and little-endian bytes, in bulk. */
  private interface Codec {
    /** Values {@code [at, at + n)} of {@code from} into {@code to} from its position on. */
    void encode(DataBuffer<?> from, long at, int n, ByteBuffer to);

    /** {@code n} values of {@code from}, from its position on, into {@code [at, at + n)}. */
    void decode(ByteBuffer from, DataBuffer<?> to, long at, int n);
  }

  private static final Codec FLOATS = new Codec() {
    @Override
    public void encode(DataBuffer<?> from, long at, int n, ByteBuffer to) {
      float[] values = new float[n];
      ((FloatDataBuffer) from).slice(at, n).read(values);
      to.asFloatBuffer().put(values);
    }

    @Override
    public void decode(ByteBuffer from, DataBuffer<?> to, long at, int n) {
      float[] values = new float[n];
      from.asFloatBuffer().get(values);
      ((FloatDataBuffer) to).slice(at, n).write(values);
    }
  };

  private static final Codec DOUBLES = new Codec() {
    @Override
    public void encode(DataBuffer<?> from, long at, int n, ByteBuffer to) {
      double[] values = new double[n];
      ((DoubleDataBuffer) from).slice(at, n).read(values);
      to.asDoubleBuffer().put(values);
    }

    @Override
    public void decode(ByteBuffer from, DataBuffer<?> to, long at, int n) {
      double[] values = new double[n];
      from.asDoubleBuffer().get(values);
      ((DoubleDataBuffer) to).slice(at, n).write(values);
    }
  };

  private static final Codec INTS = new Codec() {
    @Override
    public void encode(DataBuffer<?> from, long at, int n, ByteBuffer to) {
      int[] values = new int[n];
      ((IntDataBuffer) from).slice(at, n).read(values);
      to.asIntBuffer().put(values);
    }

    @Override
    public void decode(ByteBuffer from, DataBuffer<?> to, long at, int n) {
      int[] values = new int[n];
      from.asIntBuffer().get(values);
      ((IntDataBuffer) to).slice(at, n).write(values);
    }
  };

  private static final Codec LONGS = new Codec() {
    @Override
    public void encode(DataBuffer<?> from, long at, int n, ByteBuffer to) {
      long[] values = new long[n];
      ((LongDataBuffer) from).slice(at, n).read(values);
      to.asLongBuffer().put(values);
    }

    @Override
    public void decode(ByteBuffer from, DataBuffer<?> to, long at, int n) {
      long[] values = new long[n];
      from.asLongBuffer().get(values);
      ((LongDataBuffer) to).slice(at, n).write(values);
    }
  };

  /** Writes float values into a buffer of another dtype, or fails on one it cannot hold. */
  private interface FromFloats {
    void write(float[] values, DataBuffer<?> into);
  }

  /** The one table of how each dtype's values are held, for predict and fit. */
  private static final Map<Class<? extends TType>, Kind> KINDS = Map.of(
      TFloat32.class, new Kind(FloatNdArray.class, shape -> {
        float[] values = new float[javaLength(shape)];
        FloatDataBuffer buffer = DataBuffers.of(values, false, false);
        return new Dense(NdArrays.wrap(shape, buffer), buffer, values);
      }, ByteDataBuffer::asFloats, DataType.DT_FLOAT, Float.BYTES, FLOATS,
          (values, into) -> ((FloatDataBuffer) into).write(values)),
      TFloat64.class, new Kind(DoubleNdArray.class, shape -> {
        double[] values = new double[javaLength(shape)];
        DoubleDataBuffer buffer = DataBuffers.of(values, false, false);
        return new Dense(NdArrays.wrap(shape, buffer), buffer, values);
      }, ByteDataBuffer::asDoubles, DataType.DT_DOUBLE, Double.BYTES, DOUBLES,
          (values, into) -> {
            DoubleDataBuffer doubles = (DoubleDataBuffer) into;
            for (int i = 0; i < values.length; i++) {
              doubles.setDouble(values[i], i);
            }
          }),
      TInt32.class, new Kind(IntNdArray.class, shape -> {
        int[] values = new int[javaLength(shape)];
        IntDataBuffer buffer = DataBuffers.of(values, false, false);
        return new Dense(NdArrays.wrap(shape, buffer), buffer, values);
      }, ByteDataBuffer::asInts, DataType.DT_INT32, Integer.BYTES, INTS,
          (values, into) -> {
            IntDataBuffer ints = (IntDataBuffer) into;
            for (int i = 0; i < values.length; i++) {
              ints.setInt((int) integral(values, i, Integer.MIN_VALUE, Integer.MAX_VALUE), i);
            }
          }),
      TInt64.class, new Kind(LongNdArray.class, shape -> {
        long[] values = new long[javaLength(shape)];
        LongDataBuffer buffer = DataBuffers.of(values, false, false);
        return new Dense(NdArrays.wrap(shape, buffer), buffer, values);
      }, ByteDataBuffer::asLongs, DataType.DT_INT64, Long.BYTES, LONGS,
          (values, into) -> {
            LongDataBuffer longs = (LongDataBuffer) into;
            for (int i = 0; i < values.length; i++) {
              longs.setLong(integral(values, i, Long.MIN_VALUE, Long.MAX_VALUE), i);
            }
          }),
      TBool.class, new Kind(BooleanNdArray.class, shape -> {
        boolean[] values = new boolean[javaLength(shape)];
        BooleanDataBuffer buffer = DataBuffers.of(values, false, false);
        return new Dense(NdArrays.wrap(shape, buffer), buffer, values);
      }, ByteDataBuffer::asBooleans, DataType.DT_BOOL, 0, null, null));

  /** The dtypes a weight may have, in the order messages list them. */
  static final List<Class<? extends TType>> WEIGHT_DTYPES =
      List.of(TFloat32.class, TFloat64.class, TInt32.class, TInt64.class);

  /** {@code values[i]} if it is a whole number in {@code [min, max]}. */
  private static long integral(float[] values, int i, long min, long max) {
    float value = values[i];
    if (value != Math.rint(value) || value < min || value > max) {
      throw new IllegalArgumentException("value " + i + " is " + value + ", which an integer "
          + "dtype cannot hold");
    }
    return (long) value;
  }

  private TensorData() {}

  /** The length of a Java array holding {@code shape}'s values. */
  private static int javaLength(Shape shape) {
    long size = shape.size();
    if (size < 0 || size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("an array of shape " + Shapes.format(shape) + " holds "
          + size + " values, more than a Java array can");
    }
    return (int) size;
  }

  /**
   * Copies rows {@code rows} of {@code from} ({@code rowSize} values each) to the start of
   * {@code to} (a tensor's memory of the same dtype) by way of {@code staging}, a Java array like
   * {@code from.values()} of at least {@code rows.length * rowSize} values: one arraycopy per row
   * and one bulk copy, with nothing allocated, since this is every training step's own cost.
   */
  static void gatherRows(Dense from, long[] rows, int rowSize, Object staging,
      DataBuffer<?> to) {
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(from.values(), Math.toIntExact(rows[r] * rowSize), staging, r * rowSize,
          rowSize);
    }
    int n = rows.length * rowSize;
    if (staging instanceof float[] values) {
      ((FloatDataBuffer) to).write(values, 0, n);
    } else if (staging instanceof double[] values) {
      ((DoubleDataBuffer) to).write(values, 0, n);
    } else if (staging instanceof int[] values) {
      ((IntDataBuffer) to).write(values, 0, n);
    } else if (staging instanceof long[] values) {
      ((LongDataBuffer) to).write(values, 0, n);
    } else {
      ((BooleanDataBuffer) to).write((boolean[]) staging, 0, n);
    }
  }

  /** A Java array like {@code dense.values()} of {@code length} values: {@link #gatherRows}'s. */
  static Object stagingFor(Dense dense, int length) {
    return java.lang.reflect.Array.newInstance(dense.values().getClass().getComponentType(),
        length);
  }

  /**
   * Copies {@code data} into a new tensor of {@code dtype}; the caller closes it. {@code what}
   * names the data in a failure only (a weight's description takes microseconds to build, too
   * long for every training call).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Tensor tensorOf(Class<? extends TType> dtype, NdArray<?> data, Supplier<String> what) {
    Kind kind = kind(dtype, what);
    if (!kind.array().isInstance(data)) {
      throw new IllegalArgumentException(what.get() + " is " + Shapes.dtypeName(dtype) + "; pass a "
          + kind.array().getSimpleName() + ", not a " + data.getClass().getSimpleName());
    }
    TType tensor = Tensor.of(dtype, data.shape());
    try {
      ((NdArray) data).copyTo((NdArray) tensor);
      return tensor;
    } catch (RuntimeException e) {
      tensor.close();
      throw e;
    }
  }

  /** A dense array for values of {@code dtype}; {@code what} names it in a failure only. */
  static Dense allocate(Class<? extends TType> dtype, Shape shape, Supplier<String> what) {
    return kind(dtype, what).allocate().apply(shape);
  }

  /** Copies {@code tensor} (of {@code into}'s dtype and shape) into {@code into}, in bulk. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static void copyInto(Tensor tensor, Dense into) {
    ((NdArray) tensor).copyTo((NdArray) into.array());
  }

  /**
   * Copies a fetched tensor into rows {@code [start, start + its batch)} of {@code into}: one
   * bulk copy into the buffer's window (copying into an NdArray slice goes element by element).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static void copyRows(Tensor tensor, Dense into, long start) {
    long values = tensor.shape().size();
    long rowSize = values / Math.max(1, tensor.shape().get(0));
    DataBuffer window = into.buffer().slice(start * rowSize, values);
    ((NdArray) tensor).copyTo(window);
  }

  /**
   * Fails, naming {@code what}, unless {@code dtype} is one weights may have: float32, float64,
   * int32 or int64.
   */
  static void requireWeightDtype(Class<? extends TType> dtype, String what) {
    if (!WEIGHT_DTYPES.contains(dtype)) {
      throw new IllegalArgumentException(what + " is " + Shapes.dtypeName(dtype) + "; weights "
          + "are float32, float64, int32 or int64");
    }
  }

  /** TensorFlow's {@code DataType} of {@code dtype}. */
  static DataType dataType(Class<? extends TType> dtype) {
    return kind(dtype, () -> "dtype").dataType();
  }

  /** The NdArray class that carries {@code dtype}'s values, e.g. {@code LongNdArray}. */
  static Class<? extends NdArray<?>> arrayClass(Class<? extends TType> dtype) {
    return kind(dtype, () -> "dtype").array();
  }

  /** Bytes per value of a weight dtype. */
  static int width(Class<? extends TType> dtype) {
    return weightKind(dtype).bytes();
  }

  /**
   * Writes values {@code [at, at + n)} of {@code from}, of a weight dtype, into {@code to} as
   * little-endian bytes from its position on.
   */
  static void encode(Class<? extends TType> dtype, DataBuffer<?> from, long at, int n,
      ByteBuffer to) {
    weightKind(dtype).codec().encode(from, at, n, to.slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  /**
   * Reads {@code n} values of a weight dtype from {@code from}'s little-endian bytes, from its
   * position on, into {@code [at, at + n)} of {@code to}.
   */
  static void decode(Class<? extends TType> dtype, ByteBuffer from, DataBuffer<?> to, long at,
      int n) {
    weightKind(dtype).codec().decode(from.slice().order(ByteOrder.LITTLE_ENDIAN), to, at, n);
  }

  /**
   * A dense array of {@code dtype} holding {@code values} (an initializer's), each converted
   * exactly.
   *
   * @throws IllegalArgumentException for a value an integer dtype cannot hold, naming it
   */
  static Dense fromFloats(Class<? extends TType> dtype, Shape shape, float[] values) {
    Kind kind = weightKind(dtype);
    Dense dense = kind.allocate().apply(shape);
    kind.fromFloats().write(values, dense.buffer());
    return dense;
  }

  /**
   * A fresh dense copy of {@code data}, which must be of {@code dtype}'s array class;
   * {@code what} names it in a failure only.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Dense copyOf(Class<? extends TType> dtype, NdArray<?> data, Supplier<String> what) {
    Kind kind = kind(dtype, what);
    if (!kind.array().isInstance(data)) {
      throw new IllegalArgumentException(what.get() + " is " + Shapes.dtypeName(dtype) + "; pass a "
          + kind.array().getSimpleName() + ", not a " + data.getClass().getSimpleName());
    }
    Dense dense = kind.allocate().apply(data.shape());
    ((NdArray) data).copyTo((NdArray) dense.array());
    return dense;
  }

  private static Kind weightKind(Class<? extends TType> dtype) {
    requireWeightDtype(dtype, "the dtype");
    return KINDS.get(dtype);
  }

  /** Whether {@code array} holds {@code dtype}'s values as they are (a copy needs no conversion). */
  static boolean holds(NdArray<?> array, Class<? extends TType> dtype) {
    Kind kind = KINDS.get(dtype);
    return kind != null && kind.array().isInstance(array);
  }

  /** A tensor's memory as a buffer of its dtype's values, to copy rows straight into. */
  static DataBuffer<?> memoryOf(Tensor tensor, Class<? extends TType> dtype, String what) {
    return kind(dtype, () -> what).view().apply(tensor.asRawTensor().data());
  }

  /** Fails, naming {@code what}, for a dtype predict cannot copy. */
  static void requireSupported(Class<? extends TType> dtype, String what) {
    kind(dtype, () -> what);
  }

  private static Kind kind(Class<? extends TType> dtype, Supplier<String> what) {
    Kind kind = KINDS.get(dtype);
    if (kind == null) {
      throw new IllegalArgumentException(what.get() + " is " + Shapes.dtypeName(dtype)
          + ", which predict does not handle yet; it handles float32, float64, int32, int64 and "
          + "bool");
    }
    return kind;
  }
}
