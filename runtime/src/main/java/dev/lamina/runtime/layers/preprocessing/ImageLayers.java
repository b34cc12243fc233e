package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBicubic;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.image.ResizeNearestNeighbor;
import org.tensorflow.op.image.ScaleAndTranslate;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/** What the image preprocessing layers share: channels_last image batches and resizing. */
final class ImageLayers {

  private ImageLayers() {}

  /** A batch of channels_last images: rank 4 with the batch, numeric. */
  static Shape requireImages(Layer layer, SymbolicTensor<?> x) {
    if (!TNumber.class.isAssignableFrom(x.dtype())) {
      throw new IllegalArgumentException(layer.describe() + " takes numeric images, got "
          + Shapes.dtypeName(x.dtype()));
    }
    Shape shape = x.shape();
    if (shape.isUnknown() || shape.numDimensions() != 4) {
      throw new IllegalArgumentException(layer.describe() + " takes a batch of images "
          + "(batch, height, width, channels), channels_last; got " + Shapes.format(shape));
    }
    return shape;
  }

  /**
   * The input's height and width, null if either is unknown (None), the same as at the layer's
   * earlier calls ({@code calledBefore}: then {@code earlier} is theirs): the graph's operands may
   * lose static sizes (after a layer that does not keep them), so the layer keeps them.
   */
  static long[] sameSizeEachCall(Layer layer, Shape shape, long[] earlier,
      boolean calledBefore) {
    long h = shape.get(1);
    long w = shape.get(2);
    long[] size = h == Shape.UNKNOWN_SIZE || w == Shape.UNKNOWN_SIZE ? null : new long[] {h, w};
    if (calledBefore && !java.util.Arrays.equals(earlier, size)) {
      throw new IllegalArgumentException(layer.describe() + " takes one input height and "
          + "width (known, or unknown) for all its calls; called on "
          + (earlier == null ? "unknown sizes" : earlier[0] + "x" + earlier[1])
          + " and then on " + Shapes.format(shape));
    }
    return size;
  }

  /** Axis {@code axis} of {@code x}'s runtime shape, an int32 scalar. */
  static Operand<TInt32> dim(Ops tf, Operand<?> x, int axis) {
    return tf.reshape(tf.slice(tf.shape(x), tf.constant(new int[] {axis}),
        tf.constant(new int[] {1})), tf.constant(new int[0]));
  }

  /** Keras's TensorFlow arithmetic: {@code int32(float32(numerator) / denominator)}. */
  static Operand<TInt32> truncatedQuotient(Ops tf, Operand<TInt32> numerator,
      float denominator) {
    return tf.dtypes.cast(tf.math.div(tf.dtypes.cast(numerator, TFloat32.class),
        tf.constant(denominator)), TInt32.class);
  }

  /** Rows {@code [h0, h0 + h)} and columns {@code [w0, w0 + w)}, all int32 scalars. */
  static Operand<TFloat32> crop(Ops tf, Operand<TFloat32> x, Operand<TInt32> h0,
      Operand<TInt32> w0, Operand<TInt32> h, Operand<TInt32> w) {
    Operand<TInt32> zero = tf.constant(0);
    return tf.slice(x, tf.stack(List.of(zero, h0, w0, zero)),
        tf.stack(List.of(dim(tf, x, 0), h, w, dim(tf, x, 3))));
  }

  /** The input as float32 (Keras casts image inputs to its compute dtype). */
  @SuppressWarnings("unchecked")
  static Operand<TFloat32> floats(Ops tf, Operand<?> x) {
    return x.type() == TFloat32.class ? (Operand<TFloat32>) x
        : tf.dtypes.cast((Operand<? extends TNumber>) x, TFloat32.class);
  }

  /** Rows {@code [h0, h0 + h)} and columns {@code [w0, w0 + w)} of every image. */
  static Operand<TFloat32> crop(Ops tf, Operand<TFloat32> x, long h0, long w0, long h, long w) {
    // int32 begin and size, the size without -1: TensorFlow's gradient of Slice needs both
    return crop(tf, x, tf.constant(Math.toIntExact(h0)), tf.constant(Math.toIntExact(w0)),
        tf.constant(Math.toIntExact(h)), tf.constant(Math.toIntExact(w)));
  }


  /**
   * Keras 3's TensorFlow-backend {@code resize} without antialiasing, as {@code tf.image.resize}
   * (v2) does it: {@code ResizeBilinear}, {@code ResizeNearestNeighbor} and
   * {@code ResizeBicubic} with {@code half_pixel_centers=True}; {@code ResizeArea}; Lanczos by
   * {@code ScaleAndTranslate} (scale the new size over the old, float32, no translation, no
   * antialiasing).
   */
  static Operand<TFloat32> resize(Ops tf, Operand<TFloat32> x, int height, int width,
      String interpolation) {
    Operand<TInt32> size = tf.constant(new int[] {height, width});
    return switch (interpolation) {
      case "bilinear" -> tf.image.resizeBilinear(x, size, ResizeBilinear.halfPixelCenters(true));
      case "nearest" -> tf.image.resizeNearestNeighbor(x, size,
          ResizeNearestNeighbor.halfPixelCenters(true));
      case "bicubic" -> tf.image.resizeBicubic(x, size, ResizeBicubic.halfPixelCenters(true));
      case "area" -> tf.image.resizeArea(x, size);
      case "lanczos3", "lanczos5" -> {
        Operand<TInt32> spatial = tf.slice(tf.shape(x), tf.constant(new int[] {1}),
            tf.constant(new int[] {2}));
        Operand<TFloat32> scale = tf.math.div(tf.dtypes.cast(size, TFloat32.class),
            tf.dtypes.cast(spatial, TFloat32.class));
        yield tf.image.scaleAndTranslate(x, size, scale, tf.zeros(tf.constant(new int[] {2}),
            TFloat32.class), ScaleAndTranslate.kernelType(interpolation),
            ScaleAndTranslate.antialias(false));
      }
      default -> throw new IllegalStateException(interpolation);
    };
  }

  /** The output's shape: the batch and channels of {@code input}, the given height and width. */
  static Shape resized(Shape input, long height, long width) {
    return Shape.of(input.get(0), height, width, input.get(3));
  }

  static void requirePositive(String layer, String what, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(layer + " " + what + " must be positive, got " + value);
    }
  }
}
