package dev.lamina.keras;

import dev.lamina.annotations.naming.LayerNames;
import dev.lamina.runtime.Shapes;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.registry.KerasCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.tensorflow.ndarray.Shape;

/**
 * The structure of a model's configuration (a {@code .keras} file's {@code config.json}, an
 * {@code .h5} file's {@code model_config}): a Sequential or a Functional model, its layers in the
 * file's order (names, class names, inbound nodes, weight groups), and the readers of its parts
 * that every pass shares (shape lists, a call's tensors, input and output references). Reads the
 * JSON only: what a layer's options mean is checked by the passes that use them.
 *
 * <p>Keras 2 (tf.keras, {@code tf_keras}) configurations differ in form, and are read here into
 * the same structure: the nodes' {@code [[layer, node, tensor, kwargs], ...]} lists, an
 * InputLayer's {@code batch_input_shape}, the layer configs {@link Keras2Layers} maps.
 */
final class KerasConfig {

  /**
   * Keras layers whose config's {@code class_name} (the exported name) is not their Python
   * class's name, which names their weight group: {@code keras.layers.GroupQueryAttention} is
   * the class {@code GroupedQueryAttention}.
   */
  private static final Map<String, String> PYTHON_CLASS_NAMES =
      Map.of("GroupQueryAttention", "GroupedQueryAttention");

  /** Which Keras wrote the configuration: its form and its layers' names differ. */
  enum Dialect { KERAS_3, KERAS_2 }

  /**
   * One tensor a node passes to its layer: the reference to its producer ({@code [layer, node,
   * tensor]}, or Keras 2's {@code [layer, node, tensor, kwargs]}) and, in Keras 3, the tensor's
   * JSON with the shape and dtype Keras recorded.
   */
  record NodeInput(JsonArray history, int historySize, JsonObject recorded) {}

  private final JsonObject root;
  private final Dialect dialect;
  private final boolean sequential;
  private final List<JsonObject> layers;
  private final List<LayerSpec> specs = new ArrayList<>();
  private final Map<String, LayerSpec> byName = new HashMap<>();
  private final Map<String, Integer> perClass = new HashMap<>();

  private KerasConfig(JsonObject root, Dialect dialect, boolean sequential,
      List<JsonObject> layers) {
    this.root = root;
    this.dialect = dialect;
    this.sequential = sequential;
    this.layers = layers;
  }

  /** A Keras 3 configuration: see {@link #of(JsonObject, Dialect)}. */
  static KerasConfig of(JsonObject root) throws ModelFormatException {
    return of(root, Dialect.KERAS_3);
  }

  /** The model's kind and its list of layers, not read yet: see {@link #readLayer}. */
  static KerasConfig of(JsonObject root, Dialect dialect) throws ModelFormatException {
    String kind = root.requireString("class_name");
    boolean sequential = kind.equals("Sequential");
    // tf.keras before 2.4 named a functional model "Model".
    boolean functional = kind.equals("Functional")
        || (dialect == Dialect.KERAS_2 && kind.equals("Model"));
    if (!sequential && !functional) {
      throw root.error("class_name", "the model is a '" + kind + "'; Lamina imports Keras's "
          + "Sequential and Functional models (a subclassed model's call() is Python code)");
    }
    JsonArray list;
    if (dialect == Dialect.KERAS_2 && sequential && root.get("config") instanceof JsonArray a) {
      list = a; // Keras 2.0 to 2.2 wrote a Sequential model's config as its list of layers
    } else {
      list = root.requireObject("config").requireArray("layers");
    }
    List<JsonObject> layers = list.objects();
    if (layers.isEmpty()) {
      throw list.error("the model has no layers");
    }
    return new KerasConfig(root, dialect, sequential, layers);
  }

  /** The whole file, for errors about the model as a whole. */
  JsonObject root() {
    return root;
  }

  Dialect dialect() {
    return dialect;
  }

  boolean isKeras2() {
    return dialect == Dialect.KERAS_2;
  }

  /** The model's {@code config} object, or null for a Keras 2.2 Sequential's list of layers. */
  JsonObject modelConfig() throws ModelFormatException {
    return root.get("config") instanceof JsonArray ? null : root.requireObject("config");
  }

  boolean isSequential() {
    return sequential;
  }

  /** The layers' JSON, in the file's order. */
  List<JsonObject> layerObjects() {
    return layers;
  }

  /** The layers read so far, in the file's order. */
  List<LayerSpec> specs() {
    return specs;
  }

