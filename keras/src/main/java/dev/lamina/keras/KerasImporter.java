package dev.lamina.keras;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.LambdaLayer;
import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonNumber;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.io.ZipArchive;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Reads one {@code .keras} file: checks every layer's type and options against what Lamina can
 * reproduce exactly, resolves the Lambda bindings (all missing ones in one error), rebuilds the
 * layer graph with Lamina layers, cross-checks the shapes Keras recorded, then loads the weights.
 * The Python code a file holds is never looked at beyond its JSON shape.
 */
final class KerasImporter {

  private final String fileName;
  private final KerasConfig config;
  private final LambdaBinder binder;
  private final KerasImportOptions options;
  private final Map<SymbolicTensor<?>, LayerSpec> producers = new IdentityHashMap<>();
  private final Set<SymbolicTensor<?>> tainted = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<LayerSpec> noted = Collections.newSetFromMap(new IdentityHashMap<>());
  private long resolutions;

  private KerasImporter(String fileName, KerasConfig config, LambdaBindings bindings,
      KerasImportOptions options) {
    this.fileName = fileName;
    this.config = config;
    this.binder = new LambdaBinder(fileName, config, bindings, options);
    this.options = options;
  }

  static Model load(Path file, LambdaBindings bindings, KerasImportOptions options)
      throws IOException {
    return load(file, bindings, options, Probe.NONE);
  }

  /** What a measurement or a test sees of an import: phase times and work counts. */
  interface Probe {
    Probe NONE = (what, value) -> { };

    /** {@code what} is a phase ("config", "layers", "replay", "weights", in nanoseconds) or a
     *  count ("node resolutions": attempts to gather a node's inputs). */
    void record(String what, long value);
  }

  /**
   * Every {@link Error} a file can cause (an allocation too large for the heap, nesting too deep
   * for the stack, a failure inside a library reader) becomes the one exception type of Lamina's
   * readers, naming the file: no Error escapes a load. Limits are checked before allocating, so
   * this is the second line, for paths inside libraries that no check reaches.
   */
  static Model load(Path file, LambdaBindings bindings, KerasImportOptions options, Probe probe)
      throws IOException {
    String fileName = String.valueOf(file.getFileName());
    try {
      return loadUnguarded(file, fileName, bindings, options, probe);
    } catch (OutOfMemoryError e) {
      throw new ModelFormatException(fileName + ": loading needs more memory than the JVM has ("
          + e.getMessage() + "): the file is damaged or hostile, or declares sizes (within the "
          + "KerasImportOptions limits) beyond this JVM's heap", e);
    } catch (StackOverflowError e) {
      throw new ModelFormatException(fileName + ": nested too deeply to load "
          + "(StackOverflowError): the file is damaged or hostile", e);
    } catch (Error e) {
      throw new ModelFormatException(fileName + ": the reader failed on this file: " + e, e);
    }
  }

  private static Model loadUnguarded(Path file, String fileName, LambdaBindings bindings,
      KerasImportOptions options, Probe probe) throws IOException {
    try (ZipArchive zip = ZipArchive.open(file, options.zipLimits())) {
      Json.Limits small = Json.Limits.DEFAULT.withMaxInputBytes(1 << 20).withNonFinite(true);
      JsonObject metadata = Json.parseObject(zip.read("metadata.json", 1 << 20),
          "metadata.json", small);
      String version = metadata.requireString("keras_version");
      if (!version.startsWith("3.")) {
        throw metadata.error("keras_version", "written by Keras " + version + "; Lamina imports"
            + " the .keras files of Keras 3");
      }
      int maxConfig = (int) Math.min(options.maxConfigBytes(), Integer.MAX_VALUE - 8);
      long start = System.nanoTime();
      JsonObject config = Json.parseObject(zip.read("config.json", maxConfig), "config.json",
          Json.Limits.DEFAULT.withMaxInputBytes(maxConfig).withMaxElements(
              options.maxConfigValues()).withNonFinite(true));
      KerasImporter importer = new KerasImporter(fileName, KerasConfig.of(config), bindings, options);
      long t0 = System.nanoTime();
      probe.record("config", t0 - start);
      importer.parse();
      long t1 = System.nanoTime();
      Model model = importer.build();
      long t2 = System.nanoTime();
      probe.record("layers", t1 - t0);
      probe.record("replay", t2 - t1);
      probe.record("node resolutions", importer.resolutions);
      try {
        byte[] h5 = zip.read("model.weights.h5");
        try (KerasWeights weights = KerasWeights.open(h5, fileName + "!model.weights.h5",
            options.maxWeightValues())) {
          long t3 = System.nanoTime();
          importer.loadWeights(weights);
          probe.record("weights", System.nanoTime() - t3);
        }
        return model;
      } catch (IOException | RuntimeException | Error e) {
        model.close();
        throw e;
      }
    }
  }

