package dev.lamina.processor.shape;

import dev.lamina.processor.shape.Expr.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the shape language. Three entry points, one per place a declaration appears:
 *
 * <ul>
 *   <li>{@link #pattern}: {@code inputShape} entries, {@code (dim, ...)} with dims that are
 *       integers, {@code ?}, names, and an optional leading {@code ...};
 *   <li>{@link #outputShape}: {@code (expr, ...)} with integer arithmetic ({@code + - * /},
 *       parentheses) over integers, {@code ?} and names;
 *   <li>{@link #constraint}: a {@code requires} condition, comparisons ({@code < <= > >= == !=})
 *       joined by {@code && || !}.
 * </ul>
 *
 * <p>{@code "()"} is a scalar sample; a trailing comma is allowed, as in Python's {@code (4,)}.
 * Type errors (an integer where a condition is due, or the reverse) are syntax errors too.
 *
 * <p>Limits, each a syntax error at the column that passes it: at most {@link #MAX_DIMS} dims
 * per shape, {@link #MAX_TERMS} terms (numbers, {@code ?} and names) per dim expression or
 * condition, and parentheses and unary operators nested at most {@link #MAX_DEPTH} deep. So no
 * declaration can exhaust the stack of the processor or of javac compiling the generated code.
 */
public final class ShapeParser {

  /** Dims per sample: TensorFlow's maximum rank, 254, less the batch dim. */
  public static final int MAX_DIMS = 253;

  /** Terms (numbers, {@code ?}, names) in one dim expression or one condition. */
  public static final int MAX_TERMS = 256;

  /** Nesting of parentheses and unary operators ({@code -}, {@code !}) in one expression. */
  public static final int MAX_DEPTH = 32;

  private final String text;
  private final List<Token> tokens;
  private int next;
  private int depth;
  private int terms;

  private ShapeParser(String text) throws ShapeSyntaxException {
    this.text = text;
    this.tokens = Lexer.tokenize(text);
  }

  /** Parses an {@code inputShape} pattern. */
  public static Pattern pattern(String text) throws ShapeSyntaxException {
    ShapeParser parser = new ShapeParser(text);
    parser.expect(Token.Kind.LPAREN, "a shape starts with '('");
    boolean ellipsis = false;
    List<Expr> dims = new ArrayList<>();
    while (!parser.at(Token.Kind.RPAREN)) {
      Token token = parser.advance();
      switch (token.kind()) {
        case ELLIPSIS -> {
          if (ellipsis || !dims.isEmpty()) {
            throw new ShapeSyntaxException("'...' may only come first", token.column());
          }
          ellipsis = true;
        }
        case NUMBER -> dims.add(new Expr.Num(parser.number(token), token.column()));
        case QUESTION -> dims.add(new Expr.Unknown(token.column()));
        case NAME -> {
          if (dims.isEmpty() && !ellipsis) {
            rejectBatchNone(token);
          }
          dims.add(name(token));
        }
        default -> throw new ShapeSyntaxException(
            "expected a size, '?', a name or '...' but found " + token.describe(),
            token.column());
      }
      checkDims(dims.size(), token);
      parser.commaOrClose();
    }
    parser.advance();
    parser.expectEnd();
    return new Pattern(text, ellipsis, dims);
  }

  /** Parses an {@code outputShape}: one integer expression per dim. */
  public static List<Expr> outputShape(String text) throws ShapeSyntaxException {
    ShapeParser parser = new ShapeParser(text);
    parser.expect(Token.Kind.LPAREN, "a shape starts with '('");
    List<Expr> dims = new ArrayList<>();
    while (!parser.at(Token.Kind.RPAREN)) {
      Token first = parser.peek();
      if (dims.isEmpty()) {
        rejectBatchNone(first);
      }
      parser.terms = 0;
      dims.add(parser.typed(parser.expression(0), false));
      checkDims(dims.size(), first);
      parser.commaOrClose();
    }
    parser.advance();
    parser.expectEnd();
    return dims;
  }

  /** Parses a {@code requires} condition. */
  public static Expr constraint(String text) throws ShapeSyntaxException {
    ShapeParser parser = new ShapeParser(text);
    Expr condition = parser.typed(parser.expression(0), true);
    parser.expectEnd();
    return condition;
  }

  private static void checkDims(int count, Token token) throws ShapeSyntaxException {
    if (count > MAX_DIMS) {
      throw new ShapeSyntaxException("more than " + MAX_DIMS + " dims, Lamina's limit (TensorFlow "
          + "allows rank 254, batch included)", token.column());
    }
  }

  /**
   * {@code None} first reads as Keras's batch dimension ({@code (None, c)}), which Lamina's shapes
   * leave out: say so rather than suggest {@code ?}, which would add a dimension.
   */
  private static void rejectBatchNone(Token token) throws ShapeSyntaxException {
    if (token.kind() == Token.Kind.NAME && token.text().equals("None")) {
      throw new ShapeSyntaxException("None first reads as Keras's batch dimension, which Lamina's "
          + "shapes leave out: drop it (Keras's (None, c) is (c) here), or write ? for a first "
          + "dimension of unknown size", token.column());
    }
  }

  /** A name; Python's {@code None} gets the fix. */
  private static Expr.Name name(Token token) throws ShapeSyntaxException {
    if (token.text().equals("None")) {
      throw new ShapeSyntaxException("None is Python's unknown size; write ?", token.column());
    }
    return new Expr.Name(token.text(), token.column());
  }

  /** Counts a term against {@link #MAX_TERMS}. */
  private void term(Token token) throws ShapeSyntaxException {
    if (++terms > MAX_TERMS) {
      throw new ShapeSyntaxException("more than " + MAX_TERMS + " terms in one expression, "
          + "Lamina's limit", token.column());
    }
  }

  // Precedence climbing: || < && < comparisons < + - < * / < unary.
  private static int precedence(Op op) {
    return switch (op) {
      case OR -> 1;
      case AND -> 2;
      case LT, LE, GT, GE, EQ, NE -> 3;
      case ADD, SUB -> 4;
      case MUL, DIV -> 5;
    };
  }

  private Expr expression(int minPrecedence) throws ShapeSyntaxException {
    Expr left = unary();
    while (true) {
      Token token = peek();
      Op op = token.op();
      if (op == null || precedence(op) < minPrecedence) {
        return left;
      }
      advance();
      if (op.kind() == Op.Kind.COMPARISON && left instanceof Expr.Binary binary
          && binary.op().kind() == Op.Kind.COMPARISON) {
        throw new ShapeSyntaxException("comparisons do not chain; join them with &&",
            token.column());
      }
      Expr right = expression(precedence(op) + 1);
      boolean operandsBoolean = op.kind() == Op.Kind.LOGICAL;
      left = new Expr.Binary(op, typed(left, operandsBoolean), typed(right, operandsBoolean),
          token.column());
    }
  }

  private Expr unary() throws ShapeSyntaxException {
    Token token = advance();
    switch (token.kind()) {
      case NUMBER -> {
        term(token);
        return new Expr.Num(number(token), token.column());
      }
      case QUESTION -> {
        term(token);
        return new Expr.Unknown(token.column());
      }
      case NAME -> {
        term(token);
        return name(token);
      }
      case MINUS, BANG, LPAREN -> {
        if (++depth > MAX_DEPTH) {
          throw new ShapeSyntaxException("nested more than " + MAX_DEPTH + " deep, Lamina's limit "
              + "for parentheses and unary operators", token.column());
        }
        Expr result;
        if (token.kind() == Token.Kind.MINUS) {
          result = new Expr.Negate(typed(unary(), false), token.column());
        } else if (token.kind() == Token.Kind.BANG) {
          result = new Expr.Not(typed(unary(), true), token.column());
        } else {
          result = expression(0);
          expect(Token.Kind.RPAREN, "expected ')'");
        }
        depth--;
        return result;
      }
      case ELLIPSIS -> throw new ShapeSyntaxException("'...' only starts an inputShape pattern; "
          + "an outputShape lists every dim, with ? for a size not known", token.column());
      default -> throw new ShapeSyntaxException(
          "expected a number, '?', a name or '(' but found " + token.describe(), token.column());
    }
  }

  /** Checks that {@code e} is a condition ({@code bool}) or an integer. */
  private Expr typed(Expr e, boolean bool) throws ShapeSyntaxException {
    if (isBoolean(e) != bool) {
      throw new ShapeSyntaxException(bool
          ? "expected a condition (a comparison such as 'n < 4') but found an integer expression"
          : "expected an integer expression but found a condition", e.column());
    }
    return e;
  }

  private static boolean isBoolean(Expr e) {
    return e instanceof Expr.Not
        || e instanceof Expr.Binary binary && binary.op().kind() != Op.Kind.ARITHMETIC;
  }

  private long number(Token token) throws ShapeSyntaxException {
    try {
      return Long.parseLong(token.text());
    } catch (NumberFormatException e) {
      throw new ShapeSyntaxException("size " + token.text() + " is too large", token.column());
    }
  }

  private void commaOrClose() throws ShapeSyntaxException {
    if (at(Token.Kind.COMMA)) {
      advance();
      if (at(Token.Kind.COMMA)) {
        throw new ShapeSyntaxException("missing dim before ','", peek().column());
      }
      if (at(Token.Kind.END)) {
        throw new ShapeSyntaxException("expected ')' but found the end", peek().column());
      }
    } else if (!at(Token.Kind.RPAREN)) {
      throw new ShapeSyntaxException("expected ',' or ')' but found " + peek().describe(),
          peek().column());
    }
  }

  private void expect(Token.Kind kind, String why) throws ShapeSyntaxException {
    Token token = advance();
    if (token.kind() != kind) {
      throw new ShapeSyntaxException(why + ", found " + token.describe(), token.column());
    }
  }

  private void expectEnd() throws ShapeSyntaxException {
    if (!at(Token.Kind.END)) {
      throw new ShapeSyntaxException("unexpected " + peek().describe() + " after the end",
          peek().column());
    }
  }

  private boolean at(Token.Kind kind) {
    return peek().kind() == kind;
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token advance() {
    Token token = tokens.get(next);
    if (token.kind() != Token.Kind.END) {
      next++;
    }
    return token;
  }

  @Override
  public String toString() {
    return text;
  }
}
