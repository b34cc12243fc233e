package dev.lamina.runtime.layers.reshaping;

import java.util.Map;

/**
 * Keras's {@code ZeroPadding3D(padding=((1, 1), (1, 1), (1, 1)))}, channels_last: adds zeros at
 * the edges of the three spatial axes of each {@code (batch, dim1, dim2, dim3, channels)} sample:
 * {@code ((before, after), (before, after), (before, after))}. Keras's default pads 1
 * everywhere.
 */
public final class ZeroPadding3D extends EdgeAmounts {

  /** Keras's default: 1 at both ends of every spatial axis. */
  public ZeroPadding3D() {
    this(1);
  }

  /** Keras's {@code ZeroPadding3D(n)}: {@code n} at both ends of every spatial axis. */
  public ZeroPadding3D(int n) {
    this(n, n, n);
  }

  /** Keras's {@code ZeroPadding3D((dim1, dim2, dim3))}: symmetric amounts per axis. */
  public ZeroPadding3D(int dim1, int dim2, int dim3) {
    this(null, new int[][] {{dim1, dim1}, {dim2, dim2}, {dim3, dim3}});
  }

  /** Keras's {@code ZeroPadding3D(((b1, a1), (b2, a2), (b3, a3)))}; {@code name} may be null. */
  public ZeroPadding3D(String name, int[][] padding) {
    super(name, "ZeroPadding3D", "padding", padding, 3, false,
        "(batch, dim1, dim2, dim3, channels)");
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
