package dev.lamina.keras;

import dev.lamina.runtime.Model;
import dev.lamina.runtime.Weight;
import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.io.ZipArchive;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.NdArray;

/**
 * Reads one {@code .keras} file: checks every layer's type and options against what Lamina can
 * reproduce exactly, resolves the Lambda bindings (all missing ones in one error), rebuilds the
 * layer graph with Lamina layers, cross-checks the shapes Keras recorded, then loads the weights.
 * The Python code a file holds is never looked at beyond its JSON shape.
 *
 * <p>This class reads the zip's entries, runs the passes in order and turns every {@link Error}
 * into a {@link ModelFormatException}; each pass is its own class: {@link KerasConfig} (the
 * structure of {@code config.json}), {@link LayerOptions} (each layer's type and options), {@link
 * LambdaBinder} (the Lambda bindings), {@link GraphReplay} with {@link ShapeChecks} (the graph),
 * {@link KerasWeights} (the weights).
 */
final class KerasImporter {

  private final String fileName;
  private final KerasConfig config;
  private final LambdaBinder binder;
  private final GraphReplay replay;

  private KerasImporter(String fileName, KerasConfig config, LambdaBindings bindings,
      KerasImportOptions options, String format) {
    this.fileName = fileName;
    this.config = config;
    this.binder = new LambdaBinder(fileName, config, bindings, options, format);
    this.replay = new GraphReplay(config, binder, new ShapeChecks(fileName, options), options);
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
    if (KerasFileKind.of(file, fileName) == KerasFileKind.HDF5) {
      return LegacyH5.load(file, fileName, bindings, options, probe);
    }
    try (ZipArchive zip = ZipArchive.open(file, options.zipLimits())) {
      if (!zip.contains("config.json") || !zip.contains("metadata.json")) {
        throw new ModelFormatException(fileName + ": a zip file that is not a .keras file: it "
            + "has no " + (zip.contains("config.json") ? "metadata.json" : "config.json")
            + " (its entries: " + entries(zip) + "). " + KerasFileKind.READS + ".");
      }
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
      long t0 = System.nanoTime();
      probe.record("config", t0 - start);
      KerasImporter importer = new KerasImporter(fileName, KerasConfig.of(config), bindings,
          options, ".keras");
      Model model = importer.build(probe, t0);
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

  /** The configuration's model, without weights: passes 1 and 2. */
  static KerasImporter of(String fileName, KerasConfig config, LambdaBindings bindings,
      KerasImportOptions options, String format) {
    return new KerasImporter(fileName, config, bindings, options, format);
  }

  KerasConfig config() {
    return config;
  }

  /** Passes 1 and 2: every layer read and bound, then the graph replayed; the phases timed. */
  Model build(Probe probe, long t0) throws ModelFormatException {
    readLayers();
    long t1 = System.nanoTime();
    Model model = replay.build();
    long t2 = System.nanoTime();
    probe.record("layers", t1 - t0);
    probe.record("replay", t2 - t1);
    probe.record("node resolutions", replay.resolutions());
    return model;
  }

  private static String entries(ZipArchive zip) {
    List<String> names = zip.names();
    String shown = String.join(", ", names.subList(0, Math.min(8, names.size())));
    return names.isEmpty() ? "none" : shown + (names.size() > 8 ? ", ... " + names.size()
        + " in all" : "");
  }

  /**
   * Pass 1, one layer at a time in the file's order (so the first problem of the file is the
   * one reported): its structure, its type and options, its binding if it is a Lambda.
   */
  private void readLayers() throws ModelFormatException {
    List<LayerSpec> unbound = new ArrayList<>();
    for (JsonObject layer : config.layerObjects()) {
      LayerSpec spec = config.readLayer(layer);
      LayerOptions.check(spec, config.isKeras2());
      if (spec.isLambda() && !binder.bind(spec)) {
        unbound.add(spec);
      }
    }
    if (!unbound.isEmpty()) {
      throw binder.missingBindings(unbound);
    }
    binder.warnUnusedBindings();
  }

  /** Pass 3: each layer's weights from its group of {@code model.weights.h5}. */
  private void loadWeights(KerasWeights weights) throws ModelFormatException {
    for (LayerSpec spec : config.specs()) {
      if (spec.layer == null || spec.weightsGroup == null) {
        continue;
      }
      // A layer holding sublayers in Keras (a recurrent layer's cell, a wrapper's layer) has
      // its weights in their groups; the layer's own group is checked by name when it holds any.
      List<Weight> all = spec.layer.weights();
      List<NdArray<?>> values = new ArrayList<>();
      int from = 0;
      for (Map.Entry<String, Integer> group : spec.layer.kerasWeightGroups()) {
        int count = group.getValue();
        if (from + count > all.size()) {
          throw new IllegalStateException(spec.describe() + " names more weights in Keras's "
              + "groups than it has");
        }
        boolean own = group.getKey().isEmpty();
        // A sublayer group holds plain weights (Bidirectional's are named forward_<name>/kernel
        // in Lamina, but sit in forward_layer/cell/vars in Keras): read as they are.
        List<Weight> repeats = own ? spec.layer.kerasOwnGroupRepeats().stream()
            .map(all::get).toList() : List.of();
        List<Weight> expected = new ArrayList<>(repeats);
        expected.addAll(all.subList(from, from + count));
        values.addAll(own
            ? weights.read(spec.weightsGroup, spec.describe(), spec.name, expected)
                .subList(repeats.size(), expected.size())
            : weights.readGroup(spec.weightsGroup + "/" + group.getKey(), spec.describe(), null,
                all.subList(from, from + count)));
        from += count;
      }
      if (!values.isEmpty()) {
        try {
          spec.layer.setWeightArrays(values);
        } catch (IllegalArgumentException e) {
          throw new ModelFormatException(fileName + "!model.weights.h5: " + spec.weightsGroup
              + ": " + e.getMessage(), e);
        }
      }
    }
  }
}
