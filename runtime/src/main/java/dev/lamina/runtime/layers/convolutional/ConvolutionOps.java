package dev.lamina.runtime.layers.convolutional;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The convolutions the convolutional layers use, for layers elsewhere that convolve (the
 * recurrent {@code ConvLSTM} layers): an NHWC Conv2D whose dilation is a spread kernel, as in
 * {@link BaseConv} (TensorFlow's CPU gradients of dilated convolutions can abort the process),
 * and Conv3D as {@link Conv3D} computes it.
 */
public final class ConvolutionOps {

  private ConvolutionOps() {}

  /**
   * {@code conv2d(x, kernel)} of a {@code (batch, rows, cols, channels)} input and a kernel of
   * {@code kernelShape} {@code (rows, cols, channels, filters)}, with {@code strides} and
   * {@code dilation} (rows, cols) and Keras's {@code padding} ({@code valid} or {@code same}).
   */
  public static Operand<TFloat32> conv2d(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      long[] kernelShape, int[] strides, int[] dilation, String padding) {
    Operand<TFloat32> spread = ConvSupport.spread(tf, kernel, kernelShape.clone(), dilation);
    return ConvSupport.conv2d(tf, x, spread, new long[] {1, strides[0], strides[1], 1},
        padding);
  }

  /**
   * {@code conv3d(x, kernel)} of a {@code (batch, depth, rows, cols, channels)} input and a
   * kernel {@code (depth, rows, cols, channels, filters)}, with {@code strides} and {@code
   * dilation} (depth, rows, cols) and Keras's {@code padding}: Conv3D's computation, with ops
   * whose gradients TensorFlow's C API has.
   */
  public static Operand<TFloat32> conv3d(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      long channels, long filters, int[] kernelSize, int[] strides, int[] dilation,
      String padding) {
    return ConvSupport.conv3d(tf, x, kernel, channels, filters, kernelSize, strides, dilation,
        padding, 1);
  }

  /** Keras's output size along one spatial axis ({@code compute_conv_output_shape}). */
  public static long outputSize(long size, int kernel, int stride, int dilation,
      String padding) {
    return ConvSupport.convSize(size, kernel, stride, dilation, padding);
  }
}
