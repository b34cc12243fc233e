package dev.lamina.runtime.layers.attention;

import dev.lamina.runtime.Initializer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.layers.activations.ActivationFunctions;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code MultiHeadAttention(num_heads, key_dim, value_dim=None, dropout=0.0,
 * use_bias=True, output_shape=None, attention_axes=None, ...)}: "Attention is all you need"'s
 * multi-head attention. The query, key and value are projected to {@code num_heads} heads of
 * {@code key_dim} (query, key) and {@code value_dim} (value) features; each query step attends
 * to the key steps through {@code softmax(q · k / sqrt(key_dim))}; the heads' weighted values
 * are projected back to the query's last size (or {@code output_shape}).
 *
 * <p>Inputs, in order: {@code query} {@code (batch, T..., dim)}, {@code value} {@code (batch,
 * S..., dim_v)}, optionally {@code key} {@code (batch, S..., dim_k)} (Keras's default: the value)
 * and {@code attention_mask} {@code (batch, T, S)} (bool, or numbers: true where not 0; it
 * broadcasts as Keras's does), e.g. {@code mha.apply(query, value, null, mask)}. The query and
 * value (and key) may have different lengths. Outputs: the attention output {@code (batch, T...,
 * output_shape)}, and with {@code returnAttentionScores} the scores {@code (batch, heads, T...,
 * S...)} as a second output ({@link #callOutputs}).
 *
 * <p>Masks, as Keras 3's {@code _compute_attention_mask}: the query's mask {@code (batch, T)}
 * and the value's and key's {@code (batch, S)} combine with the attention mask and, with
 * {@code useCausalMask}, the causal mask (a step attends to itself and earlier steps); masked
 * scores take -1e9 before the softmax. The output carries the query's mask. As in Keras, a query
 * step that may attend nowhere gets the value's mean when the layer takes Keras's fused path (no
 * dropout, no scores output, inputs of rank 3) and zeros otherwise.
 *
 * <p>Weights, in Keras's order and layout (its {@code EinsumDense} sublayers {@code query},
 * {@code key}, {@code value}, {@code attention_output}): {@code query/kernel (dim, heads,
 * key_dim)}, {@code query/bias (heads, key_dim)}, {@code key/kernel}, {@code key/bias}, {@code
 * value/kernel (dim_v, heads, value_dim)}, {@code value/bias}, {@code attention_output/kernel
 * (heads, value_dim, output_shape...)}, {@code attention_output/bias (output_shape...)}; no
 * biases without {@code use_bias}. Dropout of the attention probabilities applies in {@code fit}
 * only, drawing from the call's seed stream ({@code seed}: Keras's {@code [seed, step]}).
 * {@code use_causal_mask} and {@code return_attention_scores}, Keras's call arguments, are
 * options of the layer here, the same for all its calls.
 */
public final class MultiHeadAttention extends QueryValueAttention {

  /** Keras's {@code _large_negative_number} (the explicit softmax path). */
  static final float MASKED = -1e9f;
  /** Keras's TensorFlow {@code _get_large_negative(float32)} (the fused path). */
  static final float FUSED_MASKED = (float) (3.38953e38 * -0.7);

  private final Builder options;
  private final int numHeads;
  private final int keyDim;
  private final int valueDim;
  private final double dropout;
  private final long[] outputShape;
  private final int[] attentionAxes;
  private final Initializer kernelInitializer;
  private final Initializer biasInitializer;

  // Fixed by the first apply, as Keras's build.
  private int rank = -1; // of the query (and key and value)
  private long queryDim;
  private long keyInputDim;
  private long valueInputDim;
  private int[] axes; // attention axes of the projected tensors, rank + 1

  private MultiHeadAttention(Builder builder) {
    super(builder.name);
    this.options = builder.copy();
    if (builder.numHeads < 1) {
      throw new IllegalArgumentException("MultiHeadAttention num_heads must be at least 1, got "
          + builder.numHeads);
    }
    if (builder.keyDim < 1) {
      throw new IllegalArgumentException("MultiHeadAttention key_dim must be at least 1, got "
          + builder.keyDim);
    }
    if (builder.valueDim != null && builder.valueDim < 1) {
      throw new IllegalArgumentException("MultiHeadAttention value_dim must be at least 1, got "
          + builder.valueDim);
    }
    if (!(builder.dropout >= 0 && builder.dropout < 1)) {
      throw new IllegalArgumentException("MultiHeadAttention dropout must be in [0, 1), got "
          + builder.dropout);
    }
    if (builder.outputShape != null) {
      if (builder.outputShape.length == 0) {
        throw new IllegalArgumentException("MultiHeadAttention output_shape needs at least one "
            + "size");
      }
      for (long d : builder.outputShape) {
        if (d < 1) {
          throw new IllegalArgumentException("MultiHeadAttention output_shape sizes must be at "
              + "least 1, got " + Arrays.toString(builder.outputShape));
        }
      }
    }
    this.numHeads = builder.numHeads;
    this.keyDim = builder.keyDim;
    this.valueDim = builder.valueDim != null ? builder.valueDim : builder.keyDim;
    this.dropout = builder.dropout;
    this.outputShape = builder.outputShape == null ? null : builder.outputShape.clone();
    this.attentionAxes = builder.attentionAxes == null ? null : builder.attentionAxes.clone();
    this.kernelInitializer = builder.kernelInitializer;
    this.biasInitializer = builder.biasInitializer != null ? builder.biasInitializer
        : Initializer.zeros();
  }

  /** {@code MultiHeadAttention(num_heads, key_dim)}. */
  public MultiHeadAttention(int numHeads, int keyDim) {
    this(builder(numHeads, keyDim));
  }

  /** All of Keras's options. */
  public static Builder builder(int numHeads, int keyDim) {
    return new Builder(numHeads, keyDim);
  }

  public int numHeads() {
    return numHeads;
  }

  public int keyDim() {
    return keyDim;
  }

  public int valueDim() {
    return valueDim;
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("num_heads", numHeads);
    arguments.put("key_dim", keyDim);
    arguments.put("value_dim", valueDim);
    arguments.put("dropout", dropout);
    arguments.put("use_bias", options.useBias);
    arguments.put("output_shape", outputShape == null ? null
        : Arrays.stream(outputShape).boxed().toList());
    arguments.put("attention_axes", axes != null ? Layers.list(axes)
        : attentionAxes == null ? null : Layers.list(attentionAxes));
    if (options.useCausalMask) {
      arguments.put("use_causal_mask", true);
    }
    if (options.returnAttentionScores) {
      arguments.put("return_attention_scores", true);
    }
    return arguments;
  }

  /**
   * What a saved model keeps: the {@link #arguments()} (the attention axes as given), Keras's
   * initializers, regularizers and constraints that are set and that Keras can name, the seed,
   * and the call options {@code use_causal_mask} and {@code return_attention_scores}.
   */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>(arguments());
    config.put("attention_axes", attentionAxes == null ? null : Layers.list(attentionAxes));
    config.put("use_causal_mask", options.useCausalMask);
    config.put("return_attention_scores", options.returnAttentionScores);
    Layers.putInitializer(config, "kernel_initializer", kernelInitializer);
    Layers.putInitializer(config, "bias_initializer", biasInitializer);
    Layers.putRegularizer(config, "kernel_regularizer", options.kernelRegularizer);
    Layers.putRegularizer(config, "bias_regularizer", options.biasRegularizer);
    Layers.putConstraint(config, "kernel_constraint", options.kernelConstraint);
    Layers.putConstraint(config, "bias_constraint", options.biasConstraint);
    config.put("seed", options.seed);
    return config;
  }

  /** Keras's call options {@code use_causal_mask} and {@code return_attention_scores}. */
  @Override
  public MultiHeadAttention withCallOptions(Map<String, Object> callOptions) {
    AttentionSupport.onlyOptions(this, callOptions,
        List.of("use_causal_mask", "return_attention_scores"));
    Builder copy = options.copy()
        .useCausalMask(AttentionSupport.option(this, callOptions, "use_causal_mask", false))
        .returnAttentionScores(AttentionSupport.option(this, callOptions,
            "return_attention_scores", false));
    return new MultiHeadAttention(copy);
  }

  @Override
  protected synchronized List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    if (inputs.size() < 2 || inputs.size() > 4) {
      throw new IllegalArgumentException(describe() + " takes 2 to 4 inputs (query, value, "
          + "key, attention_mask), got " + inputs.size());
    }
    SymbolicTensor<?> query = inputs.get(0);
    SymbolicTensor<?> value = inputs.get(1);
    SymbolicTensor<?> key = inputs.size() > 2 ? inputs.get(2) : value;
    String[] names = {"query", "value", "key"};
    SymbolicTensor<?>[] tensors = {query, value, key};
    for (int i = 0; i < 3; i++) {
      Shape shape = tensors[i].shape();
      if (tensors[i].dtype() != TFloat32.class) {
        throw new IllegalArgumentException(describe() + ": the " + names[i] + " must be "
            + "float32, got " + Shapes.dtypeName(tensors[i].dtype()));
      }
      if (shape.isUnknown() || shape.numDimensions() < 3
          || shape.get(shape.numDimensions() - 1) == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException(describe() + ": the " + names[i] + " needs rank 3 "
            + "or more (batch, steps..., features) with known features, got "
            + Shapes.format(shape));
      }
    }
    int r = query.shape().numDimensions();
    if (value.shape().numDimensions() != r || key.shape().numDimensions() != r) {
      throw new IllegalArgumentException(describe() + ": the query, value and key must have "
          + "one rank, got " + Layers.describe(List.of(query, value, key)));
    }
    for (int i = 1; i < r - 1; i++) {
      long v = value.shape().get(i);
      long k = key.shape().get(i);
      if (v != Shape.UNKNOWN_SIZE && k != Shape.UNKNOWN_SIZE && v != k) {
        throw new IllegalArgumentException(describe() + ": all dimensions of the value and key, "
            + "except the last one, must be equal; got value " + Shapes.format(value.shape())
            + " and key " + Shapes.format(key.shape()));
      }
    }
    int[] projectedAxes = projectedAxes(r);
    for (int i = 1; i < r - 1; i++) {
      boolean attended = false;
      for (int a : projectedAxes) {
        attended |= a == i;
      }
      long q = query.shape().get(i);
      long v = value.shape().get(i);
      if (!attended && q != Shape.UNKNOWN_SIZE && v != Shape.UNKNOWN_SIZE && q != v) {
        throw new IllegalArgumentException(describe() + ": axis " + i + " is not an attention "
            + "axis, so the query and value must agree on it; got query "
            + Shapes.format(query.shape()) + " and value " + Shapes.format(value.shape()));
      }
    }
    if (inputs.size() == 4) {
      SymbolicTensor<?> mask = inputs.get(3);
      if (mask.dtype() != TBool.class && !org.tensorflow.types.family.TNumber.class
          .isAssignableFrom(mask.dtype())) {
        throw new IllegalArgumentException(describe() + ": the attention_mask must be bool or "
            + "numbers, got " + Shapes.dtypeName(mask.dtype()));
      }
      int scoresRank = r + 1;
      if (mask.shape().isUnknown() || mask.shape().numDimensions() > scoresRank) {
        throw new IllegalArgumentException(describe() + ": the attention_mask must have rank "
            + "at most " + scoresRank + " (batch, heads, query steps, key steps), got "
            + Shapes.format(mask.shape()));
      }
    }
    long[] q = query.shape().asArray();
    long[] k = key.shape().asArray();
    long[] v = value.shape().asArray();
    if (rank < 0) {
      rank = r;
      queryDim = q[r - 1];
      keyInputDim = k[r - 1];
      valueInputDim = v[r - 1];
      axes = projectedAxes;
      buildWeights();
    } else if (rank != r || queryDim != q[r - 1] || keyInputDim != k[r - 1]
        || valueInputDim != v[r - 1]) {
      throw new IllegalArgumentException(describe() + " was built for query, value and key of "
          + "rank " + rank + " with " + queryDim + ", " + valueInputDim + " and " + keyInputDim
          + " features, got " + Layers.describe(List.of(query, value, key)));
    }
    long[] out = Arrays.copyOf(q, r - 1 + (outputShape == null ? 1 : outputShape.length));
    if (outputShape == null) {
      out[r - 1] = queryDim;
    } else {
      System.arraycopy(outputShape, 0, out, r - 1, outputShape.length);
    }
    List<OutputSpec<?>> specs = new ArrayList<>();
    specs.add(Layers.spec(Shape.of(out), TFloat32.class));
    if (options.returnAttentionScores) {
      // (batch dims of the projected query, heads included; its attention dims; the key's)
      long[] projected = Arrays.copyOf(q, r + 1);
      projected[r - 1] = numHeads;
      projected[r] = keyDim;
      long[] projectedKey = Arrays.copyOf(k, r + 1);
      int[] batch = batchDims(r + 1);
      long[] scores = new long[batch.length + 2 * axes.length];
      int n = 0;
      for (int b : batch) {
        scores[n++] = projected[b];
      }
      for (int a : axes) {
        scores[n++] = projected[a];
      }
      for (int a : axes) {
        scores[n++] = projectedKey[a];
      }
      specs.add(Layers.spec(Shape.of(scores), TFloat32.class));
    }
    return specs;
  }

  /** Keras's {@code _build_attention}: the attention axes of the projected tensors. */
  private int[] projectedAxes(int queryRank) {
    int projectedRank = queryRank + 1;
    if (attentionAxes == null) {
      int[] all = new int[projectedRank - 3];
      for (int i = 0; i < all.length; i++) {
        all[i] = i + 1;
      }
      return all;
    }
    int[] out = new int[attentionAxes.length];
    for (int i = 0; i < out.length; i++) {
      int a = attentionAxes[i] >= 0 ? attentionAxes[i] : projectedRank - 1 + attentionAxes[i];
      if (a < 1 || a > projectedRank - 3) {
        throw new IllegalArgumentException(describe() + ": attention axis " + attentionAxes[i]
            + " is not a step axis of a query of rank " + queryRank + " (axes 1 to "
            + (queryRank - 2) + ", or -" + (queryRank - 2) + " to -1 counted before the "
            + "features)");
      }
      for (int j = 0; j < i; j++) {
        if (out[j] == a) {
          throw new IllegalArgumentException(describe() + ": attention axis " + a
              + " is given twice");
        }
      }
      out[i] = a;
    }
    return out;
  }

  /** The projected tensors' axes that are not attention axes, the heads' included. */
  private int[] batchDims(int projectedRank) {
    List<Integer> batch = new ArrayList<>();
    for (int i = 0; i < projectedRank - 1; i++) {
      final int axis = i;
      if (Arrays.stream(axes).noneMatch(a -> a == axis)) {
        batch.add(i);
      }
    }
    return batch.stream().mapToInt(Integer::intValue).toArray();
  }

  private void buildWeights() {
    long seed = options.seed != null ? options.seed : ThreadLocalRandom.current().nextLong();
    String[] names = {"query", "key", "value"};
    long[] dims = {queryDim, keyInputDim, valueInputDim};
    long[] heads = {keyDim, keyDim, valueDim};
    for (int i = 0; i < 3; i++) {
      addWeight(names[i] + "/kernel", Shape.of(dims[i], numHeads, heads[i]), kernel(seed, i),
          true, options.kernelRegularizer, options.kernelConstraint);
      if (options.useBias) {
        addWeight(names[i] + "/bias", Shape.of(numHeads, heads[i]), biasInitializer, true,
            options.biasRegularizer, options.biasConstraint);
      }
    }
    long[] out = outputShape != null ? outputShape : new long[] {queryDim};
    long[] kernelShape = new long[2 + out.length];
    kernelShape[0] = numHeads;
    kernelShape[1] = valueDim;
    System.arraycopy(out, 0, kernelShape, 2, out.length);
    addWeight("attention_output/kernel", Shape.of(kernelShape), kernel(seed, 3), true,
        options.kernelRegularizer, options.kernelConstraint);
    if (options.useBias) {
      addWeight("attention_output/bias", Shape.of(out), biasInitializer, true,
          options.biasRegularizer, options.biasConstraint);
    }
  }

  /** Keras clones the initializer per sublayer: unseeded ones draw afresh for each. */
  private Initializer kernel(long seed, int sublayer) {
    return kernelInitializer != null ? kernelInitializer
        : Initializer.glorotUniform(seed + sublayer);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weightValues, CallContext context) {
    List<Operand<TFloat32>> w = (List<Operand<TFloat32>>) (List<?>) weightValues;
    int perProjection = options.useBias ? 2 : 1;
    Operand<TFloat32> query = (Operand<TFloat32>) inputs.get(0);
    Operand<TFloat32> value = (Operand<TFloat32>) inputs.get(1);
    Operand<TFloat32> key = inputs.size() > 2 ? (Operand<TFloat32>) inputs.get(2) : value;
    List<Operand<TBool>> masks = context.inputMasks();
    Operand<TBool> queryMask = masks.get(0);
    Operand<TBool> valueMask = masks.get(1);
    Operand<TBool> keyMask = inputs.size() > 2 ? masks.get(2) : null;
    Operand<TBool> attentionMask = inputs.size() > 3
        ? AttentionSupport.bool(tf, inputs.get(3)) : null;

    boolean causalOnly = options.useCausalMask && queryMask == null && valueMask == null
        && keyMask == null && attentionMask == null;
    Operand<TBool> mask = causalOnly ? null : AttentionSupport.attentionMask(tf, query, value,
        queryMask, valueMask, keyMask, attentionMask, options.useCausalMask, null);

    Operand<TFloat32> q = project(tf, query, w.get(0), bias(w, 0, perProjection), keyDim);
    Operand<TFloat32> k = project(tf, key, w.get(perProjection),
        bias(w, perProjection, perProjection), keyDim);
    Operand<TFloat32> v = project(tf, value, w.get(2 * perProjection),
        bias(w, 2 * perProjection, perProjection), valueDim);

    int projectedRank = rank + 1;
    boolean fused = !(dropout > 0 || options.returnAttentionScores || projectedRank != 4);
    Operand<TFloat32> scale = tf.constant((float) (1.0 / Math.sqrt(keyDim)));
    int[] batch = batchDims(projectedRank);
    int[] perm = new int[projectedRank];
    int n = 0;
    for (int b : batch) {
      perm[n++] = b;
    }
    for (int a : axes) {
      perm[n++] = a;
    }
    perm[n] = projectedRank - 1;
    Operand<TFloat32> scores;
    if (fused) {
      // Keras's ops.dot_product_attention: the scale after the product, large negative masking.
      scores = tf.math.mul(dot(tf, q, k, perm, batch.length), scale);
      Operand<TBool> full = mask != null ? expand(tf, mask, projectedRank)
          : causalOnly ? expand(tf, AttentionSupport.causalMask(tf,
              AttentionSupport.size(tf, q, 1), AttentionSupport.size(tf, k, 1)), projectedRank)
          : null;
      if (full != null) {
        scores = tf.select(full, scores, tf.constant(FUSED_MASKED));
      }
      scores = tf.nn.softmax(scores);
    } else {
      if (options.useCausalMask && causalOnly) {
        mask = AttentionSupport.causalMask(tf, AttentionSupport.size(tf, q, 1),
            AttentionSupport.size(tf, v, 1));
      }
      scores = dot(tf, tf.math.mul(q, scale), k, perm, batch.length);
      Operand<TBool> full = mask == null ? null : expand(tf, mask, projectedRank);
      if (full != null) {
        scores = tf.select(full, scores, tf.constant(MASKED));
      }
      scores = axes.length == 1 ? tf.nn.softmax(scores)
          : ActivationFunctions.softmaxAxes(tf, scores, lastAxes(batch.length + 2 * axes.length));
      if (full != null) {
        scores = tf.select(full, scores, tf.constant(0f));
      }
    }
    Operand<TFloat32> probabilities = scores;
    if (dropout > 0 && context.training()) {
      probabilities = AttentionSupport.dropout(tf, scores, dropout, options.seed,
          context.seeds());
    }
    Operand<TFloat32> attended = combine(tf, probabilities, v, perm, batch.length);
    Operand<TFloat32> output = projectOutput(tf, attended, w.get(3 * perProjection),
        bias(w, 3 * perProjection, perProjection));
    return options.returnAttentionScores ? List.of(output, scores) : List.of(output);
  }

  private static Operand<TFloat32> bias(List<Operand<TFloat32>> w, int kernel, int perProjection) {
    return perProjection == 2 ? w.get(kernel + 1) : null;
  }

  /** The last {@code count} axes of a tensor of rank {@code rank}. */
  private int[] lastAxes(int rank) {
    int[] out = new int[axes.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = rank - axes.length + i;
    }
    return out;
  }

  /**
   * Keras's {@code _masked_softmax} expansion: axes of size 1 inserted before the attention axes
   * until the mask has the scores' rank; then broadcast to them by {@code select}.
   */
  private Operand<TBool> expand(Ops tf, Operand<TBool> mask, int projectedRank) {
    int scoresRank = projectedRank - 1 + axes.length;
    int maskRank = mask.shape().numDimensions();
    if (maskRank < 0) {
      throw new IllegalStateException(describe() + ": a mask of unknown rank");
    }
    Operand<TBool> out = mask;
    for (int i = maskRank; i < scoresRank; i++) {
      out = tf.expandDims(out, tf.constant(-axes.length * 2 - 1));
    }
    return out;
  }

  /** {@code x}'s static shape as a shape tensor, or its dynamic one where a size is unknown. */
  private static Operand<TInt32> shapeOf(Ops tf, Operand<?> x) {
    long[] dims = x.shape().asArray();
    boolean known = true;
    for (int i = 1; i < dims.length; i++) {
      known &= dims[i] != Shape.UNKNOWN_SIZE;
    }
    if (!known) {
      return tf.shape(x);
    }
    int[] out = new int[dims.length];
    out[0] = -1;
    for (int i = 1; i < dims.length; i++) {
      out[i] = Math.toIntExact(dims[i]);
    }
    return tf.constant(out);
  }

  /**
   * {@code shape(x)[:to]} followed by {@code tail}: static sizes where all but the batch are
   * known, unless the tail infers one ({@code -1}).
   */
  private static Operand<TInt32> shapeWith(Ops tf, Operand<?> x, int to, int... tail) {
    boolean infers = Arrays.stream(tail).anyMatch(d -> d < 0);
    Operand<TInt32> head = tf.slice(infers ? tf.shape(x) : shapeOf(tf, x), tf.constant(new int[] {0}),
        tf.constant(new int[] {to}));
    return tf.concat(List.of(head, tf.constant(tail)), tf.constant(0));
  }

  /** Keras's query/key/value {@code EinsumDense}: {@code (B, ..., dim) -> (B, ..., N, H)}. */
  private Operand<TFloat32> project(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      Operand<TFloat32> bias, int headDim) {
    int r = x.shape().numDimensions();
    long in = x.shape().get(r - 1);
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, in}));
    Operand<TFloat32> y = tf.linalg.matMul(flat,
        tf.reshape(kernel, tf.constant(new long[] {in, (long) numHeads * headDim})));
    y = tf.reshape(y, shapeWith(tf, x, r - 1, numHeads, headDim));
    return bias == null ? y : tf.math.add(y, bias);
  }

  /** Keras's {@code attention_output} {@code EinsumDense}: {@code (B, ..., N, Hv) -> (B, ..., out)}. */
  private Operand<TFloat32> projectOutput(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel,
      Operand<TFloat32> bias) {
    int r = x.shape().numDimensions();
    long[] out = outputShape != null ? outputShape : new long[] {queryDim};
    long units = Arrays.stream(out).reduce(1, Math::multiplyExact);
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, (long) numHeads * valueDim}));
    Operand<TFloat32> y = tf.linalg.matMul(flat,
        tf.reshape(kernel, tf.constant(new long[] {(long) numHeads * valueDim, units})));
    int[] tail = Arrays.stream(out).mapToInt(Math::toIntExact).toArray();
    y = tf.reshape(y, shapeWith(tf, x, r - 2, tail));
    return bias == null ? y : tf.math.add(y, bias);
  }

  /**
   * Keras's dot-product einsum: {@code (batch dims, query attention dims, key attention dims)}
   * from the projected query and key, their axes ordered by {@code perm}.
   */
  private Operand<TFloat32> dot(Ops tf, Operand<TFloat32> q, Operand<TFloat32> k, int[] perm,
      int batchCount) {
    Operand<TFloat32> qt = tf.linalg.transpose(q, tf.constant(perm));
    Operand<TFloat32> kt = tf.linalg.transpose(k, tf.constant(perm));
    if (axes.length == 1) {
      return tf.train.batchMatMul(qt, kt, TFloat32.class, BatchMatMul.adjY(true));
    }
    int na = axes.length;
    Operand<TFloat32> qf = tf.reshape(qt, shapeWith(tf, qt, batchCount, -1, keyDim));
    Operand<TFloat32> kf = tf.reshape(kt, shapeWith(tf, kt, batchCount, -1, keyDim));
    Operand<TFloat32> flat = tf.train.batchMatMul(qf, kf, TFloat32.class,
        BatchMatMul.adjY(true));
    Operand<TInt32> shape = tf.concat(List.of(
        tf.slice(tf.shape(qt), tf.constant(new int[] {0}),
            tf.constant(new int[] {batchCount + na})),
        tf.slice(tf.shape(kt), tf.constant(new int[] {batchCount}), tf.constant(new int[] {na}))),
        tf.constant(0));
    return tf.reshape(flat, shape);
  }

  /** Keras's combine einsum: the probabilities times the projected value, in the query's layout. */
  private Operand<TFloat32> combine(Ops tf, Operand<TFloat32> probabilities,
      Operand<TFloat32> v, int[] perm, int batchCount) {
    Operand<TFloat32> vt = tf.linalg.transpose(v, tf.constant(perm));
    Operand<TFloat32> product;
    if (axes.length == 1) {
      product = tf.train.batchMatMul(probabilities, vt, TFloat32.class);
    } else {
      int na = axes.length;
      Operand<TInt32> probShape = tf.shape(probabilities);
      Operand<TFloat32> pf = tf.reshape(probabilities, tf.concat(List.of(
          tf.slice(probShape, tf.constant(new int[] {0}), tf.constant(new int[] {batchCount})),
          tf.constant(new int[] {-1}),
          tf.reshape(tf.reduceProd(tf.slice(probShape, tf.constant(new int[] {batchCount + na}),
              tf.constant(new int[] {na})), tf.constant(0)), tf.constant(new int[] {1}))),
          tf.constant(0)));
      Operand<TFloat32> vf = tf.reshape(vt, shapeWith(tf, vt, batchCount, -1, valueDim));
      Operand<TFloat32> flat = tf.train.batchMatMul(pf, vf, TFloat32.class);
      Operand<TInt32> shape = tf.concat(List.of(
          tf.slice(probShape, tf.constant(new int[] {0}),
              tf.constant(new int[] {batchCount + na})), tf.constant(new int[] {valueDim})),
          tf.constant(0));
      product = tf.reshape(flat, shape);
    }
    int[] inverse = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inverse[perm[i]] = i;
    }
    return tf.linalg.transpose(product, tf.constant(inverse));
  }

  /** Keras's MultiHeadAttention arguments, and its call options. */
  public static final class Builder {
    private final int numHeads;
    private final int keyDim;
    private Integer valueDim;
    private double dropout;
    private boolean useBias = true;
    private long[] outputShape;
    private int[] attentionAxes;
    private Initializer kernelInitializer;
    private Initializer biasInitializer;
    private Regularizer kernelRegularizer;
    private Regularizer biasRegularizer;
    private Constraint kernelConstraint;
    private Constraint biasConstraint;
    private Long seed;
    private boolean useCausalMask;
    private boolean returnAttentionScores;
    private String name;

    private Builder(int numHeads, int keyDim) {
      this.numHeads = numHeads;
      this.keyDim = keyDim;
    }

    private Builder copy() {
      Builder b = new Builder(numHeads, keyDim);
      b.valueDim = valueDim;
      b.dropout = dropout;
      b.useBias = useBias;
      b.outputShape = outputShape;
      b.attentionAxes = attentionAxes;
      b.kernelInitializer = kernelInitializer;
      b.biasInitializer = biasInitializer;
      b.kernelRegularizer = kernelRegularizer;
      b.biasRegularizer = biasRegularizer;
      b.kernelConstraint = kernelConstraint;
      b.biasConstraint = biasConstraint;
      b.seed = seed;
      b.useCausalMask = useCausalMask;
      b.returnAttentionScores = returnAttentionScores;
      b.name = name;
      return b;
    }

    /** Keras's {@code value_dim}: the value heads' size; {@code key_dim} by default. */
    public Builder valueDim(int valueDim) {
      this.valueDim = valueDim;
      return this;
    }

    /** Keras's {@code dropout} of the attention probabilities, in {@code fit} only; 0. */
    public Builder dropout(double dropout) {
      this.dropout = dropout;
      return this;
    }

    /** Keras's {@code use_bias} of the four projections; true. */
    public Builder useBias(boolean useBias) {
      this.useBias = useBias;
      return this;
    }

    /** Keras's {@code output_shape}: the output's sizes after the query's steps. */
    public Builder outputShape(long... outputShape) {
      this.outputShape = outputShape == null ? null : outputShape.clone();
      return this;
    }

    /**
     * Keras's {@code attention_axes}: the query's step axes attended over (1 is the first after
     * the batch; negative counts back from the heads' axis, as Keras's); all of them by default.
     */
    public Builder attentionAxes(int... attentionAxes) {
      this.attentionAxes = attentionAxes == null ? null : attentionAxes.clone();
      return this;
    }

    /** Keras's {@code kernel_initializer}: Glorot-uniform, drawn afresh for each projection. */
    public Builder kernelInitializer(Initializer initializer) {
      this.kernelInitializer = initializer;
      return this;
    }

    /** Keras's {@code bias_initializer}: zeros. */
    public Builder biasInitializer(Initializer initializer) {
      this.biasInitializer = initializer;
      return this;
    }

    /** Keras's {@code kernel_regularizer}, of each projection's kernel. */
    public Builder kernelRegularizer(Regularizer regularizer) {
      this.kernelRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code bias_regularizer}, of each projection's bias. */
    public Builder biasRegularizer(Regularizer regularizer) {
      this.biasRegularizer = regularizer;
      return this;
    }

    /** Keras's {@code kernel_constraint}, of each projection's kernel. */
    public Builder kernelConstraint(Constraint constraint) {
      this.kernelConstraint = constraint;
      return this;
    }

    /** Keras's {@code bias_constraint}, of each projection's bias. */
    public Builder biasConstraint(Constraint constraint) {
      this.biasConstraint = constraint;
      return this;
    }

    /**
     * Keras's {@code seed}: of the dropout (Keras's {@code [seed, step]}) and of the default
     * kernel initializers; without one the dropout follows {@code FitOptions.seed}.
     */
    public Builder seed(Long seed) {
      this.seed = seed;
      return this;
    }

    /** Keras's call argument {@code use_causal_mask}: each step attends to earlier ones only. */
    public Builder useCausalMask(boolean useCausalMask) {
      this.useCausalMask = useCausalMask;
      return this;
    }

    /** Keras's call argument {@code return_attention_scores}: the scores as a second output. */
    public Builder returnAttentionScores(boolean returnAttentionScores) {
      this.returnAttentionScores = returnAttentionScores;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public MultiHeadAttention build() {
      return new MultiHeadAttention(this);
    }
  }
}
