package dev.lamina.keras;

import dev.lamina.runtime.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How Keras import grows with the number of layers, in file order and reversed: chains of
 * {@code Activation} layers ({@link ChainModels}), each imported {@code repeats} times, the best
 * time of each phase printed as a Markdown table. Import is reading config.json ("config"),
 * checking layers and bindings ("layers") and replaying the layer graph on symbolic tensors
 * ("replay"); TensorFlow's graph is built at the first predict, which this leaves out. 100,000
 * such layers are 1.9 million JSON values, beyond config.json's default limit of 500,000: the
 * measurement raises it.
 *
 * <p>Run on demand (not a test), from the repository root:
 *
 * <pre>
 * mvn -B -q -pl keras -am test-compile -DskipTests
 * mvn -B -q -pl keras dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * java -Xmx4g -cp keras/target/test-classes:keras/target/classes:$(cat /tmp/cp.txt) \
 *     dev.lamina.keras.KerasImportScaling [sizes, default 1000,10000,100000] [repeats, default 3]
 * </pre>
 */
final class KerasImportScaling {

  private KerasImportScaling() {}

  public static void main(String[] args) throws Exception {
    String[] sizes = (args.length > 0 ? args[0] : "1000,10000,100000").split(",");
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    KerasImportOptions options = KerasImportOptions.defaults().withNotes(note -> { })
        .withConfigLimits(256L << 20, 10_000_000);
    Path dir = Files.createTempDirectory("lamina-import-scaling");
    try {
      // Warm-up: the JIT compiles the reader and importer before anything is timed.
      Path warm = ChainModels.write(dir.resolve("warm.keras"), 1000, true);
      for (int k = 0; k < 10; k++) {
        KerasImporter.load(warm, LambdaBindings.of(), options).close();
      }
      Files.delete(warm);
      System.out.println("| layers | order | config.json | layers | replay | import | node "
          + "resolutions |");
      System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
      for (String size : sizes) {
        int n = Integer.parseInt(size.trim());
        for (boolean reversed : new boolean[] {false, true}) {
          Path file = ChainModels.write(dir.resolve("chain.keras"), n, reversed);
          Map<String, Long> best = new HashMap<>();
          for (int r = 0; r < repeats; r++) {
            Map<String, Long> seen = new HashMap<>();
            try (Model model = KerasImporter.load(file, LambdaBindings.of(), options,
                seen::put)) {
              if (model.layers().size() != n + 1) {
                throw new AssertionError(model.layers().size() + " layers, expected " + (n + 1));
              }
            }
            seen.put("import", seen.get("config") + seen.get("layers") + seen.get("replay"));
            seen.forEach((k, v) -> best.merge(k, v, Math::min));
          }
          System.out.println(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %,d |",
              n, reversed ? "reversed" : "Keras's", ms(best.get("config")),
              ms(best.get("layers")), ms(best.get("replay")), ms(best.get("import")),
              best.get("node resolutions")));
          Files.delete(file);
        }
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }
}
