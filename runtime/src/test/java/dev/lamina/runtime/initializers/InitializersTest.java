package dev.lamina.runtime.initializers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Input;
import dev.lamina.runtime.layers.core.Dense;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Keras's initializers: fans, bounds and variances worked out by hand from Keras's formulas
 * ({@code keras/src/initializers/random_initializers.py}); sample statistics within four
 * standard errors.
 */
class InitializersTest {

  @Test
  void computeFansFollowsKerasForRanksZeroToFive() {
    assertArrayEquals(new long[] {1, 1}, Initializers.computeFans(Shape.scalar()));
    assertArrayEquals(new long[] {7, 7}, Initializers.computeFans(Shape.of(7)));
    assertArrayEquals(new long[] {4, 9}, Initializers.computeFans(Shape.of(4, 9)));
    // Conv1D kernel (kernel_size, in, out): receptive field 5.
    assertArrayEquals(new long[] {5 * 3, 5 * 8}, Initializers.computeFans(Shape.of(5, 3, 8)));
    // Conv2D (3, 3, 16, 32): receptive field 9.
    assertArrayEquals(new long[] {9 * 16, 9 * 32},
        Initializers.computeFans(Shape.of(3, 3, 16, 32)));
    // Conv3D (2, 3, 4, 5, 6): receptive field 24.
    assertArrayEquals(new long[] {24 * 5, 24 * 6},
        Initializers.computeFans(Shape.of(2, 3, 4, 5, 6)));
  }

  @Test
  void computeFansWithAxesMultipliesTheirSizes() {
    // Keras's input_axes / output_axes, both given: products of those sizes; -1 is the last.
    assertArrayEquals(new long[] {3 * 4, 5},
        Initializers.computeFans(Shape.of(3, 4, 5), new int[] {0, 1}, new int[] {-1}));
    // Only one given: Keras falls back to the default fans, receptive field 3: (4 * 3, 5 * 3).
    assertArrayEquals(new long[] {12, 15},
        Initializers.computeFans(Shape.of(3, 4, 5), new int[] {0}, null));
    assertThrows(IllegalArgumentException.class,
        () -> Initializers.computeFans(Shape.of(3, 4), new int[] {2}, new int[] {0}));
    // HeNormal with input_axes [0] on (40, 50, 60): fan_in 40, variance 2 / 40.
    Initializer he = Initializer.get(Map.of("class_name", "HeNormal", "config",
        Map.of("seed", 1, "input_axes", java.util.List.of(0), "output_axes",
            java.util.List.of(-1))));
    assertTruncated(he.values(Shape.of(40, 50, 60)), 2.0 / 40);
  }

  /** Mean and variance of the values. */
  private static double[] moments(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    double mean = sum / values.length;
    double squares = 0;
    for (float v : values) {
      squares += (v - mean) * (v - mean);
    }
    return new double[] {mean, squares / (values.length - 1)};
  }

  /**
   * A uniform in ±limit: every value within the limit, the variance limit²/3 within four
   * standard errors (the variance of X² is 4 limit⁴ / 45).
   */
  private static void assertUniform(float[] values, double limit) {
    for (float v : values) {
      assertTrue(Math.abs(v) <= limit, v + " beyond ±" + limit);
    }
    double[] m = moments(values);
    double se = Math.sqrt(4 * Math.pow(limit, 4) / 45 / values.length);
    assertEquals(limit * limit / 3, m[1], 4 * se, "variance");
    assertEquals(0, m[0], 4 * limit / Math.sqrt(3 * values.length), "mean");
  }

  /**
   * Keras's truncated normal of variance {@code variance}: drawn with stddev sqrt(variance) /
   * 0.8796..., never beyond two of those stddevs; its variance is {@code variance} (that is what
   * the constant is for), within four standard errors (a normal's 2σ⁴ bounds the variance of
   * X²).
   */
  private static void assertTruncated(float[] values, double variance) {
    double stddev = Math.sqrt(variance) / 0.87962566103423978;
    for (float v : values) {
      assertTrue(Math.abs(v) <= 2 * stddev * (1 + 1e-6), v + " beyond 2 stddev " + stddev);
    }
    double[] m = moments(values);
    assertEquals(variance, m[1], 4 * Math.sqrt(2 * variance * variance / values.length));
    assertEquals(0, m[0], 4 * Math.sqrt(variance / values.length));
  }

