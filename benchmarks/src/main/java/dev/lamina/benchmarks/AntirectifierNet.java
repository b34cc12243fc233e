package dev.lamina.benchmarks;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.core.Dense;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Keras's antirectifier example at its own sizes, without the dropout (the identity when
 * predicting): 784 features, Dense(256), antirectifier (512), Dense(256), antirectifier (512),
 * Dense(10, softmax). {@link #lamina} builds it with Lamina, {@link HandGraph} writes the same
 * graph with TensorFlow Java's {@code Ops}; both take the same {@link Weights}.
 */
public final class AntirectifierNet {

  public static final int FEATURES = 784;
  public static final int HIDDEN = 256;
  public static final int CLASSES = 10;

  /** The seed of the weights every benchmark and test uses. */
  public static final long WEIGHT_SEED = 0x5eed_0001L;
  /** The seed of the input rows of the predict benchmark and the tests. */
  public static final long INPUT_SEED = 0x5eed_0002L;

  private AntirectifierNet() {}

  /** The three Dense layers' kernels (in × units) and biases. */
  public record Weights(float[][] kernel1, float[] bias1, float[][] kernel2, float[] bias2,
      float[][] kernel3, float[] bias3) {

    /** Glorot-uniform kernels and small uniform biases, all from {@code seed}. */
    public static Weights seeded(long seed) {
      return seeded(seed, FEATURES);
    }

    /** As {@link #seeded(long)}, for {@code features} inputs (64 for the digits). */
    public static Weights seeded(long seed, int features) {
      SplittableRandom random = new SplittableRandom(seed);
      return new Weights(
          glorot(random, features, HIDDEN), uniform(random, HIDDEN, 0.1),
          glorot(random, 2 * HIDDEN, HIDDEN), uniform(random, HIDDEN, 0.1),
          glorot(random, 2 * HIDDEN, CLASSES), uniform(random, CLASSES, 0.1));
    }

    private static float[][] glorot(SplittableRandom random, int in, int out) {
      double limit = Math.sqrt(6.0 / (in + out));
      float[][] kernel = new float[in][];
      for (int i = 0; i < in; i++) {
        kernel[i] = uniform(random, out, limit);
      }
      return kernel;
    }

    private static float[] uniform(SplittableRandom random, int n, double limit) {
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = (float) random.nextDouble(-limit, limit);
      }
      return values;
    }
  }

  /** The model with Lamina: three {@link Dense} layers around two generated antirectifiers. */
  public static Sequential lamina(Weights w) {
    return Sequential.of(Input.of(TFloat32.class, FEATURES),
        Dense.builder(HIDDEN).kernel(w.kernel1()).bias(w.bias1()).seed(1).build(),
        AntirectifierLayer.of(),
        Dense.builder(HIDDEN).kernel(w.kernel2()).bias(w.bias2()).seed(2).build(),
        AntirectifierLayer.of(),
        Dense.builder(CLASSES).kernel(w.kernel3()).bias(w.bias3()).activation("softmax").seed(3)
            .build());
  }

  /** {@code n} rows of {@link #FEATURES} values in [0, 1), as MNIST's scaled pixels. */
  public static FloatNdArray rows(long seed, int n) {
    float[] values = new float[n * FEATURES];
    fill(new SplittableRandom(seed), values);
    return NdArrays.wrap(Shape.of(n, FEATURES), DataBuffers.of(values, false, false));
  }

  /** Refills {@code values} from {@code random}; an array wrapped by an NdArray sees it at once. */
  public static void fill(SplittableRandom random, float[] values) {
    fill(random, values, values.length);
  }

  /** Refills the first {@code count} of {@code values} from {@code random}. */
  public static void fill(SplittableRandom random, float[] values, int count) {
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextDouble();
    }
  }
}
