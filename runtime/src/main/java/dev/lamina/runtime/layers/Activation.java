package dev.lamina.runtime.layers;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code Activation(name)}: an activation function by its Keras name, from TensorFlow
 * Java's framework: {@code relu}, {@code sigmoid}, {@code tanh}, {@code softmax} (last axis),
 * {@code linear}, {@code gelu}, {@code elu}, {@code selu}, {@code softplus}, {@code softsign},
 * {@code swish}, {@code exponential}, {@code hard_sigmoid}.
 */
public final class Activation extends Layer {

  private final String function;
  private final org.tensorflow.framework.activations.Activation activation;

  public Activation(String function) {
    this(null, function);
  }

  public Activation(String name, String function) {
    super(name);
    this.function = function;
    this.activation = resolve(function);
  }

  /** The framework's activation for a Keras name; an unknown name is an error naming the known. */
  static org.tensorflow.framework.activations.Activation resolve(String function) {
    try {
      return org.tensorflow.framework.activations.Activation.create(function);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Unknown activation '" + function + "'; use one of relu,"
          + " sigmoid, tanh, softmax, linear, gelu, elu, selu, softplus, softsign, swish, "
          + "exponential, hard_sigmoid", e);
    }
  }

  public <T extends TNumber> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("activation", function);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Layers.requireNumbers(this, inputs.get(0));
    return Layers.spec(inputs.get(0).shape(), inputs.get(0).dtype());
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return apply(tf, function, activation, (Operand) inputs.get(0));
  }

  /**
   * Applies a resolved activation. Softmax on the last axis is TensorFlow's own op: the
   * framework's version adds an axis constant it leaves unused when the input has rank 2.
   */
  static <T extends TNumber> Operand<T> apply(Ops tf, String function,
      org.tensorflow.framework.activations.Activation activation, Operand<T> x) {
    return "softmax".equals(function) ? tf.nn.softmax(x) : activation.call(tf, x);
  }
}
