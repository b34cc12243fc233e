package dev.lamina.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
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

  /** The name used when the user gave none; the model makes it unique ({@code square_1}). */
  public String defaultName() {
    return snakeCase(typeName());
  }

  /** The layer's type as shown in summaries, e.g. {@code SliceLayer}. */
  public String typeName() {
    return getClass().getSimpleName();
  }

  /** The layer's fixed arguments by name, for summaries: Keras's {@code arguments}. */
  public Map<String, Object> arguments() {
    return Map.of();
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
   */
  public final SymbolicTensor<?> call(List<? extends SymbolicTensor<?>> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    List<SymbolicTensor<?>> checked = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      checked.add(Objects.requireNonNull(inputs.get(i), () -> describe() + ": input is null"));
    }
    OutputSpec<?> spec = computeOutput(checked);
    MaskFunction maskFunction = maskFunction(checked);
    SymbolicTensor<TBool> mask =
        maskFunction == null ? null : MaskLayer.apply(this, maskFunction, checked);
    return makeOutput(spec, new SymbolicTensor.Node(this, checked), mask);
  }

  /**
   * Keras's {@code compute_mask}: how this call's output mask follows from its inputs and their
   * masks, or {@code null} for no mask (the default, as Keras layers that do not handle masks).
   * The mask becomes a symbolic tensor of its own, built only if something uses it.
   */
  protected MaskFunction maskFunction(List<SymbolicTensor<?>> inputs) {
    return null;
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
      OutputSpec<T> spec, SymbolicTensor.Node node, SymbolicTensor<TBool> mask) {
    return new SymbolicTensor<>(spec.shape(), spec.dtype(), node, mask);
  }

  /**
   * Checks the inputs and computes the output's shape and dtype, before any data flows.
   *
   * @throws IllegalArgumentException naming this layer, the rule and the shapes if inputs do not
   *     fit
   */
  protected abstract OutputSpec<?> computeOutput(List<SymbolicTensor<?>> inputs);

  /**
   * Creates this layer's weights, TensorFlow variables initialised when the model's session
   * first runs. Called once per model, with the Ops of the layer's first call, after the layer has
   * been applied at least once. Default: no weights.
   */
  protected List<Operand<?>> createWeights(Ops tf) {
    return List.of();
  }

  /** How many values the layer's weights hold, for summaries. Default: none. */
  public long countParams() {
    return 0;
  }

  /**
   * Adds one call of this layer to a model's graph; layers with weights override this form.
   *
   * @param tf the graph builder, scoped to this call of the layer
   * @param inputs one operand per symbolic input, in order
   * @param weights what {@link #createWeights} made for this model
   */
  protected Operand<?> build(Ops tf, List<Operand<?>> inputs, List<Operand<?>> weights) {
    return build(tf, inputs);
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

  /** {@code SliceLayer} gives {@code slice_layer}; a trailing {@code Layer} is dropped first. */
  static String snakeCase(String typeName) {
    String base = typeName.endsWith("Layer") && typeName.length() > "Layer".length()
        ? typeName.substring(0, typeName.length() - "Layer".length())
        : typeName;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < base.length(); i++) {
      char c = base.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0 && !Character.isUpperCase(base.charAt(i - 1))) {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
