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
import org.tensorflow.types.family.TFloating;

/**
 * Keras's {@code Resizing(height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
 * pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
 * data_format=None)}: resizes a batch of channels_last images to {@code (height, width)} as
 * Keras's TensorFlow backend does ({@code tf.image.resize}, half-pixel centres, no
 * antialiasing). With {@code crop_to_aspect_ratio} it first crops the largest centred window of
 * the target's aspect ratio; with {@code pad_to_aspect_ratio} it first pads the short side evenly
 * with {@code fill_value}; both need the input's height and width known. Interpolation
 * {@code "bilinear"} or {@code "nearest"}; Keras's {@code "bicubic"}, {@code "area"},
 * {@code "lanczos3"}, {@code "lanczos5"} and {@code antialias=True} are refused. Floating-point
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
  /** With crop or pad to the aspect ratio: the input's height and width (the same each call). */
  private long[] inputSize;

  /** {@code Resizing(height, width)}: bilinear. */
  public Resizing(int height, int width) {
    this(builder(height, width));
  }

  private Resizing(Builder b) {
    super(b.name);
    ImageLayers.requirePositive("Resizing", "height", b.height);
    ImageLayers.requirePositive("Resizing", "width", b.width);
    if (!b.interpolation.equals("bilinear") && !b.interpolation.equals("nearest")) {
      throw new IllegalArgumentException(KERAS_INTERPOLATIONS.contains(b.interpolation)
          ? "Resizing interpolation '" + b.interpolation + "' is not supported; Lamina "
              + "implements 'bilinear' and 'nearest'"
          : "Resizing interpolation '" + b.interpolation + "' is not one of Keras's: bilinear, "
              + "nearest, bicubic, area, lanczos3, lanczos5");
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

    /** {@code "bilinear"} (Keras's default) or {@code "nearest"}. */
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
    if (cropToAspectRatio || padToAspectRatio) {
      inputSize = ImageLayers.requireKnownSize(this, shape,
          cropToAspectRatio ? "crop_to_aspect_ratio" : "pad_to_aspect_ratio", inputSize);
    }
    return Layers.spec(ImageLayers.resized(shape, height, width), TFloat32.class);
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<TFloat32> x = ImageLayers.floats(tf, inputs.get(0));
    if (cropToAspectRatio) {
      long h = inputSize[0];
      long w = inputSize[1];
      // Keras's TensorFlow backend: int32 products, float32 quotients truncated to int32
      long cropH = Math.max(Math.min(h, (long) ((float) (w * height) / width)), 1);
      long cropW = Math.max(Math.min(w, (long) ((float) (h * width) / height)), 1);
      long h0 = (long) ((float) (h - cropH) / 2);
      long w0 = (long) ((float) (w - cropW) / 2);
      x = ImageLayers.crop(tf, x, h0, w0, cropH, cropW);
    } else if (padToAspectRatio) {
      long h = inputSize[0];
      long w = inputSize[1];
      long padH = Math.max(h, (long) ((float) (w * height) / width));
      long padW = Math.max(w, (long) ((float) (h * width) / height));
      // Keras pads each side by the truncated half of the difference (an odd one loses a row)
      long h0 = (long) ((float) (padH - h) / 2);
      long w0 = (long) ((float) (padW - w) / 2);
      if (h0 > 0 || w0 > 0) {
        // int32 amounts: the C++ gradient of PadV2 slices with int32 indices
        int ph = Math.toIntExact(h0);
        int pw = Math.toIntExact(w0);
        x = tf.pad(x, tf.constant(new int[][] {{0, 0}, {ph, ph}, {pw, pw}, {0, 0}}),
            tf.constant((float) fillValue));
      }
    }
    return ImageLayers.resize(tf, x, height, width, interpolation);
  }
}
