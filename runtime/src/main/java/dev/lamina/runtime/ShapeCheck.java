package dev.lamina.runtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.tensorflow.ndarray.Shape;

/**
 * The run-time half of the shape language: generated layers check their inputs' shapes against
 * their {@code inputShape} patterns and {@code requires} constraints with it, and compute their
 * declared output shape.
 *
 * <p>Sizes are {@code long}s with {@link #UNKNOWN} for unknown, so that an expression that gives
 * {@code -1} is a negative size, not an unknown one. Arithmetic on an unknown size gives an
 * unknown size; a comparison involving one is unknown ({@code null}), and {@code &&}, {@code ||}
 * and {@code !} follow three-valued logic, so a constraint fails only when it is certainly false.
 * Every failure is a {@link ShapeRuleException} naming the layer, the rule as declared and
 * the shapes.
 */
public final class ShapeCheck {

  /** An unknown size in expressions; {@code ?} compiles to it. */
  public static final long UNKNOWN = Long.MIN_VALUE;

  private final LambdaLayer layer;
  private final List<Shape> inputs;
  private final Map<String, Long> symbols = new HashMap<>();
  private final Map<String, String> boundAt = new HashMap<>();

  /** Starts checking {@code inputs}, the full shapes (batch first) of {@code layer}'s inputs. */
  public ShapeCheck(LambdaLayer layer, List<Shape> inputs) {
    this.layer = layer;
    this.inputs = inputs;
  }

  /**
   * Checks input {@code input}'s rank against its pattern of {@code dims} dims (after a leading
   * {@code ...} if {@code ellipsis}). An input of unknown rank passes: nothing can be said.
   */
  public void rank(int input, int dims, boolean ellipsis) {
    Shape shape = inputs.get(input);
    if (shape.isUnknown()) {
      return;
    }
    int actual = shape.numDimensions() - 1;
    if (ellipsis ? actual < dims : actual != dims) {
      throw fail("inputShape " + quote(pattern(input)) + " of input " + inputName(input)
          + " needs " + (ellipsis ? "at least " : "") + dims + (dims == 1 ? " dim" : " dims")
          + " per sample, but the input is " + Shapes.format(shape));
    }
  }

  /** The size at pattern position {@code position} of input {@code input}, or {@link #UNKNOWN}. */
  public long dim(int input, int position, int patternDims) {
    Shape shape = inputs.get(input);
    if (shape.isUnknown()) {
      return UNKNOWN;
    }
    // Counted from the end, so a leading '...' may stand for any number of dims.
    long size = shape.get(shape.numDimensions() - patternDims + position);
    return size == Shape.UNKNOWN_SIZE ? UNKNOWN : size;
  }

  /** Checks a fixed size of a pattern. */
  public void fixed(int input, int position, int patternDims, long expected) {
    long actual = dim(input, position, patternDims);
    if (actual != UNKNOWN && actual != expected) {
      throw fail("inputShape " + quote(pattern(input)) + " of input " + inputName(input)
          + " needs size " + expected + " at dim " + (position + 1) + " of the pattern, but the "
          + "input is " + Shapes.format(inputs.get(input)));
    }
  }

  /**
   * Binds {@code symbol} to a pattern position, or checks it against its earlier binding.
   *
   * @return the symbol's size, {@link #UNKNOWN} if unknown everywhere so far
   */
  public long symbol(String symbol, int input, int position, int patternDims) {
    long actual = dim(input, position, patternDims);
    String here = "input " + inputName(input) + " " + Shapes.format(inputs.get(input));
    Long earlier = symbols.get(symbol);
    if (earlier == null || earlier == UNKNOWN) {
      symbols.put(symbol, actual);
      if (actual != UNKNOWN || earlier == null) {
        boundAt.put(symbol, here);
      }
      return actual;
    }
    if (actual != UNKNOWN && actual != earlier) {
      throw fail("inputShape binds " + symbol + " = " + earlier + " from " + boundAt.get(symbol)
          + " but " + symbol + " = " + actual + " in " + here + " (patterns " + patterns() + ")");
    }
    return earlier;
  }