  /** The layer of that name, or null. */
  LayerSpec byName(String name) {
    return byName.get(name);
  }

  /** Reads one layer's name, class and inbound nodes, and names its weight group. */
  LayerSpec readLayer(JsonObject layer) throws ModelFormatException {
    String className = layer.requireString("class_name");
    JsonObject layerConfig = layer.requireObject("config");
    String name = layerConfig.requireString("name");
    String outerName = layer.optString("name", name);
    if (!outerName.equals(name)) {
      throw layer.error("name", "layer name '" + outerName + "' differs from its config's '"
          + name + "'");
    }
    JsonArray batchInputShape = null;
    if (isKeras2()) {
      batchInputShape = layerConfig.optArray("batch_input_shape");
      layerConfig = Keras2Layers.map(className, layerConfig, name);
    }
    JsonArray nodes = sequential ? null : layer.requireArray("inbound_nodes");
    List<Object> inbound = new ArrayList<>();
    if (nodes != null) {
      for (int i = 0; i < nodes.size(); i++) {
        inbound.add(isKeras2() ? nodes.requireArray(i) : nodes.requireObject(i));
      }
    }
    LayerSpec spec = new LayerSpec(layer, className, name, layerConfig, inbound);
    spec.batchInputShape = batchInputShape;
    if (byName.putIfAbsent(name, spec) != null) {
      throw layer.error("two layers are named '" + name + "'; Keras names are unique");
    }
    if (!(sequential && spec.isInput())) {
      // Keras names a layer's weight group by its class's raw to_snake_case (no scope-name
      // cleanup), numbered per class in the order of model.layers, which for a Sequential model
      // leaves out its InputLayer. The class is Python's, which for a layer Keras exports under
      // another name is not the class_name the config records.
      String snake = LayerNames.toSnakeCase(PYTHON_CLASS_NAMES.getOrDefault(className,
          className));
      int n = perClass.merge(snake, 1, Integer::sum) - 1;
      spec.weightsGroup = "layers/" + snake + (n == 0 ? "" : "_" + n);
    }
    specs.add(spec);
    return spec;
  }

