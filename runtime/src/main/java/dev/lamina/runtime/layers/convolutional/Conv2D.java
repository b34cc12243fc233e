package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Conv2D(filters, kernel_size, strides=1, padding="valid",
 * data_format="channels_last", dilation_rate=1, groups=1, activation=None, use_bias=True)} on
 * inputs {@code (batch, rows, cols, channels)}; the kernel is {@code (kernel_rows, kernel_cols,
 * channels / groups, filters)}. See {@link BaseConv}.
 */
public final class Conv2D extends BaseConv {

  private Conv2D(Builder builder) {
    super(2, builder);
  }

  /** {@code Conv2D(filters, kernel_size)}: linear, with bias, valid padding. */
  public Conv2D(int filters, int kernelSize) {
    this(builder(filters, kernelSize));
  }

  /** {@code Conv2D(filters, kernel_size, activation=...)}. */
  public Conv2D(int filters, int kernelSize, String activation) {
    this(builder(filters, kernelSize).activation(activation));
  }

  /** All of Keras's options; {@code kernelSize} is one int for both axes, or (rows, cols). */
  public static Builder builder(int filters, int... kernelSize) {
    return new Builder(filters, kernelSize);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's Conv2D arguments. */
  public static final class Builder extends BaseConv.Builder<Conv2D, Builder> {
    private Builder(int filters, int[] kernelSize) {
      super(filters, kernelSize);
    }

    @Override
    public Conv2D build() {
      return new Conv2D(this);
    }
  }
}
