package dev.lamina.runtime.layers.activations;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.registry.LayerConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code Activation(name)}: an activation function by its Keras 3 name, computed as
 * Keras 3 computes it ({@link ActivationFunctions}): {@code relu}, {@code sigmoid},
 * {@code softmax} (last axis), {@code gelu} (exact, with erfc), {@code hard_sigmoid}
 * ({@code relu6(x + 3) / 6}), {@code silu} (alias {@code swish}), {@code leaky_relu} (slope 0.2),
 * {@code glu} (splits the last axis) and every other name of {@link #KERAS_NAMES}.
 */
public final class Activation extends Layer {

  private final String function;
  private final String canonical;

  /** {@code Activation(function)}, e.g. {@code new Activation("relu")}. */
  public Activation(String function) {
    this(null, function);
  }

  /**
   * @param name the layer's name, or {@code null} for a default one
   * @param function a Keras activation name
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public Activation(String name, String function) {
    super(name);
    this.function = function;
    this.canonical = resolve(function);
  }

  /**
   * Every name Keras 3's {@code keras.activations} knows and Lamina computes as Keras 3 does,
   * and the function it names ({@code swish} is {@code silu}, {@code hard_swish} is
   * {@code hard_silu}, as Keras writes them): what a Keras file may use. Keras's
   * {@code threshold} is left out: it has no defaults for its {@code threshold} and
   * {@code default_value} arguments, so Keras itself fails to call {@code Activation("threshold")}.
   */
  public static final Map<String, String> KERAS_NAMES = kerasNames();

  private static Map<String, String> kerasNames() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String name : ActivationFunctions.NAMES) {
      map.put(name, name);
    }
    map.put("swish", "silu");
    map.put("hard_swish", "hard_silu");
    return Collections.unmodifiableMap(map);
  }

  /**
   * The names Lamina's files held before activations followed Keras 3 (TensorFlow Java's
   * framework, which read them in any case): they still load.
   */
  private static final Set<String> FRAMEWORK_NAMES = Set.of("elu", "exponential", "gelu",
      "hard_sigmoid", "linear", "relu", "selu", "sigmoid", "softmax", "softplus", "softsign",
      "swish", "tanh");

  /**
   * The activation a configuration names at {@code key} ({@code None} is {@code linear}): one of
   * {@link #KERAS_NAMES}, or in Lamina's own files also a name written in another case
   * ({@code RELU}), as older Lamina versions accepted.
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
      return name;
    }
    String name = config.requireString(key);
    try {
      resolve(name);
    } catch (IllegalArgumentException e) {
      throw config.error(key, e.getMessage());
    }
    return name;
  }

  /**
   * The function a name stands for ({@code swish} gives {@code silu}).
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static String resolve(String function) {
    if (function != null) {
      String canonical = KERAS_NAMES.get(function);
      if (canonical != null) {
        return canonical;
      }
      String lower = function.toLowerCase(Locale.ROOT);
      if (FRAMEWORK_NAMES.contains(lower)) {
        return KERAS_NAMES.get(lower);
      }
    }
    throw new IllegalArgumentException("Unknown activation '" + function + "'; use one of "
        + String.join(", ", KERAS_NAMES.keySet())
        + ("threshold".equals(function) ? " (Keras's threshold needs arguments an activation "
            + "name cannot give)" : ""));
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
    var shape = inputs.get(0).shape();
    if (canonical.equals("glu")) {
      int rank = shape.numDimensions();
      long last = rank < 1 ? -1 : shape.get(rank - 1);
      if (last < 0 || last % 2 != 0) {
        throw new IllegalArgumentException(describe() + " splits the last axis in two halves: "
            + "it must have a known, even size, got " + Layers.describe(inputs));
      }
      long[] out = shape.asArray();
      out[rank - 1] = last / 2;
      return Layers.spec(org.tensorflow.ndarray.Shape.of(out), inputs.get(0).dtype());
    }
    if (canonical.equals("sparsemax") && (shape.numDimensions() < 1)) {
      throw new IllegalArgumentException(describe() + " needs inputs of rank 1 or more, got "
          + Layers.describe(inputs));
    }
    return Layers.spec(shape, inputs.get(0).dtype());
  }

  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    // Keras's Activation supports masking: the input's mask is the output's
    return inputs.get(0).mask().isPresent() ? (tf, in, masks) -> masks.get(0) : null;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return apply(tf, canonical, (Operand) inputs.get(0));
  }

  /**
   * Adds the activation {@code function} (any name {@link #resolve} accepts) to a graph, as
   * Keras 3 computes it.
   */
  public static <T extends TNumber> Operand<T> apply(Ops tf, String function, Operand<T> x) {
    return ActivationFunctions.byName(tf, resolve(function), x);
  }
}
