package dev.lamina.runtime;

import dev.lamina.runtime.SymbolicTensor.Node;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.io.ZipArchive;
import dev.lamina.runtime.io.ZipArchiveWriter;
import dev.lamina.runtime.registry.LambdaFactory;
import dev.lamina.runtime.registry.LambdaRegistry;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Optimizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TType;

/**
 * Lamina's model file: a zip holding {@code model.json} (the versioned description: layers with
 * their type, name and configuration, lambdas by registry name with typed arguments, the call
 * graph, inputs and outputs, the weights' shapes and dtypes, and the compile configuration) and
 * the values as raw little-endian entries of each weight's dtype ({@code weights/<i>.bin}) and
 * float32 optimizer slots ({@code optimizer/<i>.bin}).
 * The format is documented in {@code docs/model-format.md}.
 *
 * <p>Reading never runs code from the file: built-in layers are chosen from a fixed list by type
 * name, lambdas are looked up by name in the {@link LambdaRegistry}, and nothing is deserialised
 * as Java objects. Every problem with a file is a {@link ModelFormatException} saying what and
 * where, raised before allocating anything whose size the file claims.
 */
final class ModelFiles {

  static final String FORMAT = "lamina.model";
  /**
   * The newest version this reader reads. A file is written as version 1 unless it uses what
   * version 2 added (compile arguments beyond one loss and metrics for every output), which an
   * older reader would silently drop.
   */
  static final int VERSION = 2;
  static final String DESCRIPTION = "model.json";

  /** The largest weight Lamina reads: 2^28 values (1 GiB of float32, 2 GiB of float64). */
  static final long MAX_WEIGHT_VALUES = 1L << 28;
  /** The longest chain of layers a file may describe. */
  static final int MAX_LAYERS = 100_000;
  /** The most inputs (InputLayers, which {@link #MAX_LAYERS} does not count). */
  static final int MAX_INPUTS = 10_000;
  /**
   * The description's JSON limits: room for {@link #MAX_LAYERS} layers with their calls and
   * weights (~35 MiB and ~3 million values for a 100,000-layer Dense chain), bounded still.
   */
  static final Json.Limits DESCRIPTION_LIMITS =
      new Json.Limits(128 << 20, 128, 1 << 20, 8_000_000, 100, false);
  /** Largest size of one dimension in a file (TensorFlow's dims are int64, Java arrays int). */
  static final long MAX_DIM = Integer.MAX_VALUE;

  private ModelFiles() {}

  // ---------------------------------------------------------------- saving

