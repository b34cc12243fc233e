package dev.lamina.keras;

import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import dev.lamina.runtime.backend.K;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * The Java side of the Keras fixtures' lambdas (tools/keras_import_fixtures.py), written once as
 * {@code @Lambda} methods: the processor generates {@code SliceLayer}, {@code SquareLayer} and
 * {@code AntirectifierLayer} beside this class, which the tests bind to the files' Lambda layers.
 */
final class FixtureLambdas {

  private FixtureLambdas() {}

  /**
   * Python's {@code def slice(x, index): return x[:, :, index]}. The ops give {@code (n)} per
   * sample, which is what this declares; Keras's file declares {@code (4, 1)}, unchecked.
   */
  @Lambda(inputShape = "(n, c)", outputShape = "(n)", requires = "0 <= index && index < c")
  static Operand<TFloat32> slice(Ops tf, Operand<TFloat32> x, @Arg int index) {
    return tf.gather(x, tf.constant(index), tf.constant(2));
  }

  /** Python's {@code lambda x: x ** 2}. */
  @Lambda
  static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
    return tf.math.square(x);
  }

  /**
   * The fixture script's {@code antirectifier}: centre on the mean over axis 1, L2-normalise over
   * axis 1 ({@code rsqrt(max(sum(x²), 1e-12))}), then {@code concat(relu(x), relu(-x))} on axis 1.
   */
  @Lambda(outputShapeFn = "antirectifierShape")
  static Operand<TFloat32> antirectifier(Ops tf, Operand<TFloat32> x) {
    x = tf.math.sub(x, K.mean(tf, x, 1, true));
    x = K.l2Normalize(tf, x, 1);
    return K.concatenate(tf, List.of(K.relu(tf, x), K.relu(tf, tf.math.neg(x))), 1);
  }

  /** Python's {@code antirectifier_output_shape}: rank 2 only, the last size doubled. */
  static Shape antirectifierShape(Shape input) {
    if (input.numDimensions() != 2) {
      throw new IllegalArgumentException("the antirectifier takes (batch, features) inputs");
    }
    long features = input.get(1);
    return Shape.of(input.get(0), features == Shape.UNKNOWN_SIZE ? features : 2 * features);
  }

  /**
   * The tabular fixture's {@code def clip_scale(x, limit): return tf.clip_by_value(x, -limit,
   * limit) * 0.5} (tools/keras_import_tabular_fixture.py).
   */
  @Lambda
  static Operand<TFloat32> clipScale(Ops tf, Operand<TFloat32> x, @Arg float limit) {
    return tf.math.mul(tf.clipByValue(x, tf.constant(-limit), tf.constant(limit)),
        tf.constant(0.5f));
  }

  /**
   * The transformer fixture's {@code def scaled_tanh(x, scale): return tf.math.tanh(x) * scale}
   * (tools/keras_import_transformer_fixture.py).
   */
  @Lambda
  static Operand<TFloat32> scaledTanh(Ops tf, Operand<TFloat32> x, @Arg float scale) {
    return tf.math.mul(tf.math.tanh(x), tf.constant(scale));
  }

  /** Two inputs, for a binding whose arity does not fit the Keras layer. */
  @Lambda
  static Operand<TFloat32> addPair(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y) {
    return tf.math.add(x, y);
  }

  /** {@code lambda x, factor: x * factor}: a float argument, for the non-finite ones. */
  @Lambda
  static Operand<TFloat32> scale(Ops tf, Operand<TFloat32> x, @Arg float factor) {
    return tf.math.mul(x, tf.constant(factor));
  }

  /**
   * Python's {@code def scale(x): return x * 2.0} with {@code mask=keep_mask} (the input's mask
   * passes), of the masked LSTM fixture (tools/keras_rnn_fixtures.py).
   */
  @Lambda(mask = "keepMask")
  static Operand<TFloat32> doubled(Ops tf, Operand<TFloat32> x) {
    return tf.math.mul(x, tf.constant(2f));
  }

  static Operand<TBool> keepMask(Ops tf, Operand<TFloat32> x, Operand<TBool> xMask) {
    return xMask;
  }

  /** x³: not the fixture's lambda, for a test that the prediction comparison can fail. */
  @Lambda
  static <T extends TNumber> Operand<T> cube(Ops tf, Operand<T> x) {
    return tf.math.mul(x, tf.math.square(x));
  }

  /**
   * The image fixtures' {@code def standardize(x): return tf.image.per_image_standardization(x)}
   * (tools/keras_convnet_import_fixtures.py): {@code (x - mean) / max(stddev, rsqrt(pixels))} over
   * each image's rows, columns and channels.
   */
  @Lambda(inputShape = "(h, w, c)", outputShape = "(h, w, c)")
  static Operand<TFloat32> standardize(Ops tf, Operand<TFloat32> x) {
    Operand<TInt32> image = tf.constant(new int[] {1, 2, 3});
    Operand<TFloat32> centred = tf.math.sub(x, tf.math.mean(x, image, Mean.keepDims(true)));
    Operand<TFloat32> stddev = tf.math.sqrt(
        tf.math.mean(tf.math.square(centred), image, Mean.keepDims(true)));
    Operand<TInt32> pixels = tf.reduceProd(tf.gather(tf.shape(x), image, tf.constant(0)),
        tf.constant(0));
    Operand<TFloat32> floor = tf.math.rsqrt(tf.dtypes.cast(pixels, TFloat32.class));
    return tf.math.div(centred, tf.math.maximum(stddev, floor));
  }

  /** The image fixtures' {@code def scaled_swish(x, beta): return x * tf.sigmoid(beta * x)}. */
  @Lambda
  static Operand<TFloat32> scaledSwish(Ops tf, Operand<TFloat32> x, @Arg float beta) {
    return tf.math.mul(x, tf.math.sigmoid(tf.math.mul(tf.constant(beta), x)));
  }

  /**
   * The U-Net fixture's {@code def center_channels(x): return x - tf.reduce_mean(x, axis=[1, 2],
   * keepdims=True)}: each channel of each image less its mean over the rows and columns.
   */
  @Lambda(inputShape = "(h, w, c)", outputShape = "(h, w, c)")
  static Operand<TFloat32> centerChannels(Ops tf, Operand<TFloat32> x) {
    return tf.math.sub(x, tf.math.mean(x, tf.constant(new int[] {1, 2}), Mean.keepDims(true)));
  }
}
