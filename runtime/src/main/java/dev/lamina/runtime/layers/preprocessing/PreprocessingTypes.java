package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.reshaping.ReshapingTypes;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import java.util.function.Supplier;

/**
 * The preprocessing layers' types (image layers, and CategoryEncoding, Discretization and
 * Hashing), read from a configuration under Keras's names and
 * defaults, for {@link dev.lamina.runtime.layers.BuiltInLayerTypes}. channels_last only.
 */
public final class PreprocessingTypes {

  private PreprocessingTypes() {}

  /**
   * Keras's {@code Resizing(height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
   * pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
   * data_format=None)}.
   */
  public static final LayerType<Resizing> RESIZING = LayerType.of(
      "Resizing", Resizing.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        c.requireDefault("antialias", false);
        c.requireDefault("fill_mode", "constant");
        Resizing.Builder b = Resizing.builder(c.requireInt("height"), c.requireInt("width"))
            .name(name)
            .interpolation(c.optString("interpolation", "bilinear"))
            .cropToAspectRatio(c.optBoolean("crop_to_aspect_ratio", false))
            .padToAspectRatio(c.optBoolean("pad_to_aspect_ratio", false))
            .fillValue(c.optDouble("fill_value", 0.0));
        return construct(c, "interpolation", b::build);
      });

  /** Keras's {@code CenterCrop(height, width, data_format=None)}. */
  public static final LayerType<CenterCrop> CENTER_CROP = LayerType.of(
      "CenterCrop", CenterCrop.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        int height = c.requireInt("height");
        int width = c.requireInt("width");
        return construct(c, "height", () -> new CenterCrop(name, height, width));
      });

  /** Keras's {@code RandomFlip(mode="horizontal_and_vertical", seed=None, data_format=None)}. */
  public static final LayerType<RandomFlip> RANDOM_FLIP = LayerType.of(
      "RandomFlip", RandomFlip.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        String mode = c.optString("mode", RandomFlip.HORIZONTAL_AND_VERTICAL);
        Long seed = c.has("seed") ? c.requireLong("seed") : null;
        return construct(c, "mode", () -> new RandomFlip(name, mode, seed));
      });

  /**
   * Keras's {@code RandomRotation(factor, fill_mode="reflect", interpolation="bilinear",
   * seed=None, fill_value=0.0, data_format=None)}.
   */
  public static final LayerType<RandomRotation> RANDOM_ROTATION = LayerType.of(
      "RandomRotation", RandomRotation.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] factor = factor(c, "factor");
        return affine(c, name, construct(c, "factor", () -> RandomRotation.builder(factor)))
            .build();
      });

  /**
   * Keras's {@code RandomZoom(height_factor, width_factor=None, fill_mode="reflect",
   * interpolation="bilinear", seed=None, fill_value=0.0, data_format=None)}.
   */
  public static final LayerType<RandomZoom> RANDOM_ZOOM = LayerType.of(
      "RandomZoom", RandomZoom.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] height = factor(c, "height_factor");
        double[] width = c.has("width_factor") ? factor(c, "width_factor") : null;
        RandomZoom.Builder b = construct(c, "height_factor", () -> RandomZoom.builder(height));
        construct(c, "width_factor", () -> b.widthFactor(width));
        return affine(c, name, b).build();
      });

  /**
   * Keras's {@code RandomTranslation(height_factor, width_factor, fill_mode="reflect",
   * interpolation="bilinear", seed=None, fill_value=0.0, data_format=None)}.
   */
  public static final LayerType<RandomTranslation> RANDOM_TRANSLATION = LayerType.of(
      "RandomTranslation", RandomTranslation.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] height = factor(c, "height_factor");
        double[] width = factor(c, "width_factor");
        RandomTranslation.Builder b = construct(c, "height_factor",
            () -> RandomTranslation.builder(height, new double[] {0}));
        construct(c, "width_factor", () -> b.widthFactor(width));
        return affine(c, name, b).build();
      });

  /**
   * Keras's {@code RandomShear(x_factor=0.0, y_factor=0.0, interpolation="bilinear",
   * fill_mode="reflect", fill_value=0.0, data_format=None, seed=None)}.
   */
  public static final LayerType<RandomShear> RANDOM_SHEAR = LayerType.of(
      "RandomShear", RandomShear.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        RandomShear.Builder b = RandomShear.builder();
        if (c.has("x_factor")) {
          double[] x = shearFactor(c, "x_factor");
          construct(c, "x_factor", () -> b.xFactor(x));
        }
        if (c.has("y_factor")) {
          double[] y = shearFactor(c, "y_factor");
          construct(c, "y_factor", () -> b.yFactor(y));
        }
        return affine(c, name, b).build();
      });

  /** Keras's {@code RandomContrast(factor, value_range=(0, 255), seed=None)}. */
  public static final LayerType<RandomContrast> RANDOM_CONTRAST = LayerType.of(
      "RandomContrast", RandomContrast.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] factor = factor(c, "factor");
        RandomContrast.Builder b = construct(c, "factor", () -> RandomContrast.builder(factor))
            .name(name).seed(c.has("seed") ? c.requireLong("seed") : null);
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /** Keras's {@code RandomBrightness(factor, value_range=(0, 255), seed=None)}. */
  public static final LayerType<RandomBrightness> RANDOM_BRIGHTNESS = LayerType.of(
      "RandomBrightness", RandomBrightness.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] factor = factor(c, "factor");
        RandomBrightness.Builder b = construct(c, "factor",
            () -> RandomBrightness.builder(factor))
            .name(name).seed(c.has("seed") ? c.requireLong("seed") : null);
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /** Keras's {@code RandomCrop(height, width, seed=None, data_format=None)}. */
  public static final LayerType<RandomCrop> RANDOM_CROP = LayerType.of(
      "RandomCrop", RandomCrop.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        int height = c.requireInt("height");
        int width = c.requireInt("width");
        construct(c, "height", () -> RandomCrop.builder(height, 1));
        RandomCrop.Builder b = construct(c, "width", () -> RandomCrop.builder(height, width));
        return b.name(name).seed(c.has("seed") ? c.requireLong("seed") : null).build();
      });

  /** Keras's {@code RandomGrayscale(factor=0.5, data_format=None, seed=None)}. */
  public static final LayerType<RandomGrayscale> RANDOM_GRAYSCALE = LayerType.of(
      "RandomGrayscale", RandomGrayscale.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double factor = c.optDouble("factor", 0.5);
        RandomGrayscale.Builder b = construct(c, "factor",
            () -> RandomGrayscale.builder().factor(factor));
        return b.name(name).seed(seed(c)).build();
      });

  /**
   * Keras's {@code RandomInvert(factor=1.0, value_range=(0, 255), seed=None,
   * data_format=None)}.
   */
  public static final LayerType<RandomInvert> RANDOM_INVERT = LayerType.of(
      "RandomInvert", RandomInvert.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        RandomInvert.Builder b = RandomInvert.builder().name(name).seed(seed(c));
        if (c.has("factor")) {
          double[] factor = factor(c, "factor");
          construct(c, "factor", () -> b.factor(factor));
        }
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /**
   * Keras's {@code Solarization(addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
   * seed=None)}.
   */
  public static final LayerType<Solarization> SOLARIZATION = LayerType.of(
      "Solarization", Solarization.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        Solarization.Builder b = Solarization.builder().name(name).seed(seed(c));
        for (String key : new String[] {"addition_factor", "threshold_factor"}) {
          if (c.has(key)) {
            double[] factor = factor(c, key);
            construct(c, key, () -> key.equals("addition_factor") ? b.additionFactor(factor)
                : b.thresholdFactor(factor));
          }
        }
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /**
   * Keras's {@code RandomPosterization(factor, value_range=(0, 255), data_format=None,
   * seed=None)}.
   */
  public static final LayerType<RandomPosterization> RANDOM_POSTERIZATION = LayerType.of(
      "RandomPosterization", RandomPosterization.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] factor = factor(c, "factor");
        RandomPosterization.Builder b = construct(c, "factor",
            () -> RandomPosterization.builder(factor)).name(name).seed(seed(c));
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /** Keras's {@code AutoContrast(value_range=(0, 255))}. */
  public static final LayerType<AutoContrast> AUTO_CONTRAST = LayerType.of(
      "AutoContrast", AutoContrast.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] range = c.has("value_range") ? valueRange(c) : new double[] {0, 255};
        return construct(c, "value_range", () -> new AutoContrast(name, range));
      });

  /**
   * Keras's {@code RandomColorDegeneration(factor, value_range=(0, 255), data_format=None,
   * seed=None)}.
   */
  public static final LayerType<RandomColorDegeneration> RANDOM_COLOR_DEGENERATION =
      LayerType.of("RandomColorDegeneration", RandomColorDegeneration.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] factor = factor(c, "factor");
        RandomColorDegeneration.Builder b = construct(c, "factor",
            () -> RandomColorDegeneration.builder(factor)).name(name).seed(seed(c));
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /** Keras's {@code RandomSaturation(factor, value_range=(0, 255), data_format=None, seed=None)}. */
  public static final LayerType<RandomSaturation> RANDOM_SATURATION = LayerType.of(
      "RandomSaturation", RandomSaturation.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] factor = factor(c, "factor");
        RandomSaturation.Builder b = construct(c, "factor", () -> RandomSaturation.builder(factor)).name(name)
            .seed(seed(c));
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /** Keras's {@code RandomHue(factor, value_range=(0, 255), data_format=None, seed=None)}. */
  public static final LayerType<RandomHue> RANDOM_HUE = LayerType.of(
      "RandomHue", RandomHue.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] factor = factor(c, "factor");
        RandomHue.Builder b = construct(c, "factor", () -> RandomHue.builder(factor)).name(name)
            .seed(seed(c));
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /** Keras's {@code RandomSharpness(factor, value_range=(0, 255), data_format=None, seed=None)}. */
  public static final LayerType<RandomSharpness> RANDOM_SHARPNESS = LayerType.of(
      "RandomSharpness", RandomSharpness.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] factor = factor(c, "factor");
        RandomSharpness.Builder b = construct(c, "factor", () -> RandomSharpness.builder(factor)).name(name)
            .seed(seed(c));
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /**
   * Keras's {@code RandomGaussianBlur(factor=1.0, kernel_size=3, sigma=1.0,
   * value_range=(0, 255), data_format=None, seed=None)}.
   */
  public static final LayerType<RandomGaussianBlur> RANDOM_GAUSSIAN_BLUR = LayerType.of(
      "RandomGaussianBlur", RandomGaussianBlur.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        RandomGaussianBlur.Builder b = RandomGaussianBlur.builder().name(name).seed(seed(c));
        if (c.has("factor")) {
          double[] factor = factor(c, "factor");
          construct(c, "factor", () -> b.factor(factor));
        }
        if (c.has("kernel_size")) {
          int[] kernelSize = c.json().get("kernel_size") instanceof JsonArray list
              ? ints(c, "kernel_size", list) : new int[] {c.requireInt("kernel_size")};
          construct(c, "kernel_size", () -> b.kernelSize(kernelSize));
        }
        if (c.has("sigma")) {
          double[] sigma = factor(c, "sigma");
          construct(c, "sigma", () -> b.sigma(sigma));
        }
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /**
   * Keras's {@code RandomErasing(factor=1.0, scale=(0.02, 0.33), fill_value=None,
   * value_range=(0, 255), seed=None, data_format=None)}.
   */
  public static final LayerType<RandomErasing> RANDOM_ERASING = LayerType.of(
      "RandomErasing", RandomErasing.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        RandomErasing.Builder b = RandomErasing.builder().name(name).seed(seed(c));
        if (c.has("factor")) {
          double[] factor = factor(c, "factor");
          construct(c, "factor", () -> b.factor(factor));
        }
        if (c.has("scale")) {
          double[] scale = factor(c, "scale");
          construct(c, "scale", () -> b.scale(scale));
        }
        if (c.has("fill_value") && c.json().get("fill_value") != null) {
          double[] fill = factor(c, "fill_value");
          construct(c, "fill_value", () -> b.fillValue(fill));
        }
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        return b.build();
      });

  /**
   * Keras's {@code RandomPerspective(factor=1.0, scale=1.0, interpolation="bilinear",
   * fill_value=0.0, seed=None, data_format=None)}.
   */
  public static final LayerType<RandomPerspective> RANDOM_PERSPECTIVE = LayerType.of(
      "RandomPerspective", RandomPerspective.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        RandomPerspective.Builder b = RandomPerspective.builder().name(name).seed(seed(c));
        if (c.has("factor")) {
          double[] factor = factor(c, "factor");
          construct(c, "factor", () -> b.factor(factor));
        }
        double scale = c.optDouble("scale", 1.0);
        construct(c, "scale", () -> b.scale(scale));
        String interpolation = c.optString("interpolation", "bilinear");
        construct(c, "interpolation", () -> b.interpolation(interpolation));
        b.fillValue(c.optDouble("fill_value", 0.0));
        return b.build();
      });

  /**
   * Keras's {@code RandomColorJitter(value_range=(0, 255), brightness_factor=None,
   * contrast_factor=None, saturation_factor=None, hue_factor=None, seed=None,
   * data_format=None)}.
   */
  public static final LayerType<RandomColorJitter> RANDOM_COLOR_JITTER = LayerType.of(
      "RandomColorJitter", RandomColorJitter.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        RandomColorJitter.Builder b = RandomColorJitter.builder().name(name).seed(seed(c));
        if (c.has("value_range")) {
          double[] range = valueRange(c);
          construct(c, "value_range", () -> b.valueRange(range));
        }
        String[] keys = {"brightness_factor", "contrast_factor", "saturation_factor",
            "hue_factor"};
        for (String key : keys) {
          if (c.has(key) && c.json().get(key) != null) {
            double[] factor = factor(c, key);
            switch (key) {
              case "brightness_factor" -> b.brightnessFactor(factor);
              case "contrast_factor" -> b.contrastFactor(factor);
              case "saturation_factor" -> b.saturationFactor(factor);
              default -> b.hueFactor(factor);
            }
            // each factor checked alone, so a refusal names its key
            RandomColorJitter.Builder alone = RandomColorJitter.builder();
            switch (key) {
              case "brightness_factor" -> alone.brightnessFactor(factor);
              case "contrast_factor" -> alone.contrastFactor(factor);
              case "saturation_factor" -> alone.saturationFactor(factor);
              default -> alone.hueFactor(factor);
            }
            construct(c, key, alone::build);
          }
        }
        return construct(c, "value_range", b::build);
      });

  /** Keras's {@code CategoryEncoding(num_tokens=None, output_mode="multi_hot", sparse=False)}. */
  public static final LayerType<CategoryEncoding> CATEGORY_ENCODING = LayerType.of(
      "CategoryEncoding", CategoryEncoding.class, (name, c) -> {
        if (!c.has("num_tokens")) {
          throw c.error("num_tokens", "num_tokens is required: the number of tokens, >= 1");
        }
        int numTokens = c.requireInt("num_tokens");
        String mode = c.optString("output_mode", "multi_hot");
        boolean sparse = c.optBoolean("sparse", false);
        construct(c, "num_tokens", () -> CategoryEncoding.builder(numTokens).build());
        construct(c, "output_mode",
            () -> CategoryEncoding.builder(numTokens).outputMode(mode).build());
        return construct(c, "sparse", () -> CategoryEncoding.builder(numTokens).name(name)
            .outputMode(mode).sparse(sparse).build());
      });

  /**
   * Keras's {@code Discretization(bin_boundaries=None, num_bins=None, epsilon=0.01,
   * output_mode="int", sparse=False)}; an adapted layer's config holds both {@code num_bins} and
   * the boundaries, which Keras's {@code from_config} accepts.
   */
  public static final LayerType<Discretization> DISCRETIZATION = LayerType.of(
      "Discretization", Discretization.class, (name, c) -> {
        double[] boundaries = null;
        if (c.has("bin_boundaries")) {
          if (!(c.json().get("bin_boundaries") instanceof JsonArray list)) {
            throw c.error("bin_boundaries", "bin_boundaries must be a list of numbers");
          }
          boundaries = list.doubles();
        }
        c.ignore("bin_boundaries");
        Integer numBins = c.has("num_bins") ? c.requireInt("num_bins") : null;
        c.ignore("num_bins");
        double epsilon = c.optDouble("epsilon", 0.01);
        String mode = c.optString("output_mode", "int");
        boolean sparse = c.optBoolean("sparse", false);
        Discretization.Builder b = Discretization.builder().name(name).epsilon(epsilon)
            .outputMode(mode).sparse(sparse);
        if (boundaries != null && numBins != null) {
          b.adapted(numBins, boundaries);
        } else {
          b.binBoundaries(boundaries).numBins(numBins);
        }
        String key = numBins != null && numBins < 0 ? "num_bins"
            : boundaries != null ? "bin_boundaries" : "num_bins";
        construct(c, "epsilon", () -> Discretization.builder().numBins(1).epsilon(epsilon)
            .build());
        construct(c, "output_mode", () -> Discretization.builder().numBins(1).outputMode(mode)
            .build());
        construct(c, "sparse", () -> Discretization.builder().numBins(1).sparse(sparse).build());
        return construct(c, key, b::build);
      });

  /**
   * Keras's {@code Hashing(num_bins, mask_value=None, salt=None, output_mode="int",
   * sparse=False)} for integer inputs: {@code mask_value} an integer or None, {@code salt} None,
   * an integer or a pair.
   */
  public static final LayerType<Hashing> HASHING = LayerType.of(
      "Hashing", Hashing.class, (name, c) -> {
        if (!c.has("num_bins")) {
          throw c.error("num_bins", "num_bins is required: a positive integer");
        }
        int numBins = c.requireInt("num_bins");
        Long maskValue = null;
        if (c.has("mask_value")) {
          Object value = c.json().get("mask_value");
          if (!(value instanceof Number)) {
            throw c.error("mask_value", "mask_value must be an integer or None (Lamina hashes "
                + "integer inputs only), got " + value);
          }
          maskValue = c.requireLong("mask_value");
        }
        c.ignore("mask_value");
        long[] salt = null;
        if (c.has("salt")) {
          salt = c.json().get("salt") instanceof JsonArray list ? list.longs()
              : new long[] {c.requireLong("salt")};
        }
        c.ignore("salt");
        String mode = c.optString("output_mode", "int");
        boolean sparse = c.optBoolean("sparse", false);
        Hashing.Builder b = Hashing.builder(numBins).name(name).maskValue(maskValue)
            .outputMode(mode).sparse(sparse);
        if (salt != null) {
          long[] given = salt;
          construct(c, "salt", () -> Hashing.builder(1).salt(given).build());
          b.salt(salt);
        }
        construct(c, "output_mode", () -> Hashing.builder(1).outputMode(mode).build());
        construct(c, "sparse", () -> Hashing.builder(1).sparse(sparse).build());
        return construct(c, "num_bins", b::build);
      });

  /**
   * Keras's {@code HashedCrossing(num_bins, output_mode="int", sparse=False)} for integer
   * inputs.
   */
  public static final LayerType<HashedCrossing> HASHED_CROSSING = LayerType.of(
      "HashedCrossing", HashedCrossing.class, (name, c) -> {
        if (!c.has("num_bins")) {
          throw c.error("num_bins", "num_bins is required: a positive integer");
        }
        int numBins = c.requireInt("num_bins");
        String mode = c.optString("output_mode", "int");
        boolean sparse = c.optBoolean("sparse", false);
        construct(c, "output_mode", () -> new HashedCrossing(null, 1, mode, false));
        construct(c, "sparse", () -> new HashedCrossing(null, 1, "int", sparse));
        return construct(c, "num_bins", () -> new HashedCrossing(name, numBins, mode, false));
      });

  /** Keras's {@code Equalization(value_range=(0, 255), bins=256, data_format=None)}. */
  public static final LayerType<Equalization> EQUALIZATION = LayerType.of(
      "Equalization", Equalization.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        double[] range = c.has("value_range") ? valueRange(c) : new double[] {0, 255};
        int bins = c.optInt("bins", 256);
        construct(c, "bins", () -> new Equalization(null, new double[] {0, 255}, bins));
        return construct(c, "value_range", () -> new Equalization(name, range, bins));
      });

  /** Keras's {@code value_range}: a list of two numbers. */
  /**
   * The name and what every affine augmentation reads: {@code seed}, {@code fill_value},
   * {@code fill_mode} and {@code interpolation}, each with Keras's default.
   */
  private static <B extends AffineAugmentation.Builder<B>> B affine(LayerConfig c, String name,
      B b) throws ModelFormatException {
    b.name(name).seed(c.has("seed") ? c.requireLong("seed") : null)
        .fillValue(c.optDouble("fill_value", 0.0));
    String fillMode = c.optString("fill_mode", "reflect");
    String interpolation = c.optString("interpolation", "bilinear");
    construct(c, "fill_mode", () -> b.fillMode(fillMode));
    construct(c, "interpolation", () -> b.interpolation(interpolation));
    return b;
  }

  /** Keras's {@code seed}: an integer or None. */
  private static Long seed(LayerConfig c) throws ModelFormatException {
    return c.has("seed") ? c.requireLong("seed") : null;
  }

  private static double[] valueRange(LayerConfig c) throws ModelFormatException {
    if (c.json().get("value_range") instanceof JsonArray list) {
      return list.doubles();
    }
    throw c.error("value_range", "value_range must be a pair of numbers (low, high)");
  }

  /** A required factor as Keras writes it: a number or a list (of two numbers). */
  private static double[] factor(LayerConfig c, String key) throws ModelFormatException {
    if (!c.has(key)) {
      throw c.error(key, key + " is required: a number or a pair (lower, upper)");
    }
    if (c.json().get(key) instanceof JsonArray list) {
      return list.doubles();
    }
    return new double[] {c.requireDouble(key)};
  }

  /**
   * A RandomShear factor as Keras writes it: its {@code get_config} writes the number {@code f}
   * as the pair {@code (-f, f)}, which Keras 3.15.1's own {@code from_config} then refuses (a
   * negative number); read here as the number {@code f}. Any other pair as written, for the
   * layer's check.
   */
  private static double[] shearFactor(LayerConfig c, String key) throws ModelFormatException {
    double[] f = factor(c, key);
    if (f.length == 2 && f[0] < 0 && f[0] == -f[1]) {
      return new double[] {f[1]};
    }
    return f;
  }

  /** A list of whole numbers at {@code key}. */
  private static int[] ints(LayerConfig c, String key, JsonArray list)
      throws ModelFormatException {
    double[] values = list.doubles();
    int[] ints = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] != Math.rint(values[i]) || Math.abs(values[i]) > Integer.MAX_VALUE) {
        throw c.error(key, key + " must hold whole numbers, got " + list);
      }
      ints[i] = (int) values[i];
    }
    return ints;
  }

  /** A layer from read values; the constructor's refusal becomes an error at {@code key}. */
  static <L> L construct(LayerConfig c, String key, Supplier<L> make)
      throws ModelFormatException {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw c.error(key, e.getMessage());
    }
  }
}
