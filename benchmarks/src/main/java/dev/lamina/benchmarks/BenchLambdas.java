package dev.lamina.benchmarks;

import dev.lamina.annotations.Lambda;
import dev.lamina.runtime.backend.K;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The benchmarks' own {@code @Lambda}s: the processor turns them into layers at build time. */
public final class BenchLambdas {

  private BenchLambdas() {}

  /**
   * Keras's antirectifier, as in the tutorial and {@code samples/SeedLambdas}: centre each sample
   * on its mean, L2-normalise it, and put the positive part and the negated negative part side by
   * side, doubling the features.
   */
  @Lambda(inputShape = "(c)", outputShape = "(2 * c)")
  static Operand<TFloat32> antirectifier(Ops tf, Operand<TFloat32> x) {
    x = tf.math.sub(x, K.mean(tf, x, 1, true)); //      x -= K.mean(x, axis=1, keepdims=True)
    x = K.l2Normalize(tf, x, 1); //                     x = K.l2_normalize(x, axis=1)
    Operand<TFloat32> pos = K.relu(tf, x); //           pos = K.relu(x)
    Operand<TFloat32> neg = K.relu(tf, tf.math.neg(x)); // neg = K.relu(-x)
    return K.concatenate(tf, List.of(pos, neg), 1); //  return K.concatenate([pos, neg], axis=1)
  }
}
