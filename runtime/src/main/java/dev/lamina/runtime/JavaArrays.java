package dev.lamina.runtime;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * Converts between nested Java float arrays of any rank and NdArrays, row by row with
 * {@code System.arraycopy} rather than element by element.
 */
final class JavaArrays {

  private JavaArrays() {}

  /**
   * Copies {@code float[]}, {@code float[][]}, ... into a dense NdArray.
   *
   * @param what names the array in messages, e.g. {@code input 'input'}
   * @throws IllegalArgumentException if it is not a float array, has a null row or is ragged
   */
  static FloatNdArray toNdArray(Object array, String what) {
    if (array == null || !array.getClass().isArray() || floatRank(array.getClass()) < 1) {
      throw new IllegalArgumentException(what + " must be a float array (float[], float[][], ...)"
          + ", got " + (array == null ? "null" : array.getClass().getSimpleName()));
    }
    long[] dims = dimsOf(array, what);
    long size = 1;
    for (long d : dims) {
      size = Math.multiplyExact(size, d);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(what + " has " + size + " values; pass an NdArray instead");
    }
    float[] flat = new float[(int) size];
    int[] written = {0};
    flatten(array, dims, 0, new ArrayList<>(), flat, written, what);
    return NdArrays.wrap(Shape.of(dims), DataBuffers.of(flat, false, false));
  }

  /**
   * Copies a dense NdArray into a nested float array of the class asked for.
   *
   * @throws IllegalArgumentException if {@code type} is not a float array class of the NdArray's
   *     rank
   */
  static <A> A toJavaArray(FloatNdArray values, Class<A> type) {
    int rank = values.rank();
    if (!type.isArray() || floatRank(type) != rank) {
      throw new IllegalArgumentException("The result has shape " + Shapes.format(values.shape())
          + "; ask for " + "float" + "[]".repeat(Math.max(rank, 1)) + ".class, not "
          + type.getSimpleName());
    }
    long total = values.size();
    float[] flat = new float[Math.toIntExact(total)];
    values.copyTo(DataBuffers.of(flat, false, false));
    int[] read = {0};
    return type.cast(nest(flat, values.shape().asArray(), 0, read));
  }

  /**
   * Checks, before anything runs, that {@code type} is a float array class of the output's rank.
   * An output of unknown rank is checked after predict instead.
   */
  static void requireRank(Class<?> type, Shape output) {
    if (!output.isUnknown() && floatRank(type) != output.numDimensions()) {
      throw new IllegalArgumentException("The output has shape " + Shapes.format(output)
          + "; ask for float" + "[]".repeat(Math.max(output.numDimensions(), 1))
          + ".class, not " + type.getSimpleName());
    }
  }

  /** 2 for {@code float[][]}; -1 if the innermost component is not {@code float}. */
  private static int floatRank(Class<?> type) {
    int rank = 0;
    while (type.isArray()) {
      type = type.getComponentType();
      rank++;
    }
    return type == float.class ? rank : -1;
  }

  /** Reads the shape off the first row at each depth; {@link #flatten} checks the others. */
  private static long[] dimsOf(Object array, String what) {
    long[] dims = new long[floatRank(array.getClass())];
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
      float[] flat, int[] written, String what) {
    if (level == null) {
      throw new IllegalArgumentException(what + " has a null row at " + index(path));
    }
    int length = Array.getLength(level);
    if (length != dims[depth]) {
      throw new IllegalArgumentException(what + " is ragged: row " + index(path) + " has length "
          + length + ", expected " + dims[depth] + " (shape " + Shapes.format(dims) + ")");
    }
    if (level instanceof float[] row) {
      System.arraycopy(row, 0, flat, written[0], length);
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

  private static Object nest(float[] flat, long[] dims, int depth, int[] read) {
    int length = (int) dims[depth];
    if (depth == dims.length - 1) {
      float[] row = new float[length];
      System.arraycopy(flat, read[0], row, 0, length);
      read[0] += length;
      return row;
    }
    Class<?> component = float.class;
    for (int i = depth + 1; i < dims.length; i++) {
      component = component.arrayType();
    }
    Object[] rows = (Object[]) Array.newInstance(component, length);
    for (int i = 0; i < length; i++) {
      rows[i] = nest(flat, dims, depth + 1, read);
    }
    return rows;
  }

  private static String index(List<Integer> path) {
    StringBuilder text = new StringBuilder(path.isEmpty() ? "(top level)" : "");
    path.forEach(i -> text.append('[').append(i).append(']'));
    return text.toString();
  }
}
