package dev.lamina.runtime;

import java.util.Map;
import java.util.function.Function;
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
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/** Moves data between NdArrays and tensors of the dtypes {@code predict} accepts. */
final class TensorData {

  /** A dense array and the buffer behind it, so that a batch is copied in with one bulk copy. */
  record Dense(NdArray<?> array, DataBuffer<?> buffer) {}

  /**
   * A dtype's NdArray type, how to allocate a dense array of it, and how to see a tensor's raw
   * memory as its values.
   */
  private record Kind(Class<? extends NdArray<?>> array, Function<Shape, Dense> allocate,
      Function<ByteDataBuffer, DataBuffer<?>> view) {}

  /** The one table of how each dtype's values are held, for predict and fit. */
  private static final Map<Class<? extends TType>, Kind> KINDS = Map.of(
      TFloat32.class, new Kind(FloatNdArray.class, shape -> {
        FloatDataBuffer buffer = DataBuffers.ofFloats(shape.size());
        return new Dense(NdArrays.wrap(shape, buffer), buffer);
      }, ByteDataBuffer::asFloats),
      TFloat64.class, new Kind(DoubleNdArray.class, shape -> {
        DoubleDataBuffer buffer = DataBuffers.ofDoubles(shape.size());
        return new Dense(NdArrays.wrap(shape, buffer), buffer);
      }, ByteDataBuffer::asDoubles),
      TInt32.class, new Kind(IntNdArray.class, shape -> {
        IntDataBuffer buffer = DataBuffers.ofInts(shape.size());
        return new Dense(NdArrays.wrap(shape, buffer), buffer);
      }, ByteDataBuffer::asInts),
      TInt64.class, new Kind(LongNdArray.class, shape -> {
        LongDataBuffer buffer = DataBuffers.ofLongs(shape.size());
        return new Dense(NdArrays.wrap(shape, buffer), buffer);
      }, ByteDataBuffer::asLongs),
      TBool.class, new Kind(BooleanNdArray.class, shape -> {
        BooleanDataBuffer buffer = DataBuffers.ofBooleans(shape.size());
        return new Dense(NdArrays.wrap(shape, buffer), buffer);
      }, ByteDataBuffer::asBooleans));

  private TensorData() {}

  /** Copies {@code data} into a new tensor of {@code dtype}; the caller closes it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Tensor tensorOf(Class<? extends TType> dtype, NdArray<?> data, String what) {
    Kind kind = kind(dtype, what);
    if (!kind.array().isInstance(data)) {
      throw new IllegalArgumentException(what + " is " + Shapes.dtypeName(dtype) + "; pass a "
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

  /** A dense array for values of {@code dtype}. */
  static Dense allocate(Class<? extends TType> dtype, Shape shape, String what) {
    return kind(dtype, what).allocate().apply(shape);
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

  /** Whether {@code array} holds {@code dtype}'s values as they are (a copy needs no conversion). */
  static boolean holds(NdArray<?> array, Class<? extends TType> dtype) {
    Kind kind = KINDS.get(dtype);
    return kind != null && kind.array().isInstance(array);
  }

  /** A tensor's memory as a buffer of its dtype's values, to copy rows straight into. */
  static DataBuffer<?> memoryOf(Tensor tensor, Class<? extends TType> dtype, String what) {
    return kind(dtype, what).view().apply(tensor.asRawTensor().data());
  }

  /** Fails, naming {@code what}, for a dtype predict cannot copy. */
  static void requireSupported(Class<? extends TType> dtype, String what) {
    kind(dtype, what);
  }

  private static Kind kind(Class<? extends TType> dtype, String what) {
    Kind kind = KINDS.get(dtype);
    if (kind == null) {
      throw new IllegalArgumentException(what + " is " + Shapes.dtypeName(dtype)
          + ", which predict does not handle yet; it handles float32, float64, int32, int64 and "
          + "bool");
    }
    return kind;
  }
}
