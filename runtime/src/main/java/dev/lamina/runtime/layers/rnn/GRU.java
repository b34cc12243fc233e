package dev.lamina.runtime.layers.rnn;

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
 * Keras's {@code GRU(units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
 * reset_after=True, ...)}: gates {@code z, r, h} in that order in Keras's weights {@code kernel
 * (features, 3 units)}, {@code recurrent_kernel (units, 3 units)} and {@code bias}, of shape
 * {@code (2, 3 units)} (input and recurrent biases) with {@code reset_after}, else {@code (3
 * units)} (kept under {@code gru_cell} in Keras's files). With {@code reset_after} the reset gate
 * applies after the recurrent matrix product. The loop, masks and the other options are
 * {@link RNN}'s.
 */
public final class GRU extends RNN {

  private final boolean resetAfter;

  private GRU(Builder builder) {
    super(builder);
    this.resetAfter = builder.resetAfter;
  }

  /** {@code GRU(units)}. */
  public GRU(int units) {
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
    return 3;
  }

  @Override
  int stateCount() {
    return 1;
  }

  @Override
  Shape biasShape() {
    return resetAfter ? Shape.of(2, 3L * units) : Shape.of(3L * units);
  }

  @Override
  void cellArguments(Map<String, Object> arguments) {
    arguments.put("reset_after", resetAfter);
  }

  @Override
  Operand<TFloat32> inputBias(Ops tf, Operand<TFloat32> bias) {
    return resetAfter ? row(tf, bias, 0) : bias;
  }

  private static Operand<TFloat32> row(Ops tf, Operand<TFloat32> bias, int row) {
    return tf.gather(bias, tf.constant(row), tf.constant(0));
  }

  @Override
  List<Operand<TFloat32>> step(Ops tf, Operand<TFloat32> xz, List<Operand<TFloat32>> states,
      Operand<TFloat32> recurrentKernel, Operand<TFloat32> bias,
      List<Operand<TFloat32>> recurrentMasks) {
    Operand<TFloat32> h = states.get(0);
    List<Operand<TFloat32>> x = split(tf, xz, 3, 1);
    List<Operand<TFloat32>> kernels = split(tf, recurrentKernel, 3, 1);
    List<Operand<TFloat32>> hs = new ArrayList<>();
    for (int g = 0; g < 3; g++) {
      hs.add(recurrentMasks == null ? h
          : tf.math.mul(h, recurrentMasks.get(recurrentMasks.size() > 1 ? g : 0)));
    }
    Operand<TFloat32> recurrentBias = resetAfter && bias != null ? row(tf, bias, 1) : null;
    List<Operand<TFloat32>> rb = recurrentBias == null ? null : split(tf, recurrentBias, 3, 0);
    Operand<TFloat32> rz = tf.linalg.matMul(hs.get(0), kernels.get(0));
    Operand<TFloat32> rr = tf.linalg.matMul(hs.get(1), kernels.get(1));
    if (rb != null) {
      rz = tf.math.add(rz, rb.get(0));
      rr = tf.math.add(rr, rb.get(1));
    }
    Operand<TFloat32> z = Activation.apply(tf, recurrentActivation, tf.math.add(x.get(0), rz));
    Operand<TFloat32> r = Activation.apply(tf, recurrentActivation, tf.math.add(x.get(1), rr));
    Operand<TFloat32> rh;
    if (resetAfter) {
      rh = tf.linalg.matMul(hs.get(2), kernels.get(2));
      if (rb != null) {
        rh = tf.math.add(rh, rb.get(2));
      }
      rh = tf.math.mul(r, rh);
    } else {
      rh = tf.linalg.matMul(tf.math.mul(r, hs.get(2)), kernels.get(2));
    }
    Operand<TFloat32> hh = Activation.apply(tf, activation, tf.math.add(x.get(2), rh));
    Operand<TFloat32> out = tf.math.add(tf.math.mul(z, h),
        tf.math.mul(tf.math.sub(tf.constant(1f), z), hh));
    return List.of(out, out);
  }

  @Override
  RNN copy(String name, boolean goBackwards, boolean zeroOutputForMask) {
    return copyInto(this, builder(units), name, goBackwards, zeroOutputForMask)
        .recurrentActivation(recurrentActivation).resetAfter(resetAfter).build();
  }

  /** Keras's GRU arguments. */
  public static final class Builder extends RNN.Builder<Builder, GRU> {
    private boolean resetAfter = true;

    private Builder(int units) {
      super(units);
    }

    /** Keras's {@code recurrent_activation}: {@code sigmoid} by default. */
    public Builder recurrentActivation(String activation) {
      this.recurrentActivation = activation == null ? "linear" : activation;
      return this;
    }

    /** Keras's {@code reset_after}: true by default. */
    public Builder resetAfter(boolean resetAfter) {
      this.resetAfter = resetAfter;
      return this;
    }

    @Override
    public GRU build() {
      return new GRU(this);
    }
  }
}
