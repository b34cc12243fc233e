package dev.lamina.runtime.layers.pooling;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TNumber;

/**
 * What Keras's global pooling layers share ({@code GlobalMaxPooling1D/2D/3D}, {@code
 * GlobalAveragePooling1D/2D/3D}), channels_last: the largest value or the average over all the
 * spatial axes; {@code keepdims} keeps them with size 1. Only {@code GlobalAveragePooling1D}
 * reads a mask, as in Keras: the average over the steps the mask keeps (an all-masked sample
 * divides by zero, as in Keras); the others ignore masks. None of them outputs a mask.
 */
public abstract class GlobalPooling extends Layer {

  private final int dims;
  private final boolean max;
  private final boolean keepdims;

  GlobalPooling(String name, int dims, boolean max, boolean keepdims) {
    super(name);
    this.dims = dims;
    this.max = max;
    this.keepdims = keepdims;
  }

  /** Applies the layer; the output has the input's dtype. */
  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  /** Whether the pooled axes stay, with size 1. */
  public boolean keepdims() {
    return keepdims;
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("keepdims", keepdims);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    int rank = dims + 2;
    Shape shape = x.shape();
    if (shape.isUnknown() || shape.numDimensions() != rank) {
      throw new IllegalArgumentException(describe() + " needs an input of rank " + rank + " "
          + Pooling.layout(rank) + ", got " + Shapes.format(shape));
    }
    if (!TFloating.class.isAssignableFrom(x.dtype())) {
      throw new IllegalArgumentException(describe() + " takes floating-point inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    long[] out;
    if (keepdims) {
      out = shape.asArray();
      for (int i = 1; i <= dims; i++) {
        out[i] = 1;
      }
    } else {
      out = new long[] {shape.get(0), shape.get(rank - 1)};
    }
    return Layers.spec(Shape.of(out), x.dtype());
  }

  /** GlobalAveragePooling1D reads its input's mask, as Keras's. */
  @Override
  protected boolean usesInputMasks() {
    return dims == 1 && !max;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      CallContext context) {
    Operand<TNumber> x = (Operand<TNumber>) (Operand) inputs.get(0);
    int[] axes = new int[dims];
    for (int i = 0; i < dims; i++) {
      axes[i] = i + 1;
    }
    Operand<org.tensorflow.types.TInt32> axis = tf.constant(axes);
    if (max) {
      return tf.max(x, axis, Max.keepDims(keepdims));
    }
    Operand<TBool> mask = usesInputMasks() ? context.mask(0) : null;
    if (mask == null) {
      return tf.math.mean(x, axis, org.tensorflow.op.math.Mean.keepDims(keepdims));
    }
    // Keras: sum(where(mask, x, 0)) / sum(mask), the mask (batch, steps) on a new last axis
    Operand<TBool> expanded = tf.expandDims(mask, tf.constant(2));
    Operand<TNumber> kept = tf.select(expanded, x, tf.zerosLike(x));
    Operand<TNumber> count = tf.dtypes.cast(expanded, x.type());
    return tf.math.div(tf.sum(kept, axis, Sum.keepDims(keepdims)),
        tf.sum(count, axis, Sum.keepDims(keepdims)));
  }
}
