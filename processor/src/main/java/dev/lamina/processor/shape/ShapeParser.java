package dev.lamina.processor.shape;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Parses a per-sample shape declaration such as {@code "(4, 1)"}: parenthesised, comma-separated
 * dims, each a non-negative integer or {@code ?} (unknown). {@code "()"} is a scalar sample, and a
 * trailing comma is allowed as in Python's {@code (4,)}.
 */
public final class ShapeParser {

  private final String text;
  private int pos;

  private ShapeParser(String text) {
    this.text = text;
  }

  /**
   * @return one entry per dim; empty for {@code ?}
   * @throws ShapeSyntaxException naming what is wrong and its column
   */
  public static List<OptionalLong> parse(String text) throws ShapeSyntaxException {
    return new ShapeParser(text).shape();
  }

  private List<OptionalLong> shape() throws ShapeSyntaxException {
    skipSpaces();
    expect('(', "a shape starts with '('");
    List<OptionalLong> dims = new ArrayList<>();
    skipSpaces();
    while (peek() != ')') {
      dims.add(dim());
      skipSpaces();
      if (peek() == ',') {
        pos++;
        skipSpaces();
      } else if (peek() != ')') {
        throw error("expected ',' or ')' but found " + found());
      }
    }
    pos++;
    skipSpaces();
    if (pos < text.length()) {
      throw error("unexpected " + found() + " after the closing ')'");
    }
    return dims;
  }

  private OptionalLong dim() throws ShapeSyntaxException {
    char c = peek();
    if (c == '?') {
      pos++;
      return OptionalLong.empty();
    }
    if (!Character.isDigit(c)) {
      throw error(c == ',' ? "missing dim before ','"
          : "expected a size (a number or ?) but found " + found());
    }
    int start = pos;
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    try {
      return OptionalLong.of(Long.parseLong(text.substring(start, pos)));
    } catch (NumberFormatException e) {
      String digits = text.substring(start, pos);
      pos = start;
      throw error("size " + digits + " is too large");
    }
  }

  private void expect(char c, String why) throws ShapeSyntaxException {
    if (peek() != c) {
      throw error(why + ", found " + found());
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private String found() {
    return pos < text.length() ? "'" + text.charAt(pos) + "'" : "the end";
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private ShapeSyntaxException error(String problem) {
    return new ShapeSyntaxException(problem, pos + 1);
  }
}
