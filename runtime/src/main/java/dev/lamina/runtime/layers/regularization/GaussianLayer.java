package dev.lamina.runtime.layers.regularization;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * What {@link GaussianDropout} and {@link GaussianNoise} share: random only in training
 * ({@code fit}), the identity in {@code predict} and {@code evaluate} and while the noise is
 * zero; one floating-point input of any shape, its mask passed through; Keras's {@code seed}
 * (or {@code FitOptions.seed}) choosing each call's draw; a config of the arguments and the seed.
 * Each subclass only says what its one argument is and how the noise applies.
 */
abstract class GaussianLayer extends Layer {

  /** Keras's {@code seed}, or null: the noise then follows {@code FitOptions.seed}. */
  private final Long seed;

  GaussianLayer(String name, Long seed) {
    super(name);
    this.seed = seed;
  }

  /** The layer's own seed, or null when its noise follows {@code FitOptions.seed}. */
  public final Long seed() {
    return seed;
  }

  /** Applies the layer: the output has the input's shape and dtype. */
  public final <T extends TFloating> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  /** Keras's {@code get_config}: the argument and the seed (null if none). */
  @Override
  public final Map<String, Object> config() {
    return RandomLayers.configWithSeed(arguments(), seed);
  }

  @Override
  protected final OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    return RandomLayers.sameAsFloatingInput(this, inputs);
  }

  /** As Keras's ({@code supports_masking}): the input's mask passes through. */
  @Override
  protected final MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return Layers.passMask(inputs);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected final Operand<?> build(Ops tf, List<Operand<?>> inputs,
      List<Operand<TFloat32>> weights, CallContext context) {
    Operand<?> x = inputs.get(0);
    if (!context.training() || noiseless()) {
      return tf.identity(x);
    }
    checkTrainable();
    return noisy(tf, (Operand<TFloating>) x, RandomLayers.nextSeed(context, seed));
  }

  /** Whether the argument makes the noise zero, so that training too is the identity. */
  abstract boolean noiseless();

  /** Throws if the argument cannot train (before any draw); nothing by default. */
  void checkTrainable() {}

  /** The input with this call's noise, in the input's dtype. */
  abstract <T extends TFloating> Operand<T> noisy(Ops tf, Operand<T> x, Operand<TInt64> seed);
}
