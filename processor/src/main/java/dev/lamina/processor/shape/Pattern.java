package dev.lamina.processor.shape;

import java.util.List;

/**
 * An {@code inputShape} pattern such as {@code "(..., n, 4)"}: the dims after an optional leading
 * {@code ...}.
 *
 * @param source the pattern as written
 * @param leadingEllipsis whether it starts with {@code ...} (any number of leading dims)
 * @param dims the dims after it: {@link Expr.Num}, {@link Expr.Unknown} or {@link Expr.Name}
 */
public record Pattern(String source, boolean leadingEllipsis, List<Expr> dims) {
  public Pattern {
    dims = List.copyOf(dims);
  }
}
