package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code SeparableConv2D(filters, kernel_size, strides=(1, 1), padding="valid",
 * data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1, activation=None,
 * use_bias=True)} on inputs {@code (batch, rows, cols, channels)}; the kernels are {@code
 * (kernel_rows, kernel_cols, channels, depth_multiplier)} and {@code (1, 1, channels *
 * depth_multiplier, filters)}. See {@link BaseSeparableConv}.
 */
public final class SeparableConv2D extends BaseSeparableConv {

  private SeparableConv2D(Builder builder) {
    super(2, builder);
  }

  /** {@code SeparableConv2D(filters, kernel_size)}: linear, with bias, valid padding. */
  public SeparableConv2D(int filters, int kernelSize) {
    this(builder(filters, kernelSize));
  }

  /** {@code SeparableConv2D(filters, kernel_size, activation=...)}. */
  public SeparableConv2D(int filters, int kernelSize, String activation) {
    this(builder(filters, kernelSize).activation(activation));
  }

  /** All of Keras's options; {@code kernelSize} is one int for both axes, or (rows, cols). */
  public static Builder builder(int filters, int... kernelSize) {
    return new Builder(filters, kernelSize);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's SeparableConv2D arguments. */
  public static final class Builder extends BaseSeparableConv.Builder<SeparableConv2D, Builder> {
    private Builder(int filters, int[] kernelSize) {
      super(filters, kernelSize);
    }

    @Override
    public SeparableConv2D build() {
      return new SeparableConv2D(this);
    }
  }
}
