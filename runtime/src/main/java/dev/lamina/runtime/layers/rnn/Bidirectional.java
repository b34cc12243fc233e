package dev.lamina.runtime.layers.rnn;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.layers.Layers;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Bidirectional(layer, merge_mode="concat", backward_layer=None)}: the recurrent
 * layer runs forward ({@code forward_<name>}) and backward ({@code backward_<name>}, Keras's copy
 * with {@code go_backwards=True} unless a backward layer is given), and their outputs merge:
 * {@code concat} on the last axis, {@code sum}, {@code mul}, {@code ave}, or {@code null} (Keras's
 * {@code None}) for two outputs. With {@code return_sequences} the backward sequence is flipped
 * back into time order and masked steps output zeros (Keras sets {@code zero_output_for_mask}).
 * With {@code return_state} the outputs are the output(s), the forward states, then the backward
 * ones; initial states, if given, are the forward ones then the backward ones.
 *
 * <p>The weights are this layer's: the forward layer's {@code kernel}, {@code recurrent_kernel}
 * and {@code bias} named {@code forward_<name>/kernel} and so on, then the backward layer's.
 */
public final class Bidirectional extends Layer {

  /** Keras's merge modes; {@code null} is {@code None}. */
  public static final List<String> MERGE_MODES = List.of("concat", "sum", "mul", "ave");

  private final RNN forward;
  private final RNN backward;
  private final String mergeMode;
  private final boolean customBackward;
  private long inputDim = -1;

  /** {@code Bidirectional(layer)}: concatenated. */
  public Bidirectional(RNN layer) {
    this(null, layer, "concat", null);
  }

  /**
   * @param name the layer's name, or null
   * @param layer the forward layer (copied, as Keras does)
   * @param mergeMode concat, sum, mul, ave, or null for two outputs
   * @param backwardLayer the backward layer, or null for a copy of {@code layer} going backwards
   */
  public Bidirectional(String name, RNN layer, String mergeMode, RNN backwardLayer) {
    super(name);
    Objects.requireNonNull(layer, "layer");
    if (mergeMode != null && !MERGE_MODES.contains(mergeMode)) {
      throw new IllegalArgumentException("Bidirectional merge_mode must be one of concat, sum, "
          + "mul, ave or None (null), got '" + mergeMode + "'");
    }
    this.mergeMode = mergeMode;
    String base = layer.explicitName().orElse(layer.defaultName());
    String forwardName = "forward_" + strip(base, "forward_");
    this.forward = layer.copy(forwardName, layer.goBackwards, layer.returnSequences);
    if (backwardLayer == null) {
      this.backward = layer.copy("backward_" + strip(base, "backward_"), true,
          layer.returnSequences);
      this.customBackward = false;
    } else {
      String backName = backwardLayer.explicitName().orElse(backwardLayer.defaultName());
      this.backward = backwardLayer.copy(backName, backwardLayer.goBackwards,
          backwardLayer.returnSequences);
      this.customBackward = true;
    }
    if (forward.goBackwards == backward.goBackwards) {
      throw new IllegalArgumentException("Bidirectional: the forward and backward layers must "
          + "have different go_backwards, both have " + forward.goBackwards);
    }
    if (forward.returnSequences != backward.returnSequences
        || forward.returnState != backward.returnState) {
      throw new IllegalArgumentException("Bidirectional: the forward and backward layers must "
          + "agree on return_sequences and return_state");
    }
  }

  private static String strip(String name, String prefix) {
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }

  /** The forward layer (Keras's {@code forward_layer}). */
  public RNN forwardLayer() {
    return forward;
  }

  /** The backward layer (Keras's {@code backward_layer}). */
  public RNN backwardLayer() {
    return backward;
  }

  /** Keras keeps the weights under {@code forward_layer/cell} and {@code backward_layer/cell}. */
  @Override
  public List<Map.Entry<String, Integer>> kerasWeightGroups() {
    // The halves are never built themselves: this layer declares their kernel,
    // recurrent_kernel and bias (if any), forward then backward.
    List<Map.Entry<String, Integer>> groups = new ArrayList<>();
    groups.add(Map.entry("forward_layer/cell", forward.useBias ? 3 : 2));
    groups.add(Map.entry("backward_layer/cell", backward.useBias ? 3 : 2));
    return groups;
  }

  /** Keras's {@code merge_mode}, null for None. */
  public String mergeMode() {
    return mergeMode;
  }

  /** The merged output; with {@code return_state} or no merge mode use {@code callOutputs}. */
  public SymbolicTensor<TFloat32> apply(SymbolicTensor<TFloat32> sequences) {
    return applyTyped(sequences);
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("layer", forward.typeName());
    arguments.put("units", forward.units);
    arguments.put("merge_mode", mergeMode == null ? "None" : mergeMode);
    arguments.put("return_sequences", forward.returnSequences);
    arguments.put("return_state", forward.returnState);
    return arguments;
  }