  static void save(Model model, Path path, boolean weightsOnly) throws IOException {
    Topology topology = model.topology();
    long inputs = topology.layers().stream().filter(layer -> layer instanceof InputLayer).count();
    long others = topology.layers().stream()
        .filter(layer -> !(layer instanceof InputLayer) && !(layer instanceof MaskLayer)).count();
    if (inputs > MAX_INPUTS || others > MAX_LAYERS) {
      // Never write a file that loading refuses (masks are not written: replay makes them).
      throw new IllegalArgumentException("This model has " + others + " layers and " + inputs
          + " inputs; a model file holds at most " + MAX_LAYERS + " layers and " + MAX_INPUTS
          + " inputs");
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("version", 1); // raised below if the compile needs version 2
    // Each entry's values, fetched when the entry is written: one weight's values in memory at a
    // time, never a byte copy of the whole model.
    Map<String, Supplier<Values>> entries = new LinkedHashMap<>();
    if (!weightsOnly) {
      root.put("model", describe(model, topology));
    }
    List<Object> weights = new ArrayList<>();
    List<Weight> all = model.weights();
    Trainer trainer = weightsOnly ? null : model.compiled();
    boolean withTraining =
        trainer != null && trainer.spec().fileConfig() != null && isBuiltIn(trainer);
    if (withTraining) {
      requireCompiledTrainability(model, trainer);
    }
    // The weights and the optimizer's state of one step: the model first publishes what it
    // trained, and no step of it, nor any assignment or publish, falls between reading the first
    // value and the last.
    Executor executor = model.builtExecutor();
    Supplier<Map<String, Object>> alongside =
        withTraining ? () -> training(trainer, entries) : null;
    Weight.Snapshot<Map<String, Object>> snapshot = executor == null
        ? Weight.snapshot(all, alongside) : executor.publishAndSnapshot(all, alongside);
    for (int i = 0; i < all.size(); i++) {
      Weight weight = all.get(i);
      if (weight.shape().size() > MAX_WEIGHT_VALUES) {
        // Never write a file that loading refuses.
        throw new IllegalArgumentException(weight + " has " + weight.shape().size()
            + " values; a model file holds at most " + MAX_WEIGHT_VALUES + " per weight");
      }
      String entry = "weights/" + i + ".bin";
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("layer", topology.names().get(weight.layer()));
      w.put("name", weight.name());
      w.put("shape", dims(weight.shape()));
      w.put("dtype", weight.dtype());
      w.put("entry", entry);
      weights.add(w);
      // Of the snapshot's moment, not the write's: a weight's array is replaced, never changed.
      Values values = new Values(weight.dtypeClass(), snapshot.values().get(i).buffer());
      entries.put(entry, () -> values);
    }
    root.put("weights", weights);
    if (withTraining) {
      Map<String, Object> training = snapshot.alongside();
      root.put("training", training);
      if (!(training.get("loss") instanceof Map) || training.containsKey("loss_weights")
          || training.get("metrics") instanceof Map || training.containsKey("weighted_metrics")) {
        root.put("version", 2); // a version-1 reader would drop these
      }
    }
    if (entries.size() + 1 > ZipArchive.Limits.DEFAULT.maxEntries()) {
      // Never write a file that loading refuses.
      throw new IllegalArgumentException("This model has " + entries.size() + " weights and "
          + "optimizer slots; a model file holds at most "
          + (ZipArchive.Limits.DEFAULT.maxEntries() - 1));
    }
    byte[] description = Json.writeBytes(root, Json.Style.PRETTY);
    if (description.length > 1 << 20) {
      // Never write a file that loading refuses: a large description is read back as load will.
      try {
        Json.parse(description, DESCRIPTION, DESCRIPTION_LIMITS);
      } catch (ModelFormatException e) {
        throw new IllegalArgumentException("This model is too large for a model file: its "
            + "description passes the reader's limits (" + e.getMessage() + ")", e);
      }
    }
    try (ZipArchiveWriter zip = ZipArchiveWriter.create(path)) {
      zip.write(DESCRIPTION, description);
      for (Map.Entry<String, Supplier<Values>> entry : entries.entrySet()) {
        Values values = entry.getValue().get();
        // Stored, not deflated: floats barely compress, and a weight of one repeated value
        // deflates so well that the reader's bomb checks would refuse it.
        try (OutputStream out = zip.storedStream(entry.getKey(), values.buffer().size()
            * TensorData.width(values.dtype()), write(values, null))) {
          write(values, out);
        }
      }
      zip.commit();
    }
  }

  /**
   * The optimizer's slots are keyed by each weight's place among the weights the compile trained;
   * a layer frozen or unfrozen since would load its slots onto other weights, or not load.
   */
  private static void requireCompiledTrainability(Model model, Trainer trainer) {
    List<Weight> compiled = trainer.graph().trainable();
    List<Weight> now = model.weights().stream().filter(Weight::trainable).toList();
    if (!compiled.equals(now)) {
      throw new IllegalStateException("A layer of this model was frozen or unfrozen "
          + "(setTrainable) after compile, so its optimizer state no longer matches its "
          + "trainable weights; compile again before save (as Keras needs a compile for the "
          + "change to take effect), or saveWeights to keep only the weights");
    }
  }

  private static boolean isBuiltIn(Trainer trainer) {
    try {
      for (var loss : trainer.spec().losses()) {
        Losses.get(loss.name(), loss.fromLogits());
      }
      // The class too: a subclass of the user's (Adam is not final, for AdamW) is not built in.
      return Optimizer.get(trainer.optimizer().name()).getClass()
          == trainer.optimizer().getClass();
    } catch (IllegalArgumentException custom) {
      return false; // a loss or optimizer of the user's: the model saves without compile state
    }
  }

  private static Map<String, Object> training(Trainer trainer,
      Map<String, Supplier<Values>> entries) {
    Map<String, Object> training = new LinkedHashMap<>();
    Map<String, Object> optimizer = new LinkedHashMap<>();
    optimizer.put("class", trainer.optimizer().name());
    optimizer.put("config", trainer.optimizer().config());
    if (!trainer.optimizer().excludedFromWeightDecay().isEmpty()) {
      // Not in Keras's config, but part of how the steps go on.
      optimizer.put("exclude_from_weight_decay", trainer.optimizer().excludedFromWeightDecay());
    }
    training.put("optimizer", optimizer);
    // Keras's compile arguments: loss (one, or a list per output), loss_weights, metrics and
    // weighted_metrics (a list for every output, or by output name).
    training.putAll(trainer.spec().fileConfig());
    TrainingGraph graph = trainer.graph();
    training.put("iterations", graph.iterations());
    List<Object> slots = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, float[]> slot : graph.slotValues().entrySet()) {
      String entry = "optimizer/" + i++ + ".bin";
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("key", slot.getKey());
      s.put("shape", dims(graph.slots().get(slot.getKey()).shape()));
      s.put("entry", entry);
      slots.add(s);
      Values values = new Values(TFloat32.class, DataBuffers.of(slot.getValue(), true, false));
      entries.put(entry, () -> values);
    }
    training.put("slots", slots);
    return training;
  }

