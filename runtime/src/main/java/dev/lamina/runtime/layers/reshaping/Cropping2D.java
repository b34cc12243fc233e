package dev.lamina.runtime.layers.reshaping;

import java.util.Map;

/**
 * Keras's {@code Cropping2D(cropping)}, channels_last: removes rows and columns at the edges of
 * each {@code (batch, rows, cols, channels)} sample: {@code ((top, bottom), (left, right))}.
 * Keras's default crops nothing.
 */
public final class Cropping2D extends EdgeAmounts {

  /** Keras's default. */
  public Cropping2D() {
    this(0);
  }

  /** Keras's {@code Cropping2D(n)}: {@code n} at both ends of both spatial axes. */
  public Cropping2D(int n) {
    this(null, new int[][] {{n, n}, {n, n}});
  }

  /** Keras's {@code Cropping2D((rows, cols))}: symmetric amounts per axis. */
  public Cropping2D(int rows, int cols) {
    this(null, new int[][] {{rows, rows}, {cols, cols}});
  }

  /** Keras's {@code Cropping2D(((top, bottom), (left, right)))}; {@code name} may be null. */
  public Cropping2D(String name, int[][] cropping) {
    super(name, "Cropping2D", "cropping", cropping, 2, true,
        "(batch, rows, cols, channels)");
  }

  /** The cropping per spatial axis: {@code [before, after]} each. */
  public int[][] cropping() {
    return amounts();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("cropping", ReshapingArgs.asList(amounts()));
  }
}
