package dev.lamina.keras;

import dev.lamina.runtime.CallReplay;
import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonNumber;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.family.TType;

/**
 * Replays the file's layer calls onto Lamina's symbolic tensors: a Sequential model's chain, or a
 * Functional model's nodes through the runtime's {@link CallReplay} in the order their inputs
 * allow (whatever order the file lists them in, and cycles refused), the replay Lamina's own
 * files load through too. Makes each Lambda's layer through its binding when it is first applied, and checks
 * every call's inputs against the shapes Keras recorded.
 */
final class GraphReplay {

  private final KerasConfig config;
  private final LambdaBinder binder;
  private final ShapeChecks shapes;
  private final KerasImportOptions options;
  /** The functional replay, once done. */
  private CallReplay<Site, ModelFormatException> replay;

  GraphReplay(KerasConfig config, LambdaBinder binder, ShapeChecks shapes,
      KerasImportOptions options) {
    this.config = config;
    this.binder = binder;
    this.shapes = shapes;
    this.options = options;
  }

  /** Attempts to gather a node's inputs so far: the work of a functional replay. */
  long resolutions() {
    return replay == null ? 0 : replay.resolutions();
  }

  /** The model of the layers' calls: every layer made, applied and checked. */
  Model build() throws ModelFormatException {
    List<SymbolicTensor<?>> inputs = new ArrayList<>();
    List<SymbolicTensor<?>> outputs = new ArrayList<>();
    if (config.isSequential()) {
      buildSequential(inputs, outputs);
    } else {
      buildFunctional(inputs, outputs);
    }
    for (LayerSpec spec : config.specs()) {
      if (spec.layer == null && !spec.isInput()) {
        throw spec.json.error(spec.describe() + " is never applied to anything");
      }
    }
    try {
      return Model.of(inputs, outputs);
    } catch (RuntimeException e) {
      throw config.root().error("config", "the layers do not make a model: " + e.getMessage());
    }
  }

  private void buildSequential(List<SymbolicTensor<?>> inputs, List<SymbolicTensor<?>> outputs)
      throws ModelFormatException {
    SymbolicTensor<?> x;
    int first;
    if (config.specs().get(0).isInput()) {
      x = makeInput(config.specs().get(0));
      first = 1;
    } else {
      JsonObject model = config.modelConfig();
      JsonArray shape = model == null ? null : model.optArray("build_input_shape");
      LayerSpec firstLayer = config.specs().get(0);
      JsonObject where = model;
      if (shape == null && firstLayer.batchInputShape != null) {
        // Keras 2: the first layer's input_shape= made the model's input.
        shape = firstLayer.batchInputShape;
        where = firstLayer.config;
      }
      if (shape == null) {
        throw (model == null ? firstLayer.json : model).error("layers", "the Sequential model "
            + "has no InputLayer and no build_input_shape: its input shape is unknown");
      }
      x = makeInput(null, "input", "float32", shape, where);
      first = 0;
    }
    inputs.add(x);
    for (LayerSpec spec : config.specs().subList(first, config.specs().size())) {
      if (spec.isInput()) {
        throw spec.json.error("a Sequential model has one InputLayer, first");
      }
      JsonObject build = spec.json.optObject("build_config");
      JsonArray recorded = build == null ? null : build.optArray("input_shape");
      if (recorded != null
          && recorded.stream().allMatch(d -> d == null || d instanceof JsonNumber)) {
        shapes.checkRecorded(x, KerasConfig.dims(recorded, spec, "input_shape"), null, spec);
      }
      List<SymbolicTensor<?>> made = apply(spec, List.of(x));
      if (made.size() != 1) {
        throw spec.json.error(spec.describe() + " gives " + made.size() + " outputs; in a "
            + "Sequential model each layer gives one");
      }
      spec.outputs.add(made);
      x = made.get(0);
    }
    outputs.add(x);
  }

  /**
   * Where a call or a reference is in the file: a node ({@code spec}'s {@code node}th) or a
   * {@code ["name", node, tensor]} reference.
   */
  private record Site(LayerSpec spec, int node, JsonArray ref) {}

