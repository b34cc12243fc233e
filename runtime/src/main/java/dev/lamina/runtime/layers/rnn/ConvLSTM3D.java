package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code ConvLSTM3D(filters, kernel_size, strides=1, padding="valid", ...)}: inputs
 * {@code (batch, time, depth, rows, cols, channels)}, output {@code (batch, [time,] new_depth,
 * new_rows, new_cols, filters)}; kernels {@code (kernel_depth, kernel_rows, kernel_cols,
 * channels or filters, 4 filters)}. See {@link ConvLSTM}.
 */
public final class ConvLSTM3D extends ConvLSTM {

  private ConvLSTM3D(Builder builder) {
    super(3, builder);
  }

  /** {@code ConvLSTM3D(filters, kernel_size)}. */
  public ConvLSTM3D(int filters, int... kernelSize) {
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

  /** Keras's ConvLSTM3D arguments. */
  public static final class Builder extends ConvLSTM.Builder<Builder, ConvLSTM3D> {
    Builder(int filters, int[] kernelSize) {
      super(filters, kernelSize);
    }

    @Override
    public ConvLSTM3D build() {
      return new ConvLSTM3D(this);
    }
  }
}
