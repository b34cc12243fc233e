package dev.lamina.runtime;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TType;

/**
 * A tensor in a model under construction, as in Keras's functional API: it has a shape and a
 * dtype but no values. {@link Input#of} makes the first ones; applying a layer makes the next.
 *
 * <p>The shape includes the batch dimension first, {@code -1} ({@link Shape#UNKNOWN_SIZE}) where a
 * size is unknown; {@link #toString()} prints it Keras's way, {@code (None, 4, 2)}. Symbolic
 * tensors are immutable and hold no native resources.
 *
 * @param <T> the TensorFlow dtype of the values it will carry
 */
public final class SymbolicTensor<T extends TType> {

  private final Shape shape;
  private final Class<T> dtype;
  private final Node producer;
  private final SymbolicTensor<TBool> mask;

  SymbolicTensor(Shape shape, Class<T> dtype, Node producer, SymbolicTensor<TBool> mask) {
    this.shape = Objects.requireNonNull(shape, "shape");
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.mask = mask;
  }

  /**
   * The mask that travels with this tensor (Keras's {@code _keras_mask}), if the layer that made
   * it computes one. It is a symbolic tensor itself: a model can output it.
   */
  public Optional<SymbolicTensor<TBool>> mask() {
    return Optional.ofNullable(mask);
  }

  /** The full shape, batch dimension first. */
  public Shape shape() {
    return shape;
  }

  /** The TensorFlow dtype, e.g. {@code TFloat32.class}. */
  public Class<T> dtype() {
    return dtype;
  }

  /** The layer call that produces this tensor. */
  Node producer() {
    return producer;
  }

  /** True if this tensor comes straight from {@link Input#of}. */
  public boolean isInput() {
    return producer.layer() instanceof InputLayer;
  }

  @Override
  public String toString() {
    return "SymbolicTensor(shape=" + Shapes.format(shape) + ", dtype=" + Shapes.dtypeName(dtype)
        + ", from " + producer.layer().describe() + ")";
  }

  /**
   * One application of a layer to symbolic inputs (Keras's "node"). A layer applied twice has two
   * nodes; the model builds the layer's ops once per node.
   */
  record Node(Layer layer, List<SymbolicTensor<?>> inputs) {
    Node {
      inputs = List.copyOf(inputs);
    }
  }
}
