package dev.lamina.runtime.train;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A metric, as Keras's mean metrics: one value per sample, averaged over every sample seen in an
 * epoch (so the last batch, if smaller, weighs by its size, as in Keras). {@link Metrics} has the
 * built-in ones.
 */
public interface Metric {

  /** The name in logs and {@link History}, e.g. {@code accuracy}. */
  String name();

  /**
   * One value per sample.
   *
   * @param yTrue the targets as the loss takes them (class indices for sparse losses)
   * @param yPred the model's output
   */
  Operand<TFloat32> perSample(Ops tf, Operand<? extends TType> yTrue, Operand<TFloat32> yPred);
}