  /** {@code ["name", 0, 0]} or a list of them. */
  List<JsonArray> refs(String key) throws ModelFormatException {
    JsonObject config = root.requireObject("config");
    JsonArray array = config.requireArray(key);
    if (!array.isEmpty() && array.get(0) instanceof String) {
      return List.of(array);
    }
    List<JsonArray> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      out.add(array.requireArray(i));
    }
    if (out.isEmpty()) {
      throw config.error(key, "the model has no " + key.replace('_', ' '));
    }
    return out;
  }

  /** The input shapes Keras recorded for a layer's first call, for a message. */
  String recordedInputs(LayerSpec spec) throws ModelFormatException {
    List<long[]> shapes = new ArrayList<>();
    if (sequential) {
      JsonObject build = spec.json.optObject("build_config");
      JsonArray shape = build == null ? spec.batchInputShape : build.optArray("input_shape");
      if (shape != null) {
        shapes.add(dims(shape, spec, "input_shape"));
      }
    } else if (!spec.inbound.isEmpty()) {
      for (NodeInput input : nodeInputs(spec, 0)) {
        if (input.recorded() != null) {
          shapes.add(dims(input.recorded().requireObject("config").requireArray("shape"), spec,
              "shape"));
        }
      }
    }
    if (shapes.isEmpty()) {
      return "of unrecorded shape";
    }
    StringJoiner joined = new StringJoiner(", ");
    shapes.forEach(s -> joined.add(Shapes.format(s)));
    return joined.toString();
  }

  /** The tensors node {@code node} of a layer passes to it, in either dialect's form. */
  List<NodeInput> nodeInputs(LayerSpec spec, int node) throws ModelFormatException {
    Object call = spec.inbound.get(node);
    List<NodeInput> inputs = new ArrayList<>();
    if (call instanceof JsonObject keras3) {
      for (JsonObject tensor : nodeTensors(spec, keras3)) {
        inputs.add(new NodeInput(tensor.requireObject("config").requireArray("keras_history"), 3,
            tensor));
      }
      return inputs;
    }
    // Keras 2: [[layer, node, tensor, kwargs], ...], the same kwargs on each.
    JsonArray entries = (JsonArray) call;
    if (entries.isEmpty()) {
      throw entries.error(spec.describe() + " is called on no tensors");
    }
    for (int i = 0; i < entries.size(); i++) {
      JsonArray entry = entries.requireArray(i);
      if (entry.size() == 4 || entry.size() == 3) {
        if ("_CONSTANT_VALUE".equals(entry.get(0))) {
          throw entries.error(i, spec.describe() + ": a call argument that is a constant, not a "
              + "tensor; the importer supports calls on tensors only");
        }
        if (entry.size() == 4) {
          callKeywords(spec, entry.requireObject(3), List.of(), false, false);
        }
      } else {
        entry.requireSize(4);
      }
      inputs.add(new NodeInput(entry, entry.size(), null));
    }
    return inputs;
  }

  /** An error located at node {@code node} of a layer. */
  static ModelFormatException nodeError(LayerSpec spec, int node, String detail) {
    Object call = spec.inbound.get(node);
    return call instanceof JsonObject o ? o.error(detail) : ((JsonArray) call).error(detail);
  }

  /**
   * The tensors a Keras 3 node passes: {@code args} of tensors, or one list of tensors; for a
   * layer whose call takes tensors by name ({@link KerasCall#tensorParameters()}), its positional
   * and keyword tensors in Lamina's input order.
   */
  private static List<JsonObject> nodeTensors(LayerSpec spec, JsonObject call)
      throws ModelFormatException {
    call.rejectUnknownKeys("args", "kwargs");
    JsonArray args = call.requireArray("args");
    KerasCall signature = spec.layer instanceof KerasCall k ? k : null;
    List<String> named = signature == null ? List.of() : signature.tensorParameters();
    JsonArray items = args;
    if (args.size() == 1 && args.get(0) instanceof JsonArray list) {
      items = list;
      named = List.of();
    }
    List<JsonObject> tensors = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonObject tensor = items.requireObject(i);
      if (!isTensor(tensor)) {
        throw items.error(i, spec.describe() + ": a call argument that is not a tensor; "
            + "the importer supports calls on tensors only");
      }
      tensors.add(tensor);
    }
    if (!named.isEmpty() && tensors.size() > named.size()) {
      throw call.error("args", spec.describe() + " is called with " + tensors.size()
          + " tensors; its call takes " + String.join(", ", named));
    }
    JsonObject kwargs = call.optObject("kwargs");
    Map<String, JsonObject> byName = new HashMap<>();
    if (kwargs != null) {
      for (var e : kwargs.entrySet()) {
        if (named.contains(e.getKey())) {
          if (named.indexOf(e.getKey()) < tensors.size()) {
            throw kwargs.error(e.getKey(), spec.describe() + " is given " + e.getKey()
                + " twice, by position and by name");
          }
          if (e.getValue() != null) {
            JsonObject tensor = kwargs.requireObject(e.getKey());
            if (!isTensor(tensor)) {
              throw kwargs.error(e.getKey(), spec.describe() + ": " + e.getKey() + " is not a "
                  + "tensor");
            }
            byName.put(e.getKey(), tensor);
          }
        }
      }
      callKeywords(spec, kwargs, named, signature != null, true);
    }
    if (!byName.isEmpty()) {
      // Lamina's inputs in the parameters' order: up to the last one given, a left-out one
      // taking the tensor of the one it defaults to (MultiHeadAttention's key: the value).
      int last = -1;
      for (String name : byName.keySet()) {
        last = Math.max(last, named.indexOf(name));
      }
      for (int i = tensors.size(); i <= last; i++) {
        String name = named.get(i);
        JsonObject tensor = byName.get(name);
        String fallback = signature.fallback(name);
        if (tensor == null && fallback != null) {
          int from = named.indexOf(fallback);
          tensor = from >= 0 && from < i ? tensors.get(from) : null;
        }
        if (tensor == null) {
          throw call.error("kwargs", spec.describe() + " is called without " + name
              + ", which Lamina's layer needs before " + named.get(last));
        }
        tensors.add(tensor);
      }
    }
    if (tensors.isEmpty()) {
      throw call.error("args", spec.describe() + " is called on no tensors");
    }
    return tensors;
  }

  /**
   * A node's keyword arguments that are neither tensors nor {@code training} and {@code mask}:
   * the options of a {@link KerasCall} layer's call ({@code use_causal_mask=True}), empty for
   * other layers (whose {@link #nodeTensors} refuses such keywords).
   */
  static Map<String, Object> callOptions(LayerSpec spec, JsonObject call)
      throws ModelFormatException {
    Map<String, Object> options = new java.util.TreeMap<>();
    JsonObject kwargs = call.optObject("kwargs");
    if (!(spec.layer instanceof KerasCall signature) || kwargs == null) {
      return options;
    }
    for (var e : kwargs.entrySet()) {
      String key = e.getKey();
      if (!key.equals("training") && !key.equals("mask")
          && !signature.tensorParameters().contains(key) && !isTensor(e.getValue())) {
        options.put(key, e.getValue());
      }
    }
    return options;
  }

  /** The mask tensor a Keras 3 node passes by {@code mask=}, or null. */
  static JsonObject recordedMask(LayerSpec spec, int node) throws ModelFormatException {
    if (spec.inbound.get(node) instanceof JsonObject call) {
      JsonObject kwargs = call.optObject("kwargs");
      if (kwargs != null && isTensor(kwargs.get("mask"))) {
        return kwargs.requireObject("mask");
      }
    }
    return null;
  }

  static boolean isTensor(Object value) throws ModelFormatException {
    return value instanceof JsonObject object
        && "__keras_tensor__".equals(object.optString("class_name", null));
  }

  /**
   * A call's keywords: the training flag and mask=None (Keras 3: or a mask tensor); with {@code options}, a {@link KerasCall}
   * layer's tensors by name ({@code named}, which {@link #nodeTensors} reads) and call options,
   * which are not tensors ({@link #callOptions} reads them, the layer checks them).
   */
  private static void callKeywords(LayerSpec spec, JsonObject kwargs, List<String> named,
      boolean options, boolean keras3) throws ModelFormatException {
    for (var e : kwargs.entrySet()) {
      boolean fine = switch (e.getKey()) {
        // a Keras 3 mask tensor: the mask Keras propagated (GraphReplay.checkRecordedMask)
        case "mask" -> e.getValue() == null || keras3 && isTensor(e.getValue());
        // Keras records the default; a model's own training flag overrides it, as in Lamina.
        case "training" -> e.getValue() == null || e.getValue() instanceof Boolean;
        default -> named.contains(e.getKey()) || options && !isTensor(e.getValue());
      };
      if (!fine) {
        throw kwargs.error(e.getKey(), spec.describe() + " is called with " + e.getKey()
            + "=" + show(e.getValue()) + "; the importer supports "
            + (options ? "no tensor call keywords but " + String.join(", ", named)
                : "no call keywords but training and mask=None"));
      }
    }
  }

  /** A shape list of the file: ints of at most int32 and nulls (unknown). */
  static long[] dims(JsonArray list, LayerSpec spec, String what) throws ModelFormatException {
    long[] dims = new long[list.size()];
    for (int i = 0; i < dims.length; i++) {
      if (list.isNull(i)) {
        dims[i] = Shape.UNKNOWN_SIZE;
      } else {
        int d = list.requireInt(i);
        if (d < 0) {
          throw list.error(i, (spec == null ? "" : spec.describe() + ": ") + what
              + " has a negative size " + d);
        }
        dims[i] = d;
      }
    }
    return dims;
  }

  /**
   * A JSON value for a message. Never throws: the file's values may be ones JSON cannot spell
   * (NaN), which are shown as Python writes them.
   */
  static String show(Object value) {
    try {
      return Json.write(value, Json.Style.COMPACT);
    } catch (IllegalArgumentException e) {
      StringBuilder text = new StringBuilder();
      showTolerant(value, text, 0);
      return text.toString();
    }
  }

  private static void showTolerant(Object value, StringBuilder text, int depth) {
    if (depth > 64) {
      text.append("...");
    } else if (value instanceof Map<?, ?> map) {
      text.append('{');
      int k = 0;
      for (var e : map.entrySet()) {
        text.append(k++ == 0 ? "" : ", ");
        showTolerant(String.valueOf(e.getKey()), text, depth + 1);
        text.append(": ");
        showTolerant(e.getValue(), text, depth + 1);
      }
      text.append('}');
    } else if (value instanceof List<?> list) {
      text.append('[');
      for (int i = 0; i < list.size(); i++) {
        text.append(i == 0 ? "" : ", ");
        showTolerant(list.get(i), text, depth + 1);
      }
      text.append(']');
    } else {
      try {
        text.append(Json.write(value, Json.Style.COMPACT));
      } catch (IllegalArgumentException e) {
        text.append(value); // NaN, Infinity, -Infinity as Python writes them; odd strings raw
      }
    }
  }
}
