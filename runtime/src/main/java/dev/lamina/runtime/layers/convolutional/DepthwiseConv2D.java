package dev.lamina.runtime.layers.convolutional;

import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code DepthwiseConv2D(kernel_size, strides=(1, 1), padding="valid",
 * depth_multiplier=1, data_format="channels_last", dilation_rate=(1, 1), activation=None,
 * use_bias=True)} on inputs {@code (batch, rows, cols, channels)}, giving {@code channels *
 * depth_multiplier} channels; the kernel is {@code (kernel_rows, kernel_cols, channels,
 * depth_multiplier)}. See {@link BaseDepthwiseConv}.
 */
public final class DepthwiseConv2D extends BaseDepthwiseConv {

  private DepthwiseConv2D(Builder builder) {
    super(2, builder);
  }

  /** {@code DepthwiseConv2D(kernel_size)}: one kernel per channel, linear, with bias. */
  public DepthwiseConv2D(int kernelSize) {
    this(builder(kernelSize));
  }

  /** All of Keras's options; {@code kernelSize} is one int for both axes, or (rows, cols). */
  public static Builder builder(int... kernelSize) {
    return new Builder(kernelSize);
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's DepthwiseConv2D arguments. */
  public static final class Builder extends BaseDepthwiseConv.Builder<DepthwiseConv2D, Builder> {
    private Builder(int[] kernelSize) {
      super(kernelSize);
    }

    @Override
    public DepthwiseConv2D build() {
      return new DepthwiseConv2D(this);
    }
  }
}
