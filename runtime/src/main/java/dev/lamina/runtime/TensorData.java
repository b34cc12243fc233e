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
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/** Moves data between NdArrays and tensors of the dtypes {@code predict} accepts. */
final class TensorData {

  private record Kind(Class<? extends NdArray<?>> array, Function<Shape, NdArray<?>> allocate) {}

  private static final Map<Class<? extends TType>, Kind> KINDS = Map.of(
      TFloat32.class, new Kind(FloatNdArray.class, NdArrays::ofFloats),
      TFloat64.class, new Kind(DoubleNdArray.class, NdArrays::ofDoubles),
      TInt32.class, new Kind(IntNdArray.class, NdArrays::ofInts),
      TInt64.class, new Kind(LongNdArray.class, NdArrays::ofLongs),
      TBool.class, new Kind(BooleanNdArray.class, NdArrays::ofBooleans));

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
  static NdArray<?> allocate(Class<? extends TType> dtype, Shape shape, String what) {
    return kind(dtype, what).allocate().apply(shape);
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
