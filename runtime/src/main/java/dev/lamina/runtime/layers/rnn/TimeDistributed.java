package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.layers.Layers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code TimeDistributed(layer)}: the layer applied to every step of {@code (batch,
 * time, ...)} inputs, with the same weights for every step; the input's mask passes through.
 * The steps are folded into the batch ({@code (batch * time, ...)}), which equals Keras's step by
 * step application for every layer that treats samples independently (a BatchNormalization in
 * training would see all steps' statistics at once, where Keras's sees each step's).
 *
 * <p>The weights are this layer's, declared as the wrapped layer declares them (same names,
 * shapes, first values, regularizers and constraints); the wrapped layer's own weights are not
 * used.
 */
public final class TimeDistributed extends Layer {

  private final Layer layer;
  private Shape builtFor;

  public TimeDistributed(Layer layer) {
    this(null, layer);
  }

  public TimeDistributed(String name, Layer layer) {
    super(name);
    this.layer = Objects.requireNonNull(layer, "layer");
  }

  /** The wrapped layer (Keras's {@code layer}). */
  public Layer layer() {
    return layer;
  }

  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<?> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("layer", layer.describe());
    return arguments;
  }

  /** Keras keeps the weights under {@code layer}, where the wrapped layer keeps its own. */
  @Override
  public List<Map.Entry<String, Integer>> kerasWeightGroups() {
    List<Map.Entry<String, Integer>> groups = new ArrayList<>();
    for (Map.Entry<String, Integer> group : layer.kerasWeightGroups()) {
      groups.add(Map.entry(group.getKey().isEmpty() ? "layer" : "layer/" + group.getKey(),
          group.getValue()));
    }
    return groups;
  }

  /** Keras's config: {@code layer} as Keras's serialized layer. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("layer", Bidirectional.nested(layer));
    return config;
  }

  @Override
  protected synchronized List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    SymbolicTensor<?> x = inputs.get(0);
    Shape shape = x.shape();
    if (shape.isUnknown() || shape.numDimensions() < 3) {
      throw new IllegalArgumentException(describe() + " needs inputs of rank 3 or more "
          + "(batch, time, ...), got " + Shapes.format(shape));
    }
    long[] dims = shape.asArray();
    long[] step = java.util.Arrays.copyOfRange(dims, 2, dims.length);
    Shape stepShape = Shape.of(step);
    if (builtFor != null && !builtFor.equals(stepShape)) {
      throw new IllegalArgumentException(describe() + " was built for steps of shape "
          + Shapes.format(builtFor) + ", got " + Shapes.format(shape));
    }
    List<SymbolicTensor<?>> inner;
    try {
      inner = layer.callOutputs(Input.of(x.dtype(), step));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
    if (inner.size() != 1) {
      throw new IllegalArgumentException(describe() + ": the wrapped layer gives "
          + inner.size() + " outputs; TimeDistributed takes layers with one");
    }
    if (builtFor == null) {
      builtFor = stepShape;
      for (Weight weight : layer.weights()) {
        addWeight(weight.name(), weight.shape(), s -> weight.values(),
            weight.declaredTrainable(), weight.regularizer(), weight.constraint());
      }
    }
    long[] out = inner.get(0).shape().asArray();
    long[] full = new long[out.length + 1];
    full[0] = dims[0];
    full[1] = dims[1];
    System.arraycopy(out, 1, full, 2, out.length - 1);
    return List.of(Layers.spec(Shape.of(full), inner.get(0).dtype()));
  }

  /** Keras's: the input's mask passes through. */
  @Override
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return Layers.passMask(inputs);
  }

  @Override
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weights, CallContext context) {
    Operand<?> x = inputs.get(0);
    Operand<TInt64> shape = tf.shape(x, TInt64.class);
    int rank = x.shape().numDimensions();
    Operand<TInt64> folded = tf.concat(List.of(tf.constant(new long[] {-1}),
        tf.slice(shape, tf.constant(new long[] {2}), tf.constant(new long[] {rank - 2}))),
        tf.constant(0));
    Operand<?> flat = tf.reshape(x, folded);
    Operand<?> y = buildInner(layer, tf, List.of(flat), weights, context).get(0);
    int outRank = y.shape().numDimensions();
    Operand<TInt64> yShape = tf.shape(y, TInt64.class);
    Operand<TInt64> unfolded = tf.concat(List.of(
        tf.slice(shape, tf.constant(new long[] {0}), tf.constant(new long[] {2})),
        tf.slice(yShape, tf.constant(new long[] {1}), tf.constant(new long[] {outRank - 1}))),
        tf.constant(0));
    Operand<?> out = tf.reshape(y, unfolded);
    // The static shape the run-time one lost (time and per-step sizes known when declared), so
    // that the next layer sees it: a reshape to the same values, which has a gradient.
    long[] full = new long[outRank + 1];
    full[0] = -1;
    full[1] = x.shape().get(1);
    boolean known = full[1] >= 0;
    for (int i = 1; i < outRank; i++) {
      full[i + 1] = y.shape().get(i);
      known &= full[i + 1] >= 0;
    }
    if (known) {
      out = tf.reshape(out, tf.constant(full));
    }
    return List.of(out);
  }
}
