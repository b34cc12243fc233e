package dev.lamina.processor.shape;

/**
 * The syntax tree of the shape language. Integer expressions give a dim; boolean ones a
 * {@code requires} constraint. {@code column} is the 1-based position in the declaration.
 */
public sealed interface Expr {

  int column();

  /**
   * Calls {@code action} on this expression and every expression inside it, parents first, left
   * before right. Iterative, so its stack use does not grow with the expression.
   */
  default void forEach(java.util.function.Consumer<Expr> action) {
    java.util.Deque<Expr> pending = new java.util.ArrayDeque<>();
    pending.push(this);
    while (!pending.isEmpty()) {
      Expr e = pending.pop();
      action.accept(e);
      if (e instanceof Binary binary) {
        pending.push(binary.right());
        pending.push(binary.left());
      } else if (e instanceof Negate negate) {
        pending.push(negate.operand());
      } else if (e instanceof Not not) {
        pending.push(not.operand());
      }
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
