package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Keras's {@code Resizing(height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
 * pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
 * data_format=None)}: resizes a batch of channels_last images to {@code (height, width)} as
 * Keras's TensorFlow backend does ({@code tf.image.resize}, half-pixel centres, no
 * antialiasing). With {@code crop_to_aspect_ratio} it first crops the largest centred window of
 * the target's aspect ratio; with {@code pad_to_aspect_ratio} it first pads the short side evenly
 * with {@code fill_value}; with the input's height and width known or not. Interpolation
 * {@code "bilinear"}, {@code "nearest"}, {@code "bicubic"}, {@code "area"}, {@code "lanczos3"}
 * or {@code "lanczos5"}; {@code antialias=True} is refused. Training differentiates through all
 * but {@code "area"} (TensorFlow has no gradient of {@code ResizeArea}: a model with an
 * {@code "area"} Resizing after a weight cannot be compiled for training; at the model's input,
 * where no gradient passes, it trains). Floating-point
 * inputs; the output is float32. No weights; training differentiates through it (TensorFlow's
 * resize, slice and pad gradients), wherever it sits.
 */
public final class Resizing extends Layer {

  private static final Set<String> KERAS_INTERPOLATIONS =
      Set.of("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area");

  private final int height;
  private final int width;
  private final String interpolation;
  private final boolean cropToAspectRatio;
  private final boolean padToAspectRatio;
  private final double fillValue;
  /** The input's height and width, null if unknown (the same at each call). */
  private long[] inputSize;
  private boolean called;

  /** {@code Resizing(height, width)}: bilinear. */
  public Resizing(int height, int width) {
    this(builder(height, width));
  }

  private Resizing(Builder b) {
    super(b.name);
    ImageLayers.requirePositive("Resizing", "height", b.height);
    ImageLayers.requirePositive("Resizing", "width", b.width);
    if (!KERAS_INTERPOLATIONS.contains(b.interpolation)) {
      throw new IllegalArgumentException("Resizing interpolation '" + b.interpolation
          + "' is not one of Keras's: bilinear, nearest, bicubic, area, lanczos3, lanczos5");
    }
    if (b.cropToAspectRatio && b.padToAspectRatio) {
      throw new IllegalArgumentException(
          "Resizing: only one of pad_to_aspect_ratio and crop_to_aspect_ratio can be true");
    }
    this.height = b.height;
    this.width = b.width;
    this.interpolation = b.interpolation;
    this.cropToAspectRatio = b.cropToAspectRatio;
    this.padToAspectRatio = b.padToAspectRatio;
    this.fillValue = b.fillValue;
  }

  /** A builder with Keras's defaults. */
  public static Builder builder(int height, int width) {
    return new Builder(height, width);
  }

  /** Keras's arguments; {@code fill_mode} is {@code "constant"} only, as in Keras. */
  public static final class Builder {
    private final int height;
    private final int width;
    private String name;
    private String interpolation = "bilinear";
    private boolean cropToAspectRatio;
    private boolean padToAspectRatio;
    private double fillValue;

    private Builder(int height, int width) {
      this.height = height;
      this.width = width;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * {@code "bilinear"} (Keras's default), {@code "nearest"}, {@code "bicubic"}, {@code "area"},
     * {@code "lanczos3"} or {@code "lanczos5"}.
     */
    public Builder interpolation(String interpolation) {
      this.interpolation = interpolation;
      return this;
    }

    public Builder cropToAspectRatio(boolean crop) {
      this.cropToAspectRatio = crop;
      return this;
    }

    public Builder padToAspectRatio(boolean pad) {
      this.padToAspectRatio = pad;
      return this;
    }

    /** The padding's value with {@code padToAspectRatio}. */
    public Builder fillValue(double fillValue) {
      this.fillValue = fillValue;
      return this;
    }

    public Resizing build() {
      return new Resizing(this);
    }
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<? extends TFloating> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("height", height);
    arguments.put("width", width);
    arguments.put("interpolation", interpolation);
    arguments.put("crop_to_aspect_ratio", cropToAspectRatio);
    arguments.put("pad_to_aspect_ratio", padToAspectRatio);
    arguments.put("fill_mode", "constant");
    arguments.put("fill_value", fillValue);
    arguments.put("antialias", false);
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    Shape shape = ImageLayers.requireImages(this, inputs.get(0));
    if (!TFloating.class.isAssignableFrom(inputs.get(0).dtype())) {
      throw new IllegalArgumentException(describe() + " takes floating-point images (Keras "
          + "rounds integer images back to their dtype, which Lamina does not); cast first");
    }
    inputSize = ImageLayers.sameSizeEachCall(this, shape, inputSize, called);
    called = true;
    return Layers.spec(ImageLayers.resized(shape, height, width), TFloat32.class);
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<TFloat32> x = ImageLayers.floats(tf, inputs.get(0));
    if (cropToAspectRatio || padToAspectRatio) {
      // Keras's TensorFlow backend: int32 products, float32 quotients truncated to int32
      Operand<TInt32> h = inputSize == null ? ImageLayers.dim(tf, x, 1)
          : tf.constant(Math.toIntExact(inputSize[0]));
      Operand<TInt32> w = inputSize == null ? ImageLayers.dim(tf, x, 2)
          : tf.constant(Math.toIntExact(inputSize[1]));
      Operand<TInt32> targetH = ImageLayers.truncatedQuotient(tf,
          tf.math.mul(w, tf.constant(height)), width);
      Operand<TInt32> targetW = ImageLayers.truncatedQuotient(tf,
          tf.math.mul(h, tf.constant(width)), height);
      if (cropToAspectRatio) {
        Operand<TInt32> one = tf.constant(1);
        Operand<TInt32> cropH = tf.math.maximum(tf.math.minimum(h, targetH), one);
        Operand<TInt32> cropW = tf.math.maximum(tf.math.minimum(w, targetW), one);
        x = ImageLayers.crop(tf, x,
            ImageLayers.truncatedQuotient(tf, tf.math.sub(h, cropH), 2),
            ImageLayers.truncatedQuotient(tf, tf.math.sub(w, cropW), 2), cropH, cropW);
      } else {
        // Keras pads each side by the truncated half of the difference (an odd one loses a
        // row); int32 amounts, as the C++ gradient of PadV2 slices with int32 indices
        Operand<TInt32> h0 = ImageLayers.truncatedQuotient(tf,
            tf.math.sub(tf.math.maximum(h, targetH), h), 2);
        Operand<TInt32> w0 = ImageLayers.truncatedQuotient(tf,
            tf.math.sub(tf.math.maximum(w, targetW), w), 2);
        Operand<TInt32> zero = tf.constant(0);
        Operand<TInt32> paddings = tf.stack(List.of(tf.stack(List.of(zero, zero)),
            tf.stack(List.of(h0, h0)), tf.stack(List.of(w0, w0)), tf.stack(List.of(zero, zero))));
        x = tf.pad(x, paddings, tf.constant((float) fillValue));
      }
    }
    return ImageLayers.resize(tf, x, height, width, interpolation);
  }
}
