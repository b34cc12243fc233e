package dev.lamina.keras;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypeProvider;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A layer type of the application's own, as a user writes one: {@code x * kernel + offset},
 * with one trainable weight per feature (Keras's {@code add_weight} in {@code build}), and its
 * type, registered through {@code META-INF/services} in this test source set. Nothing in the
 * runtime or the importer knows it: saving, loading and Keras import find it by its type. The
 * README shows it (the marked region), so it stays as short as a user's first layer.
 */
// README: scale
public final class Scale extends Layer {
  public static final LayerType<Scale> TYPE = LayerType.of("Scale", "lamina_test>Scale",
      Scale.class, (name, config) -> new Scale(name, config.optDouble("offset", 0.0)));

  private final double offset;

  public Scale(String name, double offset) {
    super(name);
    this.offset = offset;
  }

  @Override
  public Map<String, Object> arguments() {             // Keras's get_config
    return Map.of("offset", offset);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {   // build + shapes
    Shape shape = inputs.get(0).shape();
    if (weights().isEmpty()) {
      addWeight("kernel", Shape.of(shape.get(shape.numDimensions() - 1)),
          Initializer.constant(1f), true);              // Keras's add_weight
    }
    return new OutputSpec<>(shape, TFloat32.class);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs,
      List<Operand<TFloat32>> weights, boolean training) {                 // Keras's call
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    return tf.math.add(tf.math.mul(x, weights.get(0)), tf.constant((float) offset));
  }
  // END README: scale

  /** Registers {@link #TYPE}: the line a service file names. */
  public static final class Provider implements LayerTypeProvider {
    @Override
    public List<LayerType<?>> layerTypes() {
      return List.of(TYPE);
    }
  }
// README: scale
}
// END README: scale
