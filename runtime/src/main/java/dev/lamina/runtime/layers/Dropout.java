package dev.lamina.runtime.layers;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code Dropout(rate)}. Lamina models only predict, where Keras's dropout is the
 * identity, so this layer is too; the rate is kept for summaries and for training later.
 */
public final class Dropout extends Layer {

  private final double rate;

  public Dropout(double rate) {
    this(null, rate);
  }

  public Dropout(String name, double rate) {
    super(name);
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + rate);
    }
    this.rate = rate;
  }

  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("rate", rate);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    return Layers.spec(inputs.get(0).shape(), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return tf.identity(inputs.get(0));
  }
}
