package dev.lamina.runtime.layers.reshaping;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code ZeroPadding2D(padding)}, channels_last: adds zero rows and columns at the edges of
 * each {@code (batch, rows, cols, channels)} sample: {@code ((top, bottom), (left, right))}.
 * Keras's default pads 1 everywhere.
 */
public final class ZeroPadding2D extends Layer {

  private final int[][] padding;

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
    super(name);
    this.padding = ReshapingArgs.checkPairs("ZeroPadding2D", "padding", padding, 2);
  }

  /** Applies the layer; the output has the input\'s dtype. */
  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  /** The padding per spatial axis: {@code [before, after]} each. */
  public int[][] padding() {
    int[][] out = new int[padding.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = padding[i].clone();
    }
    return out;
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("padding", ReshapingArgs.asList(padding));
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), 4,
        "(batch, rows, cols, channels)");
    long[] out = shape.asArray();
    for (int i = 0; i < padding.length; i++) {
      long total = (long) padding[i][0] + padding[i][1];
      out[i + 1] = ReshapingArgs.plus(out[i + 1], total);
    }
    return Layers.spec(Shape.of(out), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return pad(tf, inputs.get(0));
  }

  private <T extends TType> Operand<T> pad(Ops tf, Operand<T> x) {
    // int32 amounts: the C++ gradient of PadV2 slices with int32 indices
    int[][] amounts = new int[x.shape().numDimensions()][2];
    for (int i = 0; i < padding.length; i++) {
      amounts[i + 1][0] = padding[i][0];
      amounts[i + 1][1] = padding[i][1];
    }
    return tf.pad(x, tf.constant(amounts), tf.dtypes.cast(tf.constant(0), x.type()));
  }
}
