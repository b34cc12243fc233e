package dev.lamina.runtime.layers.reshaping;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/** Keras's {@code Flatten()}: each sample becomes a vector; the batch dimension stays. */
public final class Flatten extends Layer {

  public Flatten() {
    this(null);
  }

  public Flatten(String name) {
    super(name);
  }

  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = inputs.get(0).shape();
    if (shape.isUnknown() || shape.numDimensions() < 1) {
      throw new IllegalArgumentException(describe() + " needs an input of known rank with a "
          + "batch dimension, got " + Shapes.format(shape));
    }
    Shape sample = Shapes.perSample(shape);
    long size = sample.hasUnknownDimension() ? Shape.UNKNOWN_SIZE
        : Shapes.knownElements(sample, () -> describe() + "'s input");
    return Layers.spec(Shape.of(shape.get(0), size), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<?> x = inputs.get(0);
    Shape sample = Shapes.perSample(x.shape());
    if (!sample.hasUnknownDimension()) {
      return tf.reshape(x, tf.constant(new long[] {-1, Shapes.knownElements(sample, this::describe)}));
    }
    // Unknown per-sample size: keep the batch size from the data, infer the rest.
    return tf.reshape(x, tf.concat(List.of(
        tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1})),
        tf.constant(new int[] {-1})), tf.constant(0)));
  }
}
