package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Conv1DTranspose(filters, kernel_size, strides=1, padding="valid",
 * output_padding=None, data_format="channels_last", dilation_rate=1, activation=None,
 * use_bias=True)} on inputs {@code (batch, steps, channels)}; the kernel is {@code (kernel_size,
 * filters, channels)}. See {@link BaseConvTranspose}.
 */
public final class Conv1DTranspose extends BaseConvTranspose {

  private Conv1DTranspose(Builder builder) {
    super(1, builder);
  }

  /** {@code Conv1DTranspose(filters, kernel_size)}: linear, with bias, valid padding. */
  public Conv1DTranspose(int filters, int kernelSize) {
    this(builder(filters, kernelSize));
  }

  /** {@code Conv1DTranspose(filters, kernel_size, activation=...)}. */
  public Conv1DTranspose(int filters, int kernelSize, String activation) {
    this(builder(filters, kernelSize).activation(activation));
  }

  /** All of Keras's options; {@code kernelSize} is one int. */
  public static Builder builder(int filters, int... kernelSize) {
    return new Builder(filters, kernelSize);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's Conv1DTranspose arguments. */
  public static final class Builder extends BaseConvTranspose.Builder<Conv1DTranspose, Builder> {
    private Builder(int filters, int[] kernelSize) {
      super(filters, kernelSize);
    }

    @Override
    public Conv1DTranspose build() {
      return new Conv1DTranspose(this);
    }
  }
}
