package dev.lamina.runtime;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Converts between nested Java arrays of any rank and NdArrays, for the dtypes whose values are
 * Java primitives: {@code float} (float32), {@code double} (float64), {@code int} (int32),
 * {@code long} (int64) and {@code boolean} (bool). Rows are copied with
 * {@code System.arraycopy} into one flat array that the NdArray wraps (TensorFlow's
 * {@code StdArrays} does the same element by element, and only up to rank 6). For
 * {@code predict} now, and for {@code fit}'s {@code x} and {@code y} later.
 */
final class JavaArrays {

  /** The Java element type behind each dtype. */
  private static final Map<Class<? extends TType>, Class<?>> ELEMENTS = Map.of(
      TFloat32.class, float.class,
      TFloat64.class, double.class,
      TInt32.class, int.class,
      TInt64.class, long.class,
      TBool.class, boolean.class);

  private JavaArrays() {}

  /** The dtype whose values are Java {@code element}s, e.g. float32 for {@code float.class}. */
  static Class<? extends TType> dtypeOf(Class<?> element) {
    return ELEMENTS.entrySet().stream().filter(e -> e.getValue() == element)
        .map(Map.Entry::getKey).findFirst().orElse(null);
  }

  /** Fails unless there is exactly one tensor: the Java-array predict of one input and output. */
  static void requireOne(List<SymbolicTensor<?>> tensors, String role) {
    if (tensors.size() != 1) {
      throw new IllegalArgumentException("predict(x, resultType) needs a model with one " + role
          + "; this model has " + tensors.size() + " " + role + "s: use predict(List, List)");
    }
  }

  /** The Java element type for {@code dtype}, e.g. {@code float.class} for float32. */
  static Class<?> elementOf(Class<? extends TType> dtype, String what) {
    Class<?> element = ELEMENTS.get(dtype);
    if (element == null) {
      throw new IllegalArgumentException(what + " is " + Shapes.dtypeName(dtype) + ", which has no "
          + "Java array form; Java arrays work for float32, float64, int32, int64 and bool, "
          + "NdArrays for those too");
    }
    return element;
  }

  /**
   * Copies {@code float[]}, {@code int[][]}, ... of the element type of {@code dtype} into a dense
   * NdArray. An NdArray is passed through as it is.
   *
   * @param what names the array in messages, e.g. {@code input 'input'}
   * @throws IllegalArgumentException if it is not an array of that element type, is empty, has a
   *     null row or is ragged
   */
  static NdArray<?> toNdArray(Object array, Class<? extends TType> dtype, String what) {
    if (array instanceof NdArray<?> ndArray) {
      return ndArray;
    }
    return toDense(array, dtype, what).array();
  }

  /**
   * {@link #toNdArray} of a Java array, with the buffer and the flat Java array behind it: a new
   * copy, which the caller may keep as it is.
   */
  static TensorData.Dense toDense(Object array, Class<? extends TType> dtype, String what) {
    Class<?> element = elementOf(dtype, what);
    if (array == null || rankOf(array.getClass(), element) < 1) {
      throw new IllegalArgumentException(what + " must be " + article(element) + " " + element
          + " array (" + element + "[], " + element + "[][], ...), got "
          + (array == null ? "null" : array.getClass().getSimpleName()));
    }
    if (Array.getLength(array) == 0) {
      throw new IllegalArgumentException(what + " has no samples: it is an empty "
          + array.getClass().getSimpleName() + "; predict needs at least one");
    }
    long[] dims = dimsOf(array, element, what);
    long size = 1;
    for (long d : dims) {
      size = Math.multiplyExact(size, d);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(what + " has " + size + " values; pass an NdArray instead");
    }
    Object flat = Array.newInstance(element, (int) size);
    int[] written = {0};
    flatten(array, dims, 0, new ArrayList<>(), flat, written, what);
    return wrap(Shape.of(dims), flat);
  }

  private static TensorData.Dense wrap(Shape shape, Object flat) {
    NdArray<?> array;
    if (flat instanceof float[] values) {
      array = NdArrays.wrap(shape, DataBuffers.of(values, false, false));
    } else if (flat instanceof double[] values) {
      array = NdArrays.wrap(shape, DataBuffers.of(values, false, false));
    } else if (flat instanceof int[] values) {
      array = NdArrays.wrap(shape, DataBuffers.of(values, false, false));
    } else if (flat instanceof long[] values) {
      array = NdArrays.wrap(shape, DataBuffers.of(values, false, false));
    } else {
      array = NdArrays.wrap(shape, DataBuffers.of((boolean[]) flat, false, false));
    }
    return new TensorData.Dense(array, bufferOf(flat), flat);
  }

  private static DataBuffer<?> bufferOf(Object flat) {
    if (flat instanceof float[] values) {
      return DataBuffers.of(values, false, false);
    } else if (flat instanceof double[] values) {
      return DataBuffers.of(values, false, false);
    } else if (flat instanceof int[] values) {
      return DataBuffers.of(values, false, false);
    } else if (flat instanceof long[] values) {
      return DataBuffers.of(values, false, false);
    }
    return DataBuffers.of((boolean[]) flat, false, false);
  }

