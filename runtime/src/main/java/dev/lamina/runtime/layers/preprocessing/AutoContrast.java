package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Min;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code AutoContrast(value_range=(0, 255))}: not random, and applied in training and
 * inference alike (Keras's {@code transform_images} ignores {@code training}). Each image is
 * mapped from {@code value_range} to {@code (0, 255)}; each channel's minimum {@code low} and
 * maximum {@code high} over the image's height and width give {@code scale = 255 / (high - low)},
 * and each value {@code v} becomes {@code v * scale + (-low * scale)}, clipped to
 * {@code [0, 255]} and mapped back to {@code value_range}; where that is NaN (a channel of one
 * value: {@code 0 * inf} or {@code inf - inf}) the input value is kept. {@code value_range} is a
 * pair of numbers, sorted as Keras sorts it.
 *
 * <p>Numeric inputs, cast to float32 first; channels_last batches of images. No weights, no
 * seed; every op on the values' path (min, max, division, clip) has a gradient, so the layer may
 * also sit after a weight (the NaN test is a mask, outside the gradient).
 */
public final class AutoContrast extends Layer {

  private static final String TYPE = "AutoContrast";

  private final double[] valueRange;

  /** {@code AutoContrast()}: value_range (0, 255). */
  public AutoContrast() {
    this(null, 0, 255);
  }

  /** {@code AutoContrast(value_range=valueRange, name=name)}; {@code name} null for a default. */
  public AutoContrast(String name, double... valueRange) {
    super(name);
    this.valueRange = AffineTransforms.sortedValueRange(TYPE, valueRange);
  }

  /** A builder of {@code AutoContrast()}: value_range (0, 255) unless set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument and default; the setter refuses what Keras refuses. */
  public static final class Builder {
    private String name;
    private double[] valueRange = {0, 255};

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The images' range {@code (low, high)}, (0, 255) by default: sorted. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.sortedValueRange(TYPE, valueRange);
      return this;
    }

    public AutoContrast build() {
      return new AutoContrast(name, valueRange);
    }
  }

  public SymbolicTensor<TFloat32> apply(SymbolicTensor<? extends TNumber> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("value_range", AffineTransforms.pair(valueRange));
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  /** A batch of images of any size, out as float32 of the same shape. */
  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    return Layers.spec(ImageLayers.requireImages(this, inputs.get(0)), TFloat32.class);
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<TFloat32> original = ImageLayers.floats(tf, inputs.get(0));
    Operand<TFloat32> images = AffineTransforms.valueRange(tf, original, valueRange,
        AffineTransforms.RANGE_255);
    Operand<TFloat32> low = tf.min(images, tf.constant(new int[] {1, 2}), Min.keepDims(true));
    Operand<TFloat32> high = tf.max(images, tf.constant(new int[] {1, 2}), Max.keepDims(true));
    Operand<TFloat32> scale = tf.math.div(tf.constant(255f), tf.math.sub(high, low));
    Operand<TFloat32> offset = tf.math.mul(tf.math.neg(low), scale);
    Operand<TFloat32> stretched = tf.math.add(tf.math.mul(images, scale), offset);
    Operand<TFloat32> results = AffineTransforms.valueRange(tf,
        AffineTransforms.clip(tf, stretched, 0, 255), AffineTransforms.RANGE_255, valueRange);
    return tf.select(tf.math.isNan(tf.stopGradient(results)), original, results);
  }
}
