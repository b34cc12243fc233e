package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Conv1D(filters, kernel_size, strides=1, padding="valid",
 * data_format="channels_last", dilation_rate=1, groups=1, activation=None, use_bias=True)} on
 * inputs {@code (batch, steps, channels)}; the kernel is {@code (kernel_size, channels / groups,
 * filters)}. {@code padding="causal"} pads {@code dilation_rate * (kernel_size - 1)} zeros
 * before the steps, then convolves as valid. See {@link BaseConv}.
 */
public final class Conv1D extends BaseConv {

  private Conv1D(Builder builder) {
    super(1, builder);
  }

  /** {@code Conv1D(filters, kernel_size)}: linear, with bias, valid padding. */
  public Conv1D(int filters, int kernelSize) {
    this(builder(filters, kernelSize));
  }

  /** {@code Conv1D(filters, kernel_size, activation=...)}. */
  public Conv1D(int filters, int kernelSize, String activation) {
    this(builder(filters, kernelSize).activation(activation));
  }

  /** All of Keras's options; {@code kernelSize} is one int. */
  public static Builder builder(int filters, int... kernelSize) {
    return new Builder(filters, kernelSize);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's Conv1D arguments. */
  public static final class Builder extends BaseConv.Builder<Conv1D, Builder> {
    private Builder(int filters, int[] kernelSize) {
      super(filters, kernelSize);
    }

    @Override
    public Conv1D build() {
      return new Conv1D(this);
    }
  }
}
