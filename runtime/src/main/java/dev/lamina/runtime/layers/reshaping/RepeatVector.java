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

/** Keras's {@code RepeatVector(n)}: a {@code (batch, features)} input becomes {@code (batch, n,
 * features)}, the sample repeated {@code n} times. */
public final class RepeatVector extends Layer {

  private final int n;

  /** Keras's {@code RepeatVector(n)}. */
  public RepeatVector(int n) {
    this(null, n);
  }

  /** A named layer; {@code n} is 1 or more. */
  public RepeatVector(String name, int n) {
    super(name);
    if (n < 1) {
      throw new IllegalArgumentException("RepeatVector's n is " + n + "; it must be 1 or more");
    }
    this.n = n;
  }

  /** Applies the layer; the output has the input\'s dtype. */
  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("n", n);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), 2,
        "(batch, features)");
    return Layers.spec(Shape.of(shape.get(0), n, shape.get(1)), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return ReshapingArgs.stack(tf, inputs.get(0), n, 1);
  }
}
