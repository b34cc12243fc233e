package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code DepthwiseConv1D(kernel_size, strides=1, padding="valid", depth_multiplier=1,
 * data_format="channels_last", dilation_rate=1, activation=None, use_bias=True)} on inputs
 * {@code (batch, steps, channels)}, giving {@code channels * depth_multiplier} channels; the
 * kernel is {@code (kernel_size, channels, depth_multiplier)}. See {@link BaseDepthwiseConv}.
 */
public final class DepthwiseConv1D extends BaseDepthwiseConv {

  private DepthwiseConv1D(Builder builder) {
    super(1, builder);
  }

  /** {@code DepthwiseConv1D(kernel_size)}: one kernel per channel, linear, with bias. */
  public DepthwiseConv1D(int kernelSize) {
    this(builder(kernelSize));
  }

  /** All of Keras's options; {@code kernelSize} is one int. */
  public static Builder builder(int... kernelSize) {
    return new Builder(kernelSize);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's DepthwiseConv1D arguments. */
  public static final class Builder extends BaseDepthwiseConv.Builder<DepthwiseConv1D, Builder> {
    private Builder(int[] kernelSize) {
      super(kernelSize);
    }

    @Override
    public DepthwiseConv1D build() {
      return new DepthwiseConv1D(this);
    }
  }
}