  private static Map<String, Object> describe(Model model, Topology topology) {
    LambdaRegistry registry = null;
    Map<String, Object> description = new LinkedHashMap<>();
    description.put("class", model instanceof Sequential ? "Sequential" : "Model");
    List<Object> layers = new ArrayList<>();
    for (Layer layer : topology.layers()) {
      if (layer instanceof MaskLayer) {
        continue; // replaying its owner's calls makes it again
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", topology.names().get(layer));
      if (layer instanceof InputLayer input) {
        entry.put("type", "InputLayer");
        entry.put("dtype", Shapes.dtypeName(input.dtype()));
        entry.put("shape", dims(Shapes.perSample(input.shape())));
      } else if (layer instanceof LambdaLayer lambda) {
        if (registry == null) {
          registry = LambdaRegistry.load();
        }
        LambdaFactory factory = factoryOf(lambda, registry);
        entry.put("type", "Lambda");
        entry.put("lambda", factory.name());
        entry.put("arguments", LambdaArguments.encode(factory, lambda.arguments()));
      } else {
        entry.put("type", typeName(layer));
        entry.put("config", plain(config(layer)));
      }
      if (!layer.isTrainable()) {
        entry.put("trainable", false); // frozen, as Keras's trainable=False
      }
      layers.add(entry);
    }
    description.put("layers", layers);
    Map<Node, Object> refs = new IdentityHashMap<>();
    Map<Layer, Integer> calls = new IdentityHashMap<>();
    List<Object> nodes = new ArrayList<>();
    for (Node node : topology.nodes()) {
      if (node.layer() instanceof MaskLayer) {
        continue; // replaying the calls makes masks again
      }
      int call = calls.merge(node.layer(), 1, Integer::sum) - 1;
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("layer", topology.names().get(node.layer()));
      ref.put("call", call);
      refs.put(node, ref);
      if (node.layer() instanceof InputLayer) {
        continue;
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("layer", topology.names().get(node.layer()));
      List<Object> inputs = new ArrayList<>();
      node.inputs().forEach(input -> inputs.add(refOf(input, refs, topology)));
      entry.put("inputs", inputs);
      nodes.add(entry);
    }
    description.put("nodes", nodes);
    List<Object> inputs = new ArrayList<>();
    topology.inputs().forEach(input -> inputs.add(topology.names().get(input.producer().layer())));
    description.put("inputs", inputs);
    List<Object> outputs = new ArrayList<>();
    topology.outputs().forEach(output -> outputs.add(refOf(output, refs, topology)));
    description.put("outputs", outputs);
    return description;
  }

  /**
   * A tensor as the file names it: a call's output ({@code "output"} only for a call with
   * several, from the second on), or the mask of one.
   */
  private static Object refOf(SymbolicTensor<?> tensor, Map<Node, Object> refs,
      Topology topology) {
    Node node = tensor.producer();
    if (node.layer() instanceof MaskLayer) {
      // A mask travels with the output of the call that computes it: name that output.
      for (Node made : topology.nodes()) {
        for (SymbolicTensor<?> owner : made.outputs()) {
          if (owner.mask().orElse(null) == tensor) {
            Map<String, Object> mask = new LinkedHashMap<>();
            mask.put("mask_of", refOf(owner, refs, topology));
            return mask;
          }
        }
      }
      throw new IllegalArgumentException("The model uses the mask of a call whose output it does "
          + "not use (" + node.layer().describe() + "); such a model cannot be saved");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> ref = (Map<String, Object>) refs.get(node);
    if (ref == null) {
      throw new IllegalStateException("the call graph is not in order at " + tensor);
    }
    if (tensor.outputIndex() == 0) {
      return ref;
    }
    Map<String, Object> indexed = new LinkedHashMap<>(ref);
    indexed.put("output", tensor.outputIndex());
    return indexed;
  }

  /** The registered type's name, or an error: a file names a type, never a class. */
  private static String typeName(Layer layer) {
    return LayerTypes.of(layer).map(LayerType::name).orElseThrow(() ->
        new IllegalArgumentException(layer.describe() + " cannot be saved: its class "
            + layer.getClass().getName() + " is no registered layer type (a file names a type, "
            + "never a class). Register a LayerType for it (LayerTypes.register, or a "
            + "LayerTypeProvider service); registered types: " + LayerTypes.names()));
  }

  private static <L extends Layer> Map<String, Object> config(L layer) {
    return LayerTypes.of(layer).orElseThrow().config(layer);
  }

  private static LambdaFactory factoryOf(LambdaLayer lambda, LambdaRegistry registry) {
    for (String name : registry.names()) {
      LambdaFactory factory = registry.find(name).orElseThrow();
      if (factory.signature() == lambda.signature()) {
        return factory;
      }
    }
    throw new IllegalArgumentException(lambda.describe() + " cannot be saved: its lambda "
        + lambda.signature().function() + " is not in the lambda registry. Layers generated by "
        + "Lamina's processor register themselves; is the compilation's "
        + "META-INF/services/dev.lamina.runtime.registry.LambdaProvider on the class path?");
  }

  /** JSON-friendly copies: arrays to lists. */
  private static Map<String, Object> plain(Map<String, Object> config) {
    Map<String, Object> out = new LinkedHashMap<>();
    config.forEach((key, value) -> {
      if (value instanceof long[] longs) {
        List<Object> list = new ArrayList<>();
        for (long l : longs) {
          list.add(l);
        }
        out.put(key, list);
      } else {
        out.put(key, value);
      }
    });
    return out;
  }

  private static List<Object> dims(Shape shape) {
    List<Object> dims = new ArrayList<>();
    for (long d : shape.asArray()) {
      dims.add(d == Shape.UNKNOWN_SIZE ? null : d);
    }
    return dims;
  }

  /** An entry's values: a weight's (of its dtype) or an optimizer slot's (float32). */
  private record Values(Class<? extends TType> dtype, DataBuffer<?> buffer) {}

  /**
   * Writes {@code values} to {@code out} as little-endian values of their dtype through a 64 KiB
   * buffer, or only computes their CRC-32 if {@code out} is {@code null}; returns the CRC-32.
   */
  private static long write(Values values, OutputStream out) throws IOException {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    int width = TensorData.width(values.dtype());
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
    int perChunk = chunk.capacity() / width;
    long size = values.buffer().size();
    for (long at = 0; at < size; at += perChunk) {
      int n = (int) Math.min(perChunk, size - at);
      chunk.clear();
      TensorData.encode(values.dtype(), values.buffer(), at, n, chunk);
      if (out == null) {
        crc.update(chunk.array(), 0, n * width);
      } else {
        out.write(chunk.array(), 0, n * width);
      }
    }
    return crc.getValue();
  }

  // ---------------------------------------------------------------- loading

  /** Work on a file of one's own in the temporary directory, deleted afterwards. */
  interface FileWork<T> {
    T run(Path file) throws IOException;
  }

  /**
   * Runs {@code work} on a file in a fresh private temporary directory, then deletes both:
   * the zip reader needs a file, and bytes or a stream have none.
   */
  static <T> T viaTemporaryFile(String fileName, FileWork<T> work) throws IOException {
    Path dir = Files.createTempDirectory("lamina-model");
    Path file = dir.resolve(fileName); // what error messages name
    try {
      return work.run(file);
    } finally {
      try {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // Best effort: the temporary directory is private, and its failure to go is no reason
        // to hide what the work threw or returned.
      }
    }
  }

  /** Copies a stream to {@code file}, refusing more than an archive may hold. */
  static void copyBounded(InputStream in, Path file) throws IOException {
    long max = ZipArchive.Limits.DEFAULT.maxArchiveBytes();
    long copied = 0;
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        copied += n;
        if (copied > max) {
          throw new ModelFormatException("the stream holds more than " + max + " bytes, the "
              + "limit of a model file");
        }
        out.write(buffer, 0, n);
      }
    }
  }

  static Model load(Path path, LambdaRegistry registry) throws IOException {
    try (ZipArchive zip = ZipArchive.open(path)) {
      JsonObject root = description(zip);
      JsonObject model = root.requireObject("model");
      Model loaded = build(model, registry);
      try {
        Map<String, String> readers = new HashMap<>();
        setWeights(loaded, zip, root.requireArray("weights"), readers);
        JsonObject training = root.optObject("training");
        if (training != null) {
          restoreTraining(loaded, zip, training, readers);
        }
        return loaded;
      } catch (IOException | RuntimeException | Error e) {
        loaded.close();
        throw e;
      }
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      // A layer's own checks (shapes that do not fit, a bad option) on what the file says.
      throw new ModelFormatException(path + ": not a valid Lamina model: " + e.getMessage(), e);
    } catch (OutOfMemoryError | StackOverflowError e) {
      // The limits keep a file's demands to its size; a heap smaller than that is still no
      // reason to let an Error out of a loader.
      throw new ModelFormatException(path + ": loading needs more memory than this JVM has ("
          + e + ")", e);
    }
  }

  static void loadWeights(Model model, Path path) throws IOException {
    try (ZipArchive zip = ZipArchive.open(path)) {
      JsonObject root = description(zip);
      setWeights(model, zip, root.requireArray("weights"), new HashMap<>());
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFormatException(path + ": " + e.getMessage(), e);
    }
  }

  private static JsonObject description(ZipArchive zip) throws IOException {
    if (!zip.contains(DESCRIPTION)) {
      throw new ModelFormatException(zip.name() + ": no " + DESCRIPTION + "; not a Lamina model "
          + "file");
    }
    // Inflating stops at the JSON limit: a small file cannot make a huge description.
    JsonObject root = zip.readJson(DESCRIPTION, DESCRIPTION_LIMITS);
    String format = root.requireString("format");
    if (!format.equals(FORMAT)) {
      throw root.error("format", "is '" + format + "', not '" + FORMAT + "'");
    }
    int version = root.requireInt("version");
    if (version > VERSION) {
      throw root.error("version", "is " + version + ": the file was written by a newer Lamina; "
          + "this one reads version " + VERSION + " and earlier");
    }
    if (version < 1) {
      throw root.error("version", "is " + version + "; versions start at 1");
    }
    return root;
  }

  private static Model build(JsonObject model, LambdaRegistry registry) throws IOException {
    String kind = model.requireOneOf("class", "Model", "Sequential");
    JsonArray layerList = model.requireArray("layers");
    if (layerList.size() > MAX_LAYERS + MAX_INPUTS) {
      throw model.error("layers", "has " + layerList.size() + " layers; at most " + MAX_LAYERS
          + " and " + MAX_INPUTS + " inputs");
    }
    int inputCount = 0;
    for (JsonObject entry : layerList.objects()) {
      inputCount += "InputLayer".equals(entry.optString("type", null)) ? 1 : 0;
    }
    if (inputCount > MAX_INPUTS || layerList.size() - inputCount > MAX_LAYERS) {
      throw model.error("layers", "has " + (layerList.size() - inputCount) + " layers and "
          + inputCount + " inputs; at most " + MAX_LAYERS + " layers and " + MAX_INPUTS
          + " inputs");
    }
    requireRegisteredLambdas(layerList, registry);
    Map<String, Layer> layers = new LinkedHashMap<>();
    Map<String, SymbolicTensor<?>> inputTensors = new HashMap<>();
    for (JsonObject entry : layerList.objects()) {
      String name = entry.requireString("name");
      if (layers.containsKey(name)) {
        throw entry.error("name", "'" + name + "' names two layers; names are unique in a model");
      }
      String type = entry.requireString("type");
      if (type.equals("InputLayer")) {
        SymbolicTensor<?> input = input(entry, name);
        inputTensors.put(name, input);
        layers.put(name, input.producer().layer());
      } else {
        Layer layer = layer(entry, type, name, registry);
        layer.setTrainable(entry.optBoolean("trainable", true));
        layers.put(name, layer);
      }
    }
    // Replay the calls in order (CallReplay): each may use only outputs made before it, so a
    // file cannot describe a cycle, and every call's shapes are checked again as apply checks
    // them.
    List<CallReplay.Call<JsonObject>> calls = new ArrayList<>();
    for (JsonObject node : model.requireArray("nodes").objects()) {
      String name = node.requireString("layer");
      Layer layer = layers.get(name);
      if (layer == null || layer instanceof InputLayer) {
        throw node.error("layer", layer == null ? "'" + name + "' is not among the layers"
            : "'" + name + "' is an input; inputs are not called");
      }
      List<CallReplay.Ref<JsonObject>> inputs = new ArrayList<>();
      JsonArray refs = node.requireArray("inputs");
      for (int i = 0; i < refs.size(); i++) {
        inputs.add(ref(refs.requireObject(i)));
      }
      calls.add(new CallReplay.Call<>(name, inputs, node));
    }
    CallReplay<JsonObject, IOException> outputs = CallReplay.inListedOrder(inputTensors, calls,
        new Replay(layers));
    List<SymbolicTensor<?>> modelInputs = new ArrayList<>();
    JsonArray inputNames = model.requireArray("inputs");
    for (int i = 0; i < inputNames.size(); i++) {
      SymbolicTensor<?> input = inputTensors.get(inputNames.requireString(i));
      if (input == null) {
        throw inputNames.error(i, "names no InputLayer");
      }
      modelInputs.add(input);
    }
    List<SymbolicTensor<?>> modelOutputs = new ArrayList<>();
    JsonArray outputRefs = model.requireArray("outputs");
    for (int i = 0; i < outputRefs.size(); i++) {
      modelOutputs.add(outputs.resolve(ref(outputRefs.requireObject(i))));
    }
    try {
      if (kind.equals("Sequential")) {
        if (modelInputs.size() != 1 || modelOutputs.size() != 1) {
          throw model.error("class", "Sequential needs one input and one output");
        }
        return Sequential.rebuilt(modelInputs.get(0), modelOutputs.get(0));
      }
      return Model.of(modelInputs, modelOutputs);
    } catch (IllegalArgumentException e) {
      throw model.error("its inputs and outputs do not make a model: " + e.getMessage());
    }
  }

  private static SymbolicTensor<?> input(JsonObject entry, String name) throws IOException {
    String dtypeName = entry.requireString("dtype");
    Class<? extends TType> dtype = Shapes.DTYPES.get(dtypeName);
    if (dtype == null) {
      throw entry.error("dtype", "'" + dtypeName + "' is not one of " + Shapes.DTYPES.keySet());
    }
    JsonArray shape = entry.requireArray("shape");
    if (shape.size() > 253) {
      throw entry.error("shape", "has rank " + shape.size() + "; TensorFlow allows 254 with the "
          + "batch");
    }
    long[] dims = new long[shape.size()];
    for (int d = 0; d < dims.length; d++) {
      dims[d] = shape.isNull(d) ? Input.UNKNOWN : shape.requireLong(d);
      if (dims[d] != Input.UNKNOWN && (dims[d] < 1 || dims[d] > MAX_DIM)) {
        throw shape.error(d, "is " + dims[d] + "; a size is between 1 and " + MAX_DIM
            + ", or null for any");
      }
    }
    return Input.of(name, dtype, dims);
  }

  /**
   * A reference to a call's output, {@code {"layer", "call", "output"}} ({@code output} only for
   * a call with several), or to its mask, {@code {"mask_of": {...}}}.
   */
  private static CallReplay.Ref<JsonObject> ref(JsonObject ref) throws IOException {
    boolean mask = ref.containsKey("mask_of");
    JsonObject target = mask ? ref.requireObject("mask_of") : ref;
    if (mask && target.containsKey("mask_of")) {
      throw target.error("mask_of", "a mask has no mask");
    }
    target.rejectUnknownKeys("layer", "call", "output");
    String layer = target.requireString("layer");
    int call = target.requireInt("call");
    int output = target.containsKey("output") ? target.requireInt("output") : 0;
    return new CallReplay.Ref<>(layer, call, output, mask, target);
  }

  /** Applies a file's calls, and says where in the file a reference or call is wrong. */
  private record Replay(Map<String, Layer> layers)
      implements CallReplay.Handler<JsonObject, IOException> {

    @Override
    public List<SymbolicTensor<?>> apply(int index, CallReplay.Call<JsonObject> call,
        List<SymbolicTensor<?>> inputs) throws IOException {
      try {
        return layers.get(call.layer()).callOutputs(inputs);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw call.where().error("layer", "'" + call.layer() + "' does not accept its inputs: "
            + e.getMessage());
      }
    }

    @Override
    public IOException unknownLayer(CallReplay.Ref<JsonObject> ref) {
      return notMadeYet(ref);
    }

    @Override
    public IOException noSuchCall(CallReplay.Ref<JsonObject> ref, int calls) {
      return notMadeYet(ref);
    }

    @Override
    public IOException notMadeYet(CallReplay.Ref<JsonObject> ref) {
      return ref.where().error("call " + ref.call() + " of layer '" + ref.layer() + "' is not "
          + "made before it is used (calls are listed in order, inputs first)");
    }

    @Override
    public IOException noSuchOutput(CallReplay.Ref<JsonObject> ref, int outputs) {
      return ref.where().error("output", "is " + ref.output() + ", but call " + ref.call()
          + " of layer '" + ref.layer() + "' gives " + outputs
          + (outputs == 1 ? " output" : " outputs"));
    }

    @Override
    public IOException noMask(CallReplay.Ref<JsonObject> ref) {
      return ref.where().error("that output has no mask");
    }

    @Override
    public IOException cycle(int index, CallReplay.Call<JsonObject> call) {
      throw new AssertionError("calls in listed order have no cycle");
    }
  }

  /**
   * Every lambda the file names must be registered; one error names all that are not (a user
   * fixing the class path learns everything missing at once) at the first of them, with the
   * registered names closest to each, or, when nothing is registered at all, the likely cause:
   * the annotation processor did not run.
   */
  private static void requireRegisteredLambdas(JsonArray layerList, LambdaRegistry registry)
      throws IOException {
    JsonObject first = null;
    Map<String, List<String>> layersByLambda = new LinkedHashMap<>();
    for (JsonObject entry : layerList.objects()) {
      if ("Lambda".equals(entry.optString("type", null))) {
        String lambda = entry.requireString("lambda");
        if (registry.find(lambda).isEmpty()) {
          first = first == null ? entry : first;
          layersByLambda.computeIfAbsent(lambda, key -> new ArrayList<>())
              .add("'" + entry.optString("name", "?") + "'");
        }
      }
    }
    if (first == null) {
      return;
    }
    List<String> missing = new ArrayList<>();
    layersByLambda.forEach((name, layerNames) -> missing.add("'" + name + "'"
        + (registry.names().isEmpty() ? "" : " (" + (layerNames.size() == 1 ? "layer " : "layers ")
            + String.join(", ", layerNames) + "; closest registered: "
            + registry.closest(name, 3) + ")")));
    String lambda = first.requireString("lambda");
    String fix = "Put the compiled @Lambda method's classes on the class path (a file never "
        + "names a class to load).";
    if (registry.names().isEmpty()) {
      throw first.error("lambda", (missing.size() == 1 ? missing.get(0) + " is not a registered "
          + "lambda" : "None of the lambdas " + String.join(", ", missing) + " is registered")
          + ", and this JVM has no registered lambdas at all: were the classes declaring the "
          + "@Lambda methods compiled with lamina-processor on the annotation processor path "
          + "(it writes META-INF/services/dev.lamina.runtime.registry.LambdaProvider)? " + fix);
    }
    if (missing.size() == 1) {
      throw first.error("lambda", "'" + lambda + "' is not a registered lambda; the registered "
          + "ones closest to it are " + registry.closest(lambda, 3) + ". " + fix);
    }
    throw first.error("lambda", missing.size() + " lambdas of this model are not registered: "
        + String.join(", ", missing) + ". " + fix);
  }

  private static Layer layer(JsonObject entry, String type, String name, LambdaRegistry registry)
      throws IOException {
    if (type.equals("Lambda")) {
      String lambda = entry.requireString("lambda");
      LambdaFactory factory = registry.find(lambda).orElseThrow(() -> entry.error("lambda",
          "'" + lambda + "' is not a registered lambda")); // requireRegisteredLambdas said more
      Map<String, Object> arguments = LambdaArguments.decode(factory,
          entry.requireObject("arguments"), name);
      try {
        return factory.create(name, arguments);
      } catch (IllegalArgumentException e) {
        throw entry.error("arguments", e.getMessage());
      }
    }
    LayerType<?> layerType = LayerTypes.byName(type).orElseThrow(() -> entry.error("type",
        "'" + type + "' is not a layer type Lamina knows; it knows InputLayer, Lambda and the "
            + "registered types " + LayerTypes.names() + " (a type of the application's own is "
            + "registered with LayerTypes.register or a LayerTypeProvider service)"));
    LayerConfig config = new LayerConfig(entry.requireObject("config"),
        layerType.name() + " layer '" + name + "'", LayerConfig.Origin.LAMINA);
    Layer layer;
    try {
      layer = layerType.fromConfig(name, config);
    } catch (IllegalArgumentException e) {
      throw entry.error("config", e.getMessage());
    }
    config.rejectUnread(layerType.name());
    return layer;
  }

  /**
   * Reads every weight the list names into the model, all or nothing. {@code readers} maps each
   * entry read so far to what read it: weights and entries are one to one, so a file cannot make
   * one entry's bytes count as many weights.
   */
  private static void setWeights(Model model, ZipArchive zip, JsonArray list,
      Map<String, String> readers) throws IOException {
    Map<String, Weight> declared = new LinkedHashMap<>();
    for (Weight weight : model.weights()) {
      declared.put(model.nameOf(weight.layer()) + "/" + weight.name(), weight);
    }
    Map<Weight, TensorData.Dense> values = new IdentityHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonObject entry = list.requireObject(i);
      String key = entry.requireString("layer") + "/" + entry.requireString("name");
      Weight weight = declared.get(key);
      if (weight == null) {
        throw entry.error("weight '" + key + "' belongs to no layer of this model; it has "
            + declared.keySet());
      }
      if (values.containsKey(weight)) {
        throw entry.error("weight '" + key + "' is given twice");
      }
      // Every file gives the dtype; float32 was the only one before weights took others.
      String dtype = entry.requireString("dtype");
      checkShape(entry, weight.shape(), key);
      if (dtype.equals(weight.dtype())) {
        values.put(weight, read(zip, entry, weight.dtypeClass(), weight.shape(),
            "weight '" + key + "'", readers));
      } else if (dtype.equals("float32") && weight.dtypeClass() != TFloat64.class) {
        // Written when every weight was float32 (an adapted Normalization's count, an int64
        // in Keras and now in Lamina): whole numbers convert exactly, anything else is refused.
        TensorData.Dense floats = read(zip, entry, TFloat32.class, weight.shape(),
            "weight '" + key + "'", readers);
        float[] flat = new float[Math.toIntExact(weight.shape().size())];
        ((FloatDataBuffer) floats.buffer()).read(flat);
        try {
          values.put(weight, TensorData.fromFloats(weight.dtypeClass(), weight.shape(), flat));
        } catch (IllegalArgumentException e) {
          throw entry.error("dtype", "is 'float32' for " + weight.dtype() + " weight '" + key
              + "', whose " + e.getMessage());
        }
      } else {
        throw entry.error("dtype", "is '" + dtype + "' but weight '" + key + "' is "
            + weight.dtype());
      }
    }
    if (values.size() != declared.size()) {
      List<String> missing = new ArrayList<>();
      declared.forEach((key, weight) -> {
        if (!values.containsKey(weight)) {
          missing.add(key);
        }
      });
      throw list.error("lacks weights " + missing);
    }
    // All at once, so a model predicting meanwhile uses all of this file's values or none; the
    // fresh arrays are taken, not copied.
    Weight.assignAll(new ArrayList<>(values.keySet()), new ArrayList<>(values.values()));
  }

