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
 * Keras's {@code ZeroPadding1D(padding)}, channels_last: adds zero steps at the start and end of
 * each {@code (batch, steps, features)} sample. Keras's default pads 1 at both ends.
 */
public final class ZeroPadding1D extends Layer {

  private final int[][] padding;

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
    super(name);
    this.padding = ReshapingArgs.checkPairs("ZeroPadding1D", "padding",
        new int[][] {{before, after}}, 1);
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
    return Map.of("padding", new long[] {padding[0][0], padding[0][1]});
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), 3,
        "(batch, steps, features)");
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
