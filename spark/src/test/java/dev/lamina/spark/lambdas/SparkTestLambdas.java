package dev.lamina.spark.lambdas;

import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import dev.lamina.runtime.backend.K;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The tests' lambdas, alone in this package so that SparkClusterTest can ship exactly them (with
 * the processor's registry entry) to the executors as a jar, and leave them out to see the
 * missing-lambda failure.
 */
public final class SparkTestLambdas {

  private SparkTestLambdas() {}

  /** Keras's antirectifier (the same ops as the keras module's fixture lambda). */
  @Lambda(outputShapeFn = "antirectifierShape")
  static Operand<TFloat32> antirectifier(Ops tf, Operand<TFloat32> x) {
    x = tf.math.sub(x, K.mean(tf, x, 1, true));
    x = K.l2Normalize(tf, x, 1);
    return K.concatenate(tf, List.of(K.relu(tf, x), K.relu(tf, tf.math.neg(x))), 1);
  }

  static Shape antirectifierShape(Shape input) {
    long features = input.get(1);
    return Shape.of(input.get(0), features == Shape.UNKNOWN_SIZE ? features : 2 * features);
  }

  /** x * factor. */
  @Lambda
  static Operand<TFloat32> scale(Ops tf, Operand<TFloat32> x, @Arg float factor) {
    return tf.math.mul(x, tf.constant(factor));
  }
}
