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
  private final int index;
  private final SymbolicTensor<TBool> mask;

  /** Output {@code index} of the call {@code producer}. */
  SymbolicTensor(Shape shape, Class<T> dtype, Node producer, int index,
      SymbolicTensor<TBool> mask) {
    this.shape = Objects.requireNonNull(shape, "shape");
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.index = index;
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

  /**
   * Which of its call's outputs this is: 0 for the only output of most layers; Keras's
   * {@code tensor_index} for a layer that gives several ({@link Layer#callOutputs}).
   */
  public int outputIndex() {
    return index;
  }

  /** True if this tensor comes straight from {@link Input#of}. */
  public boolean isInput() {
    return producer.layer() instanceof InputLayer;
  }

  @Override
  public String toString() {
    return "SymbolicTensor(shape=" + Shapes.format(shape) + ", dtype=" + Shapes.dtypeName(dtype)
        + ", from " + producer.layer().describe()
        + (producer.outputs().size() > 1 ? ", output " + index : "") + ")";
  }

  /**
   * One application of a layer to symbolic inputs (Keras's "node"). A layer applied twice has two
   * nodes; the model builds the layer's ops once per node. A node is itself, not its parts: two
   * calls of one layer on the same inputs are two nodes.
   */
  static final class Node {
    private final Layer layer;
    private final List<SymbolicTensor<?>> inputs;
    private final List<SymbolicTensor<TBool>> masks;
    private List<SymbolicTensor<?>> outputs = List.of();

    /**
     * @param masks empty if the layer does not read its inputs' masks ({@link
     *     Layer#usesInputMasks()}); otherwise one entry per input, its mask or {@code null}
     */
    Node(Layer layer, List<SymbolicTensor<?>> inputs, List<SymbolicTensor<TBool>> masks) {
      this.layer = Objects.requireNonNull(layer, "layer");
      this.inputs = List.copyOf(inputs);
      this.masks = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(masks));
      if (!masks.isEmpty() && masks.size() != inputs.size()) {
        throw new IllegalArgumentException("masks: " + masks.size() + " for " + inputs.size()
            + " inputs");
      }
    }

    /** A call that reads no masks. */
    Node(Layer layer, List<SymbolicTensor<?>> inputs) {
      this(layer, inputs, List.of());
    }

    Layer layer() {
      return layer;
    }

    List<SymbolicTensor<?>> inputs() {
      return inputs;
    }

    List<SymbolicTensor<TBool>> masks() {
      return masks;
    }

    /** The call's outputs, in order (one for most layers). */
    List<SymbolicTensor<?>> outputs() {
      return outputs;
    }

    /** Set once, by the call that made this node, as soon as its outputs exist. */
    void setOutputs(List<SymbolicTensor<?>> made) {
      if (!outputs.isEmpty()) {
        throw new IllegalStateException("a call's outputs are set once");
      }
      outputs = List.copyOf(made);
    }

    /**
     * What must be built before this call: its inputs, then the masks it reads (a mask has a
     * producer of its own, which a model builds only if some call reads the mask or it is an
     * output).
     */
    List<SymbolicTensor<?>> dependencies() {
      if (masks.isEmpty()) {
        return inputs;
      }
      List<SymbolicTensor<?>> all = new java.util.ArrayList<>(inputs);
      masks.stream().filter(Objects::nonNull).forEach(all::add);
      return all;
    }
  }
}
