package dev.lamina.processor.shape;

/** A shape declaration that does not parse; {@link #column()} is 1-based. */
public final class ShapeSyntaxException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int column;
  private final String problem;

  ShapeSyntaxException(String problem, int column) {
    super(problem + " at column " + column);
    this.problem = problem;
    this.column = column;
  }

  /** What is wrong, e.g. {@code expected ',' or ')' but found 'x'}. */
  public String problem() {
    return problem;
  }

  /** 1-based column of the problem in the declaration. */
  public int column() {
    return column;
  }
}
