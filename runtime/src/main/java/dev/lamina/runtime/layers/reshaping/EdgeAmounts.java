package dev.lamina.runtime.layers.reshaping;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Index;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * What Keras's cropping and zero-padding layers share: an amount before and after each spatial
 * axis of a channels_last sample, removed ({@code Cropping1D/2D/3D}) or added as zeros
 * ({@code ZeroPadding1D/2D/3D}).
 */
abstract class EdgeAmounts extends Layer {

  private final int[][] amounts;
  private final boolean crop;
  private final String layout;

  /**
   * @param layout the input a sample has, e.g. {@code (batch, steps, features)}: its rank is
   *     the amounts' count plus 2
   */
  EdgeAmounts(String name, String type, String argument, int[][] amounts, int dims,
      boolean crop, String layout) {
    super(name);
    this.amounts = ReshapingArgs.checkPairs(type, argument, amounts, dims);
    this.crop = crop;
    this.layout = layout;
  }

  /** Applies the layer; the output has the input's dtype. */
  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  /** The amounts per spatial axis, {@code [before, after]} each, as a fresh copy. */
  final int[][] amounts() {
    int[][] out = new int[amounts.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = amounts[i].clone();
    }
    return out;
  }

  @Override
  protected final OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), amounts.length + 2, layout);
    long[] out = shape.asArray();
    for (int i = 0; i < amounts.length; i++) {
      long total = (long) amounts[i][0] + amounts[i][1];
      if (crop && shape.get(i + 1) != Shape.UNKNOWN_SIZE && shape.get(i + 1) <= total) {
        throw new IllegalArgumentException(describe() + " crops " + total + " of axis " + (i + 1)
            + ", which has size " + shape.get(i + 1) + "; at least one value must remain (input "
            + Shapes.format(shape) + ")");
      }
      out[i + 1] = ReshapingArgs.plus(out[i + 1], crop ? -total : total);
    }
    return Layers.spec(Shape.of(out), inputs.get(0).dtype());
  }

  @Override
  protected final Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return crop ? crop(tf, inputs.get(0)) : pad(tf, inputs.get(0));
  }

  private Operand<?> crop(Ops tf, Operand<?> x) {
    Index[] indices = new Index[x.shape().numDimensions()];
    Arrays.fill(indices, Indices.all());
    for (int i = 0; i < amounts.length; i++) {
      indices[i + 1] = amounts[i][1] == 0
          ? Indices.sliceFrom(amounts[i][0])
          : Indices.slice(amounts[i][0], -amounts[i][1]);
    }
    return tf.stridedSlice(x, indices);
  }

  private <T extends TType> Operand<T> pad(Ops tf, Operand<T> x) {
    // int32 amounts: the C++ gradient of PadV2 slices with int32 indices
    int[][] all = new int[x.shape().numDimensions()][2];
    for (int i = 0; i < amounts.length; i++) {
      all[i + 1] = amounts[i].clone();
    }
    return tf.pad(x, tf.constant(all), tf.dtypes.cast(tf.constant(0), x.type()));
  }
}
