package dev.lamina.keras;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
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
 * runtime or the importer knows it: saving, loading and Keras import find it by its type.
 */
public final class Scale extends Layer {

  /** Found in Lamina's files as {@code Scale}, in Keras's by the Python class's registered name. */
  public static final LayerType<Scale> TYPE = LayerType.of("Scale", "lamina_test>Scale",
      Scale.class, (name, config) -> new Scale(name, config.optDouble("offset", 0.0)));

  /** Registers {@link #TYPE}: the line a service file names. */
  public static final class Provider implements LayerTypeProvider {
    @Override
    public List<LayerType<?>> layerTypes() {
      return List.of(TYPE);
    }
  }

  private final double offset;

  public Scale(String name, double offset) {
    super(name);
    this.offset = offset;
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("offset", offset);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() != 1 || inputs.get(0).dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes one float32 input");
    }
    Shape shape = inputs.get(0).shape();
    long features = shape.get(shape.numDimensions() - 1);
    if (features < 1) {
      throw new IllegalArgumentException(describe() + " needs a known last dimension, got "
          + Shapes.format(shape));
    }
    if (weights().isEmpty()) {
      addWeight("kernel", Shape.of(features), Initializer.constant(1f), true);
    }
    return new OutputSpec<>(shape, TFloat32.class);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    return tf.math.add(tf.math.mul(x, weights.get(0)), tf.constant((float) offset));
  }
}
