package dev.lamina.runtime;

import java.util.List;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.family.TType;

/**
 * Entry points of a model, as Keras's {@code Input(shape=...)}: {@code Input.of(TFloat32.class,
 * 4, 2)} is a batch of 4×2 float samples, shape {@code (None, 4, 2)}.
 */
public final class Input {

  /** A dimension whose size is only known when data arrives (Keras's {@code None}). */
  public static final long UNKNOWN = Shape.UNKNOWN_SIZE;

  private Input() {}

  /**
   * A model input.
   *
   * @param dtype the TensorFlow dtype, e.g. {@code TFloat32.class}
   * @param dims the shape of one sample, batch excluded; {@link #UNKNOWN} for a free size
   */
  public static <T extends TType> SymbolicTensor<T> of(Class<T> dtype, long... dims) {
    return of(null, dtype, dims);
  }

  /** A named model input; the name is also the input's name in error messages. */
  public static <T extends TType> SymbolicTensor<T> of(String name, Class<T> dtype, long... dims) {
    InputLayer layer = new InputLayer(name, dtype, dims);
    SymbolicTensor.Node node = new SymbolicTensor.Node(layer, List.of());
    SymbolicTensor<T> input = new SymbolicTensor<>(layer.shape(), dtype, node, 0, null);
    node.setOutputs(List.of(input));
    return input;
  }
}
