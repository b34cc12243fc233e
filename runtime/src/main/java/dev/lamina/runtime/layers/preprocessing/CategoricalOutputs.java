package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code numerical_utils.encode_categorical_inputs} on the TensorFlow backend, shared by
 * CategoryEncoding, Discretization and Hashing: {@code one_hot} through {@code tf.one_hot} (an
 * index outside {@code [0, depth)} gives a row of zeros; a last axis of size 1 is replaced), and
 * {@code multi_hot} / {@code count} through TF's fast path {@code DenseBincount} (inputs of rank
 * 2; an index {@code >= depth} is not counted, a negative one fails when the batch runs, as
 * in Keras). Inputs of rank 1 (the batch alone) are refused for them: Keras encodes the whole
 * batch into one vector, which no model can predict batch by batch. Inputs of rank above 2 are
 * refused for {@code multi_hot} and {@code count}: Keras
 * then leaves its fast path for one that reduces axis 1 whatever the rank, contradicting its own
 * output shape.
 */
final class CategoricalOutputs {

  static final List<String> MODES = List.of("one_hot", "multi_hot", "count");

  private CategoricalOutputs() {}

  /** The output shape of encoding indices of {@code in} (batch first) in {@code mode}. */
  static Shape shape(Layer layer, long[] in, String mode, long depth) {
    if (mode.equals("one_hot")) {
      long[] kept = in.length > 1 && in[in.length - 1] == 1
          ? Arrays.copyOf(in, in.length - 1) : in;
      long[] out = Arrays.copyOf(kept, kept.length + 1);
      out[kept.length] = depth;
      return Shape.of(out);
    }
    if (in.length == 1) {
      throw new IllegalArgumentException(layer.describe() + ": output_mode '" + mode
          + "' of inputs of rank 1 (the batch alone) would encode the whole batch into one "
          + "vector, as Keras does, dropping the batch axis; give inputs of shape (batch, n)");
    }
    if (in.length > 2) {
      throw new IllegalArgumentException(layer.describe() + ": output_mode '" + mode
          + "' takes inputs of rank 2 (batch included), as Keras's TensorFlow fast path; "
          + "got rank " + in.length);
    }
    return Shape.of(in[0], depth);
  }

  /**
   * Encodes int64 {@code indices} of static shape {@code in}; {@code countWeights} (float32, the
   * indices' shape) or null, only for {@code count}.
   */
  static Operand<TFloat32> encode(Ops tf, Operand<TInt64> indices, long[] in, String mode,
      long depth, Operand<TFloat32> countWeights) {
    if (mode.equals("one_hot")) {
      Operand<TInt64> x = indices;
      if (in.length > 1 && in[in.length - 1] == 1) {
        x = tf.squeeze(x, org.tensorflow.op.core.Squeeze.axis(List.of((long) in.length - 1)));
      }
      return tf.oneHot(x, tf.constant((int) depth), tf.constant(1f), tf.constant(0f));
    }
    Operand<TFloat32> weights = countWeights != null ? countWeights
        : tf.zeros(tf.constant(new long[] {0}), TFloat32.class);
    return tf.math.denseBincount(indices, tf.constant(depth), weights,
        org.tensorflow.op.math.DenseBincount.binaryOutput(mode.equals("multi_hot")));
  }
}
