package dev.lamina.runtime.layers.merging;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import dev.lamina.runtime.registry.LayerTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * The cases of {@code keras/layers.json} (written by {@code tools/keras_layer_fixtures.py} with
 * Keras 3.15.1): each a Keras layer's config, inputs (with their Keras masks, if any) and outputs.
 */
final class KerasCases {

  /** The merging layers the fixture covers. */
  static final Set<String> MERGING = Set.of("Add", "Subtract", "Multiply", "Average", "Maximum",
      "Minimum", "Concatenate", "Dot");

  private static final List<JsonObject> CASES = load();

  private KerasCases() {}

  private static List<JsonObject> load() {
    try (InputStream in = KerasCases.class.getResourceAsStream("/keras/layers.json")) {
      return Json.parseObject(in.readAllBytes(), "keras/layers.json").requireArray("cases")
          .objects();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ids of the cases of these Keras classes. */
  static List<String> ids(Set<String> classNames) {
    List<String> ids = new ArrayList<>();
    for (JsonObject c : CASES) {
      if (classNames.contains(c.get("class_name"))) {
        ids.add((String) c.get("id"));
      }
    }
    return ids;
  }

  static JsonObject byId(String id) {
    return CASES.stream().filter(c -> id.equals(c.get("id"))).findFirst().orElseThrow();
  }

  /**
   * The layer its registered type reads from Keras's config, as the Keras importer does: the
   * options every layer has ({@code name}, {@code trainable}, {@code dtype}) are the importer's,
   * any other key the type leaves unread is refused.
   */
  static Layer layer(JsonObject c) throws ModelFormatException {
    String className = (String) c.get("class_name");
    LayerType<?> type = LayerTypes.byKerasClassName(className).orElseThrow();
    JsonObject json = c.requireObject("config");
    LayerConfig config = new LayerConfig(json, className + " layer '" + json.get("name") + "'",
        LayerConfig.Origin.KERAS);
    config.ignore("name", "trainable", "dtype");
    Layer layer = type.fromConfig((String) json.get("name"), config);
    config.rejectUnread(className);
    return layer;
  }

  /** A {@code {"shape", "dtype", "values"}} array as floats (bools as 0 and 1). */
  static FloatNdArray array(JsonObject a) throws ModelFormatException {
    return NdArrays.wrap(Shape.of(a.requireArray("shape").longs()),
        DataBuffers.of(a.requireArray("values").floats(), true, false));
  }
}
