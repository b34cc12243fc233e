package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code ConvLSTM1D(filters, kernel_size, strides=1, padding="valid", ...)}: inputs
 * {@code (batch, time, steps, channels)}, output {@code (batch, [time,] new_steps, filters)}. See
 * {@link ConvLSTM}.
 */
public final class ConvLSTM1D extends ConvLSTM {

  private ConvLSTM1D(Builder builder) {
    super(1, builder);
  }

  /** {@code ConvLSTM1D(filters, kernel_size)}. */
  public ConvLSTM1D(int filters, int kernelSize) {
    this(builder(filters, kernelSize));
  }

  /** All of Keras's options. */
  public static Builder builder(int filters, int kernelSize) {
    return new Builder(filters, new int[] {kernelSize});
  }

  /** The last output (or the sequence); with {@code return_state} use {@code callOutputs}. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> sequences) {
    return applyTyped(sequences);
  }

  /** Keras's ConvLSTM1D arguments. */
  public static final class Builder extends ConvLSTM.Builder<Builder, ConvLSTM1D> {
    Builder(int filters, int[] kernelSize) {
      super(filters, kernelSize);
    }

    @Override
    public ConvLSTM1D build() {
      return new ConvLSTM1D(this);
    }
  }
}
