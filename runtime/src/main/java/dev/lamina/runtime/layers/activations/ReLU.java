package dev.lamina.runtime.layers.activations;

import dev.lamina.runtime.SymbolicTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code ReLU(max_value=None, negative_slope=0.0, threshold=0.0)}: {@code x} above
 * {@code threshold}, else {@code negative_slope * (x - threshold)}, capped at
 * {@code max_value}, exactly as Keras 3 computes it ({@link ActivationFunctions#relu}): the cap
 * applies before the negative part is subtracted, so it bounds only values above the threshold.
 */
public final class ReLU extends ElementWiseActivation {

  private final Double maxValue;
  private final double negativeSlope;
  private final double threshold;

  /** {@code ReLU()}: {@code max(x, 0)}. */
  public ReLU() {
    this(null, null, 0.0, 0.0);
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param maxValue the largest output, or {@code null} for none (Keras's {@code None})
   * @param negativeSlope the slope below the threshold
   * @param threshold the value below which outputs are damped
   * @throws IllegalArgumentException as Keras's ValueError: a negative {@code max_value},
   *     {@code negative_slope} or {@code threshold}, or a non-finite argument
   */
  public ReLU(String name, Double maxValue, double negativeSlope, double threshold) {
    super(name);
    String layer = "ReLU '" + (name == null ? "re_lu" : name) + "'";
    if (maxValue != null && !(finite(layer, "max_value", maxValue) >= 0)) {
      throw new IllegalArgumentException(layer + ": max_value is " + maxValue
          + "; it must be 0 or more");
    }
    if (!(finite(layer, "negative_slope", negativeSlope) >= 0)) {
      throw new IllegalArgumentException(layer + ": negative_slope is " + negativeSlope
          + "; it must be 0 or more");
    }
    if (!(finite(layer, "threshold", threshold) >= 0)) {
      throw new IllegalArgumentException(layer + ": threshold is " + threshold
          + "; it must be 0 or more");
    }
    this.maxValue = maxValue;
    this.negativeSlope = negativeSlope;
    this.threshold = threshold;
  }

  public <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("max_value", maxValue);
    arguments.put("negative_slope", negativeSlope);
    arguments.put("threshold", threshold);
    return arguments;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return ActivationFunctions.relu(tf, (Operand<TNumber>) (Operand) inputs.get(0),
        negativeSlope, maxValue, threshold);
  }
}
