package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.image.ResizeNearestNeighbor;
import org.tensorflow.types.TFloat32;
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

  /** The input's height and width, which must be known (not None) for {@code why}. */
  static long[] requireKnownSize(Layer layer, Shape shape, String why) {
    long h = shape.get(1);
    long w = shape.get(2);
    if (h == Shape.UNKNOWN_SIZE || w == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(layer.describe() + ": " + why + " needs the input's "
          + "height and width known, got " + Shapes.format(shape));
    }
    return new long[] {h, w};
  }

  /** The input as float32 (Keras casts image inputs to its compute dtype). */
  @SuppressWarnings("unchecked")
  static Operand<TFloat32> floats(Ops tf, Operand<?> x) {
    return x.type() == TFloat32.class ? (Operand<TFloat32>) x
        : tf.dtypes.cast((Operand<? extends TNumber>) x, TFloat32.class);
  }

  /** Rows {@code [h0, h0 + h)} and columns {@code [w0, w0 + w)} of every image. */
  static Operand<TFloat32> crop(Ops tf, Operand<TFloat32> x, long h0, long w0, long h, long w) {
    return tf.slice(x, tf.constant(new long[] {0, h0, w0, 0}),
        tf.constant(new long[] {-1, h, w, -1}));
  }

  /**
   * Keras 3's TensorFlow-backend {@code resize} without antialiasing: {@code tf.image.resize}'s
   * {@code ResizeBilinear} or {@code ResizeNearestNeighbor} with {@code half_pixel_centers=True},
   * {@code align_corners=False}.
   */
  static Operand<TFloat32> resize(Ops tf, Operand<TFloat32> x, int height, int width,
      String interpolation) {
    Operand<org.tensorflow.types.TInt32> size = tf.constant(new int[] {height, width});
    return switch (interpolation) {
      case "bilinear" -> tf.image.resizeBilinear(x, size, ResizeBilinear.halfPixelCenters(true));
      case "nearest" -> tf.image.resizeNearestNeighbor(x, size,
          ResizeNearestNeighbor.halfPixelCenters(true));
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
