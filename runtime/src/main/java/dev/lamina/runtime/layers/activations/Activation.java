package dev.lamina.runtime.layers.activations;
import dev.lamina.runtime.layers.Layers;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.registry.LayerConfig;
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

  /**
   * Keras activation names whose Lamina version computes what Keras 3 computes, and the name
   * Lamina knows each by: what a Keras file may use. (Lamina's {@code gelu} and
   * {@code hard_sigmoid} follow TensorFlow's framework, which Keras 3 does not.)
   */
  public static final Map<String, String> KERAS_NAMES = kerasNames();

  private static Map<String, String> kerasNames() {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (String same : List.of("linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu",
        "softplus", "softsign", "swish", "exponential")) {
      map.put(same, same);
    }
    map.put("silu", "swish"); // Keras 3's name for x * sigmoid(x)
    return java.util.Collections.unmodifiableMap(map);
  }

  /**
   * The activation a configuration names at {@code key} ({@code None} is {@code linear}): any
   * Lamina activation in Lamina's files, one of {@link #KERAS_NAMES} in a Keras file.
   */
  public static String read(LayerConfig config, String key) throws ModelFormatException {
    Object value = config.json().get(key);
    config.ignore(key);
    if (value == null) {
      return "linear";
    }
    if (config.origin() == LayerConfig.Origin.KERAS) {
      if (!(value instanceof String name) || !KERAS_NAMES.containsKey(name)) {
        String found = value instanceof String s ? "'" + s + "'" : "a custom (Python) function";
        throw config.error(key, "activation " + found + " is not supported; supported "
            + "activations: " + String.join(", ", KERAS_NAMES.keySet()));
      }
      return KERAS_NAMES.get(name);
    }
    String name = config.requireString(key);
    try {
      resolve(name);
    } catch (IllegalArgumentException e) {
      throw config.error(key, e.getMessage());
    }
    return name;
  }

  /** The framework's activation for a Keras name; an unknown name is an error naming the known. */
  public static org.tensorflow.framework.activations.Activation resolve(String function) {
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
  public static <T extends TNumber> Operand<T> apply(Ops tf, String function,
      org.tensorflow.framework.activations.Activation activation, Operand<T> x) {
    return "softmax".equals(function) ? tf.nn.softmax(x) : activation.call(tf, x);
  }
}
