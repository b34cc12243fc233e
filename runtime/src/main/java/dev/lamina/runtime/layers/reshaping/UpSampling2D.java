package dev.lamina.runtime.layers.reshaping;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBicubic;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code UpSampling2D(size=(2, 2), interpolation="nearest")}, channels_last: each
 * {@code (rows, cols, channels)} image becomes {@code (rows * size[0], cols * size[1], channels)}.
 * {@code "nearest"} repeats each row and column (Keras's {@code ops.repeat}, any dtype);
 * {@code "bilinear"} and {@code "bicubic"} resize float32 images as Keras's {@code
 * tf.image.resize} does (TensorFlow's {@code ResizeBilinear} / {@code ResizeBicubic} with
 * half-pixel centers, no antialiasing). Keras's other interpolations are refused.
 */
public final class UpSampling2D extends Layer {

  /** The interpolations Lamina implements, as Keras names them. */
  public static final List<String> INTERPOLATIONS = List.of("nearest", "bilinear", "bicubic");

  private final int[] size;
  private final String interpolation;

  /** Keras's default, {@code size=(2, 2)}. */
  public UpSampling2D() {
    this(null, 2, 2);
  }

  /** Keras's {@code UpSampling2D(n)}: {@code n} along both axes. */
  public UpSampling2D(int size) {
    this(null, size, size);
  }

  /** Keras's {@code UpSampling2D((rows, cols))}. */
  public UpSampling2D(int rows, int cols) {
    this(null, rows, cols, "nearest");
  }

  /** A named layer with Keras's default interpolation, {@code "nearest"}. */
  public UpSampling2D(String name, int rows, int cols) {
    this(name, rows, cols, "nearest");
  }

  /**
   * Keras's {@code UpSampling2D((rows, cols), interpolation=...)}; {@code name} may be null.
   *
   * @param interpolation one of {@link #INTERPOLATIONS}
   */
  public UpSampling2D(String name, int rows, int cols, String interpolation) {
    super(name);
    this.size = ReshapingArgs.checkSizes("UpSampling2D", rows, cols);
    if (!INTERPOLATIONS.contains(interpolation)) {
      throw new IllegalArgumentException("UpSampling2D's interpolation '" + interpolation
          + "' is not supported; Lamina implements " + INTERPOLATIONS);
    }
    this.interpolation = interpolation;
  }

  /** The interpolation, as Keras names it. */
  public String interpolation() {
    return interpolation;
  }

  /** Applies the layer; the output has the input\'s dtype. */
  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<T> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("size", new long[] {size[0], size[1]});
    out.put("interpolation", interpolation);
    return out;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ReshapingArgs.requireRank(this, inputs.get(0), 4,
        "(batch, rows, cols, channels)");
    if (!interpolation.equals("nearest") && inputs.get(0).dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + ": '" + interpolation + "' interpolation "
          + "needs a float32 input, got " + Shapes.dtypeName(inputs.get(0).dtype()));
    }
    return Layers.spec(ReshapingArgs.repeatedShape(shape, size), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<?> x = inputs.get(0);
    if (interpolation.equals("nearest")) {
      return ReshapingArgs.repeatAll(tf, x, size);
    }
    Shape shape = x.shape();
    Operand<TInt32> newSize;
    if (shape.get(1) != Shape.UNKNOWN_SIZE && shape.get(2) != Shape.UNKNOWN_SIZE) {
      newSize = tf.constant(new int[] {Math.toIntExact(shape.get(1) * size[0]),
          Math.toIntExact(shape.get(2) * size[1])});
    } else {
      newSize = tf.math.mul(
          tf.slice(tf.shape(x), tf.constant(new int[] {1}), tf.constant(new int[] {2})),
          tf.constant(size.clone()));
    }
    @SuppressWarnings("unchecked")
    Operand<TFloat32> images = (Operand<TFloat32>) x;
    return interpolation.equals("bilinear")
        ? tf.image.resizeBilinear(images, newSize, ResizeBilinear.halfPixelCenters(true))
        : tf.image.resizeBicubic(images, newSize, ResizeBicubic.halfPixelCenters(true));
  }
}
