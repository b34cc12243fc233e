package dev.lamina.runtime.layers.reshaping;

import java.util.Map;

/**
 * Keras's {@code Cropping1D(cropping)}, channels_last: removes {@code before} steps at the start
 * and {@code after} at the end of each {@code (batch, steps, features)} sample. Keras's default
 * crops 1 at both ends.
 */
public final class Cropping1D extends EdgeAmounts {

  /** Keras's default. */
  public Cropping1D() {
    this(null, 1, 1);
  }

  /** Keras's {@code Cropping1D(n)}: {@code n} at both ends. */
  public Cropping1D(int n) {
    this(null, n, n);
  }

  /** Keras's {@code Cropping1D((before, after))}. */
  public Cropping1D(int before, int after) {
    this(null, before, after);
  }

  /** A named layer: {@code before} and {@code after} along the steps axis. */
  public Cropping1D(String name, int before, int after) {
    super(name, "Cropping1D", "cropping", new int[][] {{before, after}}, 1, true,
        "(batch, steps, features)");
  }

  /** The cropping per spatial axis: {@code [before, after]} each. */
  public int[][] cropping() {
    return amounts();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("cropping", new long[] {amounts()[0][0], amounts()[0][1]});
  }
}
