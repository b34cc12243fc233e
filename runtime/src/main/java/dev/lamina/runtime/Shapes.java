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
}
