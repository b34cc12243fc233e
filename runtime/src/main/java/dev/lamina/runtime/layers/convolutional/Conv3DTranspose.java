package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Conv3DTranspose(filters, kernel_size, strides=1, padding="valid",
 * output_padding=None, data_format="channels_last", dilation_rate=1, activation=None,
 * use_bias=True)} on inputs {@code (batch, depth, rows, cols, channels)}; the kernel is {@code
 * (kernel_depth, kernel_rows, kernel_cols, filters, channels)}. See {@link BaseConvTranspose}.
 */
public final class Conv3DTranspose extends BaseConvTranspose {

  private Conv3DTranspose(Builder builder) {
    super(3, builder);
  }

  /** {@code Conv3DTranspose(filters, kernel_size)}: linear, with bias, valid padding. */
  public Conv3DTranspose(int filters, int kernelSize) {
    this(builder(filters, kernelSize));
  }

  /** {@code Conv3DTranspose(filters, kernel_size, activation=...)}. */
  public Conv3DTranspose(int filters, int kernelSize, String activation) {
    this(builder(filters, kernelSize).activation(activation));
  }

  /**
   * All of Keras's options; {@code kernelSize} is one int for the three axes, or (depth, rows,
   * cols).
   */
  public static Builder builder(int filters, int... kernelSize) {
    return new Builder(filters, kernelSize);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's Conv3DTranspose arguments. */
  public static final class Builder extends BaseConvTranspose.Builder<Conv3DTranspose, Builder> {
    private Builder(int filters, int[] kernelSize) {
      super(filters, kernelSize);
    }

    @Override
    public Conv3DTranspose build() {
      return new Conv3DTranspose(this);
    }
  }
}