  private static void checkShape(JsonObject entry, Shape expected, String what)
      throws IOException {
    long[] shape = entry.requireArray("shape").longs();
    if (!Shape.of(shape).equals(expected)) {
      throw entry.error("shape", "is " + Shapes.format(shape) + " but " + what + " has shape "
          + Shapes.format(expected));
    }
  }

  /**
   * Reads the values of {@code what}, of {@code shape}, from the entry the description names:
   * an entry no other weight or slot has read, whose declared size is the shape's, checked
   * before anything is allocated; then inflated straight into the array, never past its size.
   */
  private static TensorData.Dense read(ZipArchive zip, JsonObject entry,
      Class<? extends TType> dtype, Shape shape, String what, Map<String, String> readers)
      throws IOException {
    String name = checkEntry(zip, entry, dtype, shape, what, readers);
    TensorData.Dense values = TensorData.allocate(dtype, shape, () -> what);
    zip.readValues(name, shape.size(), TensorData.width(dtype), Shapes.dtypeName(dtype),
        (chunk, at, n) -> TensorData.decode(dtype, chunk, values.buffer(), at, n));
    return values;
  }

  /**
   * The entry the description names for {@code what}, once checked: no other weight or slot
   * has read it, and its declared size is the shape's in {@code dtype}.
   */
  private static String checkEntry(ZipArchive zip, JsonObject entry,
      Class<? extends TType> dtype, Shape shape, String what, Map<String, String> readers)
      throws IOException {
    String name = entry.requireString("entry");
    long count = shape.size();
    if (count > MAX_WEIGHT_VALUES) {
      throw entry.error("shape", "holds " + count + " values; at most " + MAX_WEIGHT_VALUES);
    }
    if (!zip.contains(name)) {
      throw entry.error("entry", "'" + name + "' is not in the file");
    }
    String reader = readers.putIfAbsent(name, what);
    if (reader != null) {
      throw entry.error("entry", what + " names entry '" + name + "', which " + reader
          + " already reads; each weight has an entry of its own");
    }
    long bytes = count * TensorData.width(dtype);
    long declared = zip.declaredSize(name);
    if (declared != bytes) {
      throw entry.error("entry", "'" + name + "' holds " + declared + " bytes; " + what
          + " of shape " + Shapes.format(shape) + " takes " + bytes);
    }
    return name;
  }

