package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code RandomCrop(height, width, seed=None, data_format=None)}: a {@code (height,
 * width)} window of each channels_last image, the same window for the whole batch.
 *
 * <p>In training ({@code fit}), when the input is larger than the target on both sides, the
 * window's top and left are drawn as Keras draws them: two uniform float32 scalars in
 * {@code [0, input_height - height + 1)} and {@code [0, input_width - width + 1)}, each cast to
 * int32 (with a seed of its own, step {@code k} draws {@code [seed, 2k]} and
 * {@code [seed, 2k + 1]}, as Keras's {@code SeedGenerator(seed)}; without one, from
 * {@code FitOptions.seed}). Otherwise (in training when the input is not larger on both sides,
 * and always in {@code predict} and {@code evaluate}) the window is Keras's fixed one: the
 * largest centred window of the target's aspect ratio gives the start, {@code (height, width)}
 * rows and columns from it are taken (as many as the input has) and, if that is not
 * {@code (height, width)}, resized bilinearly to it. No random draw is made then.
 *
 * <p>Keras 3.15.1's own {@code transform_images} returns the input unchanged when
 * {@code training=False} (keras-team/keras#21868, open), so that its output then does not have
 * the {@code (height, width)} its {@code compute_output_shape} declares and a following layer
 * that needs that size fails. Lamina applies the fixed window in inference instead, as Keras's
 * documentation says and {@code get_random_transformation(training=False)} computes: the
 * declared shape holds and a model predicts. The input's height and width must be known (Keras
 * refuses unknown ones too). Numeric inputs, cast to float32. No weights; every op has a
 * gradient, so the layer may also sit after a weight.
 */
public final class RandomCrop extends RandomImageLayer {

  private static final String TYPE = "RandomCrop";

  private final int height;
  private final int width;
  /** The input's height and width (the same at each call). */
  private long[] inputSize;
  private boolean called;

  /** {@code RandomCrop(height, width)}, unseeded. */
  public RandomCrop(int height, int width) {
    this(builder(height, width));
  }

  private RandomCrop(Builder b) {
    super(b.name, b.seed);
    this.height = b.height;
    this.width = b.width;
  }

  /** A builder of {@code RandomCrop(height, width)}. */
  public static Builder builder(int height, int width) {
    return new Builder(height, width);
  }

  /** Keras's arguments and defaults. */
  public static final class Builder extends RandomImageLayer.Builder<Builder> {
    private final int height;
    private final int width;

    private Builder(int height, int width) {
      ImageLayers.requirePositive(TYPE, "height", height);
      ImageLayers.requirePositive(TYPE, "width", width);
      this.height = height;
      this.width = width;
    }

    public RandomCrop build() {
      return new RandomCrop(this);
    }
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("height", height);
    arguments.put("width", width);
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ImageLayers.requireImages(this, inputs.get(0));
    long[] size = ImageLayers.sameSizeEachCall(this, shape, inputSize, called);
    if (size == null) {
      throw new IllegalArgumentException(describe() + " needs the input's height and width "
          + "known, as Keras's RandomCrop; got " + Shapes.format(shape));
    }
    inputSize = size;
    called = true;
    return Layers.spec(ImageLayers.resized(shape, height, width), TFloat32.class);
  }

  /** In training: a random window when the input is larger on both sides, else the fixed one. */
  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    long h = inputSize[0];
    long w = inputSize[1];
    if (h <= height || w <= width) {
      return infer(tf, x);
    }
    Operand<TInt32> scalar = tf.constant(new int[0]);
    Operand<TInt32> h0 = start(tf, AffineTransforms.uniform(tf, scalar, draw(seeds, 2, 0), 0,
        (double) (h - height + 1)), h - height);
    Operand<TInt32> w0 = start(tf, AffineTransforms.uniform(tf, scalar, draw(seeds, 2, 1), 0,
        (double) (w - width + 1)), w - width);
    return ImageLayers.crop(tf, x, h0, w0, tf.constant(height), tf.constant(width));
  }

  /** Keras's fixed window (see the class comment), in predict and evaluate. */
  @Override
  protected Operand<TFloat32> infer(Ops tf, Operand<TFloat32> x) {
    long h = inputSize[0];
    long w = inputSize[1];
    // Keras's fixed window: Python float arithmetic, truncated
    long cropH = Math.max(Math.min(h, (long) ((double) (w * height) / width)), 1);
    long cropW = Math.max(Math.min(w, (long) ((double) (h * width) / height)), 1);
    long h0 = (long) ((double) (h - cropH) / 2);
    long w0 = (long) ((double) (w - cropW) / 2);
    // images[:, h0:h0 + height, w0:w0 + width]: as many rows and columns as there are
    long rows = Math.min(h0 + height, h) - h0;
    long cols = Math.min(w0 + width, w) - w0;
    Operand<TFloat32> window = ImageLayers.crop(tf, x, h0, w0, rows, cols);
    if (rows == height && cols == width) {
      return window;
    }
    return ImageLayers.resize(tf, window, height, width, "bilinear");
  }

  /**
   * Keras's {@code cast(uniform(...), "int32")}, at most {@code last} (a float32 draw can round
   * up to its upper bound, where Keras's slice would come out short).
   */
  private static Operand<TInt32> start(Ops tf, Operand<TFloat32> draw, long last) {
    return tf.math.minimum(tf.dtypes.cast(draw, TInt32.class),
        tf.constant(Math.toIntExact(last)));
  }
}