  private void buildFunctional(List<SymbolicTensor<?>> inputs, List<SymbolicTensor<?>> outputs)
      throws ModelFormatException {
    Map<String, SymbolicTensor<?>> inputTensors = new HashMap<>();
    for (LayerSpec spec : config.specs()) {
      if (spec.isInput()) {
        if (!spec.inbound.isEmpty()) {
          throw spec.json.error("inbound_nodes", "an InputLayer has no inbound nodes");
        }
        SymbolicTensor<?> input = makeInput(spec);
        spec.outputs.add(List.of(input));
        inputTensors.put(spec.name, input);
      } else {
        if (spec.inbound.isEmpty()) {
          throw spec.json.error(spec.describe() + " is never applied to anything");
        }
        spec.outputs.addAll(Collections.nCopies(spec.inbound.size(), null));
      }
    }
    // Each node (layer call) with its inputs, in the file's order: the runtime's replay orders
    // them as their inputs allow (Keras lists producers first; a file may list layers in any
    // order) and refuses cycles.
    List<CallReplay.Call<Site>> calls = new ArrayList<>();
    for (LayerSpec spec : config.specs()) {
      for (int node = 0; node < spec.inbound.size(); node++) {
        List<CallReplay.Ref<Site>> refs = new ArrayList<>();
        for (KerasConfig.NodeInput input : config.nodeInputs(spec, node)) {
          refs.add(ref(input.history(), input.historySize()));
        }
        calls.add(new CallReplay.Call<>(spec.name, refs, new Site(spec, node, null)));
      }
    }
    replay = CallReplay.inDependencyOrder(inputTensors, calls, new Handler());
    for (JsonArray ref : config.refs("input_layers")) {
      SymbolicTensor<?> t = replay.resolve(ref(ref, 3));
      if (!t.isInput()) {
        throw ref.error("input_layers names '" + ref.requireString(0) + "', which is not an "
            + "InputLayer");
      }
      inputs.add(t);
    }
    for (JsonArray ref : config.refs("output_layers")) {
      outputs.add(replay.resolve(ref(ref, 3)));
    }
  }

  /**
   * A {@code ["name", node, tensor]} reference, after checking all three (Keras 2's node entries
   * have a fourth element, the call's keywords, read with the node).
   */
  private CallReplay.Ref<Site> ref(JsonArray ref, int size) throws ModelFormatException {
    ref.requireSize(size);
    String name = ref.requireString(0);
    int node = ref.requireInt(1);
    int tensor = ref.requireInt(2);
    LayerSpec producer = config.byName(name);
    if (producer == null) {
      throw ref.error(0, "no layer is named '" + name + "'");
    }
    if (node < 0 || node >= producer.outputs.size()) {
      throw ref.error(1, producer.describe() + " has " + producer.outputs.size()
          + " node(s); there is no node " + node);
    }
    if (tensor < 0) {
      throw ref.error(2, "output " + tensor + " of " + producer.describe() + " does not exist");
    }
    return CallReplay.Ref.of(name, node, tensor, new Site(null, -1, ref));
  }

  /** Applies each node, its inputs checked against the shapes Keras recorded; phrases errors. */
  private final class Handler implements CallReplay.Handler<Site, ModelFormatException> {

    @Override
    public List<SymbolicTensor<?>> apply(int index, CallReplay.Call<Site> call,
        List<SymbolicTensor<?>> args) throws ModelFormatException {
      LayerSpec spec = call.where().spec();
      int node = call.where().node();
      List<KerasConfig.NodeInput> tensors = config.nodeInputs(spec, node);
      for (int i = 0; i < tensors.size(); i++) {
        if (tensors.get(i).recorded() == null) {
          continue; // Keras 2 records no shapes in its nodes
        }
        JsonObject recorded = tensors.get(i).recorded().requireObject("config");
        shapes.checkRecorded(args.get(i),
            KerasConfig.dims(recorded.requireArray("shape"), spec, "shape"),
            recorded.optString("dtype", null), spec);
      }
      List<SymbolicTensor<?>> made = GraphReplay.this.apply(spec, args);
      spec.outputs.set(node, made);
      return made;
    }

