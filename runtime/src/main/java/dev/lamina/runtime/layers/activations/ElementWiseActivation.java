package dev.lamina.runtime.layers.activations;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.List;
import org.tensorflow.types.family.TFloating;

/**
 * What Keras's element-wise activation layers share: one floating-point input, an output of its
 * shape and dtype, and its mask passed on unchanged ({@code supports_masking = True}).
 */
abstract class ElementWiseActivation extends Layer {

  ElementWiseActivation(String name) {
    super(name);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    if (!TFloating.class.isAssignableFrom(x.dtype())) {
      throw new IllegalArgumentException(describe() + " takes floating-point inputs, got "
          + Shapes.dtypeName(x.dtype()));
    }
    return Layers.spec(x.shape(), x.dtype());
  }

  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    // Keras's supports_masking: the input's mask, if it has one, is the output's
    return inputs.get(0).mask().isPresent() ? (tf, in, masks) -> masks.get(0) : null;
  }

  /** Refuses a non-finite argument, naming the layer. */
  static double finite(String layer, String argument, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(layer + ": " + argument + " is " + value
          + "; it must be finite");
    }
    return value;
  }
}
