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
 * Keras's {@code UpSampling3D(size=(2, 2, 2))}, channels_last: repeats each value {@code size[i]}
 * times in a row along spatial axis {@code i}: {@code (batch, dim1, dim2, dim3, channels)}
 * becomes {@code (batch, dim1 * size[0], dim2 * size[1], dim3 * size[2], channels)}. Keras 3's
 * UpSampling3D has no {@code interpolation}: it is nearest-neighbour repetition only (Keras's
 * {@code ops.repeat}), for any dtype.
 */
public final class UpSampling3D extends Layer {

  private final int[] size;

  /** Keras's default, {@code size=(2, 2, 2)}. */
  public UpSampling3D() {
    this(2);
  }

  /** Keras's {@code UpSampling3D(n)}: {@code n} along every spatial axis. */
  public UpSampling3D(int size) {
    this(null, size, size, size);
  }

  /** Keras's {@code UpSampling3D((dim1, dim2, dim3))}; {@code name} may be null. */
  public UpSampling3D(String name, int dim1, int dim2, int dim3) {
    super(name);
    this.size = ReshapingArgs.checkSizes("UpSampling3D", dim1, dim2, dim3);
  }

  /** The repetitions per spatial axis. */
  public int[] size() {
    return size.clone();
  }

  /** Applies the layer; the output has the input's dtype. */
  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("size", new long[] {size[0], size[1], size[2]});
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), 5,
        "(batch, dim1, dim2, dim3, channels)");
    return Layers.spec(ReshapingArgs.repeatedShape(shape, size), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return ReshapingArgs.repeatAll(tf, inputs.get(0), size);
  }
}
