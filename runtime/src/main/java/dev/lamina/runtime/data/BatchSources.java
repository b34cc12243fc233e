package dev.lamina.runtime.data;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.index.Indices;

/** Ready {@link BatchSource}s. */
public final class BatchSources {

  private BatchSources() {}

  /**
   * Arrays already in memory cut into batches of {@code batchSize} samples, in order, the last
   * one smaller when {@code batchSize} does not divide the samples: the batches {@code fit(x, y)}
   * takes without shuffling. {@code x} and {@code y} are in the forms {@code fit} takes (Java
   * arrays or NdArrays, batch first, or lists of them); {@code y} may be {@code null} for
   * {@code predict}. The arrays are not copied: the batches are views or copies of rows made
   * when asked for.
   *
   * @throws IllegalArgumentException if the arrays have different numbers of samples, none, or
   *     are not arrays
   */
  public static BatchSource of(Object x, Object y, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    long samples = samples(x, "x", -1);
    if (y != null) {
      samples(y, "y", samples);
    }
    if (samples == 0) {
      throw new IllegalArgumentException("x has no samples");
    }
    long batches = (samples + batchSize - 1) / batchSize;
    return new BatchSource() {
      @Override
      public long batches() {
        return batches;
      }

      @Override
      public Batch batch(long index) {
        if (index < 0 || index >= batches) {
          throw new IndexOutOfBoundsException("Batch " + index + " of " + batches);
        }
        long from = index * batchSize;
        long to = Math.min(samples, from + batchSize);
        return new Batch(rows(x, from, to), y == null ? null : rows(y, from, to));
      }

      @Override
      public String toString() {
        return "BatchSources.of(" + samples + " samples, batches of " + batchSize + ")";
      }
    };
  }

  /** {@link #of(Object, Object, int)} for {@code predict}: inputs only. */
  public static BatchSource of(Object x, int batchSize) {
    return of(x, null, batchSize);
  }

  private static long samples(Object data, String role, long expected) {
    if (data == null) {
      throw new IllegalArgumentException(role + " is null");
    }
    if (data instanceof List<?> list) {
      long samples = expected;
      for (int i = 0; i < list.size(); i++) {
        samples = samples(list.get(i), role + "[" + i + "]", samples);
      }
      return samples;
    }
    long samples;
    if (data instanceof NdArray<?> array) {
      if (array.rank() == 0) {
        throw new IllegalArgumentException(role + " needs a batch of samples, got a scalar");
      }
      samples = array.shape().get(0);
    } else if (data.getClass().isArray()) {
      samples = Array.getLength(data);
    } else {
      throw new IllegalArgumentException(role + " must be an NdArray, a Java array or a list of "
          + "them, got " + data.getClass().getSimpleName());
    }
    if (expected >= 0 && samples != expected) {
      throw new IllegalArgumentException("Every array needs the same number of samples: "
          + expected + " before " + role + ", " + samples + " in " + role);
    }
    return samples;
  }

  private static Object rows(Object data, long from, long to) {
    if (data instanceof List<?> list) {
      List<Object> parts = new ArrayList<>(list.size());
      list.forEach(item -> parts.add(rows(item, from, to)));
      return parts;
    }
    if (data instanceof NdArray<?> array) {
      return array.slice(Indices.range(from, to));
    }
    Object part = Array.newInstance(data.getClass().getComponentType(), (int) (to - from));
    System.arraycopy(data, (int) from, part, 0, (int) (to - from));
    return part;
  }
}
