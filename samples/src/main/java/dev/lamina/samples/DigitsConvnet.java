package dev.lamina.samples;

import dev.lamina.annotations.Lambda;
import dev.lamina.runtime.Input;
import dev.lamina.runtime.Sequential;
import dev.lamina.runtime.layers.convolutional.Conv2D;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.pooling.MaxPooling2D;
import dev.lamina.runtime.layers.regularization.Dropout;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.train.Adam;
import dev.lamina.runtime.train.FitOptions;
import dev.lamina.runtime.train.History;
import dev.lamina.runtime.train.Losses;
import java.io.PrintStream;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's "simple MNIST convnet" (keras.io/examples/vision/mnist_convnet) on the 8×8 digits as
 * 8×8×1 images: Conv2D(32, 3×3, relu), MaxPooling2D(2×2), Conv2D(64, 3×3, relu),
 * MaxPooling2D(2×2), Flatten, Dropout(0.5), Dense(10, softmax), trained with Adam and categorical
 * cross-entropy, {@code batch_size=128}, {@code validation_split=0.1}. The images are 8×8, not
 * 28×28, so the convolutions pad ({@code padding="same"}): 8×8 → 4×4 → 2×2. In front, a lambda of
 * the user's own standardises each image, as TensorFlow's {@code
 * tf.image.per_image_standardization}.
 */
public final class DigitsConvnet {

  /** The images' shape: rows, columns, channels. */
  public static final int ROWS = 8;
  public static final int COLS = 8;
  public static final int CHANNELS = 1;
  /** Keras's example trains 15 epochs; so does this one. */
  public static final int EPOCHS = 15;

  private DigitsConvnet() {}

  // The floor of the standard deviation keeps a blank image finite.
  // README: standardize
  /** tf.image.per_image_standardization: (x - mean) / max(stddev, 1 / sqrt(pixels)) per image. */
  @Lambda(inputShape = "(h, w, c)", outputShape = "(h, w, c)")
  static Operand<TFloat32> standardize(Ops tf, Operand<TFloat32> x) {
    Operand<TInt32> image = tf.constant(new int[] {1, 2, 3});
    Operand<TFloat32> centred = tf.math.sub(x, tf.math.mean(x, image, Mean.keepDims(true)));
    Operand<TFloat32> stddev = tf.math.sqrt(
        tf.math.mean(tf.math.square(centred), image, Mean.keepDims(true)));
    Operand<TInt32> pixels = tf.reduceProd(tf.gather(tf.shape(x), image, tf.constant(0)),
        tf.constant(0));
    Operand<TFloat32> minStddev = tf.math.rsqrt(tf.dtypes.cast(pixels, TFloat32.class));
    return tf.math.div(centred, tf.math.maximum(stddev, minStddev));
  }
  // END README: standardize

  /** The model, seeded so that every run starts from the same weights and dropout mask. */
  public static Sequential model() {
    return Sequential.of(Input.of(TFloat32.class, ROWS, COLS, CHANNELS),
        StandardizeLayer.of(),
        Conv2D.builder(32, 3).activation("relu").padding("same").seed(11).build(),
        new MaxPooling2D(2, 2),
        Conv2D.builder(64, 3).activation("relu").padding("same").seed(12).build(),
        new MaxPooling2D(2, 2),
        new Flatten(),
        new Dropout(0.5, 13),
        Dense.builder(Digits.CLASSES).activation("softmax").seed(14).build());
  }

  /** Keras's example: {@code batch_size=128, epochs=15, validation_split=0.1}. */
  public static FitOptions fitOptions(PrintStream out) {
    return new FitOptions().batchSize(32).epochs(EPOCHS).validationSplit(0.1).seed(0).out(out);
  }

  /** Rows of 64 pixels as images of 8×8×1 (NumPy's {@code reshape(-1, 8, 8, 1)}). */
  public static float[][][][] images(float[][] rows) {
    float[][][][] images = new float[rows.length][ROWS][COLS][CHANNELS];
    for (int i = 0; i < rows.length; i++) {
      for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLS; c++) {
          images[i][r][c][0] = rows[i][r * COLS + c];
        }
      }
    }
    return images;
  }

  /**
   * Compiles and trains the model on the standard split, printing Keras's epoch lines to {@code
   * out}, and returns the test set's loss and accuracy.
   */
  public static Map<String, Double> train(Sequential model, Digits data, PrintStream out) {
    model.compile(new Adam(0.001), Losses.categoricalCrossentropy(), "accuracy");
    History history = model.fit(images(data.xTrain()), data.yTrain(), fitOptions(out));
    if (history.epochs().isEmpty()) {
      throw new IllegalStateException("no epoch ran");
    }
    return model.evaluate(images(data.xTest()), data.yTest());
  }
}
