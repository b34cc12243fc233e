package dev.lamina.runtime;

import dev.lamina.annotations.naming.LayerNames;
import dev.lamina.runtime.constraints.Constraint;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A Keras-style layer: applied to symbolic tensors it computes (and checks) its output's shape
 * and dtype at once; when a model is built it adds its ops to the model's TensorFlow graph.
 *
 * <p>Layers are immutable. Applying one layer instance twice makes two calls (Keras's "nodes") of
 * the same layer; in a model it still counts as one layer.
 */
public abstract class Layer {

  /** TensorFlow accepts these characters in a name scope. */
  private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9.][A-Za-z0-9_.\\-]*");

  private final String name;
  private final List<Weight> weights = new CopyOnWriteArrayList<>();

  /**
   * @param name the name the user gave (Keras's {@code name=}), or {@code null} to let the model
   *     pick one from {@link #defaultName()}
   */
  protected Layer(String name) {
    if (name != null && !VALID_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Layer name '" + name + "' is not valid: use letters, digits, '_', '.' and '-', "
              + "starting with a letter, digit or '.'");
    }
    this.name = name;
  }

  /** The name the user gave this layer, if any. */
  public final Optional<String> explicitName() {
    return Optional.ofNullable(name);
  }

  /**
   * The name used when the user gave none; the model makes it unique ({@code square_1}). By
   * {@link LayerNames#defaultLayerName}, the rule the processor names lambdas by:
   * {@code SliceLayer} gives {@code slice}, {@code L2NormLayer} {@code l2_norm}.
   */
  public String defaultName() {
    return LayerNames.defaultLayerName(typeName());
  }

  /**
   * The layer's type as shown in summaries and pictures: its registered type's name
   * ({@link LayerTypes}), else its class's simple name, e.g. {@code SliceLayer}.
   */
  public String typeName() {
    return LayerTypes.of(this).map(LayerType::name).orElse(getClass().getSimpleName());
  }

  private volatile boolean trainable = true;

  /**
   * Freezes ({@code false}) or unfreezes the layer, as Keras's {@code layer.trainable = False}:
   * a frozen layer's weights count as non-trainable in summaries and are left alone by training.
   * As in Keras, it applies to training set up by the next {@code compile}.
   */
  public final void setTrainable(boolean trainable) {
    this.trainable = trainable;
  }

  /** Whether training may update the layer's trainable weights (Keras's {@code trainable}). */
  public final boolean isTrainable() {
    return trainable;
  }

  /** The layer's fixed arguments by name, for summaries: Keras's {@code arguments}. */
  public Map<String, Object> arguments() {
    return Map.of();
  }

  /**
   * What a saved model keeps to rebuild this layer: {@link #arguments()} unless a layer needs
   * more (e.g. a seed).
   */
  public Map<String, Object> config() {
    return arguments();
  }

  /**
   * {@code SliceLayer 'slice' (index=0)}: type, name (given or default) and arguments, the way
   * error messages name a layer.
   */
  public String describe() {
    StringBuilder text = new StringBuilder(typeName()).append(" '")
        .append(explicitName().orElse(defaultName())).append('\'');
    Map<String, Object> arguments = arguments();
    if (!arguments.isEmpty()) {
      StringJoiner joined = new StringJoiner(", ", " (", ")");
      arguments.forEach((key, value) -> joined.add(key + "=" + formatArgument(value)));
      text.append(joined);
    }
    return text.toString();
  }

  /** One line, always: a line break in a String or char argument shows as {@code \\n}. */
  static String formatArgument(Object value) {
    if (value != null && value.getClass().isArray()) {
      String nested = Arrays.deepToString(new Object[] {value});
      return Summary.escapeControls(nested.substring(1, nested.length() - 1));
    }
    return Summary.escapeControls(
        value instanceof String ? '"' + (String) value + '"' : String.valueOf(value));
  }

  /**
   * Applies the layer to symbolic inputs without static dtype checks (the generated layers offer
   * a typed {@code apply}). Fails with an {@link IllegalArgumentException} naming the layer and
   * the shapes if the inputs do not fit.
   *
   * @throws IllegalArgumentException also for a layer that gives several outputs: use
   *     {@link #callOutputs(List)} for those
   */
  public final SymbolicTensor<?> call(List<? extends SymbolicTensor<?>> inputs) {
    List<SymbolicTensor<?>> outputs = callOutputs(inputs);
    if (outputs.size() != 1) {
      throw new IllegalArgumentException(describe() + " gives " + outputs.size()
          + " outputs; take them all with callOutputs");
    }
    return outputs.get(0);
  }

  /**
   * Applies the layer to symbolic inputs and returns all its outputs, in order: one for most
   * layers, several for a layer whose {@link #computeOutputs} says so (as a Keras layer whose
   * {@code call} returns a list, e.g. an RNN's sequence and states). Each output carries the mask
   * {@link #maskFunctions} gives it.
   */
  public final List<SymbolicTensor<?>> callOutputs(List<? extends SymbolicTensor<?>> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    List<SymbolicTensor<?>> checked = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      checked.add(Objects.requireNonNull(inputs.get(i), () -> describe() + ": input is null"));
    }
    List<OutputSpec<?>> specs = computeOutputs(checked);
    if (specs == null || specs.isEmpty() || specs.stream().anyMatch(Objects::isNull)) {
      throw new IllegalStateException(describe() + ": computeOutputs must give one spec per "
          + "output, at least one, got " + specs);
    }
    for (int i = 0; i < specs.size(); i++) {
      // Bounded before TensorFlow sees it: TF aborts the JVM on a shape whose size overflows.
      int index = i;
      Shapes.knownElements(specs.get(i).shape(), () -> describe() + "'s output"
          + (specs.size() > 1 ? " " + index : ""));
    }
    List<MaskFunction> maskFunctions = maskFunctions(checked, specs.size());
    if (maskFunctions == null || maskFunctions.size() != specs.size()) {
      throw new IllegalStateException(describe() + ": maskFunctions must give one entry (or "
          + "null) per output, " + specs.size() + ", got " + maskFunctions);
    }
    List<SymbolicTensor<TBool>> inputMasks = new ArrayList<>();
    if (usesInputMasks()) {
      checked.forEach(input -> inputMasks.add(input.mask().orElse(null)));
    }
    SymbolicTensor.Node node = new SymbolicTensor.Node(this, checked, inputMasks);
    List<SymbolicTensor<?>> outputs = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      MaskFunction maskFunction = maskFunctions.get(i);
      SymbolicTensor<TBool> mask = maskFunction == null ? null
          : MaskLayer.apply(this, maskFunction, checked, specs.size() > 1 ? i : -1);
      outputs.add(makeOutput(specs.get(i), node, i, mask));
    }
    node.setOutputs(outputs);
    return List.copyOf(outputs);
  }

  /** Same as {@link #callOutputs(List)}. */
  public final List<SymbolicTensor<?>> callOutputs(SymbolicTensor<?>... inputs) {
    return callOutputs(Arrays.asList(inputs));
  }

  /**
   * Whether this layer's calls read their inputs' masks, through
   * {@link CallContext#inputMasks()} (Keras's {@code call(inputs, mask=None)}). False by default.
   * A model builds a mask only if a call of a layer that returns true here reads it, or the
   * model outputs it; such a layer sees the mask of each input in every pass (predict, evaluate
   * and fit), or {@code null} for an input without one.
   */
  protected boolean usesInputMasks() {
    return false;
  }

  /**
   * Keras's {@code compute_mask}: how this call's output mask follows from its inputs and their
   * masks, or {@code null} for no mask (the default, as Keras layers that do not handle masks).
   * The mask becomes a symbolic tensor of its own, built only if something uses it.
   */
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return null;
  }

  /**
   * The mask function of each of a call's {@code outputs} outputs, {@code null} where an output
   * has no mask. By default: {@link #maskFunction} for a layer with one output, no masks for a
   * layer with several (Keras's {@code compute_mask} returning a list: override this).
   */
  protected List<MaskFunction> maskFunctions(List<SymbolicTensor<?>> inputs, int outputs) {
    return outputs == 1 ? java.util.Collections.singletonList(maskFunction(inputs))
        : java.util.Collections.nCopies(outputs, null);
  }

  /** How messages name the mask function, e.g. the {@code mask} method of a lambda. */
  protected String maskFunctionName() {
    return typeName() + ".computeMask";
  }

  /** Builds an output mask from a call's inputs and their masks ({@code null} where absent). */
  @FunctionalInterface
  public interface MaskFunction {
    Operand<TBool> build(Ops tf, List<Operand<?>> inputs, List<Operand<TBool>> masks);
  }

  /** Same as {@link #call(List)}. */
  public final SymbolicTensor<?> call(SymbolicTensor<?>... inputs) {
    return call(Arrays.asList(inputs)); // List.of would reject a null before call can name it
  }

  /**
   * For subclasses' typed {@code apply}: the subclass's signature vouches for the output's dtype
   * (for a lambda, its method's return type, which TensorFlow Java's typed ops uphold unless the
   * method casts unchecked).
   */
  @SuppressWarnings("unchecked")
  protected final <R extends TType> SymbolicTensor<R> applyTyped(SymbolicTensor<?>... inputs) {
    return (SymbolicTensor<R>) call(Arrays.asList(inputs));
  }

  private static <T extends TType> SymbolicTensor<T> makeOutput(
      OutputSpec<T> spec, SymbolicTensor.Node node, int index, SymbolicTensor<TBool> mask) {
    return new SymbolicTensor<>(spec.shape(), spec.dtype(), node, index, mask);
  }

  /**
   * Checks the inputs and computes the output's shape and dtype, before any data flows: what a
   * layer with one output overrides (Keras's {@code compute_output_spec}).
   *
   * @throws IllegalArgumentException naming this layer, the rule and the shapes if inputs do not
   *     fit
   */
  protected OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs) {
    throw new UnsupportedOperationException(typeName()
        + " must override computeOutput (one output) or computeOutputs (several)");
  }

  /**
   * The shape and dtype of each output of a call, in order: {@link #computeOutput} for a layer
   * with one output (the default); a layer with several overrides this, and
   * {@link #buildOutputs} to build them.
   */
  protected List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    return List.of(computeOutput(inputs));
  }

  /**
   * Declares a float32 weight, as Keras's {@code add_weight}: layers call it while they are
   * built, on their first {@code apply}, when their input shapes are known. Its values start as
   * {@code initializer} gives them.
   *
   * @throws IllegalArgumentException if the layer already has a weight of this name
   */
  protected final Weight addWeight(String name, Shape shape, Initializer initializer,
      boolean trainable) {
    return addWeight(name, shape, TFloat32.class, initializer, trainable, null, null);
  }

  /**
   * Declares a weight of {@code dtype}, as Keras's {@code add_weight(dtype=...)}: float32,
   * float64, int32 or int64 ({@code TInt64.class}, ...). The initializer's values are converted
   * exactly (an integer weight takes whole numbers only, e.g. {@link Initializer#zeros()}). A
   * call updates a non-trainable weight with {@link CallContext#update} in its own dtype.
   *
   * @throws IllegalArgumentException if the layer already has a weight of this name, for another
   *     dtype, or for a trainable weight that is not floating (Keras's rule)
   */
  protected final Weight addWeight(String name, Shape shape, Class<? extends TType> dtype,
      Initializer initializer, boolean trainable) {
    return addWeight(name, shape, dtype, initializer, trainable, null, null);
  }

  /**
   * Declares a float32 weight with Keras's {@code regularizer} and {@code constraint} of {@code
   * add_weight}: {@code fit} adds {@code regularizer}'s penalty of the weight to the loss, and
   * projects the weight with {@code constraint} after each optimizer step. Either may be
   * {@code null}.
   *
   * @throws IllegalArgumentException if the layer already has a weight of this name
   */
  protected final Weight addWeight(String name, Shape shape, Initializer initializer,
      boolean trainable, Regularizer regularizer, Constraint constraint) {
    return addWeight(name, shape, TFloat32.class, initializer, trainable, regularizer,
        constraint);
  }

  /**
   * Declares a weight of {@code dtype} with a regularizer and a constraint (either may be
   * {@code null}), as the other forms.
   *
   * @throws IllegalArgumentException as {@link #addWeight(String, Shape, Class, Initializer,
   *     boolean)}
   */
  protected final Weight addWeight(String name, Shape shape, Class<? extends TType> dtype,
      Initializer initializer, boolean trainable, Regularizer regularizer,
      Constraint constraint) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(initializer, "initializer");
    for (Weight existing : weights) {
      if (existing.name().equals(name)) {
        throw new IllegalArgumentException(describe() + " already has a weight named '" + name
            + "'");
      }
    }
    Weight weight = new Weight(this, name, shape, dtype, initializer, trainable, regularizer,
        constraint);
    weights.add(weight);
    return weight;
  }

  /**
   * Keras's {@code activity_regularizer}: {@code fit} adds its penalty of each output of each
   * call of the layer, divided by the batch size, to the loss, as Keras 3 does. None ({@code
   * null}) unless a layer overrides this.
   */
  public Regularizer activityRegularizer() {
    return null;
  }

  /** The layer's weights in declaration order (Keras's {@code layer.weights}). */
  public final List<Weight> weights() {
    return List.copyOf(weights);
  }

  /**
   * Where Keras 3's weights file ({@code model.weights.h5}) keeps this layer's weights: groups
   * relative to the layer's own ({@code ""} is the layer's own {@code vars}), each with how many
   * of {@link #weights()}, in order, it holds. By default the layer's own group holds them all;
   * a layer holding sublayers in Keras overrides this (Keras's {@code LSTM} keeps its weights
   * under {@code cell}, {@code Bidirectional} under {@code forward_layer/cell} and
   * {@code backward_layer/cell}, {@code TimeDistributed} under {@code layer}).
   */
  public List<Map.Entry<String, Integer>> kerasWeightGroups() {
    return List.of(Map.entry("", weights.size()));
  }

  /**
   * Indices in {@link #weights()} of weights Keras's weights file keeps a second time at the
   * start of this layer's own group, before the weights {@link #kerasWeightGroups()} puts there
   * (SpectralNormalization's kernel, tracked by the wrapper and its layer). Import reads them
   * there and keeps the other copy. None by default.
   */
  public List<Integer> kerasOwnGroupRepeats() {
    return List.of();
  }

  /**
   * Copies of the weights' values, in order (Keras's {@code layer.get_weights()}), for a layer
   * whose weights are all float32; {@link #getWeightArrays()} gives weights of any dtype.
   *
   * @throws IllegalStateException if a weight is not float32, naming it
   */
  public final List<FloatNdArray> getWeights() {
    return Weight.snapshotFloatArrays(List.copyOf(weights), "getWeights()",
        "getWeightArrays()");
  }

  /**
   * Copies of the weights' values, in order, each of its own dtype (a {@code FloatNdArray} for
   * float32, {@code LongNdArray} for int64, ...): Keras's {@code layer.get_weights()}.
   */
  public final List<NdArray<?>> getWeightArrays() {
    return Weight.snapshotArrays(List.copyOf(weights));
  }

  /**
   * Sets every weight's values, in order (Keras's {@code layer.set_weights()}), for a layer whose
   * weights are all float32; {@link #setWeightArrays} sets weights of any dtype. Every model that
   * uses the layer sees them from its next batch.
   *
   * @throws IllegalArgumentException if the count or a shape differs; then nothing changes
   * @throws IllegalStateException if a weight is not float32, naming it
   */
  public final void setWeights(List<? extends FloatNdArray> values) {
    setWeightArrays(values);
  }

  /**
   * Sets every weight's values, in order, each an NdArray of the weight's dtype and shape
   * (Keras's {@code layer.set_weights()}); every model that uses the layer sees them from its
   * next batch.
   *
   * @throws IllegalArgumentException if the count, a dtype or a shape differs; then nothing
   *     changes
   */
  public final void setWeightArrays(List<? extends NdArray<?>> values) {
    Objects.requireNonNull(values, "values");
    if (values.size() != weights.size()) {
      throw new IllegalArgumentException(describe() + " has " + weights.size()
          + " weights, got " + values.size() + " arrays");
    }
    for (int i = 0; i < values.size(); i++) {
      Shape given = Objects.requireNonNull(values.get(i), "values").shape();
      if (!given.equals(weights.get(i).shape())) {
        throw new IllegalArgumentException(describe() + ": weight '" + weights.get(i).name()
            + "' has shape " + Shapes.format(weights.get(i).shape()) + ", got "
            + Shapes.format(given));
      }
    }
    Weight.assignAllCopies(List.copyOf(weights), values);
  }

  /** How many values the layer's weights hold, for summaries. */
  public long countParams() {
    return weights.stream().mapToLong(weight -> weight.shape().size()).sum();
  }

  /** How many of them training changes. */
  public long countTrainableParams() {
    return weights.stream().filter(Weight::trainable)
        .mapToLong(weight -> weight.shape().size()).sum();
  }

  /**
   * What one call of a layer sees beyond its inputs and weights, and what it gives back beyond
   * its output (Keras 3's {@code call} arguments and {@code stateless_call} results): the
   * training flag, seeds for random ops, its inputs' masks (for layers that {@linkplain Layer#usesInputMasks() read
   * them}), and new values for its non-trainable weights, which a training step assigns once the
   * step's outputs are computed (BatchNormalization's moving statistics).
   */
  public static final class CallContext {
    private final Layer layer;
    private final boolean training;
    private final List<Operand<TBool>> masks;
    private final SeedStream seeds;
    private final TrainingPass pass;
    private final java.util.Map<Weight, Operand<?>> updates =
        new java.util.LinkedHashMap<>();

    /** {@code masks}: one per input, null where none; null if the layer reads no masks. */
    CallContext(Layer layer, boolean training, List<Operand<TBool>> masks, SeedStream seeds,
        TrainingPass pass) {
      this.layer = layer;
      this.training = training;
      this.masks = masks == null ? null : java.util.Collections.unmodifiableList(masks);
      this.seeds = seeds;
      this.pass = pass;
    }

    /**
     * Tells training that {@code rows} is {@code gather(weight, indices)} along the weight's
     * first axis, and that the call reads {@code weight} no other way (an {@code Embedding}'s
     * lookup). Keras's TensorFlow backend hands such a weight's gradient to the optimizer as
     * {@code tf.IndexedSlices}, one slice per looked-up index, and the optimizers that square a
     * gradient (Adam, RMSprop, Adagrad) square each slice before repeated indices are summed;
     * training does the same for a weight all of whose reads are declared this way and that
     * has no regularizer (whose dense gradient makes Keras's sum dense too). Outside training
     * it does nothing.
     *
     * @throws IllegalArgumentException for another layer's weight
     */
    public void lookedUp(Weight weight, Operand<? extends org.tensorflow.types.family.TNumber>
        indices, Operand<TFloat32> rows) {
      if (weight.layer() != layer) {
        throw new IllegalArgumentException(layer.describe() + ": a call looks up rows of its own "
            + "weights, not of " + weight);
      }
      if (pass != null) {
        pass.add(weight, new TrainingPass.Lookup(indices, rows));
      }
    }

    /**
     * Tells training that this call reads {@code weight} as a whole, not by {@link #lookedUp}
     * rows (a {@code ReversibleEmbedding}'s tied reverse projection): the weight's gradient is
     * then dense, as Keras's TensorFlow backend's sum of its slices and a dense gradient is.
     * Outside training it does nothing.
     *
     * @throws IllegalArgumentException for another layer's weight
     */
    public void readDensely(Weight weight) {
      if (weight.layer() != layer) {
        throw new IllegalArgumentException(layer.describe() + ": a call reads its own weights, "
            + "not " + weight);
      }
      if (pass != null) {
        pass.readDensely(weight);
      }
    }

    /**
     * Seeds for this call's random ops (Keras's {@code SeedGenerator}), reproducible from
     * {@code FitOptions.seed}: see {@link SeedStream}.
     */
    public SeedStream seeds() {
      return seeds;
    }

    /**
     * Keras's {@code mask} argument of {@code call}: in this pass, the operand of each input's
     * mask, in input order, {@code null} for an input without one (an unmodifiable list as long
     * as the inputs). Masks are bool; a mask's shape is whatever the layer that made it gives
     * (an {@code Embedding}'s, for instance, is the input's without the feature axis).
     *
     * @throws IllegalStateException if the layer does not declare that it reads masks
     *     ({@link Layer#usesInputMasks()}), so none were built for it
     */
    public List<Operand<TBool>> inputMasks() {
      if (masks == null) {
        throw new IllegalStateException(layer.describe() + ": a layer sees its inputs' masks "
            + "only if it overrides usesInputMasks() to return true");
      }
      return masks;
    }

    /**
     * The mask of input {@code input} in this pass, or {@code null} if it has none: the same as
     * {@code inputMasks().get(input)}.
     *
     * @throws IllegalStateException as {@link #inputMasks()}
     * @throws IndexOutOfBoundsException if there is no such input
     */
    public Operand<TBool> mask(int input) {
      return inputMasks().get(input);
    }

    /** Keras's {@code training}: true in the pass {@code fit} runs. */
    public boolean training() {
      return training;
    }

    /**
     * Keras's {@code weight.assign(value)} in {@code call}: after each training step the
     * non-trainable weight {@code weight} of this layer holds {@code value}, computed from this
     * step's inputs and the weight's value before the step. {@code value} has the weight's dtype
     * ({@link Weight#dtypeClass()}): an int64 counter takes an int64 operand.
     *
     * @throws IllegalStateException outside training, for a trainable weight or another layer's,
     *     or for a second update of one weight in one step
     * @throws IllegalArgumentException if {@code value}'s dtype is not the weight's
     */
    public void update(Weight weight, Operand<?> value) {
      java.util.Objects.requireNonNull(value, "value");
      if (!training) {
        throw new IllegalStateException(layer.describe() + ": weights are updated only in "
            + "training (Keras's training=True); check context.training() first");
      }
      if (weight.layer() != layer || weight.declaredTrainable()) {
        throw new IllegalStateException(layer.describe() + ": a call updates only its own "
            + "non-trainable weights (training updates the trainable ones), not " + weight);
      }
      if (value.type() != weight.dtypeClass()) {
        throw new IllegalArgumentException(layer.describe() + ": weight '" + weight.name()
            + "' is " + weight.dtype() + ", but its update is "
            + Shapes.dtypeName(value.type()));
      }
      if (updates.putIfAbsent(weight, value) != null) {
        throw new IllegalStateException(layer.describe() + ": weight '" + weight.name()
            + "' is updated twice in one step (a layer called twice in a model updates once)");
      }
    }

    /**
     * Keras's {@code weight.assign(value)} in {@code call} of a trainable weight, before the
     * call reads it (SpectralNormalization's kernel): in this training step {@code value} stands
     * for the weight from then on, so the gradient is taken at {@code value} (the assignment
     * itself has none, as in Keras) and the optimizer steps from {@code value}; a weight frozen
     * ({@code setTrainable(false)}) just holds {@code value} after the step. The layer must use
     * {@code value} in place of the weight's operand itself.
     *
     * @throws IllegalStateException outside training, or for another layer's weight
     * @throws IllegalArgumentException if {@code value}'s dtype is not the weight's
     */
    public void assign(Weight weight, Operand<?> value) {
      java.util.Objects.requireNonNull(value, "value");
      if (!training || pass == null) {
        throw new IllegalStateException(layer.describe() + ": weights are assigned only in "
            + "training (Keras's training=True); check context.training() first");
      }
      if (weight.layer() != layer) {
        throw new IllegalStateException(layer.describe() + ": a call assigns only its own "
            + "weights, not " + weight);
      }
      if (value.type() != weight.dtypeClass()) {
        throw new IllegalArgumentException(layer.describe() + ": weight '" + weight.name()
            + "' is " + weight.dtype() + ", but its value is " + Shapes.dtypeName(value.type()));
      }
      pass.assign(weight, value);
    }

    /** The updates this call asked for, by weight. */
    java.util.Map<Weight, Operand<?>> updates() {
      return updates;
    }
  }

  /**
   * Adds one call of this layer to a model's graph and returns its outputs, one per
   * {@link #computeOutputs} spec, in order. Layers with several outputs override this form; by
   * default it returns the one output of {@link #build(Ops, List, List, CallContext)}.
   *
   * @param weights the current values of {@link #weights()}, in order, each of its weight's
   *     {@linkplain Weight#dtype() dtype}
   */
  @SuppressWarnings("unchecked")
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weights, CallContext context) {
    // The single-output build methods take the list typed float32, the common case; a weight
    // of another dtype is an operand of its own dtype in it, which weight(list, index, dtype)
    // gives.
    List<?> floats = weights;
    return java.util.Collections.singletonList(
        build(tf, inputs, (List<Operand<TFloat32>>) floats, context));
  }

  /**
   * For wrapper layers (Keras's {@code Bidirectional}, {@code TimeDistributed}): adds one call of
   * {@code inner}, a layer the wrapper holds but the model does not list, to the graph, with
   * operands the wrapper gives for the inner layer's weights (usually its own weights, declared
   * in the inner layer's order) and the wrapper's call context.
   */
  protected static List<Operand<?>> buildInner(Layer inner, Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weights, CallContext context) {
    return inner.buildOutputs(tf, inputs, weights, context);
  }

  /**
   * Adds one call of this layer to a model's graph, with its {@link CallContext}: layers that
   * update non-trainable weights in training, or read their inputs' masks
   * ({@link #usesInputMasks()}), override this form. By default it calls
   * {@link #build(Ops, List, List, boolean)}.
   */
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      CallContext context) {
    return build(tf, inputs, weights, context.training());
  }

  /**
   * Adds one call of this layer to a model's graph. Layers with weights or that act differently
   * in training (Keras's {@code training} argument) override this form; the rest override
   * {@link #build(Ops, List)}.
   *
   * @param tf the graph builder, scoped to this call of the layer
   * @param inputs one operand per symbolic input, in order
   * @param weights the current values of {@link #weights()}, in order, each of its weight's
   *     dtype: take one that is not float32 through {@link #weight(List, int, Class)}
   * @param training true in the graph {@code fit} runs, false for predict and evaluate
   */
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<TFloat32>> weights,
      boolean training) {
    return build(tf, inputs);
  }

  /**
   * Weight {@code index} of the {@code weights} a build method receives, as an operand of
   * {@code dtype}, the weight's declared dtype (a build method's list is typed float32, the
   * common case; a weight of another dtype is an operand of its own dtype in it).
   *
   * @throws IllegalArgumentException if the weight is of another dtype
   */
  @SuppressWarnings("unchecked")
  protected static <T extends TType> Operand<T> weight(List<? extends Operand<?>> weights,
      int index, Class<T> dtype) {
    Operand<?> operand = weights.get(index);
    if (operand.type() != dtype) {
      throw new IllegalArgumentException("weight " + index + " is "
          + Shapes.dtypeName(operand.type()) + ", not " + Shapes.dtypeName(dtype));
    }
    return (Operand<T>) operand;
  }

  /** Adds one call of a layer without weights to a model's graph. */
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs) {
    throw new UnsupportedOperationException(typeName() + " must override a build method");
  }

  /** The shape (batch first) and dtype of a layer's output. */
  public record OutputSpec<T extends TType>(Shape shape, Class<T> dtype) {
    public OutputSpec {
      Objects.requireNonNull(shape, "shape");
      Objects.requireNonNull(dtype, "dtype");
    }
  }
}
