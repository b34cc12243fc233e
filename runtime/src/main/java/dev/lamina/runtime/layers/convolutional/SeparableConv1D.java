package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code SeparableConv1D(filters, kernel_size, strides=1, padding="valid",
 * data_format="channels_last", dilation_rate=1, depth_multiplier=1, activation=None,
 * use_bias=True)} on inputs {@code (batch, steps, channels)}; the kernels are {@code
 * (kernel_size, channels, depth_multiplier)} and {@code (1, channels * depth_multiplier,
 * filters)}. See {@link BaseSeparableConv}.
 */
public final class SeparableConv1D extends BaseSeparableConv {

  private SeparableConv1D(Builder builder) {
    super(1, builder);
  }

  /** {@code SeparableConv1D(filters, kernel_size)}: linear, with bias, valid padding. */
  public SeparableConv1D(int filters, int kernelSize) {
    this(builder(filters, kernelSize));
  }

  /** {@code SeparableConv1D(filters, kernel_size, activation=...)}. */
  public SeparableConv1D(int filters, int kernelSize, String activation) {
    this(builder(filters, kernelSize).activation(activation));
  }

  /** All of Keras's options; {@code kernelSize} is one int. */
  public static Builder builder(int filters, int... kernelSize) {
    return new Builder(filters, kernelSize);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's SeparableConv1D arguments. */
  public static final class Builder extends BaseSeparableConv.Builder<SeparableConv1D, Builder> {
    private Builder(int filters, int[] kernelSize) {
      super(filters, kernelSize);
    }

    @Override
    public SeparableConv1D build() {
      return new SeparableConv1D(this);
    }
  }
}
