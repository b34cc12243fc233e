package dev.lamina.runtime.layers.reshaping;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code UpSampling2D(size=(2, 2), interpolation="nearest")}, channels_last: repeats each
 * row {@code size[0]} times and each column {@code size[1]} times ({@code "nearest"} interpolation,
 * the only one Lamina implements; Keras's {@code "bilinear"} and the others are refused when a file
 * names them).
 */
public final class UpSampling2D extends Layer {

  private final int[] size;

  /** Keras's default, {@code size=(2, 2)}. */
  public UpSampling2D() {
    this(null, 2, 2);
  }

  /** Keras's {@code UpSampling2D(n)}: {@code n} along both axes. */
  public UpSampling2D(int size) {
    this(null, size, size);
  }

  public UpSampling2D(int rows, int cols) {
    this(null, rows, cols);
  }

  public UpSampling2D(String name, int rows, int cols) {
    super(name);
    this.size = checked(rows, cols);
  }

  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("size", new long[] {size[0], size[1]});
    out.put("interpolation", "nearest");
    return out;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), 4,
        "(batch, rows, cols, channels)");
    long[] out = shape.asArray();
    for (int i = 0; i < size.length; i++) {
      out[i + 1] = ReshapingArgs.times(out[i + 1], size[i]);
    }
    return Layers.spec(Shape.of(out), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return repeatAll(tf, inputs.get(0));
  }

  private <T extends TType> Operand<T> repeatAll(Ops tf, Operand<T> x) {
    Operand<T> y = x;
    for (int i = 0; i < size.length; i++) {
      y = ReshapingArgs.repeat(tf, y, size[i], i + 1);
    }
    return y;
  }

  private static int[] checked(int... size) {
    for (int s : size) {
      if (s < 1) {
        throw new IllegalArgumentException("UpSampling2D's size must be 1 or more, got "
            + Arrays.toString(size));
      }
    }
    return size.clone();
  }
}
