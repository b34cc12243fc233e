package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.activations.Activation;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code SimpleRNN(units, activation="tanh", use_bias=True, ...)}: {@code h_t =
 * activation(x_t · kernel + bias + h_{t-1} · recurrent_kernel)}, with Keras's weights {@code
 * kernel (features, units)}, {@code recurrent_kernel (units, units)} and {@code bias (units)}
 * (kept under {@code simple_rnn_cell} in Keras's files). The loop, masks and the other options are
 * {@link RNN}'s.
 */
public final class SimpleRNN extends RNN {

  private SimpleRNN(Builder builder) {
    super(builder);
  }

  /** {@code SimpleRNN(units)}. */
  public SimpleRNN(int units) {
    this(builder(units));
  }

  /** All of Keras's options. */
  public static Builder builder(int units) {
    return new Builder(units);
  }

  /** The last output (or the sequence); with {@code return_state} use {@code callOutputs}. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> sequences) {
    return applyTyped(sequences);
  }

  @Override
  int gates() {
    return 1;
  }

  @Override
  int stateCount() {
    return 1;
  }

  @Override
  boolean splitMasks() {
    return false;
  }

  @Override
  List<Operand<TFloat32>> step(Ops tf, Operand<TFloat32> xz, List<Operand<TFloat32>> states,
      Operand<TFloat32> recurrentKernel, Operand<TFloat32> bias,
      List<Operand<TFloat32>> recurrentMasks) {
    Operand<TFloat32> previous = states.get(0);
    if (recurrentMasks != null) {
      previous = tf.math.mul(previous, recurrentMasks.get(0));
    }
    Operand<TFloat32> h = Activation.apply(tf, activation,
        tf.math.add(xz, tf.linalg.matMul(previous, recurrentKernel)));
    return List.of(h, h);
  }

  @Override
  public java.util.Map<String, Object> arguments() {
    java.util.Map<String, Object> arguments = super.arguments();
    return arguments;
  }

  @Override
  RNN copy(String name, boolean goBackwards, boolean zeroOutputForMask) {
    return copyInto(this, builder(units), name, goBackwards, zeroOutputForMask).build();
  }

  /** Keras's SimpleRNN arguments. */
  public static final class Builder extends RNN.Builder<Builder, SimpleRNN> {
    private Builder(int units) {
      super(units);
    }

    @Override
    public SimpleRNN build() {
      return new SimpleRNN(this);
    }
  }
}