  /**
   * Checks a {@code requires} constraint.
   *
   * @param rule the constraint as declared
   * @param holds its value: {@code false} fails, {@code null} (unknown) passes
   * @param namesAndValues the names the constraint uses and their values, for the message
   */
  public void require(String rule, Boolean holds, Object... namesAndValues) {
    if (Boolean.FALSE.equals(holds)) {
      StringJoiner values = new StringJoiner(", ");
      for (int i = 0; i < namesAndValues.length; i += 2) {
        long value = ((Number) namesAndValues[i + 1]).longValue();
        values.add(namesAndValues[i] + " = " + (value == UNKNOWN ? "None" : Long.toString(value)));
      }
      throw fail("requires " + quote(rule) + " but " + values + " for input "
          + shapes());
    }
  }

  /** The full output shape: input 0's batch size, then {@code dims}. */
  public Shape output(long... dims) {
    Shape first = inputs.get(0);
    long batch = first.isUnknown() || first.numDimensions() == 0
        ? Shape.UNKNOWN_SIZE : first.get(0);
    long[] sizes = new long[dims.length];
    StringJoiner shown = new StringJoiner(", ", "(", ")");
    boolean negative = false;
    for (int i = 0; i < dims.length; i++) {
      sizes[i] = dims[i] == UNKNOWN ? Shape.UNKNOWN_SIZE : dims[i];
      negative |= dims[i] != UNKNOWN && dims[i] < 0;
      shown.add(dims[i] == UNKNOWN ? "None" : Long.toString(dims[i]));
    }
    if (negative) {
      throw fail("outputShape " + quote(layer.signature().outputShape()) + " gives " + shown
          + ", a negative size, for input " + shapes());
    }
    return Shape.of(sizes).prepend(batch);
  }

  // Arithmetic and logic on possibly unknown sizes, for generated expressions.

  public static long add(long a, long b) {
    return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : a + b;
  }

  public static long sub(long a, long b) {
    return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : a - b;
  }

  public static long mul(long a, long b) {
    return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : a * b;
  }

  /** Integer division, rounding towards negative infinity as Python's {@code //}. */
  public static long div(long a, long b) {
    return a == UNKNOWN || b == UNKNOWN || b == 0 ? UNKNOWN : Math.floorDiv(a, b);
  }

  public static long neg(long a) {
    return a == UNKNOWN ? UNKNOWN : -a;
  }

  public static Boolean lt(long a, long b) {
    return a == UNKNOWN || b == UNKNOWN ? null : a < b;
  }

  public static Boolean le(long a, long b) {
    return a == UNKNOWN || b == UNKNOWN ? null : a <= b;
  }

  public static Boolean gt(long a, long b) {
    return a == UNKNOWN || b == UNKNOWN ? null : a > b;
  }

  public static Boolean ge(long a, long b) {
    return a == UNKNOWN || b == UNKNOWN ? null : a >= b;
  }

  public static Boolean eq(long a, long b) {
    return a == UNKNOWN || b == UNKNOWN ? null : a == b;
  }

  public static Boolean ne(long a, long b) {
    return a == UNKNOWN || b == UNKNOWN ? null : a != b;
  }

  /** Kleene's and: false if either is false, unknown if either is unknown. */
  public static Boolean and(Boolean a, Boolean b) {
    if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
      return false;
    }
    return a == null || b == null ? null : true;
  }

  /** Kleene's or: true if either is true, unknown if either is unknown. */
  public static Boolean or(Boolean a, Boolean b) {
    if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
      return true;
    }
    return a == null || b == null ? null : false;
  }

  public static Boolean not(Boolean a) {
    return a == null ? null : !a;
  }

  private String pattern(int input) {
    return layer.signature().inputShapes().get(input);
  }

  private String patterns() {
    StringJoiner joined = new StringJoiner(", ");
    layer.signature().inputShapes().forEach(p -> joined.add(quote(p)));
    return joined.toString();
  }

  private String inputName(int input) {
    return layer.signature().inputs().get(input).name();
  }

  private String shapes() {
    StringJoiner joined = new StringJoiner(", ");
    inputs.forEach(shape -> joined.add(Shapes.format(shape)));
    return joined.toString();
  }

  private static String quote(String text) {
    return "\"" + text + "\"";
  }

  private ShapeRuleException fail(String rule) {
    return new ShapeRuleException(layer.describe() + ": " + rule);
  }
}
