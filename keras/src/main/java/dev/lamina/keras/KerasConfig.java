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
 * The structure of a {@code config.json}: a Sequential or a Functional model, its layers in the
 * file's order (names, class names, inbound nodes, weight groups), and the readers of its parts
 * that every pass shares (shape lists, a call's tensors, input and output references). Reads the
 * JSON only: what a layer's options mean is checked by the passes that use them.
 */
final class KerasConfig {

  private final JsonObject root;
  private final boolean sequential;
  private final List<JsonObject> layers;
  private final List<LayerSpec> specs = new ArrayList<>();
  private final Map<String, LayerSpec> byName = new HashMap<>();
  private final Map<String, Integer> perClass = new HashMap<>();

  private KerasConfig(JsonObject root, boolean sequential, List<JsonObject> layers) {
    this.root = root;
    this.sequential = sequential;
    this.layers = layers;
  }

  /** The model's kind and its list of layers, not read yet: see {@link #readLayer}. */
  static KerasConfig of(JsonObject root) throws ModelFormatException {
    String kind = root.requireString("class_name");
    boolean sequential = kind.equals("Sequential");
    if (!sequential && !kind.equals("Functional")) {
      throw root.error("class_name", "the model is a '" + kind + "'; Lamina imports Keras's "
          + "Sequential and Functional models (a subclassed model's call() is Python code)");
    }
    JsonObject config = root.requireObject("config");
    List<JsonObject> layers = config.requireArray("layers").objects();
    if (layers.isEmpty()) {
      throw config.error("layers", "the model has no layers");
    }
    return new KerasConfig(root, sequential, layers);
  }

  /** The whole file, for errors about the model as a whole. */
  JsonObject root() {
    return root;
  }

  /** The model's {@code config} object. */
  JsonObject modelConfig() throws ModelFormatException {
    return root.requireObject("config");
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
    JsonArray nodes = sequential ? null : layer.requireArray("inbound_nodes");
    LayerSpec spec = new LayerSpec(layer, className, name, layerConfig,
        nodes == null ? List.of() : nodes.objects());
    if (byName.putIfAbsent(name, spec) != null) {
      throw layer.error("two layers are named '" + name + "'; Keras names are unique");
    }
    if (!(sequential && spec.isInput())) {
      // Keras names a layer's weight group by its class's raw to_snake_case (no scope-name
      // cleanup), numbered per class in the order of model.layers, which for a Sequential model
      // leaves out its InputLayer.
      String snake = LayerNames.toSnakeCase(className);
      int n = perClass.merge(snake, 1, Integer::sum) - 1;
      spec.weightsGroup = "layers/" + snake + (n == 0 ? "" : "_" + n);
    }
    specs.add(spec);
    return spec;
  }

  /** {@code ["name", 0, 0]} or a list of them. */
  List<JsonArray> refs(String key) throws ModelFormatException {
    JsonObject config = modelConfig();
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
      JsonArray shape = build == null ? null : build.optArray("input_shape");
      if (shape != null) {
        shapes.add(dims(shape, spec, "input_shape"));
      }
    } else if (!spec.inbound.isEmpty()) {
      for (JsonObject tensor : nodeTensors(spec, spec.inbound.get(0))) {
        shapes.add(dims(tensor.requireObject("config").requireArray("shape"), spec, "shape"));
      }
    }
    if (shapes.isEmpty()) {
      return "of unrecorded shape";
    }
    StringJoiner joined = new StringJoiner(", ");
    shapes.forEach(s -> joined.add(Shapes.format(s)));
    return joined.toString();
  }

  /**
   * The tensors a Keras 3 node passes: {@code args} of tensors, or one list of tensors; for a
   * layer whose call takes tensors by name ({@link KerasCall#tensorParameters()}), its positional
   * and keyword tensors in Lamina's input order.
   */
  static List<JsonObject> nodeTensors(LayerSpec spec, JsonObject call)
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
          continue;
        }
        boolean fine = switch (e.getKey()) {
          case "mask" -> e.getValue() == null;
          // Keras records the default; a model's own training flag overrides it, as in Lamina.
          case "training" -> e.getValue() == null || e.getValue() instanceof Boolean;
          // the layer's call options: callOptions reads them, the layer checks them
          default -> signature != null && !isTensor(e.getValue());
        };
        if (!fine) {
          throw kwargs.error(e.getKey(), spec.describe() + " is called with " + e.getKey()
              + "=" + show(e.getValue()) + "; the importer supports "
              + "no call keywords but training and mask=None");
        }
      }
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

  private static boolean isTensor(Object value) throws ModelFormatException {
    return value instanceof JsonObject object
        && "__keras_tensor__".equals(object.optString("class_name", null));
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
