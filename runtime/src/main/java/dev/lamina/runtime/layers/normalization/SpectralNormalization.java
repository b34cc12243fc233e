package dev.lamina.runtime.layers.normalization;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.initializers.Initializers;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.layers.rnn.Bidirectional;
import dev.lamina.runtime.layers.rnn.RnnTypes;
import dev.lamina.runtime.registry.LayerType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceAll;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Keras 3's {@code SpectralNormalization(layer, power_iterations=1)}: wraps a layer with a
 * float32 weight named {@code kernel} (Dense, the convolutions). As Keras 3.15.1 does, in
 * {@code fit} each step first runs {@code power_iterations} power iterations from the
 * non-trainable {@code vector_u} ({@code v = normalize(u W^T)}, {@code u = normalize(v W)},
 * {@code W} the kernel reshaped to {@code (-1, units)}, {@code normalize(x) = x * min(rsqrt(sum
 * x^2), 1e7)}), then assigns {@code kernel / (v W u^T)} to the kernel and the new {@code u} to
 * {@code vector_u} (neither when the kernel is all zeros), and the wrapped layer runs with the
 * assigned kernel; the gradient is taken at the assigned kernel and the optimizer steps from it
 * ({@link Layer.CallContext#assign}). In {@code predict} and {@code evaluate} the wrapped layer
 * runs with the kernel as it is, unnormalized, as in Keras.
 *
 * <p>Weights: the wrapped layer's, in its order (Keras keeps them under {@code layer}), then
 * {@code vector_u} of shape {@code (1, units)}, Keras's {@code TruncatedNormal(stddev=0.02)}.
 * Keras's file also keeps the kernel a second time in the wrapper's own group, before
 * {@code vector_u}. Keras's {@code Embedding} (its {@code embeddings}) is not taken: its
 * gradient is sliced in Keras, which this wrapper does not reproduce.
 */
public final class SpectralNormalization extends Layer {

  /** The type: Keras's class name and arguments. */
  public static final LayerType<SpectralNormalization> TYPE = LayerType.of(
      "SpectralNormalization", SpectralNormalization.class, (name, c) -> {
        Layer inner = RnnTypes.nested(c, "layer");
        int iterations = c.optInt("power_iterations", 1);
        if (iterations < 1) {
          throw c.error("power_iterations", "power_iterations must be at least 1, got "
              + iterations);
        }
        return new SpectralNormalization(name, inner, iterations);
      });

  private final Layer layer;
  private final int powerIterations;
  private int kernelIndex = -1;

  public SpectralNormalization(Layer layer) {
    this(null, layer, 1);
  }

  public SpectralNormalization(Layer layer, int powerIterations) {
    this(null, layer, powerIterations);
  }

  public SpectralNormalization(String name, Layer layer, int powerIterations) {
    super(name);
    this.layer = Objects.requireNonNull(layer, "layer");
    if (powerIterations < 1) {
      throw new IllegalArgumentException("SpectralNormalization power_iterations must be at "
          + "least 1, got " + powerIterations);
    }
    this.powerIterations = powerIterations;
  }

  /** The wrapped layer (Keras's {@code layer}). */
  public Layer layer() {
    return layer;
  }

  public int powerIterations() {
    return powerIterations;
  }

  public <T extends TType> SymbolicTensor<T> apply(SymbolicTensor<?> x) {
    return applyTyped(x);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("layer", layer.describe());
    arguments.put("power_iterations", powerIterations);
    return arguments;
  }

  /** Keras's config: {@code layer} as Keras's serialized layer, and {@code power_iterations}. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("layer", Bidirectional.nested(layer));
    config.put("power_iterations", powerIterations);
    return config;
  }

  /** The wrapped layer's weights under {@code layer}, then {@code vector_u} in the own group. */
  @Override
  public List<Map.Entry<String, Integer>> kerasWeightGroups() {
    List<Map.Entry<String, Integer>> groups = new ArrayList<>();
    for (Map.Entry<String, Integer> group : layer.kerasWeightGroups()) {
      groups.add(Map.entry(group.getKey().isEmpty() ? "layer" : "layer/" + group.getKey(),
          group.getValue()));
    }
    groups.add(Map.entry("", 1));
    return groups;
  }

  /** Keras's own group holds the kernel (Keras's {@code self.kernel}) before vector_u. */
  @Override
  public List<Integer> kerasOwnGroupRepeats() {
    return kernelIndex < 0 ? List.of() : List.of(kernelIndex);
  }

  @Override
  protected synchronized List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    Layers.requireInputs(this, inputs, 1);
    List<SymbolicTensor<?>> inner;
    try {
      inner = layer.callOutputs(inputs.get(0));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
    if (inner.size() != 1) {
      throw new IllegalArgumentException(describe() + ": the wrapped layer gives "
          + inner.size() + " outputs; SpectralNormalization takes layers with one");
    }
    if (kernelIndex < 0) {
      List<Weight> own = layer.weights();
      int found = -1;
      for (int i = 0; i < own.size(); i++) {
        if (own.get(i).name().equals("kernel")) {
          found = i;
        }
      }
      if (found < 0 || own.get(found).shape().numDimensions() < 1
          || own.get(found).dtypeClass() != TFloat32.class) {
        throw new IllegalArgumentException(describe() + ": " + layer.describe() + " has no "
            + "float32 weight 'kernel' (Keras's 'object has no attribute kernel'); "
            + "SpectralNormalization wraps layers with a kernel");
      }
      for (Weight weight : own) {
        addWeight(weight.name(), weight.shape(), s -> weight.values(),
            weight.declaredTrainable(), weight.regularizer(), weight.constraint());
      }
      long units = own.get(found).shape().get(own.get(found).shape().numDimensions() - 1);
      addWeight("vector_u", org.tensorflow.ndarray.Shape.of(1, units),
          Initializers.truncatedNormal(0.0, 0.02, null), false);
      kernelIndex = found;
    }
    return List.of(Layers.spec(inner.get(0).shape(), inner.get(0).dtype()));
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weights, CallContext context) {
    int innerCount = weights.size() - 1;
    List<Operand<?>> innerWeights = new ArrayList<>(weights.subList(0, innerCount));
    if (context.training()) {
      Operand<TFloat32> kernel = (Operand<TFloat32>) weights.get(kernelIndex);
      Operand<TFloat32> u = (Operand<TFloat32>) weights.get(innerCount);
      long[] shape = kernel.shape().asArray();
      long units = shape[shape.length - 1];
      Operand<TFloat32> w = tf.reshape(kernel, tf.constant(new long[] {-1, units}));
      Operand<TFloat32> newU = u;
      Operand<TFloat32> v = null;
      for (int i = 0; i < powerIterations; i++) {
        v = normalize(tf, tf.linalg.matMul(newU, w,
            org.tensorflow.op.linalg.MatMul.transposeB(true)));
        newU = normalize(tf, tf.linalg.matMul(v, w));
      }
      newU = tf.stopGradient(newU);
      v = tf.stopGradient(v);
      Operand<TFloat32> sigma = tf.linalg.matMul(tf.linalg.matMul(v, w), newU,
          org.tensorflow.op.linalg.MatMul.transposeB(true));
      Operand<TFloat32> normalized = tf.reshape(tf.math.div(w, sigma), tf.constant(shape));
      // Keras's cond: an all-zero kernel keeps both as they are.
      Operand<org.tensorflow.types.TBool> zero = tf.reduceAll(
          tf.math.equal(kernel, tf.constant(0f)), tf.range(tf.constant(0),
              tf.rank(kernel), tf.constant(1)), ReduceAll.keepDims(false));
      Operand<TFloat32> newKernel = tf.select(zero, kernel, normalized);
      Operand<TFloat32> keptU = tf.select(zero, u, newU);
      List<Weight> own = weights();
      context.assign(own.get(kernelIndex), newKernel);
      context.update(own.get(innerCount), keptU);
      innerWeights.set(kernelIndex, newKernel);
    }
    return buildInner(layer, tf, inputs, innerWeights, context);
  }

  /** Keras's {@code ops.nn.normalize(x, axis=None)}: {@code x * min(rsqrt(sum x^2), 1e7)}. */
  private static Operand<TFloat32> normalize(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> sum = tf.reduceSum(tf.math.square(x), tf.constant(new int[] {0, 1}),
        org.tensorflow.op.core.ReduceSum.keepDims(true));
    return tf.math.mul(x, tf.math.minimum(tf.math.rsqrt(sum), tf.constant(1e7f)));
  }
}
