package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.image.ResizeNearestNeighbor;
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
   * The input's height and width, which must be known (not None) for {@code why}, and the same
   * as at the layer's earlier calls ({@code earlier}, null if none): the graph's operands may
   * have lost the static sizes (after a layer that does not keep them), so the layer keeps them.
   */
  static long[] requireKnownSize(Layer layer, Shape shape, String why, long[] earlier) {
    long[] size = requireKnownSize(layer, shape, why);
    if (earlier != null && !java.util.Arrays.equals(earlier, size)) {
      throw new IllegalArgumentException(layer.describe() + ": " + why + " takes one input "
          + "height and width for all its calls; called on " + earlier[0] + "x" + earlier[1]
          + " and then on " + Shapes.format(shape));
    }
    return size;
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
    // int32 begin and size, the size without -1: TensorFlow's gradient of Slice needs both
    Operand<TInt32> shape = tf.shape(x);
    Operand<TInt32> size = tf.concat(List.of(
        tf.slice(shape, tf.constant(new int[] {0}), tf.constant(new int[] {1})),
        tf.constant(new int[] {Math.toIntExact(h), Math.toIntExact(w)}),
        tf.slice(shape, tf.constant(new int[] {3}), tf.constant(new int[] {1}))), tf.constant(0));
    return tf.slice(x, tf.constant(new int[] {0, Math.toIntExact(h0), Math.toIntExact(w0), 0}),
        size);
  }

  /**
   * Keras 3's TensorFlow-backend {@code resize} without antialiasing: {@code tf.image.resize}'s
   * {@code ResizeBilinear} or {@code ResizeNearestNeighbor} with {@code half_pixel_centers=True},
   * {@code align_corners=False}.
   */
  static Operand<TFloat32> resize(Ops tf, Operand<TFloat32> x, int height, int width,
      String interpolation) {
    Operand<TInt32> size = tf.constant(new int[] {height, width});
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
