package dev.lamina.runtime.layers.activations;

import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code ELU(alpha=1.0)}: {@code x} for {@code x > 0}, else
 * {@code alpha * (exp(x) - 1)}, as Keras 3 computes it (TensorFlow's Elu, its negative side
 * scaled by alpha).
 */
public final class ELU extends ElementWiseActivation {

  private final double alpha;

  /** {@code ELU()}: alpha 1. */
  public ELU() {
    this(null, 1.0);
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param alpha the scale of the negative side
   */
  public ELU(String name, double alpha) {
    super(name);
    this.alpha = finite("ELU '" + (name == null ? "elu" : name) + "'", "alpha", alpha);
  }

  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("alpha", alpha);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return ActivationFunctions.elu(tf, (Operand<TNumber>) (Operand) inputs.get(0), alpha);
  }
}
