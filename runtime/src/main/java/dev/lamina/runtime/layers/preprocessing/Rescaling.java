package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code Rescaling(scale, offset=0.0)}: {@code x * scale + offset}, in float32 (numeric
 * inputs of other dtypes are cast first, as Keras casts to its compute dtype). {@code scale} and
 * {@code offset} are each a number or one value per channel of the last axis (Keras broadcasts
 * a list against the input). No weights.
 */
public final class Rescaling extends Layer {

  private final float[] scale;
  private final float[] offset;

  /** {@code Rescaling(scale, offset)} with numbers. */
  public Rescaling(String name, double scale, double offset) {
    this(name, new float[] {(float) scale}, new float[] {(float) offset});
  }

  /** {@code Rescaling(scale)}. */
  public Rescaling(double scale) {
    this(null, scale, 0.0);
  }

  /**
   * Per-channel values: each array holds one value per channel of the last axis, or one value
   * for all (saved as a number: Keras's {@code [v]} and {@code v} compute the same).
   */
  public static Rescaling perChannel(String name, float[] scale, float[] offset) {
    return new Rescaling(name, scale.clone(), offset.clone());
  }

  private Rescaling(String name, float[] scale, float[] offset) {
    super(name);
    if (scale.length == 0 || offset.length == 0) {
      throw new IllegalArgumentException("Rescaling needs at least one scale and offset value");
    }
    this.scale = scale;
    this.offset = offset;
  }

  /** Applies the layer; the output is float32 whatever numeric dtype {@code x} has. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<? extends TNumber> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("scale", value(scale));
    arguments.put("offset", value(offset));
    return arguments;
  }

  /** One value as Keras writes a float; several as Keras writes a list. */
  private static Object value(float[] values) {
    if (values.length == 1) {
      return (double) values[0];
    }
    List<Object> list = new ArrayList<>(values.length);
    for (float v : values) {
      list.add((double) v);
    }
    return list;
  }

  /** As Keras's ({@code supports_masking}): the input's mask passes through. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return Layers.passMask(inputs);
  }

  @Override
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    Layers.requireNumbers(this, x);
    Shape shape = x.shape();
    for (float[] values : List.of(scale, offset)) {
      if (values.length == 1) {
        continue;
      }
      long last = shape.isUnknown() || shape.numDimensions() == 0 ? Shape.UNKNOWN_SIZE
          : shape.get(shape.numDimensions() - 1);
      if (last != values.length) {
        throw new IllegalArgumentException(describe() + ": " + values.length
            + " per-channel values need inputs with " + values.length + " channels on the last "
            + "axis, got " + Shapes.format(shape));
      }
    }
    return Layers.spec(shape, TFloat32.class);
  }

  @Override
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    Operand<?> x = inputs.get(0);
    Operand<TFloat32> floats = x.type() == TFloat32.class ? cast(x) : tf.dtypes.cast(x,
        TFloat32.class);
    return tf.math.add(tf.math.mul(floats, constant(tf, scale)), constant(tf, offset));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> x) {
    return (Operand<TFloat32>) x;
  }

  private static Operand<TFloat32> constant(Ops tf, float[] values) {
    return values.length == 1 ? tf.constant(values[0]) : tf.constant(values);
  }
}
