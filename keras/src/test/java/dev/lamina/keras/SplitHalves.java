package dev.lamina.keras;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypeProvider;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A layer of the application's own whose calls give two outputs, as a Keras layer whose
 * {@code call} returns a list: the first and second half of the last axis. Registered through
 * this test source set's service file; Keras files name it {@code lamina_test>SplitHalves}.
 */
public class SplitHalves extends Layer {

  public static final LayerType<SplitHalves> TYPE = LayerType.of("SplitHalves",
      "lamina_test>SplitHalves", SplitHalves.class, (name, config) -> new SplitHalves(name));

  /** Registers {@link #TYPE}. */
  public static final class Provider implements LayerTypeProvider {
    @Override
    public List<LayerType<?>> layerTypes() {
      return List.of(TYPE);
    }
  }

  public SplitHalves(String name) {
    super(name);
  }

  @Override
  protected List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() != 1 || inputs.get(0).dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes one float32 input");
    }
    long[] dims = inputs.get(0).shape().asArray();
    long features = dims[dims.length - 1];
    if (features < 2 || features % 2 != 0) {
      throw new IllegalArgumentException(describe() + " needs an even last dimension, got "
          + Shapes.format(inputs.get(0).shape()));
    }
    dims[dims.length - 1] = features / 2;
    Shape half = Shape.of(dims);
    return List.of(new OutputSpec<>(half, TFloat32.class), new OutputSpec<>(half, TFloat32.class));
  }

  @Override
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weights, CallContext context) {
    int axis = inputs.get(0).shape().numDimensions() - 1;
    return List.copyOf(tf.split(tf.constant(axis), inputs.get(0), 2L).output());
  }
}
