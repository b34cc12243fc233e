package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import dev.lamina.runtime.SymbolicTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code RandomColorJitter(value_range=(0, 255), brightness_factor=None,
 * contrast_factor=None, saturation_factor=None, hue_factor=None, seed=None, data_format=None)}:
 * in training ({@code fit}) Lamina's {@link RandomBrightness}, {@link RandomContrast},
 * {@link RandomSaturation} and {@link RandomHue}, each made with its factor (those given; none
 * given, the identity), {@code value_range} and the seed, applied in that order. In
 * {@code predict} and {@code evaluate} it is the identity (Keras's {@code training=False}). Each
 * factor is checked as its layer checks it.
 *
 * <p>As Keras's: every draw comes from this layer's own {@code SeedGenerator(seed)}, in order
 * (brightness 1, contrast 1, saturation 1, hue 2 per call): with a seed, step {@code k} draws
 * {@code [seed, n k + i]}, {@code n} the draws of the factors given; without one, from
 * {@code FitOptions.seed}. Numeric inputs, cast to float32; channels_last batches of images,
 * RGB (3 channels) with a saturation or hue factor. No weights; with a saturation or hue factor
 * it trains only before every trainable weight (TensorFlow has no gradient of
 * {@code HSVToRGB}).
 */
public final class RandomColorJitter extends RandomImageLayer {

  private static final String TYPE = "RandomColorJitter";

  private final double[] valueRange;
  private final double[] brightness;
  private final double[] contrast;
  private final double[] saturation;
  private final double[] hue;
  /** The layers composed, in Keras's order, and the draws each makes per call. */
  private final List<RandomImageLayer> layers = new ArrayList<>();
  private final List<Integer> draws = new ArrayList<>();

  /** {@code RandomColorJitter()}: no factor (the identity), unseeded. */
  public RandomColorJitter() {
    this(builder());
  }

  private RandomColorJitter(Builder b) {
    super(b.name, b.seed);
    this.valueRange = b.valueRange;
    this.brightness = b.brightness;
    this.contrast = b.contrast;
    this.saturation = b.saturation;
    this.hue = b.hue;
    if (brightness != null) {
      add("brightness_factor", () -> RandomBrightness.builder(brightness)
          .valueRange(valueRange).build(), 1);
    }
    if (contrast != null) {
      add("contrast_factor", () -> RandomContrast.builder(contrast).valueRange(valueRange)
          .build(), 1);
    }
    if (saturation != null) {
      add("saturation_factor", () -> RandomSaturation.builder(saturation)
          .valueRange(valueRange).build(), 1);
    }
    if (hue != null) {
      add("hue_factor", () -> RandomHue.builder(hue).valueRange(valueRange).build(), 2);
    }
  }

  /** The layer {@code make} makes, refused as Keras's jitter refuses it: naming the argument. */
  private void add(String argument, java.util.function.Supplier<RandomImageLayer> make, int n) {
    try {
      layers.add(make.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(TYPE + " " + argument + ": " + e.getMessage(), e);
    }
    draws.add(n);
  }

  /** A builder with Keras's defaults: no factor. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Keras's arguments and defaults. Each factor is checked when the layer is built, by the layer
   * it makes (a refusal names the jitter and that layer's argument).
   */
  public static final class Builder extends RandomImageLayer.Builder<Builder> {
    private double[] valueRange = {0, 255};
    private double[] brightness;
    private double[] contrast;
    private double[] saturation;
    private double[] hue;

    private Builder() {}

    /** The images' range {@code (low, high)}, (0, 255) by default, for each layer. */
    public Builder valueRange(double... valueRange) {
      this.valueRange = AffineTransforms.requireValueRange(TYPE, valueRange);
      return this;
    }

    /** RandomBrightness's {@code factor}, a number or a pair; null (the default) for none. */
    public Builder brightnessFactor(double... factor) {
      this.brightness = factor == null ? null : factor.clone();
      return this;
    }

    /** RandomContrast's {@code factor}, a number or a pair; null (the default) for none. */
    public Builder contrastFactor(double... factor) {
      this.contrast = factor == null ? null : factor.clone();
      return this;
    }

    /** RandomSaturation's {@code factor}, a number or a pair; null (the default) for none. */
    public Builder saturationFactor(double... factor) {
      this.saturation = factor == null ? null : factor.clone();
      return this;
    }

    /** RandomHue's {@code factor}, a number or a pair; null (the default) for none. */
    public Builder hueFactor(double... factor) {
      this.hue = factor == null ? null : factor.clone();
      return this;
    }

    public RandomColorJitter build() {
      return new RandomColorJitter(this);
    }
  }

  /** Keras's arguments as its {@code get_config} writes them: the factors as given. */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("value_range", AffineTransforms.pair(valueRange));
    arguments.put("brightness_factor", AffineTransforms.configValue(brightness));
    arguments.put("contrast_factor", AffineTransforms.configValue(contrast));
    arguments.put("saturation_factor", AffineTransforms.configValue(saturation));
    arguments.put("hue_factor", AffineTransforms.configValue(hue));
    arguments.put("data_format", "channels_last");
    return arguments;
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    OutputSpec<?> spec = super.computeOutput(inputs);
    if (saturation != null || hue != null) {
      AffineTransforms.requireChannels(TYPE + " with a saturation or hue factor",
          inputs.get(0).shape(), 3);
    }
    return spec;
  }

  @Override
  protected Operand<TFloat32> augment(Ops tf, Operand<TFloat32> x, SeedStream seeds) {
    int total = draws.stream().mapToInt(Integer::intValue).sum();
    Operand<TFloat32> images = tf.identity(x);
    int offset = 0;
    for (int i = 0; i < layers.size(); i++) {
      images = layers.get(i).augmentComposed(tf, images, seeds, seed(), total, offset);
      offset += draws.get(i);
    }
    return images;
  }
}
