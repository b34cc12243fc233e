package dev.lamina.runtime.layers.activations;

import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code LeakyReLU(negative_slope=0.3)}: {@code x} for {@code x >= 0}, else
 * {@code negative_slope * x} (TensorFlow's LeakyRelu op, as Keras 3). The layer's default slope
 * is 0.3; the {@code leaky_relu} activation's is 0.2.
 */
public final class LeakyReLU extends ElementWiseActivation {

  /** Keras 3's default {@code negative_slope} for the layer. */
  public static final double DEFAULT_NEGATIVE_SLOPE = 0.3;

  private final double negativeSlope;

  /** {@code LeakyReLU()}: slope 0.3. */
  public LeakyReLU() {
    this(null, DEFAULT_NEGATIVE_SLOPE);
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param negativeSlope the slope for negative inputs, 0 or more (Keras refuses a negative one)
   */
  public LeakyReLU(String name, double negativeSlope) {
    super(name);
    String layer = "LeakyReLU '" + (name == null ? "leaky_re_lu" : name) + "'";
    if (!(finite(layer, "negative_slope", negativeSlope) >= 0)) {
      throw new IllegalArgumentException(layer + ": negative_slope is " + negativeSlope
          + "; it must be 0 or more");
    }
    this.negativeSlope = negativeSlope;
  }

  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("negative_slope", negativeSlope);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return ActivationFunctions.leakyRelu(tf, (Operand<TNumber>) (Operand) inputs.get(0),
        negativeSlope);
  }
}
