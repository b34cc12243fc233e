package dev.lamina.runtime.initializers;

import dev.lamina.runtime.Initializer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.tensorflow.ndarray.Shape;

/**
 * Keras 3's built-in initializers ({@code keras.initializers}), each seeded and deterministic for
 * its seed. The random streams are Java's ({@link SplittableRandom}), not Keras's; the
 * distributions, Keras's {@link #computeFans fans} and the truncation at two standard deviations
 * are Keras's. Reached through {@link Initializer#get(String)} and {@link Initializer#get(Map)}.
 */
public final class Initializers {

  /** Keras's stddev of a unit normal truncated to ±2: {@code VarianceScaling} divides by it. */
  static final double TRUNCATED_STDDEV = 0.87962566103423978;

  private Initializers() {}

  /**
   * Keras's {@code compute_fans(shape)}: {@code (fan_in, fan_out)}; a scalar gives (1, 1), a
   * vector (n, n), a matrix its two sizes, and a kernel of rank over 2 (a convolution's, {@code
   * (..., input_depth, depth)}) its last two sizes times the receptive field, the product of the
   * others.
   */
  public static long[] computeFans(Shape shape) {
    int rank = shape.numDimensions();
    if (rank < 1) {
      return new long[] {1, 1};
    }
    if (rank == 1) {
      return new long[] {shape.get(0), shape.get(0)};
    }
    if (rank == 2) {
      return new long[] {shape.get(0), shape.get(1)};
    }
    long receptiveField = 1;
    for (int i = 0; i < rank - 2; i++) {
      receptiveField *= shape.get(i);
    }
    return new long[] {shape.get(rank - 2) * receptiveField,
        shape.get(rank - 1) * receptiveField};
  }

  /**
   * Keras's {@code compute_fans(shape, input_axes, output_axes)}: with both axis lists given,
   * the products of the sizes on those axes (negative axes count from the end); otherwise
   * {@link #computeFans(Shape)}.
   */
  public static long[] computeFans(Shape shape, int[] inputAxes, int[] outputAxes) {
    if (inputAxes == null || outputAxes == null) {
      return computeFans(shape);
    }
    return new long[] {product(shape, inputAxes), product(shape, outputAxes)};
  }

  private static long product(Shape shape, int[] axes) {
    long product = 1;
    int rank = shape.numDimensions();
    for (int axis : axes) {
      int a = axis < 0 ? axis + rank : axis;
      if (a < 0 || a >= rank) {
        throw new IllegalArgumentException("axis " + axis + " is out of range for a weight of "
            + "shape " + shape);
      }
      product *= shape.get(a);
    }
    return product;
  }

  /** Keras's {@code Zeros()}. */
  public static Initializer zeros() {
    return constant("Zeros", 0, Map.of());
  }

  /** Keras's {@code Ones()}. */
  public static Initializer ones() {
    return constant("Ones", 1, Map.of());
  }

