package dev.lamina.runtime.layers.reshaping;

import java.util.Map;

/**
 * Keras's {@code ZeroPadding1D(padding)}, channels_last: adds zero steps at the start and end of
 * each {@code (batch, steps, features)} sample. Keras's default pads 1 at both ends.
 */
public final class ZeroPadding1D extends EdgeAmounts {

  /** Keras's default. */
  public ZeroPadding1D() {
    this(null, 1, 1);
  }

  /** Keras's {@code ZeroPadding1D(n)}: {@code n} at both ends. */
  public ZeroPadding1D(int n) {
    this(null, n, n);
  }

  /** Keras's {@code ZeroPadding1D((before, after))}. */
  public ZeroPadding1D(int before, int after) {
    this(null, before, after);
  }

  /** A named layer: {@code before} and {@code after} along the steps axis. */
  public ZeroPadding1D(String name, int before, int after) {
    super(name, "ZeroPadding1D", "padding", new int[][] {{before, after}}, 1, false,
        "(batch, steps, features)");
  }

  /** The padding per spatial axis: {@code [before, after]} each. */
  public int[][] padding() {
    return amounts();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("padding", new long[] {amounts()[0][0], amounts()[0][1]});
  }
}
