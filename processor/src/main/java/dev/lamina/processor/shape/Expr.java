package dev.lamina.processor.shape;

/**
 * The syntax tree of the shape language. Integer expressions give a dim; boolean ones a
 * {@code requires} constraint. {@code column} is the 1-based position in the declaration.
 */
public sealed interface Expr {

  int column();

  /** Calls {@code action} on this expression and every expression inside it, parents first. */
  default void forEach(java.util.function.Consumer<Expr> action) {
    action.accept(this);
    if (this instanceof Binary binary) {
      binary.left().forEach(action);
      binary.right().forEach(action);
    } else if (this instanceof Negate negate) {
      negate.operand().forEach(action);
    } else if (this instanceof Not not) {
      not.operand().forEach(action);
    }
  }

  /** An integer literal. */
  record Num(long value, int column) implements Expr {}

  /** {@code ?}: a size not known. */
  record Unknown(int column) implements Expr {}

  /** A pattern symbol or an {@code @Arg} name. */
  record Name(String name, int column) implements Expr {}

  /** {@code -e}. */
  record Negate(Expr operand, int column) implements Expr {}

  /** {@code !e}. */
  record Not(Expr operand, int column) implements Expr {}

  /** {@code l op r} for arithmetic, comparison and logical operators. */
  record Binary(Op op, Expr left, Expr right, int column) implements Expr {}

  /** Binary operators, by kind. */
  enum Op {
    ADD("+", Kind.ARITHMETIC), SUB("-", Kind.ARITHMETIC), MUL("*", Kind.ARITHMETIC),
    DIV("/", Kind.ARITHMETIC),
    LT("<", Kind.COMPARISON), LE("<=", Kind.COMPARISON), GT(">", Kind.COMPARISON),
    GE(">=", Kind.COMPARISON), EQ("==", Kind.COMPARISON), NE("!=", Kind.COMPARISON),
    AND("&&", Kind.LOGICAL), OR("||", Kind.LOGICAL);

    /** What an operator takes and gives. */
    public enum Kind { ARITHMETIC, COMPARISON, LOGICAL }

    private final String symbol;
    private final Kind kind;

    Op(String symbol, Kind kind) {
      this.symbol = symbol;
      this.kind = kind;
    }

    public String symbol() {
      return symbol;
    }

    public Kind kind() {
      return kind;
    }
  }
}