    private LayerSpec producer(CallReplay.Ref<Site> ref) {
      return config.byName(ref.layer());
    }

    @Override
    public ModelFormatException unknownLayer(CallReplay.Ref<Site> ref) {
      return ref.where().ref().error(0, "no layer is named '" + ref.layer() + "'");
    }

    @Override
    public ModelFormatException noSuchCall(CallReplay.Ref<Site> ref, int calls) {
      return ref.where().ref().error(1, producer(ref).describe() + " has " + calls
          + " node(s); there is no node " + ref.call());
    }

    @Override
    public ModelFormatException notMadeYet(CallReplay.Ref<Site> ref) {
      return ref.where().ref().error(1, "node " + ref.call() + " of "
          + producer(ref).describe() + " is not computed");
    }

    @Override
    public ModelFormatException noSuchOutput(CallReplay.Ref<Site> ref, int outputs) {
      return ref.where().ref().error(2, producer(ref).describe() + " gives " + outputs
          + (outputs == 1 ? " output" : " outputs") + "; there is no output " + ref.output());
    }

    @Override
    public ModelFormatException noMask(CallReplay.Ref<Site> ref) {
      return ref.where().ref().error("a Keras reference names no mask");
    }

    @Override
    public ModelFormatException cycle(int index, CallReplay.Call<Site> call) {
      LayerSpec spec = call.where().spec();
      int node = call.where().node();
      return KerasConfig.nodeError(spec, node, spec.describe() + ": node " + node
          + " depends on itself through a cycle of layers");
    }
  }

  private SymbolicTensor<?> makeInput(LayerSpec spec) throws ModelFormatException {
    return makeInput(spec, spec.name, spec.config.optString("dtype", "float32"),
        spec.config.requireArray("batch_shape"), spec.config);
  }

  private SymbolicTensor<?> makeInput(LayerSpec spec, String name, String dtype,
      JsonArray batchShape, JsonObject where) throws ModelFormatException {
    long[] full = KerasConfig.dims(batchShape, spec, "batch_shape");
    if (full.length < 1 || full[0] != Shape.UNKNOWN_SIZE) {
      throw batchShape.error("input '" + name + "' has batch_shape " + Shapes.format(full)
          + "; supported: a free batch size (None) first");
    }
    long[] sample = java.util.Arrays.copyOfRange(full, 1, full.length);
    for (long d : sample) {
      if (d == 0) {
        throw batchShape.error("input '" + name + "' has a dimension of size 0");
      }
    }
    shapes.checkSize(Shape.of(full), spec, batchShape);
    Class<? extends TType> type = LayerOptions.inputType(dtype);
    try {
      SymbolicTensor<?> t = Input.of(name, type, sample);
      return t;
    } catch (RuntimeException e) {
      throw where.error("input '" + name + "': " + e.getMessage());
    }
  }

  private List<SymbolicTensor<?>> apply(LayerSpec spec, List<SymbolicTensor<?>> inputs)
      throws ModelFormatException {
    if (spec.layer == null) {
      spec.layer = binder.create(spec); // typed layers were made from their configs
    }
    spec.layer.setTrainable(spec.config.optBoolean("trainable", true)); // Keras's frozen layers
    List<SymbolicTensor<?>> outs;
    try {
      outs = spec.layer.callOutputs(inputs);
    } catch (RuntimeException e) {
      throw spec.json.error(spec.describe() + (spec.isLambda() ? ", bound to "
          + spec.layer.describe() : "") + ", cannot be applied to "
          + ShapeChecks.formatShapes(inputs) + ": " + e.getMessage());
    }
    for (SymbolicTensor<?> out : outs) {
      shapes.checkSize(out.shape(), spec, spec.json);
    }
    for (var weight : spec.layer.weights()) {
      if (weight.shape().size() > options.maxWeightValues()) {
        throw spec.json.error(spec.describe() + ": weight '" + weight.name() + "' of shape "
            + Shapes.format(weight.shape()) + " has more than the limit of "
            + options.maxWeightValues() + " values");
      }
    }
    for (SymbolicTensor<?> out : outs) {
      shapes.applied(spec, out, inputs);
    }
    return outs;
  }
}
