package dev.lamina.runtime;

import java.util.List;
import java.util.Objects;

/**
 * Keras's {@code Sequential}: a stack of one-input layers, each applied to the previous one's
 * output as it is {@linkplain #add added}, so a layer that does not fit fails at {@code add}.
 *
 * <pre>{@code
 * var model = Sequential.of(Input.of(TFloat32.class, 3));
 * model.add(SquareLayer.of());
 * }</pre>
 */
public final class Sequential extends Model {

  private Sequential(SymbolicTensor<?> input) {
    super(Topology.of(List.of(input), List.of(input)));
  }

  /** An empty stack on {@code input}; it predicts the identity until layers are added. */
  public static Sequential of(SymbolicTensor<?> input, Layer... layers) {
    Objects.requireNonNull(input, "input");
    Sequential model = new Sequential(input);
    for (Layer layer : layers) {
      model.add(layer);
    }
    return model;
  }

  /** A stack whose layers were applied already, from {@code input} to {@code output}. */
  static Sequential rebuilt(SymbolicTensor<?> input, SymbolicTensor<?> output) {
    Sequential model = new Sequential(input);
    model.setTopology(Topology.of(List.of(input), List.of(output)));
    return model;
  }

  /**
   * Applies {@code layer} to the current output; it becomes the new output.
   *
   * @throws IllegalArgumentException if the layer does not fit the current output
   * @throws IllegalStateException once the model has been built by {@code predict}
   */
  public synchronized Sequential add(Layer layer) {
    Objects.requireNonNull(layer, "layer");
    SymbolicTensor<?> output = layer.call(outputs().get(0));
    setTopology(Topology.of(inputs(), List.of(output)));
    return this;
  }
}
