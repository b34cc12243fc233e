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
import dev.lamina.runtime.registry.KerasCall;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.family.TType;

/**
 * Replays the file's layer calls onto Lamina's symbolic tensors: a Sequential model's chain, or a
 * Functional model's nodes through the runtime's {@link CallReplay} in the order their inputs
 * allow (whatever order the file lists them in, and cycles refused), the replay Lamina's own
 * files load through too. Makes each Lambda's layer through its binding when it is first
 * applied, and checks every call's inputs against the shapes Keras recorded.
 */
final class GraphReplay {

  private final KerasConfig config;
  private final LambdaBinder binder;
  private final ShapeChecks shapes;
  private final KerasImportOptions options;
  /** The functional replay, once done. */
  private CallReplay<Site, ModelFormatException> replay;
  /** The mask ops checked so far: a failed check ends the import, so each is checked once. */
  private final java.util.Set<LayerSpec> checkedMaskOps =
      Collections.newSetFromMap(new IdentityHashMap<>());
  /**
   * By tensor ({@code "name/node/index"}), the constants an Embedding(mask_zero=True) (0) or a
   * Masking (its mask_value) compares it with; made on first use.
   */
  private Map<String, java.util.Set<Float>> maskedTensors;

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
      if (spec.layer == null && !spec.isInput() && !spec.maskOp) {
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
    // order) and refuses cycles. Keras's mask ops are read by checkRecordedMask, never replayed.
    List<CallReplay.Call<Site>> calls = new ArrayList<>();
    for (LayerSpec spec : config.specs()) {
      if (spec.maskOp) {
        continue;
      }
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

  /** A {@code ["name", node, tensor]} reference to a layer's output (not a mask op's). */
  private CallReplay.Ref<Site> ref(JsonArray ref, int size) throws ModelFormatException {
    LayerSpec producer = producer(ref, size);
    if (producer.maskOp) {
      throw maskOpUse(ref, producer);
    }
    return CallReplay.Ref.of(producer.name, ref.requireInt(1), ref.requireInt(2),
        new Site(null, -1, ref));
  }

  /**
   * The layer a {@code ["name", node, tensor]} reference names, after checking all three (Keras
   * 2's node entries have a fourth element, the call's keywords, read with the node).
   */
  private LayerSpec producer(JsonArray ref, int size) throws ModelFormatException {
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
    return producer;
  }

  /**
   * Applies each node, its inputs checked against the shapes (and the mask) Keras recorded and
   * its call options read; phrases the replay's errors.
   */
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
      checkRecordedMask(spec, node, args);
      applyCallOptions(spec, node);
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

  /**
   * Whether the tensor {@code ref} names is what an {@code Embedding(mask_zero=True)} looks up
   * ({@code constant} 0) or what a {@code Masking(mask_value=constant)} masks: the two layers
   * whose compute_mask Keras records as {@code NotEqual(tensor, constant)}.
   */
  private boolean maskedBy(JsonArray ref, double constant) throws ModelFormatException {
    if (maskedTensors == null) {
      maskedTensors = new java.util.HashMap<>();
      for (LayerSpec layer : config.specs()) {
        Float masked = layer.className.equals("Embedding")
            && layer.config.optBoolean("mask_zero", false) ? Float.valueOf(0f)
            : layer.className.equals("Masking")
            ? Float.valueOf((float) layer.config.optDouble("mask_value", 0.0)) : null;
        if (masked == null) {
          continue;
        }
        for (Object node : layer.inbound) {
          if (node instanceof JsonObject call && call.get("args") instanceof JsonArray args
              && !args.isEmpty() && KerasConfig.isTensor(args.get(0))) {
            JsonArray input = args.requireObject(0).requireObject("config")
                .requireArray("keras_history");
            maskedTensors.computeIfAbsent(tensorKey(input), k -> new java.util.HashSet<>())
                .add(masked);
          }
        }
      }
    }
    java.util.Set<Float> constants = maskedTensors.get(tensorKey(ref));
    return constants != null && constants.contains((float) constant);
  }

  private static String tensorKey(JsonArray ref) throws ModelFormatException {
    ref.requireSize(3);
    return ref.requireString(0) + "\u0000" + ref.requireInt(1) + "\u0000" + ref.requireInt(2);
  }

  private static ModelFormatException maskOpUse(JsonArray ref, LayerSpec op) {
    return ref.error(0, "'" + op.name + "' is Keras's op " + op.className + ", which the "
        + "importer reads only as part of a mask passed by mask=; Lamina computes masks itself");
  }

  /**
   * Keras 3 passes a layer whose call takes {@code mask=} (pooling, Lambda) the mask its input
   * carries, and records it in the node with the ops its layers' {@code compute_mask} ran to make
   * it: NotEqual (Embedding's mask_zero), Any of NotEqual (Masking), LogicalOr and LogicalAnd
   * (merging layers). Lamina propagates masks by the same rules, so that mask is the one
   * Lamina's input carries: the importer checks that the recorded mask is made by those ops
   * only, from the model's tensors, and that Lamina's input has a mask of its shape, and uses
   * Lamina's. A mask computed any other way, or one Lamina's input lacks, is refused.
   */
  private void checkRecordedMask(LayerSpec spec, int node, List<SymbolicTensor<?>> args)
      throws ModelFormatException {
    JsonObject mask = KerasConfig.recordedMask(spec, node);
    if (mask == null) {
      return;
    }
    JsonObject kwargs = ((JsonObject) spec.inbound.get(node)).requireObject("kwargs");
    // The ops, each once per import (LogicalOr(m, m) shares, so do several layers' masks; a
    // cyclic file ends too), without recursion.
    java.util.ArrayDeque<JsonObject> pending = new java.util.ArrayDeque<>(List.of(mask));
    while (!pending.isEmpty()) {
      JsonObject tensor = pending.pop();
      JsonArray ref = tensor.requireObject("config").requireArray("keras_history");
      LayerSpec op = producer(ref, 3);
      if (!op.maskOp) {
        throw ref.error(0, spec.describe() + " is passed mask= the output of " + op.describe()
            + "; the importer takes only masks Keras propagated (made by its ops "
            + String.join(", ", new java.util.TreeSet<>(LayerSpec.MASK_OPS)) + "), which "
            + "Lamina propagates itself");
      }
      if (!checkedMaskOps.add(op)) {
        continue;
      }
      JsonObject call = (JsonObject) op.inbound.get(ref.requireInt(1));
      call.rejectUnknownKeys("args", "kwargs");
      JsonArray opArgs = call.requireArray("args");
      JsonObject opKwargs = call.optObject("kwargs");
      if (opKwargs != null && !opKwargs.isEmpty()) {
        throw call.error("kwargs", "Keras's op '" + op.name + "' (" + op.className + ") is "
            + "called with keywords; the importer reads it as a mask op of no keywords");
      }
      switch (op.className) {
        case "NotEqual" -> {
          // the data and a constant: an Embedding's ids != 0, Masking's inputs != mask_value
          opArgs.requireSize(2);
          if (!KerasConfig.isTensor(opArgs.get(0)) || !(opArgs.get(1) instanceof JsonNumber)) {
            throw opArgs.error(spec.describe() + "'s mask: Keras's op '" + op.name + "' "
                + "(NotEqual) compares a tensor with a number in a propagated mask");
          }
          JsonArray dataRef = opArgs.requireObject(0).requireObject("config")
              .requireArray("keras_history");
          LayerSpec data = producer(dataRef, 3);
          if (data.maskOp) {
            throw maskOpUse(dataRef, data);
          }
          double constant = opArgs.requireDouble(1);
          if (!maskedBy(dataRef, constant)) {
            throw opArgs.error(spec.describe() + "'s mask: Keras's op '" + op.name + "' compares "
                + "the output of " + data.describe() + " with " + KerasConfig.show(opArgs.get(1))
                + ", which is neither an Embedding(mask_zero=True)'s ids != 0 nor a Masking's "
                + "inputs != mask_value; the importer takes only masks Keras propagated");
          }
        }
        case "ConvertToTensor" -> {
          // the attention layers' compute_mask: the query's mask as it is
          for (String key : List.of("dtype", "sparse", "ragged")) {
            if (op.config.get(key) != null) {
              throw op.config.error(key, "Keras's op '" + op.name + "' (ConvertToTensor) in "
                  + spec.describe() + "'s mask: the importer reads it with " + key + "=None");
            }
          }
          opArgs.requireSize(1);
          if (!KerasConfig.isTensor(opArgs.get(0))) {
            throw opArgs.error(0, spec.describe() + "'s mask: Keras's op '" + op.name
                + "' (ConvertToTensor) is applied to something not a tensor");
          }
          pending.push(opArgs.requireObject(0));
        }
        case "Any", "LogicalOr", "LogicalAnd" -> {
          // Masking's any(x != mask_value, axis=-1)
          if (op.className.equals("Any") && (op.config.optInt("axis", 0) != -1
              || op.config.optBoolean("keepdims", true))) {
            throw op.config.error("axis", "Keras's op '" + op.name + "' (Any) in "
                + spec.describe() + "'s mask: the importer reads Masking's any(..., axis=-1)");
          }
          opArgs.requireSize(op.className.equals("Any") ? 1 : 2);
          for (int i = 0; i < opArgs.size(); i++) {
            if (!KerasConfig.isTensor(opArgs.get(i))) {
              throw opArgs.error(i, spec.describe() + "'s mask: Keras's op '" + op.name
                  + "' (" + op.className + ") is applied to something not a tensor");
            }
            pending.push(opArgs.requireObject(i));
          }
        }
        default -> throw new AssertionError(op.className);
      }
    }
    var own = args.get(0).mask();
    if (args.size() != 1 || own.isEmpty()) {
      throw kwargs.error("mask", spec.describe() + " is passed a mask Keras propagated, but "
          + (args.size() != 1 ? "takes " + args.size() + " inputs; the importer reads mask= "
          + "for layers of one input only" : "Lamina's input there carries no mask: Lamina "
          + "propagates masks by Keras's rules, and an explicit mask= is not supported"));
    }
    long[] recorded = KerasConfig.dims(mask.requireObject("config").requireArray("shape"), spec,
        "mask shape");
    long[] lamina = own.get().shape().asArray();
    boolean fits = recorded.length == lamina.length;
    for (int i = 0; fits && i < recorded.length; i++) {
      fits = recorded[i] < 0 || lamina[i] < 0 || recorded[i] == lamina[i];
    }
    if (!fits) {
      throw kwargs.error("mask", spec.describe() + " is passed a mask of shape "
          + java.util.Arrays.toString(recorded) + " by Keras; Lamina's input carries one of "
          + own.get().shape());
    }
  }

  /**
   * A {@link KerasCall} layer's call options ({@code use_causal_mask=True}), which Lamina fixes
   * per layer: the first call's make the layer, before it is applied; every other call must
   * repeat them.
   */
  private static void applyCallOptions(LayerSpec spec, int node) throws ModelFormatException {
    if (!(spec.inbound.get(node) instanceof JsonObject call)) {
      return; // a Keras 2 node: nodeInputs refuses call options there
    }
    Map<String, Object> options = KerasConfig.callOptions(spec, call);
    List<String> perCall = spec.layer instanceof KerasCall k ? k.perCallOptions() : List.of();
    if (!perCall.isEmpty()) {
      try {
        ((KerasCall) spec.layer).withCallOptions(options); // checks them
      } catch (IllegalArgumentException e) {
        throw call.error("kwargs", e.getMessage());
      }
      options = new java.util.LinkedHashMap<>(options);
      options.keySet().removeAll(perCall);
    }
    if (spec.callOptions == null) {
      spec.callOptions = options;
      if (!options.isEmpty()) {
        try {
          spec.layer = ((KerasCall) spec.layer).withCallOptions(options);
        } catch (IllegalArgumentException e) {
          throw call.error("kwargs", e.getMessage()); // names the layer
        }
      }
    } else if (!spec.callOptions.equals(options)) {
      throw call.error("kwargs", spec.describe() + " is called with " + options + " here and "
          + spec.callOptions + " in its first call; Lamina fixes a layer's call options for "
          + "all its calls");
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
