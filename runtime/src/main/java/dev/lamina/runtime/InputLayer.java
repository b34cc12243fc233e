package dev.lamina.runtime;

import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TType;

/** The layer behind {@link Input#of}: a placeholder fed at predict time. */
final class InputLayer extends Layer {

  private final Class<? extends TType> dtype;
  private final Shape shape;

  InputLayer(String name, Class<? extends TType> dtype, long[] dims) {
    super(name);
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(dims, "dims");
    for (long d : dims) {
      if (d < 1 && d != Input.UNKNOWN) {
        throw new IllegalArgumentException("Input dims must be positive or Input.UNKNOWN, got "
            + Shapes.format(dims));
      }
    }
    Shapes.knownElements(dims, "Input", Shapes.MAX_ELEMENTS);
    this.shape = Shape.of(dims).prepend(Shape.UNKNOWN_SIZE);
  }

  Shape shape() {
    return shape;
  }

  Class<? extends TType> dtype() {
    return dtype;
  }

  @Override
  public String typeName() {
    return "InputLayer";
  }

  @Override
  public String defaultName() {
    return "input";
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    throw new UnsupportedOperationException("An input is made with Input.of, not applied");
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return tf.withName("placeholder").placeholder(dtype, Placeholder.shape(shape));
  }
}
