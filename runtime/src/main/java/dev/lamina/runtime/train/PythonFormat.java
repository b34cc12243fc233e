package dev.lamina.runtime.train;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * Python's {@code repr(float)} and {@code str.format} for the numbers Keras's callbacks print and
 * put in file names ({@code "ckpt-{epoch:02d}-{val_loss:.2f}.lamina"}), so that Lamina writes
 * what Keras writes: correctly rounded (half to even on the exact binary value, as CPython), the
 * shortest digits that read back for {@code repr}.
 */
final class PythonFormat {

  private PythonFormat() {}

  /** Python's {@code repr(x)} (also {@code str(x)}) of a float: {@code 0.1}, {@code 1e-05}. */
  static String repr(double x) {
    if (Double.isNaN(x)) {
      return "nan";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "inf" : "-inf";
    }
    if (x == 0) {
      return (1 / x < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(x);
    BigDecimal shortest = null;
    for (int digits = 1; digits <= 17; digits++) {
      BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (rounded.doubleValue() == x) {
        shortest = rounded;
        break;
      }
    }
    String sign = x < 0 ? "-" : "";
    BigDecimal abs = shortest.abs().stripTrailingZeros();
    String digits = abs.unscaledValue().toString();
    int exponent = digits.length() - 1 - abs.scale(); // of the first digit
    if (exponent >= -4 && exponent < 16) {
      String plain = abs.toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
        + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
  }

  /**
   * Python's {@code pattern.format(**values)} for integer, float and string values: fields
   * {@code {name}} and {@code {name:spec}} with the standard format spec
   * ({@code [[fill]align][sign][#][0][width][,|_][.precision][type]}), {@code {{} and
   * {@code }}} for braces.
   *
   * @throws IllegalArgumentException for a name not in {@code values} (Python's KeyError), or a
   *     field or spec this does not support
   */
  static String format(String pattern, Map<String, ?> values) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '{') {
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '{') {
          out.append('{');
          i += 2;
          continue;
        }
        int end = pattern.indexOf('}', i);
        if (end < 0) {
          throw new IllegalArgumentException("Single '{' encountered in format string \""
              + pattern + "\"");
        }
        String field = pattern.substring(i + 1, end);
        int colon = field.indexOf(':');
        String name = colon < 0 ? field : field.substring(0, colon);
        String spec = colon < 0 ? "" : field.substring(colon + 1);
        if (name.isEmpty() || name.contains("!") || name.contains(".") || name.contains("[")
            || spec.contains("{")) {
          throw new IllegalArgumentException("Unsupported field {" + field + "} in \"" + pattern
              + "\": Lamina formats {name} and {name:spec}");
        }
        if (!values.containsKey(name)) {
          throw new IllegalArgumentException("KeyError: '" + name + "'");
        }
        out.append(formatValue(values.get(name), spec));
        i = end + 1;
      } else if (c == '}') {
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '}') {
          out.append('}');
          i += 2;
          continue;
        }
        throw new IllegalArgumentException("Single '}' encountered in format string \""
            + pattern + "\"");
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** Python's {@code format(value, spec)} for an int, a float or a string. */
  static String formatValue(Object value, String spec) {
    Spec s = Spec.parse(spec);
    String body;
    boolean negative;
    if (value instanceof String text) {
      if (s.type != 0 && s.type != 's') {
        throw new IllegalArgumentException("Unknown format code '" + s.type
            + "' for object of type 'str'");
      }
      body = s.precision >= 0 && s.precision < text.length()
          ? text.substring(0, s.precision) : text;
      return pad(body, "", s, '<');
    }
    if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
      long n = ((Number) value).longValue();
      char type = s.type == 0 ? 'd' : s.type;
      if ("dn".indexOf(type) >= 0) {
        if (s.precision >= 0) {
          throw new IllegalArgumentException("Precision not allowed in integer format specifier");
        }
        negative = n < 0;
        body = group(BigInteger.valueOf(n).abs().toString(), s.grouping);
        return pad(body, signOf(negative, s), s, '>');
      }
      if ("xXob".indexOf(type) >= 0) {
        negative = n < 0;
        int radix = type == 'o' ? 8 : type == 'b' ? 2 : 16;
        body = BigInteger.valueOf(n).abs().toString(radix);
        if (type == 'X') {
          body = body.toUpperCase(Locale.ROOT);
        }
        String prefix = s.alternate ? "0" + type : "";
        return pad(body, signOf(negative, s) + prefix, s, '>');
      }
      return formatValue((double) n, spec); // e, f, g, %: as float
    }
    if (!(value instanceof Number number)) {
      throw new IllegalArgumentException("Cannot format " + value);
    }
    double x = number.doubleValue();
    char type = s.type;
    if ("eEfFgG%".indexOf(type) < 0 && type != 0) {
      throw new IllegalArgumentException("Unknown format code '" + type
          + "' for object of type 'float'");
    }
    negative = x < 0 || (x == 0 && 1 / x < 0);
    double abs = Math.abs(x);
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      body = Double.isNaN(x) ? "nan" : "inf";
      if (Character.isUpperCase(type)) {
        body = body.toUpperCase(Locale.ROOT);
      }
      negative = x < 0;
    } else if (type == 0 && s.precision < 0) {
      body = repr(abs);
    } else {
      int precision = s.precision < 0 ? 6 : s.precision;
      switch (type) {
        case 'f': case 'F':
          body = fixed(abs, precision, s.alternate);
          break;
        case '%':
          body = fixed(abs * 100, precision, s.alternate) + "%";
          break;
        case 'e': case 'E':
          body = scientific(abs, precision, s.alternate, type == 'E');
          break;
        default: // g, G, or none with a precision
          body = general(abs, precision, s.alternate, type == 'G', type == 0);
      }
    }
    if (s.grouping != 0 && !body.contains("e")) {
      int dot = body.indexOf('.');
      String integer = dot < 0 ? body : body.substring(0, dot);
      body = group(integer, s.grouping) + (dot < 0 ? "" : body.substring(dot));
    }
    return pad(body, signOf(negative, s), s, '>');
  }

  private static String fixed(double abs, int precision, boolean alternate) {
    String text = new BigDecimal(abs).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    return alternate && precision == 0 ? text + "." : text;
  }

  private static String scientific(double abs, int precision, boolean alternate, boolean upper) {
    String digits;
    int exponent;
    if (abs == 0) {
      digits = "0".repeat(precision + 1);
      exponent = 0;
    } else {
      BigDecimal rounded = new BigDecimal(abs).round(new MathContext(precision + 1,
          RoundingMode.HALF_EVEN));
      digits = rounded.unscaledValue().toString();
      exponent = digits.length() - 1 - rounded.scale();
      digits = (digits + "0".repeat(precision + 1)).substring(0, precision + 1);
    }
    String mantissa = digits.substring(0, 1)
        + (precision > 0 || alternate ? "." : "") + digits.substring(1);
    return mantissa + (upper ? "E" : "e") + (exponent < 0 ? "-" : "+")
        + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
  }

  /**
   * Python's {@code g}: {@code precision} significant digits, fixed if the exponent is in
   * [-4, precision), trailing zeros removed unless {@code keepZeros}; without a type ({@code
   * noType}) fixed notation keeps at least one decimal and {@code repr}'s switch to exponents.
   */
  private static String general(double abs, int precision, boolean alternate, boolean upper,
      boolean noType) {
    int p = precision == 0 ? 1 : precision;
    int exponent;
    if (abs == 0) {
      exponent = 0;
    } else {
      BigDecimal rounded = new BigDecimal(abs).round(new MathContext(p, RoundingMode.HALF_EVEN));
      exponent = rounded.precision() - 1 - rounded.scale();
    }
    String text;
    if (exponent >= -4 && exponent < (noType ? p - 1 : p)) {
      text = fixed(abs, p - 1 - exponent, false);
      if (!alternate) {
        if (text.contains(".")) {
          text = text.replaceAll("0+$", "");
          if (text.endsWith(".")) {
            text = noType ? text + "0" : text.substring(0, text.length() - 1);
          }
        } else if (noType) {
          text = text + ".0";
        }
      }
    } else {
      text = scientific(abs, p - 1, false, upper);
      if (!alternate) {
        int e = text.indexOf(upper ? 'E' : 'e');
        String mantissa = text.substring(0, e);
        if (mantissa.contains(".")) {
          mantissa = mantissa.replaceAll("0+$", "");
          if (mantissa.endsWith(".")) {
            mantissa = mantissa.substring(0, mantissa.length() - 1);
          }
        }
        text = mantissa + text.substring(e);
      }
    }
    return text;
  }

  private static String signOf(boolean negative, Spec s) {
    if (negative) {
      return "-";
    }
    return s.sign == '+' ? "+" : s.sign == ' ' ? " " : "";
  }

  private static String group(String digits, char separator) {
    if (separator == 0) {
      return digits;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < digits.length(); i++) {
      if (i > 0 && (digits.length() - i) % 3 == 0) {
        out.append(separator);
      }
      out.append(digits.charAt(i));
    }
    return out.toString();
  }

  private static String pad(String body, String sign, Spec s, char defaultAlign) {
    int length = sign.length() + body.length();
    if (s.width <= length) {
      return sign + body;
    }
    int fill = s.width - length;
    char align = s.align != 0 ? s.align : s.zero ? '=' : defaultAlign;
    char with = s.align == 0 && s.zero ? '0' : s.fill;
    String padding = String.valueOf(with).repeat(fill);
    switch (align) {
      case '<':
        return sign + body + padding;
      case '^':
        return String.valueOf(with).repeat(fill / 2) + sign + body
            + String.valueOf(with).repeat(fill - fill / 2);
      case '=':
        return sign + padding + body;
      default:
        return padding + sign + body;
    }
  }

  /** A parsed format spec. */
  private static final class Spec {
    char fill = ' ';
    char align;
    char sign;
    boolean alternate;
    boolean zero;
    int width;
    char grouping;
    int precision = -1;
    char type;

    static Spec parse(String spec) {
      Spec s = new Spec();
      int i = 0;
      if (spec.length() >= 2 && "<>=^".indexOf(spec.charAt(1)) >= 0) {
        s.fill = spec.charAt(0);
        s.align = spec.charAt(1);
        i = 2;
      } else if (!spec.isEmpty() && "<>=^".indexOf(spec.charAt(0)) >= 0) {
        s.align = spec.charAt(0);
        i = 1;
      }
      if (i < spec.length() && "+- ".indexOf(spec.charAt(i)) >= 0) {
        s.sign = spec.charAt(i++);
      }
      if (i < spec.length() && spec.charAt(i) == '#') {
        s.alternate = true;
        i++;
      }
      if (i < spec.length() && spec.charAt(i) == '0') {
        s.zero = true;
        i++;
      }
      int start = i;
      while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
        i++;
      }
      if (i > start) {
        s.width = Integer.parseInt(spec.substring(start, i));
      }
      if (i < spec.length() && (spec.charAt(i) == ',' || spec.charAt(i) == '_')) {
        s.grouping = spec.charAt(i++);
      }
      if (i < spec.length() && spec.charAt(i) == '.') {
        start = ++i;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
          i++;
        }
        if (i == start) {
          throw new IllegalArgumentException("Format specifier missing precision in '" + spec
              + "'");
        }
        s.precision = Integer.parseInt(spec.substring(start, i));
      }
      if (i < spec.length()) {
        s.type = spec.charAt(i++);
      }
      if (i < spec.length()) {
        throw new IllegalArgumentException("Invalid format specifier '" + spec + "'");
      }
      return s;
    }
  }
}
