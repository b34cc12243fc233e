package dev.lamina.runtime.layers;

import dev.lamina.runtime.Layer.OutputSpec;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import java.util.StringJoiner;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/** Checks layers share: arity, dtypes, output specs, shapes in messages. */
public final class Layers {

  private Layers() {}

  /** Puts Keras's serialized {@code initializer} at {@code key} when Keras can name it. */
  public static void putInitializer(java.util.Map<String, Object> config, String key,
      dev.lamina.runtime.Initializer initializer) {
    if (initializer != null && initializer.config() != null) {
      config.put(key, initializer.config());
    }
  }

  /** Puts Keras's serialized {@code regularizer} at {@code key} when one is set. */
  public static void putRegularizer(java.util.Map<String, Object> config, String key,
      dev.lamina.runtime.regularizers.Regularizer regularizer) {
    if (regularizer != null && regularizer.config() != null) {
      config.put(key, regularizer.config());
    }
  }

  /** Puts Keras's serialized {@code constraint} at {@code key} when one is set. */
  public static void putConstraint(java.util.Map<String, Object> config, String key,
      dev.lamina.runtime.constraints.Constraint constraint) {
    if (constraint != null && constraint.config() != null) {
      config.put(key, constraint.config());
    }
  }

  public static void requireInputs(Layer layer, List<SymbolicTensor<?>> inputs, int count) {
    if (inputs.size() != count) {
      throw new IllegalArgumentException(layer.describe() + " takes " + count
          + (count == 1 ? " input" : " inputs") + ", got " + inputs.size());
    }
  }

  public static void requireNumbers(Layer layer, SymbolicTensor<?> input) {
    if (!TNumber.class.isAssignableFrom(input.dtype())) {
      throw new IllegalArgumentException(layer.describe() + " needs numbers, got "
          + Shapes.dtypeName(input.dtype()));
    }
  }

  public static <T extends TType> OutputSpec<T> spec(Shape shape, Class<T> dtype) {
    return new OutputSpec<>(shape, dtype);
  }

  /**
   * Keras's axis arguments made non-negative for inputs of {@code rank} (batch included), sorted
   * as Keras's {@code build} sorts them.
   *
   * @throws IllegalArgumentException naming the layer if an axis is out of range or repeated
   */
  public static int[] axes(Layer layer, int[] axes, int rank) {
    int[] out = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      int axis = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (axis < 0 || axis >= rank) {
        throw new IllegalArgumentException(layer.describe() + ": axis " + axes[i]
            + " is out of range for inputs of rank " + rank);
      }
      out[i] = axis;
    }
    java.util.Arrays.sort(out);
    for (int i = 1; i < out.length; i++) {
      if (out[i] == out[i - 1]) {
        throw new IllegalArgumentException(layer.describe() + ": axis " + out[i]
            + " is given twice");
      }
    }
    return out;
  }

  /**
   * Keras's default {@code compute_mask} for a layer with {@code supports_masking}: the input's
   * mask passes through unchanged; no mask if the input has none.
   */
  public static Layer.MaskFunction passMask(List<SymbolicTensor<?>> inputs) {
    if (inputs.isEmpty() || inputs.get(0).mask().isEmpty()) {
      return null;
    }
    return (tf, operands, masks) -> tf.identity(masks.get(0));
  }

  /** Int values as a JSON-able list, for configs. */
  public static List<Integer> list(int[] values) {
    return java.util.Arrays.stream(values).boxed().toList();
  }

  public static String describe(List<SymbolicTensor<?>> inputs) {
    StringJoiner joined = new StringJoiner(", ");
    inputs.forEach(t -> joined.add(Shapes.format(t.shape()) + " " + Shapes.dtypeName(t.dtype())));
    return joined.toString();
  }
}
