package dev.lamina.runtime.layers.reshaping;

import java.util.Map;

/**
 * Keras's {@code Cropping3D(cropping=((1, 1), (1, 1), (1, 1)))}, channels_last: removes values at
 * the edges of the three spatial axes of each {@code (batch, dim1, dim2, dim3, channels)} sample:
 * {@code ((before, after), (before, after), (before, after))}. Keras's default crops 1
 * everywhere (unlike Cropping2D's, which crops nothing).
 */
public final class Cropping3D extends EdgeAmounts {

  /** Keras's default: 1 at both ends of every spatial axis. */
  public Cropping3D() {
    this(1);
  }

  /** Keras's {@code Cropping3D(n)}: {@code n} at both ends of every spatial axis. */
  public Cropping3D(int n) {
    this(n, n, n);
  }

  /** Keras's {@code Cropping3D((dim1, dim2, dim3))}: symmetric amounts per axis. */
  public Cropping3D(int dim1, int dim2, int dim3) {
    this(null, new int[][] {{dim1, dim1}, {dim2, dim2}, {dim3, dim3}});
  }

  /** Keras's {@code Cropping3D(((b1, a1), (b2, a2), (b3, a3)))}; {@code name} may be null. */
  public Cropping3D(String name, int[][] cropping) {
    super(name, "Cropping3D", "cropping", cropping, 3, true,
        "(batch, dim1, dim2, dim3, channels)");
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
