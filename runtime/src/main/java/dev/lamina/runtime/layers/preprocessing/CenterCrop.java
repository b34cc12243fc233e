package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
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
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code CenterCrop(height, width, data_format=None)}: the centred {@code (height,
 * width)} window of each channels_last image (starting at the floor of half the difference).
 * As Keras, an image smaller than the target on either side is not padded: it is cropped to the
 * target's aspect ratio and resized bilinearly ({@code keras.utils.smart_resize}). With an
 * unknown (None) height or width it slices as Keras's TensorFlow path then does (an input
 * smaller than the target is an error when the model runs). Numeric inputs, cast to float32 as Keras casts to its compute
 * dtype. No weights.
 */
public final class CenterCrop extends Layer {

  private final int height;
  private final int width;
  /** The input's height and width, null if unknown (the same at each call). */
  private long[] inputSize;
  private boolean called;

  /** {@code CenterCrop(height, width)}. */
  public CenterCrop(int height, int width) {
    this(null, height, width);
  }

  /** {@code CenterCrop(height, width, name=name)}. */
  public CenterCrop(String name, int height, int width) {
    super(name);
    ImageLayers.requirePositive("CenterCrop", "height", height);
    ImageLayers.requirePositive("CenterCrop", "width", width);
    this.height = height;
    this.width = width;
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<? extends TNumber> x) {
    return applyTyped(x);
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
    inputSize = ImageLayers.sameSizeEachCall(this, shape, inputSize, called);
    called = true;
    return Layers.spec(ImageLayers.resized(shape, height, width), TFloat32.class);
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<TFloat32> x = ImageLayers.floats(tf, inputs.get(0));
    if (inputSize == null) {
      // Keras's path for sizes it does not know: the centred window (an input smaller than the
      // target is an error when the model runs, as in Keras), never smart_resize
      Operand<TInt32> h0 = tf.math.floorDiv(
          tf.math.sub(ImageLayers.dim(tf, x, 1), tf.constant(height)), tf.constant(2));
      Operand<TInt32> w0 = tf.math.floorDiv(
          tf.math.sub(ImageLayers.dim(tf, x, 2), tf.constant(width)), tf.constant(2));
      return ImageLayers.crop(tf, x, h0, w0, tf.constant(height), tf.constant(width));
    }
    long h = inputSize[0];
    long w = inputSize[1];
    if (h >= height && w >= width) {
      return ImageLayers.crop(tf, x, Math.floorDiv(h - height, 2), Math.floorDiv(w - width, 2),
          height, width);
    }
    // keras.utils.smart_resize with known sizes: Python float arithmetic, truncated
    long cropH = Math.max(Math.min(h, (long) ((double) (w * height) / width)), 1);
    long cropW = Math.max(Math.min(w, (long) ((double) (h * width) / height)), 1);
    long h0 = (long) ((double) (h - cropH) / 2);
    long w0 = (long) ((double) (w - cropW) / 2);
    return ImageLayers.resize(tf, ImageLayers.crop(tf, x, h0, w0, cropH, cropW), height, width,
        "bilinear");
  }
}
