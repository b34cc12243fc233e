package dev.lamina.runtime.io;

import java.math.BigDecimal;

/**
 * A JSON number, kept as its literal text so that no conversion happens until the caller says
 * which type it wants, and then exactly once: int64 exactly (or not at all), float32 and float64
 * each correctly rounded straight from the decimal text, never through the other. So a value
 * written from a {@code float}, {@code double} or {@code long} reads back bit for bit, {@code -0.0}
 * and subnormals included (a {@link BigDecimal} would lose {@code -0.0}; a {@code double} would
 * lose int64s above 2^53 and could round a float32 twice).
 *
 * <p>Only a reader told to accept Python's {@code NaN}, {@code Infinity} and {@code -Infinity}
 * (as Keras writes them) makes non-finite numbers; {@link Json} never writes them. Two numbers
 * are equal when their texts are: {@code 1.0} and {@code 1.00} are different texts.
 */
public final class JsonNumber extends Number {

  private static final long serialVersionUID = 1L;

  private final String text;

  JsonNumber(String text) {
    this.text = text;
  }

  /** Whether this is a number JSON itself allows (not {@code NaN} or an infinity). */
  public boolean isFinite() {
    return !text.equals("NaN") && !text.endsWith("Infinity");
  }

  /** Whether the text has no fraction and no exponent, as integers are written. */
  public boolean isIntegerLiteral() {
    return isFinite() && text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
  }

  /**
   * The value as an int64.
   *
   * @throws ArithmeticException if it has a fractional part, is out of range or is not finite
   */
  public long longValueExact() {
    if (isIntegerLiteral()) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new ArithmeticException("out of the int64 range");
      }
    }
    // 1e3 and 2.0 are integers by value; BigDecimal rejects huge exponents before expanding them.
    try {
      return bigDecimalValue().longValueExact();
    } catch (NumberFormatException e) {
      throw new ArithmeticException("out of the int64 range");
    }
  }

  /**
   * The exact decimal value ({@code -0} becomes {@code 0}).
   *
   * @throws ArithmeticException if the number is not finite
   * @throws NumberFormatException if the exponent is beyond {@code int}'s range
   */
  public BigDecimal bigDecimalValue() {
    if (!isFinite()) {
      throw new ArithmeticException(text + " has no decimal value");
    }
    return new BigDecimal(text);
  }

  /** The nearest {@code double}: may be infinite for a finite text beyond float64's range. */
  @Override
  public double doubleValue() {
    return Double.parseDouble(text);
  }

  /** The nearest {@code float}, rounded once from the text. */
  @Override
  public float floatValue() {
    return Float.parseFloat(text);
  }

  /** A narrowing conversion, as {@code (long) doubleValue()} when not an exact int64. */
  @Override
  public long longValue() {
    try {
      return longValueExact();
    } catch (ArithmeticException e) {
      return (long) doubleValue();
    }
  }

  /** A narrowing conversion of {@link #longValue()}. */
  @Override
  public int intValue() {
    return (int) longValue();
  }

  /** The literal text, as it was read. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonNumber n && n.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
