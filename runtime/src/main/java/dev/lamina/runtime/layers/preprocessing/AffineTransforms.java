package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.SeedStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ImageProjectiveTransformV3;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * What Keras's random augmentation layers share: their random draws (Keras's seeded
 * {@code uniform}, the seeds of its {@code SeedGenerator}) and factor checks, used by all of
 * RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomBrightness, RandomCrop and
 * the colour layers (RandomGrayscale, RandomInvert, Solarization, RandomPosterization,
 * AutoContrast, RandomColorDegeneration, which also share Keras's {@code rgb_to_grayscale} and
 * {@code _transform_value_range}; RandomSaturation, RandomHue and RandomSharpness, which share
 * the HSV conversions and one-channel changes; RandomGaussianBlur, RandomErasing and
 * RandomPerspective, which share the {@code _set_factor_by_name} checks, the depthwise
 * convolution, the normal draw and the projective transform);
 * and what the affine ones (RandomRotation, RandomZoom, RandomTranslation, RandomShear) share
 * besides: their
 * fill modes and interpolations and Keras's TensorFlow-backend {@code affine_transform}
 * ({@code ImageProjectiveTransformV3}).
 */
final class AffineTransforms {

  /** Keras's {@code _SUPPORTED_FILL_MODE}. */
  static final List<String> FILL_MODES = List.of("reflect", "wrap", "constant", "nearest");
  /** Keras's {@code _SUPPORTED_INTERPOLATION}. */
  static final List<String> INTERPOLATIONS = List.of("nearest", "bilinear");
  /** {@code tf.int32.max - 1}: Keras's TensorFlow backend reduces seeds modulo this. */
  private static final long KERAS_SEED_MODULUS = Integer.MAX_VALUE - 1L;

  private AffineTransforms() {}

  static String requireFillMode(String layer, String fillMode) {
    if (!FILL_MODES.contains(fillMode)) {
      throw new IllegalArgumentException(layer + " fill_mode must be one of 'reflect', 'wrap', "
          + "'constant' or 'nearest', got '" + fillMode + "'");
    }
    return fillMode;
  }

  static String requireInterpolation(String layer, String interpolation) {
    if (!INTERPOLATIONS.contains(interpolation)) {
      throw new IllegalArgumentException(layer + " interpolation must be 'nearest' or "
          + "'bilinear', got '" + interpolation + "'");
    }
    return interpolation;
  }

  /**
   * A factor as Keras takes it: one number or a pair {@code (lower, upper)}; a copy. The range
   * each layer allows is its own check.
   */
  static double[] requireNumberOrPair(String layer, String argument, double[] factor,
      String range) {
    if (factor == null || factor.length < 1 || factor.length > 2) {
      throw new IllegalArgumentException(layer + " " + argument + " must be a number or a pair "
          + "(lower, upper) in the range " + range + ", got "
          + (factor == null ? "none" : Arrays.toString(factor)));
    }
    for (double f : factor) {
      if (Double.isNaN(f)) {
        throw new IllegalArgumentException(layer + " " + argument + " must be a number or a "
            + "pair (lower, upper) in the range " + range + ", got " + Arrays.toString(factor));
      }
    }
    return factor.clone();
  }

  /**
   * Keras's {@code BaseImagePreprocessingLayer._set_factor} with {@code _FACTOR_BOUNDS = (min,
   * max)}: one number {@code f} in {@code [min, max]} gives {@code (max(-|f|, min), |f|)}; a pair
   * is refused only if its first is above {@code max} or its second below {@code min}, and is
   * sorted. The result, {@code {lower, upper}}, is what Keras's {@code get_config} writes.
   */
  static double[] baseFactor(String layer, double[] factor, double min, double max) {
    return baseFactor(layer, "factor", factor, min, max);
  }

  /**
   * {@link #baseFactor(String, double[], double, double)} of another argument, as Keras's
   * {@code _set_factor_by_name} (RandomGaussianBlur's {@code sigma}, RandomErasing's
   * {@code scale}) checks and sorts it; refusals name {@code argument}.
   */
  static double[] baseFactor(String layer, String argument, double[] factor, double min,
      double max) {
    String range = "[" + number(min) + ", " + number(max) + "]";
    double[] f = requireNumberOrPair(layer, argument, factor, range);
    boolean refused = f.length == 1 ? f[0] < min || f[0] > max : f[0] > max || f[1] < min;
    if (refused) {
      throw new IllegalArgumentException(layer + " " + argument + " must be a number in the range "
          + range + " or a pair (lower, upper) whose first is at most " + number(max)
          + " and second at least " + number(min) + ", got "
          + (f.length == 1 ? String.valueOf(f[0]) : Arrays.toString(f)));
    }
    if (f.length == 1) {
      double a = Math.abs(f[0]);
      return new double[] {Math.max(-a, min), a};
    }
    return new double[] {Math.min(f[0], f[1]), Math.max(f[0], f[1])};
  }