  /** Keras's compile arguments as {@link #training} wrote them. */
  private static dev.lamina.runtime.train.CompileOptions compileOptions(Optimizer optimizer,
      JsonObject training) throws IOException {
    var options = new dev.lamina.runtime.train.CompileOptions(optimizer);
    if (training.get("loss") instanceof JsonArray list) {
      List<Object> losses = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        losses.add(list.isNull(i) ? null : loss(list.requireObject(i))); // null: no loss
      }
      options.losses(losses.toArray());
    } else {
      options.loss(loss(training.requireObject("loss")));
    }
    if (training.containsKey("loss_weights")) {
      JsonArray weights = training.requireArray("loss_weights");
      double[] values = new double[weights.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = weights.requireDouble(i);
      }
      options.lossWeights(values);
    }
    for (String key : List.of("metrics", "weighted_metrics")) {
      boolean weighted = key.equals("weighted_metrics");
      if (!training.containsKey(key)) {
        if (weighted) {
          continue;
        }
        training.requireArray(key); // the error naming it
      }
      if (training.get(key) instanceof JsonObject byOutput) {
        for (String output : byOutput.keySet()) {
          addMetrics(options, output, byOutput.requireArray(output), weighted);
        }
      } else {
        addMetrics(options, null, training.requireArray(key), weighted);
      }
    }
    return options;
  }

  private static dev.lamina.runtime.train.Loss loss(JsonObject loss) throws IOException {
    return Losses.get(loss.requireString("name"), loss.requireBoolean("from_logits"));
  }

  /**
   * Metrics by name, or as Keras serializes objects ({@code {"class_name", "config"}}), in
   * order, for every output ({@code output} null) or one.
   */
  private static void addMetrics(dev.lamina.runtime.train.CompileOptions options, String output,
      JsonArray json, boolean weighted) throws IOException {
    for (int i = 0; i < json.size(); i++) {
      if (json.get(i) instanceof String name) {
        if (output == null) {
          options = weighted ? options.weightedMetrics(name) : options.metrics(name);
        } else {
          options = weighted ? options.weightedMetricsFor(output, name)
              : options.metricsFor(output, name);
        }
        continue;
      }
      JsonObject object = json.requireObject(i);
      dev.lamina.runtime.train.Metric metric = dev.lamina.runtime.train.Metrics.fromConfig(
          object.requireString("class_name"), object.requireObject("config"));
      if (output == null) {
        options = weighted ? options.weightedMetrics(metric) : options.metrics(metric);
      } else {
        options = weighted ? options.weightedMetricsFor(output, metric)
            : options.metricsFor(output, metric);
      }
    }
  }

  private static void restoreTraining(Model model, ZipArchive zip, JsonObject training,
      Map<String, String> readers) throws IOException {
    training.rejectUnknownKeys("optimizer", "loss", "loss_weights", "metrics",
        "weighted_metrics", "iterations", "slots");
    JsonObject optimizerJson = training.requireObject("optimizer");
    Optimizer optimizer = optimizer(optimizerJson);
    try {
      model.compile(compileOptions(optimizer, training));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw training.error("describes a compile configuration this model cannot take: "
          + e.getMessage());
    }
    TrainingGraph graph = model.compiled().graph();
    Map<String, float[]> slots = new LinkedHashMap<>();
    for (JsonObject slot : training.requireArray("slots").objects()) {
      String key = slot.requireString("key");
      TrainingGraph.Slot declared = graph.slots().get(key);
      if (declared == null || slots.containsKey(key)) {
        throw slot.error("key", "'" + key + "' is " + (declared == null
            ? "not a slot of this optimizer; it has " + graph.slots().keySet() : "given twice"));
      }
      checkShape(slot, declared.shape(), "slot " + key);
      String name = checkEntry(zip, slot, TFloat32.class, declared.shape(), "slot '" + key + "'",
          readers);
      slots.put(key, zip.readFloats(name, Math.toIntExact(declared.shape().size())));
    }
    if (slots.size() != graph.slots().size()) {
      throw training.error("slots", "has " + slots.size() + " slots; the optimizer has "
          + graph.slots().size());
    }
    long iterations = training.requireLong("iterations");
    if (iterations < 0) {
      throw training.error("iterations", "is " + iterations);
    }
    graph.restore(slots, iterations);
  }

  private static Optimizer optimizer(JsonObject json) throws IOException {
    json.rejectUnknownKeys("class", "config", "exclude_from_weight_decay");
    String kind = json.requireOneOf("class", Optimizer.names().toArray(String[]::new));
    JsonObject config = json.requireObject("config");
    if (!(config.get("learning_rate") instanceof JsonObject)) {
      config.requireDouble("learning_rate"); // Lamina's files always give it
    }
    List<String> excluded = json.containsKey("exclude_from_weight_decay")
        ? json.requireArray("exclude_from_weight_decay").strings() : List.of();
    try {
      Optimizer optimizer = Optimizer.fromConfig(kind, config);
      if (!excluded.isEmpty()) {
        optimizer.excludeFromWeightDecay(excluded.toArray(String[]::new));
      }
      return optimizer;
    } catch (IllegalArgumentException e) {
      throw json.error("config", e.getMessage());
    }
  }
}