  @Test
  void glorotUniformIsBoundedBySqrtSixOverFanSum() {
    float[] values = Initializers.glorotUniform(1L).values(Shape.of(200, 300));
    assertUniform(values, Math.sqrt(6.0 / (200 + 300)));
  }

  @Test
  void heAndLecunUniformUseFanIn() {
    assertUniform(Initializer.get("he_uniform").values(Shape.of(250, 200)),
        Math.sqrt(6.0 / 250));
    assertUniform(Initializer.get("lecun_uniform").values(Shape.of(250, 200)),
        Math.sqrt(3.0 / 250));
  }

  @Test
  void normalsAreTruncatedAtTwoStddevWithKerassVariance() {
    assertTruncated(Initializers.glorotNormal(2L).values(Shape.of(200, 300)), 2.0 / 500);
    assertTruncated(Initializers.heNormal(3L).values(Shape.of(250, 200)), 2.0 / 250);
    assertTruncated(Initializers.lecunNormal(4L).values(Shape.of(250, 200)), 1.0 / 250);
    // A Conv2D kernel: fan_in = 3 * 3 * 64.
    assertTruncated(Initializers.heNormal(5L).values(Shape.of(3, 3, 64, 100)), 2.0 / 576);
  }

  @Test
  void varianceScalingModesAndDistributions() {
    // fan_out of (100, 400) is 400: scale 3 / 400; uniform limit sqrt(3 * 3 / 400).
    assertUniform(Initializers.varianceScaling(3, "fan_out", "uniform", 6L)
        .values(Shape.of(100, 400)), Math.sqrt(9.0 / 400));
    // untruncated_normal: stddev sqrt(scale / fan_avg) = sqrt(2 / 250); some values pass 2σ.
    float[] values = Initializers.varianceScaling(2, "fan_avg", "untruncated_normal", 7L)
        .values(Shape.of(100, 400));
    double[] m = moments(values);
    assertEquals(2.0 / 250, m[1], 4 * Math.sqrt(2 * Math.pow(2.0 / 250, 2) / values.length));
    double sigma = Math.sqrt(2.0 / 250);
    assertTrue(Arrays.stream(toDoubles(values)).anyMatch(v -> Math.abs(v) > 2 * sigma));
    // A scalar's fans are (1, 1), so the limit is sqrt(3 scale).
    float[] scalar = Initializers.varianceScaling(1, "fan_in", "uniform", 8L)
        .values(Shape.scalar());
    assertEquals(1, scalar.length);
    assertTrue(Math.abs(scalar[0]) <= Math.sqrt(3));
    assertThrows(IllegalArgumentException.class,
        () -> Initializers.varianceScaling(1, "fan_sideways", "uniform", 1L));
  }