  private static String number(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  /** Keras's {@code value_range}: a pair of numbers {@code (low, high)}; a copy. */
  static double[] requireValueRange(String layer, double[] valueRange) {
    if (valueRange == null || valueRange.length != 2 || Double.isNaN(valueRange[0])
        || Double.isNaN(valueRange[1])) {
      throw new IllegalArgumentException(layer + " value_range must be a pair of numbers "
          + "(low, high), got " + (valueRange == null ? "none" : Arrays.toString(valueRange)));
    }
    return valueRange.clone();
  }

  /**
   * Keras's TensorFlow-backend {@code clip} ({@code tf.clip_by_value}):
   * {@code maximum(minimum(x, high), low)}, both bounds float32.
   */
  static Operand<TFloat32> clip(Ops tf, Operand<TFloat32> x, double low, double high) {
    return tf.math.maximum(tf.math.minimum(x, tf.constant((float) high)),
        tf.constant((float) low));
  }

  /** A pair as a list of doubles, as Keras's {@code get_config} writes a tuple. */
  static List<Double> pair(double[] pair) {
    return List.of(pair[0], pair[1]);
  }

  /**
   * A zoom or translation factor as Keras's {@code _set_factor} takes it: one number or a pair,
   * each number inside {@code range} ({@code allowed} says which are), as given.
   */
  static double[] requireEachIn(String layer, String argument, double[] factor, String range,
      java.util.function.DoublePredicate allowed) {
    double[] f = requireNumberOrPair(layer, argument, factor, range);
    for (double v : f) {
      if (!allowed.test(v)) {
        throw new IllegalArgumentException(layer + " " + argument + " must be a number or a "
            + "pair (lower, upper) in the range " + range + ", got "
            + (f.length == 1 ? String.valueOf(f[0]) : Arrays.toString(f)));
      }
    }
    return f;
  }

  /** The lower bound of a factor: {@code -|f|} for one number, the smaller of a pair. */
  static double lower(double[] f) {
    return f.length == 1 ? -Math.abs(f[0]) : Math.min(f[0], f[1]);
  }

  /** The upper bound of a factor: {@code |f|} for one number, the larger of a pair. */
  static double upper(double[] f) {
    return f.length == 1 ? Math.abs(f[0]) : Math.max(f[0], f[1]);
  }

  /** A number or a pair as Keras's {@code get_config} writes it: a number or a list. */
  static Object configValue(double[] factor) {
    if (factor == null) {
      return null;
    }
    if (factor.length == 1) {
      return factor[0];
    }
    List<Double> pair = new ArrayList<>();
    for (double f : factor) {
      pair.add(f);
    }
    return pair;
  }

  /**
   * Draw {@code draw} of the {@code draws} a call makes: with a seed of the layer's own, Keras's
   * {@code SeedGenerator(seed)} (step {@code k} draws {@code [seed, k * draws + draw]}); without
   * one, the next seed of {@code FitOptions.seed}'s stream.
   */
  static Operand<TInt64> seed(SeedStream seeds, Long seed, int draws, int draw) {
    return seed == null ? seeds.next()
        : seeds.nextOfGenerator(Math.floorMod(seed, KERAS_SEED_MODULUS), draws, draw);
  }

  /**
   * Keras's TensorFlow-backend {@code random.uniform}: {@code tf.random.stateless_uniform},
   * float32, {@code rnd * (maxval - minval) + minval} with both bounds cast to float32 first.
   * Behind {@code tf.stopGradient}: a shape taken from the images ties the draw to the weights
   * before the layer, and TensorFlow has no C++ gradient of {@code StatelessRandomUniform}.
   */
  static Operand<TFloat32> uniform(Ops tf, Operand<TInt32> shape, Operand<TInt64> seed,
      double minval, double maxval) {
    float lo = (float) minval;
    float hi = (float) maxval;
    return tf.stopGradient(tf.math.add(tf.math.mul(
        tf.random.statelessRandomUniform(shape, seed, TFloat32.class), tf.constant(hi - lo)),
        tf.constant(lo)));
  }

  /** The batch size, an int32 {@code [1]} vector, for the draws' shapes. */
  static Operand<TInt32> batch(Ops tf, Operand<?> x) {
    return tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
  }

  /** {@code [batch, 1, 1, 1]}: the shape of one value per image, against the images. */
  static Operand<TInt32> perImage(Ops tf, Operand<?> x) {
    return tf.concat(List.of(batch(tf, x), tf.constant(new int[] {1, 1, 1})), tf.constant(0));
  }

  /** Axis {@code axis} (1: height, 2: width) of the images as a float32 scalar, as Keras casts. */
  static Operand<TFloat32> size(Ops tf, Operand<?> x, int axis) {
    Shape shape = x.shape();
    long known = shape.isUnknown() ? Shape.UNKNOWN_SIZE : shape.get(axis);
    return known == Shape.UNKNOWN_SIZE
        ? tf.dtypes.cast(ImageLayers.dim(tf, x, axis), TFloat32.class)
        : tf.constant((float) known);
  }

  /**
   * Keras's {@code backend.image.affine_transform} on channels_last images with one flat
   * {@code [a0, a1, a2, b0, b1, b2, c0, c1]} row per image ({@code transforms}, float32
   * {@code [batch, 8]}; each output point {@code (x, y)} samples the input at
   * {@code ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)}, {@code k = c0 x + c1 y + 1}):
   * {@code ImageProjectiveTransformV3} with the images' height and width, the interpolation and
   * fill mode upper-cased, and {@code fill_value}.
   */
  static Operand<TFloat32> transform(Ops tf, Operand<TFloat32> images,
      Operand<TFloat32> transforms, String interpolation, String fillMode, double fillValue) {
    Shape shape = images.shape();
    Operand<TInt32> outputShape;
    if (!shape.isUnknown() && shape.get(1) != Shape.UNKNOWN_SIZE
        && shape.get(2) != Shape.UNKNOWN_SIZE) {
      // constant, so the output keeps the static height and width
      outputShape = tf.constant(new int[] {Math.toIntExact(shape.get(1)),
          Math.toIntExact(shape.get(2))});
    } else {
      outputShape = tf.slice(tf.shape(images), tf.constant(new int[] {1}),
          tf.constant(new int[] {2}));
    }
    return tf.image.imageProjectiveTransformV3(images, transforms, outputShape,
        tf.constant((float) fillValue), interpolation.toUpperCase(Locale.ROOT),
        ImageProjectiveTransformV3.fillMode(fillMode.toUpperCase(Locale.ROOT)));
  }

  /** The columns (each {@code [batch, 1]} float32) side by side: {@code [batch, n]}. */
  static Operand<TFloat32> columns(Ops tf, List<Operand<TFloat32>> columns) {
    return tf.concat(columns, tf.constant(1));
  }

  /** A {@code [batch, 1]} column of {@code value}, shaped as {@code like}. */
  static Operand<TFloat32> filled(Ops tf, Operand<TFloat32> like, float value) {
    return tf.fill(tf.shape(like), tf.constant(value));
  }

  /** Keras's {@code rgb_to_grayscale} weights (as {@code tf.image.rgb_to_grayscale}). */
  private static final float[][] GRAY_WEIGHTS = {{0.2989f}, {0.5870f}, {0.1140f}};

  /**
   * A layer's refusal unless the images' channels (the last axis) are known and one of
   * {@code allowed}, as Keras's {@code rgb_to_grayscale} and its callers check.
   */
  static void requireChannels(String layer, Shape images, long... allowed) {
    long channels = images.isUnknown() ? Shape.UNKNOWN_SIZE
        : images.get(images.numDimensions() - 1);
    for (long a : allowed) {
      if (channels == a) {
        return;
      }
    }
    throw new IllegalArgumentException(layer + " needs images with "
        + (allowed.length == 1 ? allowed[0] + " channels" : "1 (grayscale) or 3 (RGB) channels")
        + " on the last axis, got " + (channels == Shape.UNKNOWN_SIZE ? "an unknown number"
        : String.valueOf(channels)) + " (shape " + images + ")");
  }

  /**
   * Keras's TensorFlow-backend {@code image.rgb_to_grayscale}, channels_last: one channel
   * images as they are; three, {@code tensordot} with (0.2989, 0.5870, 0.1140) over the channels
   * (a {@code [pixels, 3] x [3, 1]} MatMul, as {@code tf.tensordot}) kept as one channel.
   */
  static Operand<TFloat32> grayscale(Ops tf, Operand<TFloat32> x) {
    if (x.shape().get(x.shape().numDimensions() - 1) == 1) {
      return tf.identity(x);
    }
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, 3}));
    Operand<TFloat32> gray = tf.linalg.matMul(flat, tf.constant(GRAY_WEIGHTS));
    Operand<TInt32> shape = tf.concat(List.of(tf.slice(tf.shape(x), tf.constant(new int[] {0}),
        tf.constant(new int[] {3})), tf.constant(new int[] {1})), tf.constant(0));
    return tf.reshape(gray, shape);
  }

  /**
   * Keras's {@code _transform_value_range}: {@code x} as is if the ranges are equal, else
   * {@code (x - from_low) / (from_high - from_low) * (to_high - to_low) + to_low}, each bound
   * float32 first.
   */
  static Operand<TFloat32> valueRange(Ops tf, Operand<TFloat32> x, double[] from, double[] to) {
    if (from[0] == to[0] && from[1] == to[1]) {
      return x;
    }
    float fromLow = (float) from[0];
    float fromHigh = (float) from[1];
    float toLow = (float) to[0];
    float toHigh = (float) to[1];
    Operand<TFloat32> unit = tf.math.div(tf.math.sub(x, tf.constant(fromLow)),
        tf.constant(fromHigh - fromLow));
    return tf.math.add(tf.math.mul(unit, tf.constant(toHigh - toLow)), tf.constant(toLow));
  }

  /** Keras's {@code (0, 255)}, the range the color layers compute in. */
  static final double[] RANGE_255 = {0, 255};

  /** {@code value_range} sorted, as Keras's {@code sorted(value_range)}. */
  static double[] sortedValueRange(String layer, double[] valueRange) {
    double[] range = requireValueRange(layer, valueRange);
    return new double[] {Math.min(range[0], range[1]), Math.max(range[0], range[1])};
  }

  /**
   * {@code x} (channels_last, 3 channels) with channel {@code channel} replaced by
   * {@code change} of it: Keras's {@code stack([x[..., 0], f(x[..., 1]), x[..., 2]], axis=-1)}
   * and its like, each channel kept as a {@code [..., 1]} slice.
   */
  static Operand<TFloat32> changeChannel(Ops tf, Operand<TFloat32> x, int channel,
      java.util.function.UnaryOperator<Operand<TFloat32>> change) {
    List<Operand<TFloat32>> channels = new ArrayList<>(
        tf.split(tf.constant(3), x, 3L).output());
    channels.set(channel, change.apply(channels.get(channel)));
    return tf.concat(channels, tf.constant(3));
  }

  /**
   * Keras's TensorFlow-backend {@code image.rgb_to_hsv}, channels_last: {@code RGBToHSV}, whose
   * gradient TensorFlow registers only in Python.
   */
  static Operand<TFloat32> rgbToHsv(Ops tf, Operand<TFloat32> x) {
    return tf.image.rgbToHsv(x);
  }

  /** Keras's TensorFlow-backend {@code image.hsv_to_rgb}, channels_last: {@code HSVToRGB}, with no
   * gradient in TensorFlow. */
  static Operand<TFloat32> hsvToRgb(Ops tf, Operand<TFloat32> x) {
    return tf.image.hsvToRgb(x);
  }

  /**
   * Each channel of {@code x} (channels_last) convolved with the same {@code [kh, kw]}
   * {@code kernel}, zero-padded to the same size: Keras's kernel reshaped to
   * {@code (kh, kw, 1, 1)}, tiled over the channels, {@code DepthwiseConv2dNative}, stride 1,
   * {@code SAME} (RandomSharpness, RandomGaussianBlur).
   */
  static Operand<TFloat32> depthwise(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel) {
    Operand<TFloat32> k4 = tf.expandDims(tf.expandDims(kernel, tf.constant(-1)),
        tf.constant(-1));
    Operand<TInt32> multiples = tf.concat(List.of(tf.constant(new int[] {1, 1}),
        tf.slice(tf.shape(x), tf.constant(new int[] {3}), tf.constant(new int[] {1})),
        tf.constant(new int[] {1})), tf.constant(0));
    return tf.nn.depthwiseConv2dNative(x, tf.tile(k4, multiples), List.of(1L, 1L, 1L, 1L),
        "SAME");
  }

  /**
   * Keras's TensorFlow-backend {@code random.normal} of mean 0 and standard deviation 1:
   * {@code tf.random.stateless_normal}, float32, of {@code x}'s shape. Behind
   * {@code tf.stopGradient}, as {@link #uniform}.
   */
  static Operand<TFloat32> normalLike(Ops tf, Operand<TFloat32> x, Operand<TInt64> seed) {
    return tf.stopGradient(tf.random.statelessRandomNormal(tf.shape(x), seed, TFloat32.class));
  }
}
