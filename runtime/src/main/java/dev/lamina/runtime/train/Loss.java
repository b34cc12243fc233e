package dev.lamina.runtime.train;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * A loss, as Keras's: one value per sample, which {@code fit} averages over the batch (Keras's
 * default reduction, {@code "sum_over_batch_size"}). {@link Losses} has Keras's built-in ones.
 */
public interface Loss {

  /** Keras's name, e.g. {@code categorical_crossentropy}. */
  String name();

  /**
   * One loss value per sample.
   *
   * @param yTrue the targets, of {@link #targetType()}, batch first
   * @param yPred the model's output, batch first
   */
  Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue, Operand<TFloat32> yPred);

  /** The dtype targets are fed as: float32, or int64 for class indices. */
  default Class<? extends TType> targetType() {
    return TFloat32.class;
  }

  /** Options that {@link Losses#get(String, boolean)} rebuilds the loss from. */
  default boolean fromLogits() {
    return false;
  }

  /** True if targets are class indices, one per sample (sparse losses). */
  default boolean sparseTargets() {
    return targetType() == TInt64.class;
  }
}
