package dev.lamina.keras;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Functional {@code .keras} files of one input and a chain of {@code n} {@code Activation("linear")}
 * layers (input to output unchanged), their {@code config.json} listing the layers in Keras's
 * order or reversed, each layer with only what the importer requires (19 JSON values: the
 * default limit of 500,000 values holds about 26,000 of them). The metadata and the weights file
 * (no weights for these layers) are {@code square.keras}'s.
 */
final class ChainModels {

  private ChainModels() {}

  static String config(int n, boolean reversed) {
    StringBuilder[] layers = new StringBuilder[n + 1];
    layers[0] = new StringBuilder("{\"class_name\": \"InputLayer\", \"config\": "
        + "{\"batch_shape\": [null, 3], \"name\": \"in\"}, \"name\": \"in\", "
        + "\"inbound_nodes\": []}");
    for (int i = 1; i <= n; i++) {
      String previous = i == 1 ? "in" : "a" + (i - 1);
      layers[i] = new StringBuilder("{\"class_name\": \"Activation\", \"config\": {\"name\": "
          + "\"a" + i + "\", \"activation\": \"linear\"}, \"name\": \"a" + i + "\", "
          + "\"inbound_nodes\": [{\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": "
          + "{\"shape\": [null, 3], \"keras_history\": [\"" + previous + "\", 0, 0]}}]}]}");
    }
    StringBuilder json = new StringBuilder("{\"class_name\": \"Functional\", \"config\": "
        + "{\"name\": \"chain\", \"layers\": [\n");
    for (int k = 0; k <= n; k++) {
      json.append(k == 0 ? "" : ",\n").append(layers[reversed ? n - k : k]);
    }
    return json.append("],\n\"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"a")
        .append(n).append("\", 0, 0]]}}\n").toString();
  }

  static Path write(Path file, int n, boolean reversed) throws IOException {
    Map<String, byte[]> entries = KerasZips.entries(Fixtures.path("square.keras"));
    entries.put("config.json", config(n, reversed).getBytes(StandardCharsets.UTF_8));
    return KerasZips.write(file, entries);
  }
}