  // ---- pass 1: structure, options, bindings ------------------------------------------------

  private void parse() throws ModelFormatException {
    List<LayerSpec> unbound = new ArrayList<>();
    for (JsonObject layer : config.layerObjects()) {
      LayerSpec spec = config.readLayer(layer);
      LayerOptions.check(spec);
      if (spec.isLambda() && !binder.bind(spec)) {
        unbound.add(spec);
      }
    }
    if (!unbound.isEmpty()) {
      throw binder.missingBindings(unbound);
    }
    binder.warnUnusedBindings();
  }

  // ---- pass 2: the graph ---------------------------------------------------------------------

  private Model build() throws ModelFormatException {
    List<SymbolicTensor<?>> inputs = new ArrayList<>();
    List<SymbolicTensor<?>> outputs = new ArrayList<>();
    if (config.isSequential()) {
      buildSequential(inputs, outputs);
    } else {
      buildFunctional(inputs, outputs);
    }
    for (LayerSpec spec : config.specs()) {
      if (spec.layer == null && !spec.className.equals("InputLayer")) {
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
    if (config.specs().get(0).className.equals("InputLayer")) {
      x = makeInput(config.specs().get(0));
      first = 1;
    } else {
      JsonObject model = config.modelConfig();
      JsonArray shape = model.optArray("build_input_shape");
      if (shape == null) {
        throw model.error("layers", "the Sequential model has no InputLayer and no "
            + "build_input_shape: its input shape is unknown");
      }
      x = makeInput(null, "input", "float32", shape, model);
      first = 0;
    }
    inputs.add(x);
    for (LayerSpec spec : config.specs().subList(first, config.specs().size())) {
      if (spec.className.equals("InputLayer")) {
        throw spec.json.error("a Sequential model has one InputLayer, first");
      }
      JsonObject build = spec.json.optObject("build_config");
      JsonArray recorded = build == null ? null : build.optArray("input_shape");
      if (recorded != null && recorded.stream().allMatch(d -> d == null || d instanceof JsonNumber)) {
        checkRecorded(x, KerasConfig.dims(recorded, spec, "input_shape"), null, spec);
      }
      x = apply(spec, List.of(x));
      spec.outputs.add(x);
    }
    outputs.add(x);
  }

  private void buildFunctional(List<SymbolicTensor<?>> inputs, List<SymbolicTensor<?>> outputs)
      throws ModelFormatException {
    for (LayerSpec spec : config.specs()) {
      if (spec.className.equals("InputLayer")) {
        if (!spec.inbound.isEmpty()) {
          throw spec.json.error("inbound_nodes", "an InputLayer has no inbound nodes");
        }
        spec.outputs.add(makeInput(spec));
      } else {
        if (spec.inbound.isEmpty()) {
          throw spec.json.error(spec.describe() + " is never applied to anything");
        }
        spec.outputs.addAll(Collections.nCopies(spec.inbound.size(), null));
      }
    }
    // Keras lists producers first; a file may list layers in any order. Kahn's algorithm over
    // the nodes (each layer call), taking the ready node that comes first in the file: the file's
    // order when it is Keras's, and work linear in the nodes (times log n for the queue) in any
    // order. Whatever never becomes ready is on a cycle.
    List<LayerSpec> nodeSpec = new ArrayList<>();
    List<Integer> nodeIndex = new ArrayList<>();
    Map<LayerSpec, Integer> firstNode = new IdentityHashMap<>();
    for (LayerSpec spec : config.specs()) {
      firstNode.put(spec, nodeSpec.size());
      for (int node = 0; node < spec.inbound.size(); node++) {
        nodeSpec.add(spec);
        nodeIndex.add(node);
      }
    }
    int nodes = nodeSpec.size();
    int[] waiting = new int[nodes];
    List<List<Integer>> dependents = new ArrayList<>(Collections.nCopies(nodes, null));
    java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
    for (int id = 0; id < nodes; id++) {
      LayerSpec spec = nodeSpec.get(id);
      for (JsonObject tensor : KerasConfig.nodeTensors(spec, spec.inbound.get(nodeIndex.get(id)))) {
        JsonArray ref = tensor.requireObject("config").requireArray("keras_history");
        LayerSpec producer = producer(ref);
        if (producer.className.equals("InputLayer")) {
          continue; // computed already
        }
        int from = firstNode.get(producer) + ref.requireInt(1);
        if (dependents.get(from) == null) {
          dependents.set(from, new ArrayList<>(1));
        }
        dependents.get(from).add(id);
        waiting[id]++;
      }
      if (waiting[id] == 0) {
        ready.add(id);
      }
    }
    while (!ready.isEmpty()) {
      int id = ready.poll();
      LayerSpec spec = nodeSpec.get(id);
      int node = nodeIndex.get(id);
      List<SymbolicTensor<?>> args = resolve(spec, node);
      if (args == null) {
        throw new AssertionError("node " + node + " of " + spec.describe() + " was not ready");
      }
      spec.outputs.set(node, apply(spec, args));
      if (dependents.get(id) != null) {
        for (int next : dependents.get(id)) {
          if (--waiting[next] == 0) {
            ready.add(next);
          }
        }
      }
    }
    for (int id = 0; id < nodes; id++) {
      LayerSpec spec = nodeSpec.get(id);
      int node = nodeIndex.get(id);
      if (spec.outputs.get(node) == null) {
        throw spec.inbound.get(node).error(spec.describe() + ": node " + node + " depends on"
            + " itself through a cycle of layers");
      }
    }
    for (JsonArray ref : config.refs("input_layers")) {
      SymbolicTensor<?> t = lookup(ref);
      if (!t.isInput()) {
        throw ref.error("input_layers names '" + ref.requireString(0) + "', which is not an "
            + "InputLayer");
      }
      inputs.add(t);
    }
    for (JsonArray ref : config.refs("output_layers")) {
      outputs.add(lookup(ref));
    }
  }

  private SymbolicTensor<?> lookup(JsonArray ref) throws ModelFormatException {
    return producer(ref).outputs.get(ref.requireInt(1));
  }

  /** The layer a {@code ["name", node, tensor]} reference names, after checking all three. */
  private LayerSpec producer(JsonArray ref) throws ModelFormatException {
    ref.requireSize(3);
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
    if (tensor != 0) {
      throw ref.error(2, producer.describe() + " has one output; there is no output " + tensor);
    }
    return producer;
  }

  /** The input tensors of one node, or null while one of them is not computed yet. */
  private List<SymbolicTensor<?>> resolve(LayerSpec spec, int node) throws ModelFormatException {
    resolutions++;
    JsonObject call = spec.inbound.get(node);
    List<JsonObject> tensors = KerasConfig.nodeTensors(spec, call);
    List<SymbolicTensor<?>> args = new ArrayList<>(tensors.size());
    for (JsonObject tensor : tensors) {
      JsonObject config = tensor.requireObject("config");
      SymbolicTensor<?> t = lookup(config.requireArray("keras_history"));
      if (t == null) {
        return null;
      }
      args.add(t);
    }
    for (int i = 0; i < tensors.size(); i++) {
      JsonObject config = tensors.get(i).requireObject("config");
      checkRecorded(args.get(i), KerasConfig.dims(config.requireArray("shape"), spec, "shape"),
          config.optString("dtype", null), spec);
    }
    return args;
  }

  private SymbolicTensor<?> makeInput(LayerSpec spec) throws ModelFormatException {
    return makeInput(spec, spec.name, spec.config.optString("dtype", "float32"),
        spec.config.requireArray("batch_shape"), spec.config);
  }

  private SymbolicTensor<?> makeInput(LayerSpec spec, String name, String dtype, JsonArray batchShape,
      JsonObject where) throws ModelFormatException {
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
    checkSize(Shape.of(full), spec, batchShape);
    Class<? extends TType> type = LayerOptions.inputType(dtype);
    try {
      SymbolicTensor<?> t = Input.of(name, type, sample);
      return t;
    } catch (RuntimeException e) {
      throw where.error("input '" + name + "': " + e.getMessage());
    }
  }

  private void checkSize(Shape shape, LayerSpec spec, JsonObject where) throws ModelFormatException {
    String problem = sizeProblem(shape);
    if (problem != null) {
      throw where.error((spec == null ? "" : spec.describe() + ": ") + problem);
    }
  }

  private void checkSize(Shape shape, LayerSpec spec, JsonArray where) throws ModelFormatException {
    String problem = sizeProblem(shape);
    if (problem != null) {
      throw where.error((spec == null ? "" : spec.describe() + ": ") + problem);
    }
  }

  /** Too many values per sample, checked before a layer could size anything from the shape. */
  private String sizeProblem(Shape shape) {
    if (shape.isUnknown()) {
      return null;
    }
    long values = 1;
    for (int i = 1; i < shape.numDimensions(); i++) {
      long d = shape.get(i);
      if (d > 0) {
        values = Math.multiplyHigh(values, d) != 0 || values * d < 0 ? Long.MAX_VALUE
            : values * d;
      }
    }
    return values > options.maxTensorValues() ? "a tensor of shape " + Shapes.format(shape)
        + " has more than " + options.maxTensorValues() + " values per sample" : null;
  }

  private SymbolicTensor<?> apply(LayerSpec spec, List<SymbolicTensor<?>> inputs)
      throws ModelFormatException {
    if (spec.layer == null) {
      spec.layer = binder.create(spec); // typed layers were made from their configs
    }
    spec.layer.setTrainable(spec.config.optBoolean("trainable", true)); // Keras's frozen layers
    SymbolicTensor<?> out;
    try {
      out = spec.layer.call(inputs);
    } catch (RuntimeException e) {
      throw spec.json.error(spec.describe() + (spec.isLambda() ? ", bound to "
          + spec.layer.describe() : "") + ", cannot be applied to " + formatShapes(inputs)
          + ": " + e.getMessage());
    }
    checkSize(out.shape(), spec, spec.json);
    for (var weight : spec.layer.weights()) {
      if (weight.shape().size() > options.maxWeightValues()) {
        throw spec.json.error(spec.describe() + ": weight '" + weight.name() + "' of shape "
            + Shapes.format(weight.shape()) + " has more than the limit of "
            + options.maxWeightValues() + " values");
      }
    }
    producers.put(out, spec);
    if (inputs.stream().anyMatch(tainted::contains)) {
      tainted.add(out);
    }
    if (spec.isLambda() && spec.declaredOutput != null) {
      Shape sample = Shapes.perSample(out.shape());
      if (!fits(spec.declaredOutput, sample.asArray())) {
        shapeNote(spec, "declares output_shape " + Shapes.format(spec.declaredOutput), out,
            inputs);
        tainted.add(out);
      }
    }
    return out;
  }

  /** Compares a tensor Lamina computed with the shape (and dtype) Keras recorded for it. */
  private void checkRecorded(SymbolicTensor<?> actual, long[] recorded, String dtype,
      LayerSpec consumer) throws ModelFormatException {
    if (tainted.contains(actual)) {
      return; // downstream of a Lambda whose declared shape Keras trusted: already reported
    }
    LayerSpec producer = producers.get(actual);
    boolean shapeOk = actual.shape().isUnknown() || fits(recorded, actual.shape().asArray());
    boolean dtypeOk = dtype == null || dtype.equals(Shapes.dtypeName(actual.dtype()));
    if (shapeOk && dtypeOk) {
      return;
    }
    if (producer != null && producer.isLambda() && dtypeOk) {
      shapeNote(producer, "made Keras record " + Shapes.format(recorded)
          + " as its output (from its output_shape)", actual, null);
      tainted.add(actual);
      return;
    }
    String what = producer == null ? "an input" : "the output of " + producer.describe();
    throw consumer.json.error(consumer.describe() + ": Keras recorded " + what + " as "
        + Shapes.format(recorded) + " " + dtype + ", but Lamina computes "
        + Shapes.format(actual.shape()) + " " + Shapes.dtypeName(actual.dtype())
        + " from the same configuration: the file is inconsistent");
  }

  private void shapeNote(LayerSpec lambda, String claim, SymbolicTensor<?> out,
      List<SymbolicTensor<?>> inputs) throws ModelFormatException {
    if (!noted.add(lambda)) {
      return;
    }
    LambdaLayer layer = (LambdaLayer) lambda.layer;
    String text = fileName + ": " + lambda.describe() + " " + claim + ", but its Java layer "
        + layer.typeName() + " (" + layer.signature().function() + ") gives "
        + Shapes.format(Shapes.perSample(out.shape())) + " per sample, checked against its ops"
        + " (output " + Shapes.format(out.shape())
        + (inputs == null ? "" : " for input " + formatShapes(inputs)) + ").";
    if (options.strictOutputShapes()) {
      throw lambda.config.error("output_shape", text
          + " Keras never checks output_shape; the strict option makes this an error.");
    }
    options.note(text + " Keras never checks output_shape; Lamina uses the Java layer's shape"
        + " and the model computes what Keras computes.");
  }

  /** Same rank, and every size both know is equal. */
  private static boolean fits(long[] want, long[] actual) {
    if (want.length != actual.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (want[i] != Shape.UNKNOWN_SIZE && actual[i] != Shape.UNKNOWN_SIZE
          && want[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }

  private static String formatShapes(List<SymbolicTensor<?>> tensors) {
    StringJoiner joined = new StringJoiner(", ");
    tensors.forEach(t -> joined.add(Shapes.format(t.shape())));
    return joined.toString();
  }

  // ---- pass 3: weights -----------------------------------------------------------------------

  private void loadWeights(KerasWeights weights) throws ModelFormatException {
    for (LayerSpec spec : config.specs()) {
      if (spec.layer == null || spec.weightsGroup == null) {
        continue;
      }
      var values = weights.read(spec.weightsGroup, spec.describe(), spec.name,
          spec.layer.weights());
      if (!values.isEmpty()) {
        try {
          spec.layer.setWeights(values);
        } catch (IllegalArgumentException e) {
          throw new ModelFormatException(fileName + "!model.weights.h5: " + spec.weightsGroup
              + ": " + e.getMessage(), e);
        }
      }
    }
  }
}
