package dev.lamina.runtime.layers.regularization;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Layer.OutputSpec;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.SeedStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/** What the random layers of this package share. */
final class RandomLayers {

  private RandomLayers() {}

  /** One floating-point input of any shape; the output has its shape and dtype. */
  static OutputSpec<?> sameAsFloatingInput(Layer layer, List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(layer, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    if (!TFloating.class.isAssignableFrom(x.dtype())) {
      throw new IllegalArgumentException(layer.describe() + " takes floating-point inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    return Layers.spec(x.shape(), x.dtype());
  }

  /**
   * A Python float as a constant of {@code dtype}: rounded once from the double, as TensorFlow
   * converts a Python number to a tensor of the input's dtype.
   */
  static <T extends TFloating> Operand<T> constant(Ops tf, double value, Class<T> dtype) {
    return tf.dtypes.cast(tf.constant(value), dtype);
  }

  /** The layer's one Keras argument (its rate or standard deviation), as {@code arguments()}. */
  static Map<String, Object> arguments(String name, double value) {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put(name, value);
    return arguments;
  }

  /** Keras's {@code get_config} of a random layer: its arguments and its seed (null if none). */
  static Map<String, Object> configWithSeed(Map<String, Object> arguments, Long seed) {
    Map<String, Object> config = new LinkedHashMap<>(arguments);
    config.put("seed", seed);
    return config;
  }

  /**
   * The seed of this call's draw: {@code [seed, step]} with a seed of the layer's own, as Keras's
   * {@code seed=}; else the next from {@code FitOptions.seed}.
   */
  static Operand<TInt64> nextSeed(Layer.CallContext context, Long seed) {
    SeedStream seeds = context.seeds();
    return seed == null ? seeds.next() : seeds.next(seed);
  }
}
