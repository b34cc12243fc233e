package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code ConvLSTM2D(filters, kernel_size, strides=1, padding="valid", ...)}: inputs
 * {@code (batch, time, rows, cols, channels)}, output {@code (batch, [time,] new_rows, new_cols, filters)}. See
 * {@link ConvLSTM}.
 */
public final class ConvLSTM2D extends ConvLSTM {

  private ConvLSTM2D(Builder builder) {
    super(2, builder);
  }

  /** {@code ConvLSTM2D(filters, kernel_size)}. */
  public ConvLSTM2D(int filters, int... kernelSize) {
    this(builder(filters, kernelSize));
  }

  /** All of Keras's options. */
  public static Builder builder(int filters, int... kernelSize) {
    return new Builder(filters, kernelSize);
  }

  /** The last output (or the sequence); with {@code return_state} use {@code callOutputs}. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> sequences) {
    return applyTyped(sequences);
  }

  /** Keras's ConvLSTM2D arguments. */
  public static final class Builder extends ConvLSTM.Builder<Builder, ConvLSTM2D> {
    Builder(int filters, int[] kernelSize) {
      super(filters, kernelSize);
    }

    @Override
    public ConvLSTM2D build() {
      return new ConvLSTM2D(this);
    }
  }
}