  private static double[] toDoubles(float[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return d;
  }

  @Test
  void randomNormalUniformAndTruncatedNormal() {
    float[] normal = Initializers.randomNormal(1.5, 0.2, 9L).values(Shape.of(50_000));
    double[] m = moments(normal);
    assertEquals(1.5, m[0], 4 * 0.2 / Math.sqrt(normal.length));
    assertEquals(0.04, m[1], 4 * Math.sqrt(2 * 0.04 * 0.04 / normal.length));

    float[] uniform = Initializers.randomUniform(-0.5, 1.5, 10L).values(Shape.of(50_000));
    for (float v : uniform) {
      assertTrue(v >= -0.5f && v <= 1.5f, "uniform value " + v);
    }
    assertEquals(0.5, moments(uniform)[0], 4 * Math.sqrt(4.0 / 12 / uniform.length));

    float[] truncated = Initializers.truncatedNormal(-1, 0.3, 11L).values(Shape.of(50_000));
    for (float v : truncated) {
      assertTrue(Math.abs(v + 1) <= 0.6 * (1 + 1e-6), "truncated value " + v);
    }
    // A unit normal truncated to ±2 has variance 0.8796² = 0.77374: here 0.3² times that.
    assertEquals(0.09 * 0.87962566103423978 * 0.87962566103423978, moments(truncated)[1],
        4 * Math.sqrt(2 * 0.09 * 0.09 / truncated.length));
  }

  @Test
  void orthogonalGivesOrthonormalColumnsOrRows() {
    // (8, 5): five orthonormal columns, times gain: QᵀQ = gain² I.
    checkOrthogonal(Initializers.orthogonal(2, 12L).values(Shape.of(8, 5)), 8, 5, 2, true);
    // (5, 8): fewer rows than columns, so the rows are orthonormal: QQᵀ = I.
    checkOrthogonal(Initializers.orthogonal(1, 13L).values(Shape.of(5, 8)), 5, 8, 1, false);
    // (2, 3, 4) flattens to (6, 4).
    checkOrthogonal(Initializer.get("orthogonal").values(Shape.of(2, 3, 4)), 6, 4, 1, true);
    assertThrows(IllegalArgumentException.class,
        () -> Initializers.orthogonal(1, 1L).values(Shape.of(4)));
  }

  private static void checkOrthogonal(float[] q, int rows, int cols, double gain,
      boolean columns) {
    int n = columns ? cols : rows;
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        double dot = 0;
        for (int k = 0; k < (columns ? rows : cols); k++) {
          dot += columns ? q[k * cols + a] * q[k * cols + b] : q[a * cols + k] * q[b * cols + k];
        }
        assertEquals(a == b ? gain * gain : 0, dot, 1e-5, "entry " + a + "," + b);
      }
    }
  }

  @Test
  void aSeedGivesTheSameValuesAndAnotherSeedOthers() {
    Shape shape = Shape.of(20, 10);
    assertArrayEquals(Initializers.heNormal(3L).values(shape),
        Initializers.heNormal(3L).values(shape));
    assertFalse(Arrays.equals(Initializers.heNormal(3L).values(shape),
        Initializers.heNormal(4L).values(shape)));
    // The old entry point is the new GlorotUniform.
    assertArrayEquals(Initializers.glorotUniform(42L).values(shape),
        Initializer.glorotUniform(42).values(shape));
  }

  @Test
  void namesKerasObjectsAndConfigsRoundTrip() {
    Initializer fromObject = Initializer.get(Map.of("class_name", "HeNormal",
        "config", Map.of("seed", 3)));
    assertEquals(Map.of("class_name", "HeNormal", "config", Map.of("seed", 3L)),
        fromObject.config());
    assertArrayEquals(Initializers.heNormal(3L).values(Shape.of(6, 4)),
        fromObject.values(Shape.of(6, 4)));
    for (String name : new String[] {"zeros", "ones", "constant", "random_normal",
        "random_uniform", "truncated_normal", "variance_scaling", "glorot_uniform",
        "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal",
        "orthogonal", "GlorotUniform", "normal", "uniform"}) {
      Initializer initializer = Initializer.get(name);
      Initializer again = Initializer.get(initializer.config());
      assertEquals(initializer.config(), again.config(), name);
    }
    Initializer seeded = Initializers.varianceScaling(2, "fan_out", "uniform", 5L);
    assertArrayEquals(seeded.values(Shape.of(3, 4)),
        Initializer.get(seeded.config()).values(Shape.of(3, 4)));
    assertArrayEquals(new float[] {1, 1, 1}, Initializer.get("ones").values(Shape.of(3)));
    assertArrayEquals(new float[] {0.25f, 0.25f}, Initializer.get(Map.of("class_name",
        "Constant", "config", Map.of("value", 0.25))).values(Shape.of(2)));
    assertNull(Initializer.of(new float[] {1}).config());
    assertEquals(Map.of("class_name", "Constant", "config", Map.of("value", 0.1)),
        Initializer.constant(0.1f).config());
    assertArrayEquals(new float[] {0.1f}, Initializer.constant(0.1f).values(Shape.of(1)));
    var e = assertThrows(IllegalArgumentException.class, () -> Initializer.get("he_sideways"));
    assertTrue(e.getMessage().contains("Unknown initializer 'he_sideways'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Initializer.get(Map.of(
        "class_name", "HeNormal", "config", Map.of("sed", 3))));
    assertTrue(e.getMessage().contains("no option 'sed'"), e.getMessage());
  }

  @Test
  void denseTakesInitializersByNameOrObject() {
    Dense dense = Dense.builder(4).kernelInitializer(Initializers.heNormal(3L))
        .biasInitializer("ones").build();
    dense.apply(Input.of(TFloat32.class, 6));
    assertArrayEquals(Initializers.heNormal(3L).values(Shape.of(6, 4)),
        dense.weights().get(0).values());
    assertArrayEquals(new float[] {1, 1, 1, 1}, dense.weights().get(1).values());
    assertEquals(Map.of("class_name", "HeNormal", "config", Map.of("seed", 3L)),
        dense.config().get("kernel_initializer"));
    assertEquals(Map.of("class_name", "Ones", "config", Map.of()),
        dense.config().get("bias_initializer"));
  }
}
