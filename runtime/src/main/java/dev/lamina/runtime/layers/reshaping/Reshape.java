package dev.lamina.runtime.layers.reshaping;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code Reshape(target_shape)}: gives each sample a new shape with the same number of
 * values. The target excludes the batch dimension; one of its sizes may be {@code -1}, inferred
 * from the rest.
 */
public final class Reshape extends Layer {

  private final long[] target;

  /** {@code new Reshape(4, 1, 1)} is Keras's {@code Reshape((4, 1, 1))}. */
  public Reshape(long... target) {
    this(null, target);
  }

  /** A named reshape. */
  public Reshape(String name, long... target) {
    super(name);
    this.target = target.clone();
    int unknown = 0;
    for (long d : target) {
      if (d == -1) {
        unknown++;
      } else if (d < 1) {
        throw new IllegalArgumentException("Reshape target sizes must be positive or -1, got "
            + Shapes.format(target));
      }
    }
    if (unknown > 1) {
      throw new IllegalArgumentException("Reshape can infer only one size (-1), got "
          + Shapes.format(target));
    }
    Shapes.knownElements(target, "Reshape's target", Shapes.MAX_ELEMENTS);
  }

  /** Applies the reshape. */
  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public java.util.Map<String, Object> arguments() {
    return java.util.Map.of("target_shape", target.clone());
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    return Layers.spec(resolve(x.shape()), x.dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<?> x = inputs.get(0);
    long[] full = resolve(x.shape()).asArray();
    full[0] = -1; // the batch size is the data's; the per-sample sizes are fixed by now
    if (Arrays.stream(full).filter(d -> d == -1).count() == 1) {
      return tf.reshape(x, tf.constant(full));
    }
    // The per-sample size is unknown until data arrives: take the batch size from the data.
    Operand<TInt64> batch = tf.dtypes.cast(
        tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1})),
        TInt64.class);
    return tf.reshape(x,
        tf.concat(List.<Operand<TInt64>>of(batch, tf.constant(target)), tf.constant(0)));
  }

  /** The full output shape for an input's full shape, checking that sizes are preserved. */
  private Shape resolve(Shape input) {
    if (input.isUnknown()) {
      return Shape.of(target).prepend(Shape.UNKNOWN_SIZE);
    }
    long[] out = target.clone();
    long known = 1;
    int free = -1;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == -1) {
        free = i;
      } else {
        known *= out[i];
      }
    }
    Shape sample = Shapes.perSample(input);
    boolean sizeKnown = input.numDimensions() > 0 && !sample.hasUnknownDimension();
    if (sizeKnown) {
      long size = Shapes.knownElements(sample, () -> describe() + "'s input");
      boolean fits = free >= 0 ? size % known == 0 : size == known;
      if (!fits) {
        throw new IllegalArgumentException(describe() + ": cannot reshape samples of "
            + Shapes.format(sample) + " (" + size + " values) to " + Shapes.format(target)
            + "; the total size must be unchanged (input " + Shapes.format(input) + ")");
      }
      if (free >= 0) {
        out[free] = size / known;
      }
    }
    return Shape.of(out).prepend(input.numDimensions() > 0 ? input.get(0) : Shape.UNKNOWN_SIZE);
  }
}
