package dev.lamina.runtime.data;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
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
    return of(x, y, null, batchSize);
  }

  /**
   * {@link #of(Object, Object, int)} with Keras's {@code sample_weight}: one weight per sample,
   * or a list with one array per output, cut into batches with the rows ({@code null} for none).
   */
  public static BatchSource of(Object x, Object y, Object sampleWeight, int batchSize) {
    if (sampleWeight != null && y == null) {
      throw new IllegalArgumentException("sample weights need targets y");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    long samples = samples(x, "x", -1);
    if (y != null) {
      samples(y, "y", samples);
    }
    if (sampleWeight != null) {
      samples(sampleWeight instanceof java.util.Map<?, ?> byOutput
          ? List.copyOf(byOutput.values()) : sampleWeight, "sampleWeight", samples);
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
        return Batch.of(rows(x, from, to), y == null ? null : rows(y, from, to),
            sampleWeight == null ? null : weightRows(sampleWeight, from, to));
      }

      @Override
      public String toString() {
        return "BatchSources.of(" + samples + " samples, batches of " + batchSize + ")";
      }
    };
  }

  /** Rows of sample weights: an array, a list of arrays, or a map of them by output name. */
  private static Object weightRows(Object sampleWeight, long from, long to) {
    if (sampleWeight instanceof java.util.Map<?, ?> byOutput) {
      java.util.Map<Object, Object> rows = new java.util.LinkedHashMap<>();
      byOutput.forEach((output, weights) -> rows.put(output, rows(weights, from, to)));
      return rows;
    }
    return rows(sampleWeight, from, to);
  }

  /** {@link #of(Object, Object, int)} for {@code predict}: inputs only. */
  public static BatchSource of(Object x, int batchSize) {
    return of(x, null, batchSize);
  }

  /**
   * A source of unknown length over iterators, a generator's form: each pass (each epoch without
   * {@code stepsPerEpoch}, or when the last pass ran out) calls {@code passes} for a new iterator
   * and reads it to its end; an iterator that never ends is an infinite source (give
   * {@code stepsPerEpoch}).
   *
   * <pre>{@code
   * BatchSource rows = BatchSources.fromIterators(() -> database.query("SELECT ...")
   *     .map(page -> Batch.of(page.features(), page.labels())).iterator());
   * }</pre>
   */
  public static BatchSource fromIterators(Supplier<? extends Iterator<Batch>> passes) {
    java.util.Objects.requireNonNull(passes, "passes");
    return new BatchSource() {
      private Iterator<Batch> current;
      private long next;

      @Override
      public synchronized Batch batch(long index) {
        if (index == 0) {
          current = java.util.Objects.requireNonNull(passes.get(), "the iterator supplied");
        } else if (index != next || current == null) {
          throw new IllegalStateException("An iterator source is read in order: batch " + index
              + " was asked for after batch " + (next - 1));
        }
        next = index + 1;
        if (!current.hasNext()) {
          current = null;
          return null;
        }
        return java.util.Objects.requireNonNull(current.next(), "the iterator's batch " + index);
      }

      @Override
      public String toString() {
        return "BatchSources.fromIterators(" + passes + ")";
      }
    };
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
