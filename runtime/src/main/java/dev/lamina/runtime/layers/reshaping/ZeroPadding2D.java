package dev.lamina.runtime.layers.reshaping;

import java.util.Map;

/**
 * Keras's {@code ZeroPadding2D(padding)}, channels_last: adds zero rows and columns at the edges of
 * each {@code (batch, rows, cols, channels)} sample: {@code ((top, bottom), (left, right))}.
 * Keras's default pads 1 everywhere.
 */
public final class ZeroPadding2D extends EdgeAmounts {

  /** Keras's default. */
  public ZeroPadding2D() {
    this(1);
  }

  /** Keras's {@code ZeroPadding2D(n)}: {@code n} at both ends of both spatial axes. */
  public ZeroPadding2D(int n) {
    this(null, new int[][] {{n, n}, {n, n}});
  }

  /** Keras's {@code ZeroPadding2D((rows, cols))}: symmetric amounts per axis. */
  public ZeroPadding2D(int rows, int cols) {
    this(null, new int[][] {{rows, rows}, {cols, cols}});
  }

  /** Keras's {@code ZeroPadding2D(((top, bottom), (left, right)))}; {@code name} may be null. */
  public ZeroPadding2D(String name, int[][] padding) {
    super(name, "ZeroPadding2D", "padding", padding, 2, false,
        "(batch, rows, cols, channels)");
  }

  /** The padding per spatial axis: {@code [before, after]} each. */
  public int[][] padding() {
    return amounts();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("padding", ReshapingArgs.asList(amounts()));
  }
}
