package dev.lamina.processor.shape;

import dev.lamina.processor.shape.Expr.Op;

/** A token of the shape language, with its 1-based column. */
record Token(Kind kind, String text, int column) {

  enum Kind {
    NUMBER, NAME, QUESTION, ELLIPSIS, LPAREN, RPAREN, COMMA,
    PLUS, MINUS, STAR, SLASH, LT, LE, GT, GE, EQ, NE, AND, OR, BANG, END
  }

  /** The binary operator this token is, or {@code null}. */
  Op op() {
    return switch (kind) {
      case PLUS -> Op.ADD;
      case MINUS -> Op.SUB;
      case STAR -> Op.MUL;
      case SLASH -> Op.DIV;
      case LT -> Op.LT;
      case LE -> Op.LE;
      case GT -> Op.GT;
      case GE -> Op.GE;
      case EQ -> Op.EQ;
      case NE -> Op.NE;
      case AND -> Op.AND;
      case OR -> Op.OR;
      default -> null;
    };
  }

  /** {@code 'x'}, or {@code the end}: how messages quote what was found. */
  String describe() {
    if (kind == Kind.END) {
      return "the end";
    }
    // A very long name is shown by its start: messages stay readable.
    return "'" + (text.length() > 24 ? text.substring(0, 20) + "..." : text) + "'";
  }
}
