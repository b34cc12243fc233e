package dev.lamina.runtime;

import java.util.Locale;
import java.util.StringJoiner;
import org.tensorflow.ndarray.Shape;
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

  /** The shape of one sample: the full shape without its batch dimension. */
  public static Shape perSample(Shape full) {
    return full.isUnknown() || full.numDimensions() == 0 ? full : full.tail();
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
          + " (a batch of " + format(perSample(expected)) + " samples), got " + format(data));
    }
  }
}
