package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.activations.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code LSTM(units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
 * unit_forget_bias=True, ...)}: gates {@code i, f, c, o} in that order in Keras's weights {@code
 * kernel (features, 4 units)}, {@code recurrent_kernel (units, 4 units)} and {@code bias (4
 * units)} (kept under {@code lstm_cell} in Keras's files); states {@code [h, c]}. With {@code
 * unit_forget_bias} the forget gate's bias starts at one. The loop, masks and the other options
 * are {@link RNN}'s.
 */
public final class LSTM extends RNN {

  private final boolean unitForgetBias;

  private LSTM(Builder builder) {
    super(builder);
    this.unitForgetBias = builder.unitForgetBias;
  }

  /** {@code LSTM(units)}. */
  public LSTM(int units) {
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
    return 4;
  }

  @Override
  int stateCount() {
    return 2;
  }

  @Override
  void cellArguments(Map<String, Object> arguments) {
    arguments.put("unit_forget_bias", unitForgetBias);
  }

  /** Keras's: {@code bias_initializer} for each gate, but ones for the forget gate. */
  @Override
  Initializer biasInitializerForBuild() {
    if (!unitForgetBias) {
      return biasInitializer;
    }
    Initializer base = biasInitializer;
    int u = units;
    return shape -> {
      float[] out = new float[4 * u];
      System.arraycopy(base.values(Shape.of(u)), 0, out, 0, u);
      java.util.Arrays.fill(out, u, 2 * u, 1f);
      System.arraycopy(base.values(Shape.of(2L * u)), 0, out, 2 * u, 2 * u);
      return out;
    };
  }

  @Override
  List<Operand<TFloat32>> step(Ops tf, Operand<TFloat32> xz, List<Operand<TFloat32>> states,
      Operand<TFloat32> recurrentKernel, Operand<TFloat32> bias,
      List<Operand<TFloat32>> recurrentMasks) {
    Operand<TFloat32> h = states.get(0);
    Operand<TFloat32> c = states.get(1);
    Operand<TFloat32> recurrent;
    if (recurrentMasks != null && recurrentMasks.size() > 1) {
      List<Operand<TFloat32>> kernels = split(tf, recurrentKernel, 4, 1);
      List<Operand<TFloat32>> parts = new ArrayList<>();
      for (int g = 0; g < 4; g++) {
        parts.add(tf.linalg.matMul(tf.math.mul(h, recurrentMasks.get(g)), kernels.get(g)));
      }
      recurrent = tf.concat(parts, tf.constant(1));
    } else {
      recurrent = tf.linalg.matMul(h, recurrentKernel);
    }
    List<Operand<TFloat32>> z = split(tf, tf.math.add(xz, recurrent), 4, 1);
    Operand<TFloat32> i = Activation.apply(tf, recurrentActivation, z.get(0));
    Operand<TFloat32> f = Activation.apply(tf, recurrentActivation, z.get(1));
    Operand<TFloat32> carry = tf.math.add(tf.math.mul(f, c),
        tf.math.mul(i, Activation.apply(tf, activation, z.get(2))));
    Operand<TFloat32> o = Activation.apply(tf, recurrentActivation, z.get(3));
    Operand<TFloat32> out = tf.math.mul(o, Activation.apply(tf, activation, carry));
    return List.of(out, out, carry);
  }

  @Override
  RNN copy(String name, boolean goBackwards, boolean zeroOutputForMask) {
    return copyInto(this, builder(units), name, goBackwards, zeroOutputForMask)
        .recurrentActivation(recurrentActivation).unitForgetBias(unitForgetBias).build();
  }

  /** Keras's LSTM arguments. */
  public static final class Builder extends RNN.Builder<Builder, LSTM> {
    private boolean unitForgetBias = true;

    private Builder(int units) {
      super(units);
    }

    /** Keras's {@code recurrent_activation}: {@code sigmoid} by default. */
    public Builder recurrentActivation(String activation) {
      this.recurrentActivation = activation == null ? "linear" : activation;
      return this;
    }

    /** Keras's {@code unit_forget_bias}: true by default. */
    public Builder unitForgetBias(boolean unitForgetBias) {
      this.unitForgetBias = unitForgetBias;
      return this;
    }

    @Override
    public LSTM build() {
      return new LSTM(this);
    }
  }
}