  /** Keras's {@code Constant(value)}. */
  public static Initializer constant(double value) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("value", value);
    return constant("Constant", value, config);
  }

  private static Initializer constant(String className, double value, Map<String, Object> config) {
    float v = (float) value;
    return new KerasInitializer(className, config, shape -> {
      float[] values = new float[Math.toIntExact(shape.size())];
      java.util.Arrays.fill(values, v);
      return values;
    });
  }

  /** Keras's {@code RandomNormal(mean, stddev, seed)}; a null seed draws one. */
  public static Initializer randomNormal(double mean, double stddev, Long seed) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("seed", seed);
    config.put("mean", mean);
    config.put("stddev", stddev);
    long s = seedOf(seed);
    return new KerasInitializer("RandomNormal", config,
        shape -> normal(shape, mean, stddev, false, s));
  }

  /** Keras's {@code RandomUniform(minval, maxval, seed)}; a null seed draws one. */
  public static Initializer randomUniform(double minval, double maxval, Long seed) {
    if (!(minval <= maxval)) {
      throw new IllegalArgumentException("RandomUniform needs minval <= maxval, got " + minval
          + " and " + maxval);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("seed", seed);
    config.put("minval", minval);
    config.put("maxval", maxval);
    long s = seedOf(seed);
    return new KerasInitializer("RandomUniform", config, shape -> uniform(shape, minval, maxval,
        s));
  }

  /**
   * Keras's {@code TruncatedNormal(mean, stddev, seed)}: normal, with values beyond two standard
   * deviations of the mean drawn again.
   */
  public static Initializer truncatedNormal(double mean, double stddev, Long seed) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("seed", seed);
    config.put("mean", mean);
    config.put("stddev", stddev);
    long s = seedOf(seed);
    return new KerasInitializer("TruncatedNormal", config,
        shape -> normal(shape, mean, stddev, true, s));
  }

  /**
   * Keras's {@code VarianceScaling(scale, mode, distribution, seed)}: {@code scale} divided by
   * {@code max(1, n)}, n being fan_in, fan_out or their mean for mode {@code fan_in},
   * {@code fan_out}, {@code fan_avg}; then a truncated normal of stddev {@code sqrt(scale) /
   * 0.8796...}, a normal of stddev {@code sqrt(scale)} ({@code untruncated_normal}), or a uniform
   * in {@code ±sqrt(3 scale)}.
   */
  public static Initializer varianceScaling(double scale, String mode, String distribution,
      Long seed) {
    return varianceScaling("VarianceScaling", scale, mode, distribution, seed, null, null);
  }

  /**
   * Keras's {@code VarianceScaling(scale, mode, distribution, seed, input_axes, output_axes)}:
   * the fans are the products of the sizes on those axes, when both are given.
   */
  public static Initializer varianceScaling(double scale, String mode, String distribution,
      Long seed, int[] inputAxes, int[] outputAxes) {
    return varianceScaling("VarianceScaling", scale, mode, distribution, seed, inputAxes,
        outputAxes);
  }

  private static Initializer varianceScaling(String className, double scale, String mode,
      String distribution, Long seed) {
    return varianceScaling(className, scale, mode, distribution, seed, null, null);
  }

  private static Initializer varianceScaling(String className, double scale, String mode,
      String distribution, Long seed, int[] inputAxes, int[] outputAxes) {
    if (!(scale > 0)) {
      throw new IllegalArgumentException("VarianceScaling needs a positive scale, got " + scale);
    }
    if (!List.of("fan_in", "fan_out", "fan_avg").contains(mode)) {
      throw new IllegalArgumentException("VarianceScaling mode must be fan_in, fan_out or "
          + "fan_avg, got '" + mode + "'");
    }
    String lower = distribution.toLowerCase(java.util.Locale.ROOT);
    String dist = "normal".equals(lower) ? "truncated_normal" : lower;
    if (!List.of("truncated_normal", "untruncated_normal", "uniform").contains(dist)) {
      throw new IllegalArgumentException("VarianceScaling distribution must be "
          + "truncated_normal, untruncated_normal or uniform, got '" + distribution + "'");
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("seed", seed);
    if (className.equals("VarianceScaling")) {
      config.put("scale", scale);
      config.put("mode", mode);
      config.put("distribution", dist);
    }
    if (inputAxes != null) {
      config.put("input_axes", list(inputAxes));
    }
    if (outputAxes != null) {
      config.put("output_axes", list(outputAxes));
    }
    int[] in = inputAxes == null ? null : inputAxes.clone();
    int[] out = outputAxes == null ? null : outputAxes.clone();
    long s = seedOf(seed);
    return new KerasInitializer(className, config, shape -> {
      long[] fans = computeFans(shape, in, out);
      double n = mode.equals("fan_in") ? fans[0] : mode.equals("fan_out") ? fans[1]
          : (fans[0] + fans[1]) / 2.0;
      double scaled = scale / Math.max(1.0, n);
      switch (dist) {
        case "truncated_normal":
          return normal(shape, 0, Math.sqrt(scaled) / TRUNCATED_STDDEV, true, s);
        case "untruncated_normal":
          return normal(shape, 0, Math.sqrt(scaled), false, s);
        default:
          double limit = Math.sqrt(3 * scaled);
          return uniform(shape, -limit, limit, s);
      }
    });
  }

  /** Keras's {@code GlorotUniform(seed)}: uniform in {@code ±sqrt(6 / (fan_in + fan_out))}. */
  public static Initializer glorotUniform(Long seed) {
    return varianceScaling("GlorotUniform", 1, "fan_avg", "uniform", seed);
  }

  /** Keras's {@code GlorotNormal(seed)}: truncated normal, variance {@code 2 / (in + out)}. */
  public static Initializer glorotNormal(Long seed) {
    return varianceScaling("GlorotNormal", 1, "fan_avg", "truncated_normal", seed);
  }

  /** Keras's {@code HeUniform(seed)}: uniform in {@code ±sqrt(6 / fan_in)}. */
  public static Initializer heUniform(Long seed) {
    return varianceScaling("HeUniform", 2, "fan_in", "uniform", seed);
  }

  /** Keras's {@code HeNormal(seed)}: truncated normal, variance {@code 2 / fan_in}. */
  public static Initializer heNormal(Long seed) {
    return varianceScaling("HeNormal", 2, "fan_in", "truncated_normal", seed);
  }

  /** Keras's {@code LecunUniform(seed)}: uniform in {@code ±sqrt(3 / fan_in)}. */
  public static Initializer lecunUniform(Long seed) {
    return varianceScaling("LecunUniform", 1, "fan_in", "uniform", seed);
  }

  /** Keras's {@code LecunNormal(seed)}: truncated normal, variance {@code 1 / fan_in}. */
  public static Initializer lecunNormal(Long seed) {
    return varianceScaling("LecunNormal", 1, "fan_in", "truncated_normal", seed);
  }

  /**
   * Keras's {@code Orthogonal(gain, seed)}: for a weight of rank 2 or more, flattened to
   * {@code (prod(shape[:-1]), shape[-1])}, the Q of a normal matrix's QR factorisation (signs
   * made unique by R's diagonal), transposed when there are fewer rows than columns, times
   * {@code gain}: its rows or its columns, whichever are fewer, are orthonormal (times gain).
   */
  public static Initializer orthogonal(double gain, Long seed) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("seed", seed);
    config.put("gain", gain);
    long s = seedOf(seed);
    return new KerasInitializer("Orthogonal", config, shape -> {
      if (shape.numDimensions() < 2) {
        throw new IllegalArgumentException("Orthogonal needs a weight of rank 2 or more, got "
            + "shape " + shape);
      }
      long rowsLong = shape.size() / shape.get(shape.numDimensions() - 1);
      int rows = Math.toIntExact(rowsLong);
      int cols = Math.toIntExact(shape.get(shape.numDimensions() - 1));
      int n = Math.max(rows, cols);
      int m = Math.min(rows, cols);
      SplittableRandom random = new SplittableRandom(s);
      double[][] columns = new double[m][n]; // a's columns, n x m
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          columns[j][i] = random.nextGaussian();
        }
      }
      // Modified Gram-Schmidt: Q's columns; R's diagonal (the norms) comes out positive, which
      // is Keras's q * sign(diag(r)).
      for (int j = 0; j < m; j++) {
        for (int k = 0; k < j; k++) {
          double dot = 0;
          for (int i = 0; i < n; i++) {
            dot += columns[k][i] * columns[j][i];
          }
          for (int i = 0; i < n; i++) {
            columns[j][i] -= dot * columns[k][i];
          }
        }
        double norm = 0;
        for (int i = 0; i < n; i++) {
          norm += columns[j][i] * columns[j][i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < n; i++) {
          columns[j][i] /= norm;
        }
      }
      float[] values = new float[rows * cols];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          // q is n x m; when rows < cols the weight is q transposed.
          double q = rows >= cols ? columns[c][r] : columns[r][c];
          values[r * cols + c] = (float) (gain * q);
        }
      }
      return values;
    });
  }

  /** Keras's initializer of this name ({@code "he_normal"}, {@code "HeNormal"}), unseeded. */
  public static Initializer get(String name) {
    return get(Map.of("class_name", name, "config", Map.of()));
  }

  /**
   * Keras's initializer from its serialized form, {@code {"class_name": "HeNormal", "config":
   * {"seed": 3}}}; a missing option takes Keras's default.
   *
   * @throws IllegalArgumentException for an unknown class name or option
   */
  public static Initializer get(Map<String, ?> object) {
    String what = "initializer";
    String className = KerasObjects.className(object, what);
    String key = KerasObjects.key(className);
    List<String> seeded = List.of("seed");
    switch (key) {
      case "zeros": case "zero":
        KerasObjects.config(object, what, List.of());
        return zeros();
      case "ones": case "one":
        KerasObjects.config(object, what, List.of());
        return ones();
      case "constant": {
        var c = KerasObjects.config(object, what, List.of("value"));
        return constant(KerasObjects.number(c, "value", 0, what));
      }
      case "randomnormal": case "normal": {
        var c = KerasObjects.config(object, what, List.of("seed", "mean", "stddev"));
        return randomNormal(KerasObjects.number(c, "mean", 0, what),
            KerasObjects.number(c, "stddev", 0.05, what), KerasObjects.seed(c, what));
      }
      case "truncatednormal": {
        var c = KerasObjects.config(object, what, List.of("seed", "mean", "stddev"));
        return truncatedNormal(KerasObjects.number(c, "mean", 0, what),
            KerasObjects.number(c, "stddev", 0.05, what), KerasObjects.seed(c, what));
      }
      case "randomuniform": case "uniform": {
        var c = KerasObjects.config(object, what, List.of("seed", "minval", "maxval"));
        return randomUniform(KerasObjects.number(c, "minval", -0.05, what),
            KerasObjects.number(c, "maxval", 0.05, what), KerasObjects.seed(c, what));
      }
      case "variancescaling": {
        var c = KerasObjects.config(object, what, List.of("seed", "scale", "mode",
            "distribution", "input_axes", "output_axes"));
        return varianceScaling(KerasObjects.number(c, "scale", 1, what),
            KerasObjects.string(c, "mode", "fan_in", what),
            KerasObjects.string(c, "distribution", "truncated_normal", what),
            KerasObjects.seed(c, what), axesOption(c, "input_axes", what),
            axesOption(c, "output_axes", what));
      }
      case "orthogonal": case "orthogonalinitializer": {
        var c = KerasObjects.config(object, what, List.of("seed", "gain"));
        return orthogonal(KerasObjects.number(c, "gain", 1, what), KerasObjects.seed(c, what));
      }
      default:
        break;
    }
    // Keras 3's fan-based initializers: VarianceScaling with a fixed scale, mode and
    // distribution.
    Map<String, Object[]> fanBased = Map.of(
        "glorotuniform", new Object[] {"GlorotUniform", 1.0, "fan_avg", "uniform"},
        "glorotnormal", new Object[] {"GlorotNormal", 1.0, "fan_avg", "truncated_normal"},
        "heuniform", new Object[] {"HeUniform", 2.0, "fan_in", "uniform"},
        "henormal", new Object[] {"HeNormal", 2.0, "fan_in", "truncated_normal"},
        "lecununiform", new Object[] {"LecunUniform", 1.0, "fan_in", "uniform"},
        "lecunnormal", new Object[] {"LecunNormal", 1.0, "fan_in", "truncated_normal"});
    Object[] fixed = fanBased.get(key);
    if (fixed == null) {
      throw new IllegalArgumentException("Unknown initializer '" + className + "'; Lamina knows "
          + "zeros, ones, constant, random_normal, random_uniform, truncated_normal, "
          + "variance_scaling, glorot_uniform, glorot_normal, he_uniform, he_normal, "
          + "lecun_uniform, lecun_normal, orthogonal");
    }
    var c = KerasObjects.config(object, what, List.of("seed", "input_axes", "output_axes"));
    return varianceScaling((String) fixed[0], (Double) fixed[1], (String) fixed[2],
        (String) fixed[3], KerasObjects.seed(c, what), axesOption(c, "input_axes", what),
        axesOption(c, "output_axes", what));
  }

  private static List<Integer> list(int[] axes) {
    List<Integer> list = new java.util.ArrayList<>();
    for (int axis : axes) {
      list.add(axis);
    }
    return List.copyOf(list);
  }

  /** Keras's {@code input_axes} / {@code output_axes}: null, or an integer list. */
  private static int[] axesOption(Map<String, ?> config, String key, String what) {
    Object value = config.get(key);
    if (value instanceof List<?> list && list.isEmpty()) {
      // Keras's compute_fans: the product over no axes, 1 (an EinsumDense kernel that has none
      // of the output's labels, e.g. "abde,de->ab")
      return new int[0];
    }
    return value == null ? null : KerasObjects.axes(config, key, 0, what);
  }

  private static long seedOf(Long seed) {
    return seed != null ? seed : ThreadLocalRandom.current().nextLong();
  }

  private static float[] uniform(Shape shape, double min, double max, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = min == max ? (float) min : (float) random.nextDouble(min, max);
    }
    return values;
  }

  private static float[] normal(Shape shape, double mean, double stddev, boolean truncated,
      long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      double z = random.nextGaussian();
      while (truncated && Math.abs(z) > 2) {
        z = random.nextGaussian();
      }
      values[i] = (float) (mean + stddev * z);
    }
    return values;
  }

  /** An initializer Keras can name: its class name and config, and how it draws. */
  private static final class KerasInitializer implements Initializer {
    private final String className;
    private final Map<String, Object> config;
    private final Initializer draw;

    KerasInitializer(String className, Map<String, Object> config, Initializer draw) {
      this.className = className;
      this.config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
      this.draw = draw;
    }

    @Override
    public float[] values(Shape shape) {
      return draw.values(shape);
    }

    @Override
    public Map<String, Object> config() {
      return KerasObjects.object(className, config);
    }

    @Override
    public String toString() {
      return className + config;
    }
  }
}
