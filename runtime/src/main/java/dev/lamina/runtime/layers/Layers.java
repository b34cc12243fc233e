package dev.lamina.runtime.layers;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Layer.OutputSpec;
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

  public static String describe(List<SymbolicTensor<?>> inputs) {
    StringJoiner joined = new StringJoiner(", ");
    inputs.forEach(t -> joined.add(Shapes.format(t.shape()) + " " + Shapes.dtypeName(t.dtype())));
    return joined.toString();
  }
}
