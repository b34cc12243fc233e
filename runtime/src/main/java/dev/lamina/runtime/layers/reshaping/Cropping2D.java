package dev.lamina.runtime.layers.reshaping;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Index;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code Cropping2D(cropping)}, channels_last: removes rows and columns at the edges of
 * each {@code (batch, rows, cols, channels)} sample: {@code ((top, bottom), (left, right))}.
 * Keras's default crops nothing.
 */
public final class Cropping2D extends Layer {

  private final int[][] cropping;

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
    super(name);
    this.cropping = ReshapingArgs.checkPairs("Cropping2D", "cropping", cropping, 2);
  }

  /** Applies the layer; the output has the input\'s dtype. */
  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  /** The cropping per spatial axis: {@code [before, after]} each. */
  public int[][] cropping() {
    int[][] out = new int[cropping.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = cropping[i].clone();
    }
    return out;
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("cropping", ReshapingArgs.asList(cropping));
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), 4,
        "(batch, rows, cols, channels)");
    long[] out = shape.asArray();
    for (int i = 0; i < cropping.length; i++) {
      long total = (long) cropping[i][0] + cropping[i][1];
      if (shape.get(i + 1) != Shape.UNKNOWN_SIZE && shape.get(i + 1) <= total) {
        throw new IllegalArgumentException(describe() + " crops " + total + " of axis " + (i + 1)
            + ", which has size " + shape.get(i + 1) + "; at least one value must remain (input "
            + Shapes.format(shape) + ")");
      }
      out[i + 1] = ReshapingArgs.plus(out[i + 1], -total);
    }
    return Layers.spec(Shape.of(out), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<?> x = inputs.get(0);
    Index[] indices =
        new Index[x.shape().numDimensions()];
    Arrays.fill(indices, Indices.all());
    for (int i = 0; i < cropping.length; i++) {
      indices[i + 1] = cropping[i][1] == 0
          ? Indices.sliceFrom(cropping[i][0])
          : Indices.slice(cropping[i][0], -cropping[i][1]);
    }
    return tf.stridedSlice(x, indices);
  }
}
