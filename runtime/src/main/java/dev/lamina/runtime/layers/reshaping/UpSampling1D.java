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
 * Keras's {@code UpSampling1D(size=2)}, channels_last: repeats each step {@code size} times in a
 * row: {@code (batch, steps, features)} becomes {@code (batch, steps * size, features)}.
 */
public final class UpSampling1D extends Layer {

  private final int[] size;

  /** Keras's default, {@code size=2}. */
  public UpSampling1D() {
    this(null, 2);
  }

  /** Keras's {@code UpSampling1D(size)}. */
  public UpSampling1D(int size) {
    this(null, size);
  }

  /** A named layer; {@code size} is 1 or more. */
  public UpSampling1D(String name, int size) {
    super(name);
    this.size = ReshapingArgs.checkSizes("UpSampling1D", size);
  }

  /** Applies the layer; the output has the input\'s dtype. */
  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("size", size[0]);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), 3,
        "(batch, steps, features)");
    return Layers.spec(ReshapingArgs.repeatedShape(shape, size), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return ReshapingArgs.repeatAll(tf, inputs.get(0), size);
  }
}
