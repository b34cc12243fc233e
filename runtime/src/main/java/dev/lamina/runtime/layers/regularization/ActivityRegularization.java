package dev.lamina.runtime.layers.regularization;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code ActivityRegularization(l1=0.0, l2=0.0)}: the identity, whose output's penalty
 * {@code l1 * sum(|y|) + l2 * sum(y²)} (Keras's {@code L1L2(l1, l2)} as the layer's {@code
 * activity_regularizer}), divided by the batch size as Keras 3 does, joins the loss that {@code
 * fit}, {@code trainOnBatch} and {@code evaluate} report and {@code fit} minimises (Keras adds
 * {@code model.losses} in both); {@code predict} is unaffected. float32 inputs (the penalty is
 * computed as float32, as every Lamina activity regularizer). The input's mask passes through
 * ({@code supports_masking}, as Keras).
 */
public final class ActivityRegularization extends Layer {

  private final double l1;
  private final double l2;
  private final Regularizer regularizer;

  /** Keras's defaults, {@code l1=0.0, l2=0.0}: no penalty. */
  public ActivityRegularization() {
    this(null, 0, 0);
  }

  /** Keras's {@code ActivityRegularization(l1, l2)}. */
  public ActivityRegularization(double l1, double l2) {
    this(null, l1, l2);
  }

  /**
   * A named layer; {@code name} may be null.
   *
   * @param l1 the L1 factor, 0 or more
   * @param l2 the L2 factor, 0 or more
   */
  public ActivityRegularization(String name, double l1, double l2) {
    super(name);
    for (double factor : new double[] {l1, l2}) {
      if (!(factor >= 0) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException("ActivityRegularization's l1 and l2 must be finite "
            + "and 0 or more, got l1=" + l1 + ", l2=" + l2);
      }
    }
    this.l1 = l1;
    this.l2 = l2;
    this.regularizer = Regularizer.l1l2(l1, l2);
  }

  /** The L1 factor. */
  public double l1() {
    return l1;
  }

  /** The L2 factor. */
  public double l2() {
    return l2;
  }

  /** Applies the layer: its input, unchanged. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> x) {
    return applyTyped(x);
  }

  /** Keras's config: {@code l1} and {@code l2} (not an {@code activity_regularizer}). */
  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("l1", l1);
    arguments.put("l2", l2);
    return arguments;
  }

  /** Keras's {@code L1L2(l1, l2)}, which {@code fit} applies to the output. */
  @Override
  public Regularizer activityRegularizer() {
    return regularizer;
  }

  /** As Keras's ({@code supports_masking}): the input's mask passes through. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return Layers.passMask(inputs);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    if (inputs.get(0).dtype() != TFloat32.class) {
      throw new IllegalArgumentException(describe() + " takes float32 inputs (its penalty is "
          + "float32), got " + dev.lamina.runtime.Shapes.dtypeName(inputs.get(0).dtype()));
    }
    return Layers.spec(inputs.get(0).shape(), inputs.get(0).dtype());
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    return tf.identity(inputs.get(0));
  }
}
