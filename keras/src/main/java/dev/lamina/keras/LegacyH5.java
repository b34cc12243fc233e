package dev.lamina.keras;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The legacy HDF5 model file ({@code model.save("model.h5")}) of Keras 2, tf.keras and Keras 3's
 * legacy saver: the root attributes {@code model_config} (the model's JSON, in its Keras's form),
 * {@code keras_version} and {@code backend}, and the group {@code model_weights}, one group per
 * layer whose attribute {@code weight_names} lists the paths of its datasets in the layer's
 * weights order ({@code dense/kernel:0} in Keras 2, {@code sequential/dense_1/kernel} in Keras
 * 3). The whole file is read into memory within the size limit, then read as the {@code .keras}
 * reader reads its entries: strings under their limits, datasets checked against the layers
 * before their values are read.
 */
final class LegacyH5 {

  private LegacyH5() {}

  /** Bytes of the names a layer's {@code weight_names} or the file's {@code layer_names} hold. */
  private static final long MAX_NAME_BYTES = 16 << 20;

  static Model load(Path file, String fileName, LambdaBindings bindings,
      KerasImportOptions options, KerasImporter.Probe probe) throws IOException {
    long max = Math.min(options.zipLimits().maxEntryBytes(), Integer.MAX_VALUE - 8);
    long size = Files.size(file);
    if (size > max) {
      throw new ModelFormatException(fileName + ": an HDF5 file of " + size + " bytes, more than"
          + " the limit of " + max + " bytes (KerasImportOptions.withZipLimits: maxEntryBytes)");
    }
    long start = System.nanoTime();
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length > max) {
      throw new ModelFormatException(fileName + ": grew beyond the limit of " + max + " bytes "
          + "while it was read");
    }
    try (KerasWeights h5 = KerasWeights.open(bytes, fileName, options.maxWeightValues())) {
      HdfFile root = h5.file();
      Map<String, Attribute> attributes = attributes(h5, root, "/");
      Attribute modelConfig = attributes.get("model_config");
      if (modelConfig == null) {
        throw new ModelFormatException(fileName + ": an HDF5 file without a model_config "
            + "attribute: " + withoutConfig(h5, root, attributes) + ". " + KerasFileKind.READS
            + ", whose model_config describes the model.");
      }
      Attribute versionAttribute = attributes.get("keras_version");
      if (versionAttribute == null) {
        throw h5.error("/", "has a model_config but no keras_version attribute: which Keras "
            + "wrote it, and so the form of its model_config, is unknown");
      }
      String version = string(h5, versionAttribute, "keras_version", 256);
      KerasConfig.Dialect dialect;
      if (version.startsWith("3.")) {
        dialect = KerasConfig.Dialect.KERAS_3;
      } else if (version.startsWith("2.")) {
        dialect = KerasConfig.Dialect.KERAS_2;
      } else {
        throw h5.error("keras_version", "written by Keras " + version + "; Lamina imports the "
            + ".h5 models of Keras 2 (tf.keras) and Keras 3");
      }
      Attribute backendAttribute = attributes.get("backend");
      if (dialect == KerasConfig.Dialect.KERAS_2 && backendAttribute != null) {
        String backend = string(h5, backendAttribute, "backend", 256);
        if (!backend.equals("tensorflow")) {
          throw h5.error("backend", "written by Keras " + version + " with the " + backend
              + " backend, whose convolution kernels Keras converts when it loads them; Lamina "
              + "imports Keras 2 files of the tensorflow backend");
        }
      }
      int maxConfig = (int) Math.min(options.maxConfigBytes(), Integer.MAX_VALUE - 8);
      byte[] json = string(h5, modelConfig, "model_config", maxConfig)
          .getBytes(StandardCharsets.UTF_8);
      JsonObject config = Json.parseObject(json, fileName + "!model_config",
          Json.Limits.DEFAULT.withMaxInputBytes(maxConfig).withMaxElements(
              options.maxConfigValues()).withNonFinite(true));
      long t0 = System.nanoTime();
      probe.record("config", t0 - start);
      KerasImporter importer = KerasImporter.of(fileName, KerasConfig.of(config, dialect),
          bindings, options, ".h5");
      Model model = importer.build(probe, t0);
      try {
        long t3 = System.nanoTime();
        loadWeights(h5, importer.config());
        probe.record("weights", System.nanoTime() - t3);
        return model;
      } catch (IOException | RuntimeException | Error e) {
        model.close();
        throw e;
      }
    }
  }

  /** What an HDF5 file without a model_config is, from its groups and attributes. */
  private static String withoutConfig(KerasWeights h5, HdfFile root,
      Map<String, Attribute> attributes) throws ModelFormatException {
    Map<String, Node> children;
    try {
      children = root.getChildren();
    } catch (RuntimeException e) {
      return "its root group is unreadable";
    }
    if (children.get("layers") instanceof Group) {
      return "Keras 3's weights alone (save_weights, or a .keras file's model.weights.h5), "
          + "without the model's description";
    }
    if (attributes.containsKey("layer_names") || children.get("model_weights") instanceof Group) {
      return "Keras 2's weights alone (save_weights), without the model's description";
    }
    StringJoiner names = new StringJoiner(", ");
    children.keySet().stream().limit(8).forEach(names::add);
    return "not a Keras model (its root holds " + (children.isEmpty() ? "nothing"
        : names.toString() + (children.size() > 8 ? ", ..." : "")) + ")";
  }

  /**
   * Each layer's weights from {@code model_weights/<layer>}: the datasets its {@code
   * weight_names} lists, in that order (Keras's), checked in number, name and shape against the
   * Lamina layer. Layers are matched by name; {@code layer_names} must name layers of the model.
   */
  private static void loadWeights(KerasWeights h5, KerasConfig config)
      throws ModelFormatException {
    boolean anyWeights = config.specs().stream()
        .anyMatch(spec -> spec.layer != null && !spec.layer.weights().isEmpty());
    Node weightsNode = h5.find("model_weights");
    if (!(weightsNode instanceof Group group)) {
      if (anyWeights) {
        throw h5.error("model_weights", "missing: the file holds no weights for its layers");
      }
      return;
    }
    List<String> layerNames = names(h5, group, "model_weights", "layer_names",
        config.specs().size() + 1);
    if (layerNames == null) {
      throw h5.error("model_weights", "has no layer_names attribute: which of its groups hold "
          + "layers is unknown");
    }
    Set<String> listed = new HashSet<>();
    for (String name : layerNames) {
      if (config.byName(name) == null) {
        throw h5.error("model_weights", "layer_names lists layer '" + name + "', which "
            + "model_config has no layer of: the weights belong to another model");
      }
      listed.add(name);
    }
    for (LayerSpec spec : config.specs()) {
      if (spec.layer == null) {
        continue;
      }
      List<Weight> expected = spec.layer.weights();
      String path = "model_weights/" + spec.name;
      Node node = listed.contains(spec.name) ? h5.find(path) : null;
      if (node == null) {
        if (expected.isEmpty()) {
          continue;
        }
        throw h5.error(path, "missing: " + spec.describe() + " has " + expected.size()
            + " weights" + describe(expected));
      }
      List<String> weightNames = names(h5, node, path, "weight_names", expected.size() + 8);
      if (weightNames == null) {
        throw h5.error(path, "has no weight_names attribute");
      }
      if (weightNames.size() != expected.size()) {
        throw h5.error(path, "holds " + weightNames.size() + " weights " + weightNames + ", but "
            + spec.describe() + " has " + expected.size() + describe(expected));
      }
      List<String> known = expected.stream().map(Weight::name).toList();
      List<String> paths = new java.util.ArrayList<>();
      for (int i = 0; i < weightNames.size(); i++) {
        String base = baseName(weightNames.get(i));
        if (known.contains(base) && !known.get(i).equals(base)) {
          throw h5.error(path, "weight_names " + weightNames + " are not in the order of "
              + spec.describe() + "'s weights " + known + ": the file does not match its "
              + "model_config");
        }
        paths.add(path + "/" + weightNames.get(i));
      }
      if (expected.isEmpty()) {
        continue;
      }
      var values = h5.readPaths(paths, spec.describe(), expected);
      try {
        spec.layer.setWeightArrays(values);
      } catch (IllegalArgumentException e) {
        throw h5.error(path, e.getMessage());
      }
    }
    String top = "model_weights/top_level_model_weights";
    Node topNode = h5.find(top);
    if (topNode != null) {
      List<String> names = names(h5, topNode, top, "weight_names", 64);
      if (names != null && !names.isEmpty()) {
        throw h5.error(top, "holds weights of the model itself " + names + ", which no layer "
            + "owns; Lamina imports the weights of layers");
      }
    }
  }

  /** {@code dense/kernel:0} is {@code kernel}. */
  static String baseName(String weightName) {
    String base = weightName.substring(weightName.lastIndexOf('/') + 1);
    return base.replaceFirst(":\\d+$", "");
  }

  private static String describe(List<Weight> weights) {
    StringJoiner joined = new StringJoiner(", ", " (", ")");
    weights.forEach(w -> joined.add(w.name() + " " + dev.lamina.runtime.Shapes.format(
        w.shape())));
    return weights.isEmpty() ? "" : joined.toString();
  }

  private static Map<String, Attribute> attributes(KerasWeights h5, Node node, String path)
      throws ModelFormatException {
    try {
      return node.getAttributes();
    } catch (RuntimeException | StackOverflowError e) {
      throw h5.error(path, "attributes unreadable: " + e);
    }
  }

  private static String string(KerasWeights h5, Attribute attribute, String name, long max)
      throws ModelFormatException {
    try {
      return Hdf5Strings.one(h5.file(), attribute, max);
    } catch (Hdf5Strings.Bad e) {
      throw h5.error("/", "attribute " + name + " " + e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      throw h5.error("/", "attribute " + name + " unreadable: " + e);
    }
  }

  private static List<String> names(KerasWeights h5, Node node, String path, String name,
      int maxCount) throws ModelFormatException {
    try {
      return Hdf5Strings.keras(h5.file(), node, name, maxCount, MAX_NAME_BYTES);
    } catch (Hdf5Strings.Bad e) {
      throw h5.error(path, "attribute " + name + " " + e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      throw h5.error(path, "attribute " + name + " unreadable: " + e);
    }
  }
}
