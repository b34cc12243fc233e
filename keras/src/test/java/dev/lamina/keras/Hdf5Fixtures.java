package dev.lamina.keras;

import dev.lamina.runtime.io.Json;
import dev.lamina.runtime.io.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * {@code fixtures/hdf5_filters.zip} (written by {@code tools/keras_hdf5_filter_fixtures.py}):
 * {@code sequential_dense.keras}'s weights with the kernel of layer 'dense' stored in filtered
 * chunks, legal ones ({@code good_*}) and hostile ones, and {@code index.json} describing each.
 */
final class Hdf5Fixtures {

  private Hdf5Fixtures() {}

  /** One weights file and its index entry (file, filters, pipeline_fields, chunk_data, note). */
  record Entry(String name, byte[] bytes, JsonObject index) {}

  static List<Entry> all() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(Fixtures.path("hdf5_filters.zip").toFile())) {
      var it = zip.entries();
      while (it.hasMoreElements()) {
        var e = it.nextElement();
        files.put(e.getName(), zip.getInputStream(e).readAllBytes());
      }
    }
    JsonObject index = Json.parseObject(files.get("index.json"), "index.json");
    return index.requireArray("files").objects().stream().map(o -> {
      try {
        String file = o.requireString("file");
        return new Entry(file.replace(".h5", ""), files.get(file), o);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  /** {@code sequential_dense.keras} with {@code weights} as its model.weights.h5. */
  static Path keras(Path dir, String name, byte[] weights) throws IOException {
    Map<String, byte[]> entries = KerasZips.entries(Fixtures.path("sequential_dense.keras"));
    entries.put("model.weights.h5", weights);
    return KerasZips.write(dir.resolve(name + ".keras"), entries);
  }
}
