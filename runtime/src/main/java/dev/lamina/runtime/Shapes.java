package dev.lamina.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/** Formats shapes and dtypes the way Keras prints them, for messages and summaries. */
public final class Shapes {

  private Shapes() {}

  /** {@code (None, 4, 2)}: unknown sizes as {@code None}; an unknown rank as {@code <unknown>}. */
  public static String format(Shape shape) {
    if (shape.isUnknown()) {
      return "<unknown rank>";
    }
    return format(shape.asArray());
  }

  /** Formats dims, {@code -1} as {@code None}; one dim keeps no trailing comma: {@code (4)}. */
  public static String format(long[] dims) {
    StringJoiner joined = new StringJoiner(", ", "(", ")");
    for (long d : dims) {
      joined.add(d == Shape.UNKNOWN_SIZE ? "None" : Long.toString(d));
    }
    return joined.toString();
  }

  /**
   * The most values Lamina lets one tensor's known sizes multiply to: 2^40 (4 TiB of float32).
   * TensorFlow aborts the process, with no exception to catch, when a shape's size passes
   * {@code Long.MAX_VALUE}; the margin leaves room for a batch size that only data brings.
   */
  public static final long MAX_ELEMENTS = 1L << 40;

  /** The most values one weight holds: Lamina keeps a weight's values in one Java array. */
  public static final long MAX_WEIGHT_ELEMENTS = Integer.MAX_VALUE - 8;

  /**
   * The product of {@code shape}'s known sizes (1 for a scalar or an unknown rank), computed
   * without overflow.
   *
   * @throws IllegalArgumentException naming {@code what} if it passes {@link #MAX_ELEMENTS}
   */
  public static long knownElements(Shape shape, String what) {
    return knownElements(shape, () -> what);
  }

  /**
   * Same, the name made only for a message: for checks on every layer call, where describing
   * the layer costs more than the check.
   */
  public static long knownElements(Shape shape, Supplier<String> what) {
    return knownElements(shape.isUnknown() ? new long[0] : shape.asArray(), what, MAX_ELEMENTS);
  }

  /**
   * The product of {@code dims}' sizes, {@code -1}s skipped, computed without overflow.
   *
   * @throws IllegalArgumentException naming {@code what} if it passes {@code max}
   */
  public static long knownElements(long[] dims, String what, long max) {
    return knownElements(dims, () -> what, max);
  }

  /** Same, the name made only for a message. */
  public static long knownElements(long[] dims, Supplier<String> what, long max) {
    long product = 1;
    for (long d : dims) {
      if (d == Shape.UNKNOWN_SIZE) {
        continue;
      }
      if (d < 0) {
        throw new IllegalArgumentException(what.get() + " has shape " + format(dims) + ", with the "
            + "negative size " + d + "; sizes are 0 or more (or unknown)");
      }
      if (d > 0 && product > max / d) {
        throw new IllegalArgumentException(what.get() + " has shape " + format(dims) + ", whose "
            + "sizes multiply to more than " + max + " values, the most Lamina allows in one "
            + "tensor");
      }
      product *= d;
    }
    return product;
  }

  /** The shape of one sample: the full shape without its batch dimension. */
  public static Shape perSample(Shape full) {
    return full.isUnknown() || full.numDimensions() == 0 ? full : full.tail();
  }

  /**
   * The dtypes a model's inputs may have, by Keras's names, in one table for Lamina's files and
   * Keras's: {@code float32}, {@code float64}, {@code int32}, {@code int64}, {@code bool}.
   */
  public static final Map<String, Class<? extends TType>> DTYPES = dtypes();

  private static Map<String, Class<? extends TType>> dtypes() {
    Map<String, Class<? extends TType>> table = new LinkedHashMap<>();
    for (Class<? extends TType> type : List.of(TFloat32.class, TFloat64.class, TInt32.class,
        TInt64.class, TBool.class)) {
      table.put(dtypeName(type), type);
    }
    return Collections.unmodifiableMap(table);
  }

  /** {@code TFloat32} prints as {@code float32}, as Keras names dtypes. */
  public static String dtypeName(Class<? extends TType> dtype) {
    String simple = dtype.getSimpleName();
    return simple.startsWith("T") ? simple.substring(1).toLowerCase(Locale.ROOT) : simple;
  }

  /**
   * Fails unless {@code data} has {@code expected}'s rank and its fixed sizes after the batch
   * dimension: the check every array fed to a model passes.
   *
   * @param name how the message names the array, e.g. {@code input 'input'}
   */
  static void requireBatchOf(Shape expected, Shape data, String name) {
    boolean fits = data.numDimensions() == expected.numDimensions();
    for (int i = 1; fits && i < expected.numDimensions(); i++) {
      fits = expected.get(i) == Shape.UNKNOWN_SIZE || expected.get(i) == data.get(i);
    }
    if (!fits) {
      throw new IllegalArgumentException(name + " expects data of shape " + format(expected)
          + ", that is any number of samples each of shape " + format(perSample(expected))
          + "; got " + format(data));
    }
  }
}