  /**
   * Keras's config: {@code merge_mode}, and {@code layer} and {@code backward_layer} as Keras's
   * serialized layers ({@code {"class_name": ..., "config": {...}}}).
   */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("merge_mode", mergeMode);
    config.put("layer", nested(forward));
    config.put("backward_layer", nested(backward));
    return config;
  }

  public static Map<String, Object> nested(Layer layer) {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("name", layer.explicitName().orElse(layer.defaultName()));
    inner.putAll(layer.config());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("class_name", LayerTypes.of(layer).map(LayerType::kerasClassName)
        .orElseThrow(() -> new IllegalStateException(layer.describe() + " has no layer type")));
    out.put("config", inner);
    return out;
  }

  private int outputsPerDirection() {
    return 1 + (forward.returnState ? forward.stateCount() : 0);
  }

  @Override
  protected synchronized List<OutputSpec<?>> computeOutputs(List<SymbolicTensor<?>> inputs) {
    int states = forward.stateCount();
    long dim = forward.checkInputs(this, inputs, 2 * states);
    if (inputDim >= 0 && inputDim != dim) {
      throw new IllegalArgumentException(describe() + " was built for sequences of " + inputDim
          + " features, got " + Shapes.format(inputs.get(0).shape()));
    }
    if (backward.units != forward.units) {
      // Keras allows it for concat and None only
      if (mergeMode != null && !mergeMode.equals("concat")) {
        throw new IllegalArgumentException(describe() + ": merge_mode " + mergeMode + " needs "
            + "the forward and backward layers to have as many units");
      }
    }
    if (inputDim < 0) {
      inputDim = dim;
      for (RNN direction : List.of(forward, backward)) {
        String prefix = direction.explicitName().orElseThrow() + "/";
        for (RNN.WeightSpec spec : direction.weightSpecs(dim)) {
          addWeight(prefix + spec.name(), spec.shape(), spec.initializer(), true,
              spec.regularizer(), spec.constraint());
        }
      }
    }
    Shape shape = inputs.get(0).shape();
    List<Shape> fw = forward.outputShapes(shape);
    List<Shape> bw = backward.outputShapes(shape);
    List<OutputSpec<?>> specs = new ArrayList<>();
    Shape out = fw.get(0);
    if (mergeMode == null) {
      specs.add(Layers.spec(fw.get(0), TFloat32.class));
      specs.add(Layers.spec(bw.get(0), TFloat32.class));
    } else {
      long[] dims = out.asArray();
      dims[dims.length - 1] = mergeMode.equals("concat") ? forward.units + backward.units
          : forward.units;
      specs.add(Layers.spec(Shape.of(dims), TFloat32.class));
    }
    fw.subList(1, fw.size()).forEach(s -> specs.add(Layers.spec(s, TFloat32.class)));
    bw.subList(1, bw.size()).forEach(s -> specs.add(Layers.spec(s, TFloat32.class)));
    return specs;
  }

  @Override
  protected boolean usesInputMasks() {
    return true;
  }

  /** Keras's: the input's mask for the output(s) when they are sequences; none for states. */
  @Override
  protected List<MaskFunction> maskFunctions(List<SymbolicTensor<?>> inputs, int outputs) {
    List<MaskFunction> masks = new ArrayList<>(Collections.nCopies(outputs, null));
    if (forward.returnSequences && inputs.get(0).mask().isPresent()) {
      MaskFunction pass = (tf, operands, inputMasks) -> tf.identity(inputMasks.get(0));
      masks.set(0, pass);
      if (mergeMode == null) {
        masks.set(1, pass);
      }
    }
    return masks;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected List<Operand<?>> buildOutputs(Ops tf, List<Operand<?>> inputs,
      List<Operand<?>> weights, CallContext context) {
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    int states = forward.stateCount();
    List<Operand<TFloat32>> fwInit = new ArrayList<>();
    List<Operand<TFloat32>> bwInit = new ArrayList<>();
    for (int i = 1; i < inputs.size(); i++) {
      (i <= states ? fwInit : bwInit).add((Operand<TFloat32>) inputs.get(i));
    }
    int fwCount = forward.useBias ? 3 : 2;
    List<Operand<TFloat32>> w = new ArrayList<>();
    weights.forEach(o -> w.add((Operand<TFloat32>) o));
    var mask = context.mask(0);
    List<Operand<TFloat32>> y = forward.run(tf.withSubScope("forward"), x, mask, fwInit,
        w.subList(0, fwCount), context, describe());
    List<Operand<TFloat32>> yRev = backward.run(tf.withSubScope("backward"), x, mask, bwInit,
        w.subList(fwCount, w.size()), context, describe());
    Operand<TFloat32> a = y.get(0);
    Operand<TFloat32> b = yRev.get(0);
    if (forward.returnSequences) {
      b = tf.reverse(b, tf.constant(new int[] {1}));
    }
    List<Operand<?>> outputs = new ArrayList<>();
    if (mergeMode == null) {
      outputs.add(a);
      outputs.add(b);
    } else {
      outputs.add(switch (mergeMode) {
        case "concat" -> tf.concat(List.of(a, b), tf.constant(-1));
        case "sum" -> tf.math.add(a, b);
        case "mul" -> tf.math.mul(a, b);
        default -> tf.math.div(tf.math.add(a, b), tf.constant(2f));
      });
    }
    if (forward.returnState) {
      outputs.addAll(y.subList(1, y.size()));
      outputs.addAll(yRev.subList(1, yRev.size()));
    }
    return outputs;
  }

  /** Whether the backward layer was given rather than copied from the forward one. */
  boolean customBackward() {
    return customBackward;
  }
}