  /**
   * Copies a dense NdArray of {@code dtype} into a nested array of the class asked for.
   *
   * @throws IllegalArgumentException if {@code type} is not an array class of the dtype's element
   *     type and the NdArray's rank
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <A> A toJavaArray(NdArray<?> values, Class<? extends TType> dtype, Class<A> type) {
    Class<?> element = elementOf(dtype, "The output");
    int rank = values.rank();
    if (rankOf(type, element) != rank) {
      throw new IllegalArgumentException("The result has shape " + Shapes.format(values.shape())
          + "; ask for " + arrayName(element, rank) + ".class, not " + type.getSimpleName());
    }
    Object flat = Array.newInstance(element, Math.toIntExact(values.size()));
    ((NdArray) values).copyTo((DataBuffer) bufferOf(flat));
    int[] read = {0};
    return type.cast(nest(flat, element, values.shape().asArray(), 0, read));
  }

  /**
   * Checks, before anything runs, that {@code type} is an array class of the element type of
   * {@code dtype} and of the output's rank. An output of unknown rank is checked after predict.
   */
  static void requireResultType(Class<?> type, Class<? extends TType> dtype, Shape output,
      String what) {
    Class<?> element = elementOf(dtype, what);
    if (!output.isUnknown() && rankOf(type, element) != output.numDimensions()) {
      throw new IllegalArgumentException("The " + what + " has shape " + Shapes.format(output)
          + "; ask for "
          + arrayName(element, output.numDimensions()) + ".class, not " + type.getSimpleName());
    } else if (output.isUnknown() && rankOf(type, element) < 1) {
      throw new IllegalArgumentException("The " + what + " has dtype " + Shapes.dtypeName(dtype)
          + "; ask for an array of " + element + ", not " + type.getSimpleName());
    }
  }

  private static String arrayName(Class<?> element, int rank) {
    return element + "[]".repeat(Math.max(rank, 1));
  }

  private static String article(Class<?> element) {
    return element == int.class ? "an" : "a";
  }

  /** 2 for {@code float[][]} and {@code float.class}; -1 if the innermost type differs. */
  private static int rankOf(Class<?> type, Class<?> element) {
    int rank = 0;
    while (type.isArray()) {
      type = type.getComponentType();
      rank++;
    }
    return type == element ? rank : -1;
  }

  /** Reads the shape off the first row at each depth; {@link #flatten} checks the others. */
  private static long[] dimsOf(Object array, Class<?> element, String what) {
    long[] dims = new long[rankOf(array.getClass(), element)];
    Object level = array;
    for (int depth = 0; depth < dims.length; depth++) {
      if (level == null) {
        throw new IllegalArgumentException(what + " has a null row at " + "[0]".repeat(depth));
      }
      dims[depth] = Array.getLength(level);
      if (dims[depth] == 0) {
        break; // nothing below: the inner sizes stay zero
      }
      level = depth + 1 < dims.length ? Array.get(level, 0) : null;
    }
    return dims;
  }

  private static void flatten(Object level, long[] dims, int depth, List<Integer> path,
      Object flat, int[] written, String what) {
    if (level == null) {
      throw new IllegalArgumentException(what + " has a null row at " + index(path));
    }
    int length = Array.getLength(level);
    if (length != dims[depth]) {
      throw new IllegalArgumentException(what + " is ragged: row " + index(path) + " has length "
          + length + ", expected " + dims[depth] + " (shape " + Shapes.format(dims) + ")");
    }
    if (depth == dims.length - 1) {
      System.arraycopy(level, 0, flat, written[0], length);
      written[0] += length;
      return;
    }
    Object[] rows = (Object[]) level;
    for (int i = 0; i < rows.length; i++) {
      path.add(i);
      flatten(rows[i], dims, depth + 1, path, flat, written, what);
      path.remove(path.size() - 1);
    }
  }

  private static Object nest(Object flat, Class<?> element, long[] dims, int depth, int[] read) {
    int length = (int) dims[depth];
    if (depth == dims.length - 1) {
      Object row = Array.newInstance(element, length);
      System.arraycopy(flat, read[0], row, 0, length);
      read[0] += length;
      return row;
    }
    Class<?> component = element;
    for (int i = depth + 1; i < dims.length; i++) {
      component = component.arrayType();
    }
    Object[] rows = (Object[]) Array.newInstance(component, length);
    for (int i = 0; i < length; i++) {
      rows[i] = nest(flat, element, dims, depth + 1, read);
    }
    return rows;
  }

  private static String index(List<Integer> path) {
    StringBuilder text = new StringBuilder(path.isEmpty() ? "(top level)" : "");
    path.forEach(i -> text.append('[').append(i).append(']'));
    return text.toString();
  }
}
