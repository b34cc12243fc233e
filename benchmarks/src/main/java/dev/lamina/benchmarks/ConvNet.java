package dev.lamina.benchmarks;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.convolutional.Conv2D;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.pooling.MaxPooling2D;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.train.Adam;
import dev.lamina.runtime.train.Losses;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Keras's simple MNIST convnet (keras.io/examples/vision/mnist_convnet) at its own sizes: 28×28×1
 * images, Conv2D(32, 3×3, relu) → MaxPooling2D(2×2) → Conv2D(64, 3×3, relu) → MaxPooling2D(2×2) →
 * Flatten (1,600) → Dropout(0.5) → Dense(10, softmax), 34,826 weights; trained with Adam and
 * categorical cross-entropy. {@link #lamina} builds it with Lamina's layers, {@link HandConvGraph}
 * and {@link HandConvTrainer} write the same graphs with TensorFlow Java's {@code Ops}; all take
 * the same {@link Weights}.
 */
public final class ConvNet {

  public static final int ROWS = 28;
  public static final int COLS = 28;
  public static final int PIXELS = ROWS * COLS;
  public static final int FILTERS1 = 32;
  public static final int FILTERS2 = 64;
  public static final int KERNEL = 3;
  /** 28 → conv 26 → pool 13 → conv 11 → pool 5: 5 × 5 × 64. */
  public static final int FLAT = 5 * 5 * FILTERS2;
  public static final int CLASSES = 10;
  public static final double DROPOUT = 0.5;
  public static final long DROPOUT_SEED = 13;

  public static final long WEIGHT_SEED = 0x5eed_0021L;
  public static final long INPUT_SEED = 0x5eed_0022L;

  private ConvNet() {}

  /**
   * The six weights in Keras's order and shapes, row-major: kernel1 (3, 3, 1, 32), bias1 (32),
   * kernel2 (3, 3, 32, 64), bias2 (64), kernel3 (1600, 10), bias3 (10).
   */
  public record Weights(float[] kernel1, float[] bias1, float[] kernel2, float[] bias2,
      float[] kernel3, float[] bias3) {

    static final long[][] SHAPES = {{KERNEL, KERNEL, 1, FILTERS1}, {FILTERS1},
        {KERNEL, KERNEL, FILTERS1, FILTERS2}, {FILTERS2}, {FLAT, CLASSES}, {CLASSES}};
    static final String[] NAMES = {"kernel1", "bias1", "kernel2", "bias2", "kernel3", "bias3"};

    /** Glorot-uniform kernels (Keras's fans: receptive field × channels) and small biases. */
    public static Weights seeded(long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      int k = KERNEL * KERNEL;
      return new Weights(
          glorot(random, k * FILTERS1, k, k * FILTERS1), uniform(random, FILTERS1, 0.1),
          glorot(random, k * FILTERS1 * FILTERS2, k * FILTERS1, k * FILTERS2),
          uniform(random, FILTERS2, 0.1),
          glorot(random, FLAT * CLASSES, FLAT, CLASSES), uniform(random, CLASSES, 0.1));
    }

    public float[][] all() {
      return new float[][] {kernel1, bias1, kernel2, bias2, kernel3, bias3};
    }

    /** As NdArrays of their shapes, for {@code Model.setWeights}. */
    public List<FloatNdArray> arrays() {
      float[][] all = all();
      FloatNdArray[] arrays = new FloatNdArray[all.length];
      for (int i = 0; i < all.length; i++) {
        arrays[i] = NdArrays.wrap(Shape.of(SHAPES[i]), DataBuffers.of(all[i], true, false));
      }
      return List.of(arrays);
    }

    /** The six arrays as {@code .npz} entries, by {@link #NAMES}. */
    Npz npz() {
      Npz npz = new Npz();
      float[][] all = all();
      for (int i = 0; i < all.length; i++) {
        npz.add(NAMES[i], all[i], SHAPES[i]);
      }
      return npz;
    }

    /** {@code size} values uniform in ±sqrt(6 / (fanIn + fanOut)). */
    private static float[] glorot(SplittableRandom random, int size, int fanIn, int fanOut) {
      return uniform(random, size, Math.sqrt(6.0 / (fanIn + fanOut)));
    }

    private static float[] uniform(SplittableRandom random, int n, double limit) {
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = (float) random.nextDouble(-limit, limit);
      }
      return values;
    }
  }

  /** The model with Lamina's layers, set to {@code w}; {@code dropout} 0 leaves it out of fit. */
  public static Sequential lamina(Weights w, double dropout) {
    Sequential model = Sequential.of(Input.of(TFloat32.class, ROWS, COLS, 1),
        Conv2D.builder(FILTERS1, KERNEL).activation("relu").seed(1).build(),
        new MaxPooling2D(2, 2),
        Conv2D.builder(FILTERS2, KERNEL).activation("relu").seed(2).build(),
        new MaxPooling2D(2, 2),
        new Flatten(),
        new Dropout("dropout", dropout, DROPOUT_SEED),
        Dense.builder(CLASSES).activation("softmax").seed(3).build());
    model.setWeights(w.arrays());
    return model;
  }

  /** {@link #lamina} compiled as Keras's example: Adam's defaults, categorical cross-entropy. */
  public static Sequential laminaTrainer(Weights w, double dropout) {
    Sequential model = lamina(w, dropout);
    model.compile(new Adam(HandConvTrainer.LEARNING_RATE), Losses.categoricalCrossentropy());
    return model;
  }

  /** {@code n} images of 28×28×1 values in [0, 1), as MNIST's scaled pixels. */
  public static FloatNdArray images(long seed, int n) {
    float[] values = new float[n * PIXELS];
    AntirectifierNet.fill(new SplittableRandom(seed), values);
    return NdArrays.wrap(Shape.of(n, ROWS, COLS, 1), DataBuffers.of(values, false, false));
  }
}
