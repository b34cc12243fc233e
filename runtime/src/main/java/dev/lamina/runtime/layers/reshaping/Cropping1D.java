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
 * Keras's {@code Cropping1D(cropping)}, channels_last: removes {@code before} steps at the start
 * and {@code after} at the end of each {@code (batch, steps, features)} sample. Keras's default
 * crops 1 at both ends.
 */
public final class Cropping1D extends Layer {

  private final int[][] cropping;

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
    super(name);
    this.cropping = ReshapingArgs.checkPairs("Cropping1D", "cropping",
        new int[][] {{before, after}}, 1);
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
    return Map.of("cropping", new long[] {cropping[0][0], cropping[0][1]});
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), 3,
        "(batch, steps, features)");
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
