package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Conv2DTranspose(filters, kernel_size, strides=1, padding="valid",
 * output_padding=None, data_format="channels_last", dilation_rate=1, activation=None,
 * use_bias=True)} on inputs {@code (batch, rows, cols, channels)}; the kernel is {@code
 * (kernel_rows, kernel_cols, filters, channels)}. See {@link BaseConvTranspose}.
 */
public final class Conv2DTranspose extends BaseConvTranspose {

  private Conv2DTranspose(Builder builder) {
    super(2, builder);
  }

  /** {@code Conv2DTranspose(filters, kernel_size)}: linear, with bias, valid padding. */
  public Conv2DTranspose(int filters, int kernelSize) {
    this(builder(filters, kernelSize));
  }

  /** {@code Conv2DTranspose(filters, kernel_size, activation=...)}. */
  public Conv2DTranspose(int filters, int kernelSize, String activation) {
    this(builder(filters, kernelSize).activation(activation));
  }

  /** All of Keras's options; {@code kernelSize} is one int for both axes, or (rows, cols). */
  public static Builder builder(int filters, int... kernelSize) {
    return new Builder(filters, kernelSize);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's Conv2DTranspose arguments. */
  public static final class Builder extends BaseConvTranspose.Builder<Conv2DTranspose, Builder> {
    private Builder(int filters, int[] kernelSize) {
      super(filters, kernelSize);
    }

    @Override
    public Conv2DTranspose build() {
      return new Conv2DTranspose(this);
    }
  }
}
