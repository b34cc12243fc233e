package dev.lamina.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints their results as Markdown tables:
 *
 * <ol>
 *   <li>{@code predict}: {@link PredictBenchmark} with JMH, Lamina against the hand-written graph
 *       at batch 1, 32 and 1,024;
 *   <li>{@code bulk}: {@link BulkPredict}, a million rows streamed through each;
 *   <li>{@code compile}: {@link CompileCost}, javac with and without the processor;
 *   <li>{@code train}: {@link TrainBenchmark}, Lamina's {@code fit} against a hand-written
 *       training loop, samples per second at batch 32 and 256 ({@code rounds=}, {@code epochs=});
 *   <li>{@code sessions}: {@link SessionConfigs}, predict latency and 8-thread throughput under
 *       several session options, each in a JVM of its own ({@code rounds=}).
 * </ol>
 *
 * <p>On request only: {@code keras}, {@code convnet} ({@link ConvnetSideBySide}: Keras's MNIST
 * convnet with Lamina, by hand and in Keras) and {@code sequence} ({@link SequenceSideBySide}: an
 * LSTM classifier and a transformer block with Lamina and in Keras), which need Python with
 * Keras; {@code scaling}
 * ({@link ChainScaling}: build, first predict, save and load of chains of {@code layers=1000,10000}
 * layers, default 1,000, 10,000 and 100,000; {@code chain=dense} (default) or {@code activation};
 * {@code grappler=off} to skip TensorFlow's graph optimiser).
 *
 * <p>Arguments: the parts to run (default all); {@code smoke} for a quick check that everything
 * works (JMH {@code -f 1 -wi 1 -i 1 -r 1s -w 1s}, 20,000 rows, one compile round of each);
 * {@code rows=}, {@code batch=}, {@code lambdas=}, {@code repeats=}, {@code warmups=}; then any
 * JMH options, from the first argument starting with {@code -} ({@code -f 3 -prof gc}).
 */
public final class Main {

  private static final Set<String> PARTS = Set.of("predict", "bulk", "compile", "train",
      "sessions");
  /** Parts that run only when named: they need more than a JDK. */
  private static final Set<String> ON_REQUEST = Set.of("keras", "convnet", "sequence", "scaling",
      "spark", "streaming");

  private Main() {}

  public static void main(String[] args) throws RunnerException, CommandLineOptionException,
      java.io.IOException {
    Set<String> words = new HashSet<>(PARTS);
    words.addAll(ON_REQUEST);
    words.add("smoke");
    Options options = Options.parse(args)
        .check(words, Set.of("rows", "batch", "lambdas", "repeats", "warmups", "rounds", "epochs",
            "python", "script", "layers", "chain", "grappler", "width"));
    boolean smoke = options.has("smoke");
    boolean all = options.words().stream()
        .noneMatch(word -> PARTS.contains(word) || ON_REQUEST.contains(word));
    List<String> summary = new ArrayList<>();
    System.out.println(environment());

    if (all || options.has("predict")) {
      Collection<RunResult> results = runJmh(options, smoke);
      summary.add("### predict (JMH, average time per call)\n\n" + predictTable(results));
    }
    if (all || options.has("bulk")) {
      long rows = options.number("rows", smoke ? 20_000 : BulkPredict.DEFAULT_ROWS);
      int batch = Math.toIntExact(options.number("batch", BulkPredict.DEFAULT_BATCH));
      System.out.printf(Locale.ROOT, "%n# bulk: %,d rows in batches of %,d, each variant in a JVM "
          + "of its own (%s)%n", rows, batch, String.join(" ", BulkPredict.CHILD_JVM_ARGS));
      String table = BulkPredict.table(BulkPredict.runIsolated(rows, batch));
      System.out.print(table);
      summary.add("### bulk prediction\n\n" + table);
    }
    if (all || options.has("compile")) {
      int lambdas = Math.toIntExact(options.number("lambdas", CompileCost.DEFAULT_LAMBDAS));
      int warmups = Math.toIntExact(
          options.number("warmups", smoke ? 1 : CompileCost.DEFAULT_WARMUPS, 0));
      int repeats = Math.toIntExact(
          options.number("repeats", smoke ? 1 : CompileCost.DEFAULT_REPEATS));
      System.out.printf(Locale.ROOT, "%n# compile: %d lambdas, %d warm-up and %d measured rounds%n",
          lambdas, warmups, repeats);
      String table = CompileCost.table(CompileCost.run(lambdas, warmups, repeats));
      System.out.print(table);
      summary.add("### compile time\n\n" + table);
    }

    if (all || options.has("train")) {
      int rounds = Math.toIntExact(options.number("rounds", smoke ? 1 : 15));
      int epochs = Math.toIntExact(options.number("epochs", smoke ? 1 : 3));
      int warmups = smoke ? 1 : 3;
      System.out.printf(Locale.ROOT, "%n# train: %d rounds of %d epochs per configuration after "
          + "%d warm-up epochs, %,d samples of %d features%n", rounds, epochs, warmups,
          TrainBenchmark.SAMPLES, TrainBenchmark.FEATURES);
      String table;
      try (TrainBenchmark bench = new TrainBenchmark()) {
        table = TrainBenchmark.table(bench.run(warmups, rounds, epochs, 15));
      }
      System.out.print(table);
      summary.add("### train (samples/s, median (quartiles) over rounds)\n\n" + table);
    }

    if (all || options.has("sessions")) {
      int rounds = Math.toIntExact(options.number("rounds", smoke ? 1 : 3));
      double seconds = smoke ? 0.05 : 0.25;
      System.out.printf(Locale.ROOT, "%n# sessions: %d rounds, each configuration in a JVM of its "
          + "own, samples of %.2f s%n", rounds, seconds);
      var outcomes = SessionConfigs.run(rounds, seconds);
      String latency = SessionConfigs.latencyTable(outcomes);
      String threads = SessionConfigs.threadsTable(outcomes);
      System.out.print(latency + "\n" + threads);
      summary.add("### session options: predict, µs per call, median (quartiles) over runs\n\n"
          + latency + "\n### session options: " + SessionConfigs.THREADS + " threads calling "
          + "predict at once against 1\n\n" + threads);
    }

    if (options.has("keras")) {
      summary.add(keras(options, smoke));
    }

    if (options.has("convnet")) {
      summary.add(convnet(options, smoke));
    }

    if (options.has("sequence")) {
      summary.add(sequence(options, smoke));
    }

    if (options.has("spark")) {
      int rows = Math.toIntExact(options.number("rows", smoke ? 20_000 : SparkScoring.DEFAULT_ROWS));
      int batch = Math.toIntExact(options.number("batch", 1024));
      int rounds = Math.toIntExact(
          options.number("rounds", smoke ? 1 : SparkScoring.DEFAULT_ROUNDS));
      System.out.printf(Locale.ROOT, "%n# spark: %,d rows of %d features in batches of %,d, "
          + "local[2] against a 2-thread loop, %d rounds%n", rows, TrainBenchmark.FEATURES, batch,
          rounds);
      String table;
      try {
        table = SparkScoring.table(SparkScoring.run(rows, batch, rounds));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      System.out.print(table);
      summary.add("### Spark scoring (medians of interleaved rounds)\n\n" + table);
    }

    if (options.has("streaming")) {
      int rows = Math.toIntExact(options.number("rows",
          smoke ? 20_000 : StreamingFitBench.DEFAULT_ROWS));
      int batch = Math.toIntExact(options.number("batch", 512));
      int rounds = Math.toIntExact(options.number("rounds", smoke ? 1 : 5));
      System.out.printf(Locale.ROOT, "%n# streaming: fit over a CSV file through a CsvSource "
          + "against fit over the same rows in memory, %,d rows, batches of %d, %d rounds%n",
          rows, batch, rounds);
      String table;
      try {
        table = StreamingFitBench.table(StreamingFitBench.run(rows, batch, rounds,
            Math.toIntExact(options.number("width", 16))));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      System.out.print(table);
      summary.add("### fit streaming from a CSV file against in memory\n\n" + table);
    }

    if (options.has("scaling")) {
      String given = options.settings().get("layers");
      int[] sizes = given == null ? ChainScaling.DEFAULT_SIZES
          : java.util.Arrays.stream(given.split(",")).map(String::trim)
              .mapToInt(Integer::parseInt).toArray();
      boolean dense = !"activation".equals(options.settings().get("chain"));
      boolean grappler = !"off".equals(options.settings().get("grappler"));
      System.out.printf(Locale.ROOT, "%n# scaling: chains of %s layers (%s), grappler %s%n",
          java.util.Arrays.toString(sizes), dense ? "Dense(4) and Activation alternating"
              : "Activation", grappler ? "on" : "off");
      String table = ChainScaling.table(ChainScaling.run(sizes, dense,
          dev.lamina.runtime.SessionOptions.defaults().grappler(grappler)));
      System.out.print(table);
      summary.add("### growth with the number of layers\n\n" + table);
    }

    System.out.println();
    System.out.println("## Summary" + (smoke ? " (SMOKE RUN: not measurements)" : ""));
    System.out.println();
    System.out.println(environment());
    for (String part : summary) {
      System.out.println();
      System.out.print(part);
    }
  }

  /** The {@code keras} part: Lamina, hand-written and Keras 3 alternating in one run. */
  private static String keras(Options options, boolean smoke) throws java.io.IOException {
    Settings s = Settings.of(options, smoke, 10, smoke ? 1 : 2);
    java.nio.file.Path script = tool(options.settings().getOrDefault("script",
        "../tools/keras_predict_timing.py"), "keras_predict_timing.py");
    System.out.printf(Locale.ROOT, "%n# keras: %d rounds (Java and Keras alternating), predict "
        + "samples of ~%.2f s, fit samples of %d epochs; %s %s%n", s.rounds, s.seconds, s.epochs,
        s.python, script);
    try (KerasSideBySide run = new KerasSideBySide(s.python, script, s.seconds)) {
      return sideBySide(run, s.rounds, s.epochs, "Lamina, hand-written and Keras side by side");
    }
  }

  /** The {@code convnet} part: the MNIST convnet with Lamina, by hand and in Keras, in one run. */
  private static String convnet(Options options, boolean smoke) throws java.io.IOException {
    Settings s = Settings.of(options, smoke, 6, 1);
    java.nio.file.Path script = tool("../tools/keras_convnet_timing.py",
        "keras_convnet_timing.py");
    System.out.printf(Locale.ROOT, "%n# convnet: %d rounds (Java and Keras alternating), predict "
        + "samples of ~%.2f s, fit samples of %d epochs of %,d images; %s %s%n", s.rounds,
        s.seconds, s.epochs, ConvnetTraining.SAMPLES, s.python, script);
    try (ConvnetSideBySide run = new ConvnetSideBySide(s.python, script, s.seconds)) {
      return sideBySide(run, s.rounds, s.epochs,
          "The MNIST convnet: Lamina, hand-written and Keras side by side");
    }
  }

  /**
   * The {@code sequence} part: an LSTM classifier, then a transformer block, each with Lamina and
   * in Keras alternating in one run; the load average before and after, for the reading.
   */
  private static String sequence(Options options, boolean smoke) throws java.io.IOException {
    Settings s = Settings.of(options, smoke, 4, 1);
    java.nio.file.Path script = tool("../tools/keras_sequence_timing.py",
        "keras_sequence_timing.py");
    String before = loadAverage();
    System.out.printf(Locale.ROOT, "%n# sequence: %d rounds per model (Java and Keras "
        + "alternating), predict samples of ~%.2f s, fit samples of %d epochs of %,d sequences; "
        + "%s %s; load average %s%n", s.rounds, s.seconds, s.epochs, SequenceSideBySide.SAMPLES,
        s.python, script, before);
    StringBuilder text = new StringBuilder();
    for (SequenceSideBySide.Kind kind : SequenceSideBySide.Kind.values()) {
      try (SequenceSideBySide run = new SequenceSideBySide(kind, s.python, script, s.seconds)) {
        text.append(sideBySide(run, s.rounds, s.epochs, run.title())).append('\n');
      }
    }
    String after = loadAverage();
    System.out.println("# sequence: load average " + after);
    return text.append("Load average (1, 5, 15 min) at the start: ").append(before)
        .append("; at the end: ").append(after).append('\n').toString();
  }

  /** The first three fields of {@code /proc/loadavg}, or "unknown". */
  private static String loadAverage() {
    try {
      String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
          .trim().split("\\s+");
      return String.join(" ", fields[0], fields[1], fields[2]);
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * A side-by-side part's settings: {@code rounds=} (1 in a smoke run), {@code epochs=} per fit
   * sample, predict samples of ~0.2 s (0.05 s in a smoke run) and {@code python=}, by default
   * {@code python3} from the {@code PATH}.
   */
  private record Settings(int rounds, int epochs, double seconds, String python) {

    static Settings of(Options options, boolean smoke, int rounds, int epochs) {
      return new Settings(Math.toIntExact(options.number("rounds", smoke ? 1 : rounds)),
          Math.toIntExact(options.number("epochs", epochs)), smoke ? 0.05 : 0.2,
          options.settings().getOrDefault("python", "python3"));
    }
  }

  /**
   * {@code path} if it exists, else {@code tools/name} (the benchmarks run from {@code
   * benchmarks/}, where {@code ../tools} is the project's, or from the project's root).
   */
  private static java.nio.file.Path tool(String path, String name) {
    java.nio.file.Path script = java.nio.file.Path.of(path);
    return java.nio.file.Files.exists(script) ? script : java.nio.file.Path.of("tools", name);
  }

  /** Runs a side-by-side part, prints its tables and returns them under {@code title}. */
  private static String sideBySide(SideBySidePart run, int rounds, int epochs, String title)
      throws java.io.IOException {
    run.run(rounds, epochs);
    String text = run.versionLine() + "; " + rounds + " rounds\n\n"
        + "#### predict, µs per call, median (quartiles) over rounds; ratios: of medians "
        + "(quartiles of the per-round ratios)\n\n" + run.predictTable()
        + "\nEvery Keras path:\n\n" + run.kerasPathsTable()
        + "\n#### fit, samples/s, median (quartiles) over rounds\n\n" + run.fitTable();
    System.out.print(text);
    return "### " + title + "\n\n" + text;
  }

  private static Collection<RunResult> runJmh(Options options, boolean smoke)
      throws RunnerException, CommandLineOptionException {
    CommandLineOptions given = new CommandLineOptions(options.jmh().toArray(String[]::new));
    ChainedOptionsBuilder builder = new OptionsBuilder().parent(given);
    if (given.getIncludes().isEmpty()) {
      builder.include(PredictBenchmark.class.getName());
    }
    if (smoke) {
      builder.forks(1).warmupIterations(1).measurementIterations(1)
          .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(1));
    }
    return new Runner(builder.build()).run();
  }

  /** Batch size by row, Lamina and hand-written side by side. */
  static String predictTable(Collection<RunResult> results) {
    Map<Integer, double[]> rows = new TreeMap<>();
    Map<Integer, double[]> errors = new TreeMap<>();
    String unit = "us/op";
    for (RunResult result : results) {
      String method = result.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      int column = method.equals("lamina") ? 0 : method.equals("handWritten") ? 1 : -1;
      if (column < 0) {
        continue;
      }
      int batch = Integer.parseInt(result.getParams().getParam("batchSize"));
      rows.computeIfAbsent(batch, b -> new double[] {Double.NaN, Double.NaN})[column] =
          result.getPrimaryResult().getScore();
      errors.computeIfAbsent(batch, b -> new double[] {Double.NaN, Double.NaN})[column] =
          result.getPrimaryResult().getScoreError();
      unit = result.getPrimaryResult().getScoreUnit();
    }
    StringBuilder text = new StringBuilder();
    text.append("| batch | Lamina (" + unit + ") | hand-written (" + unit + ") | Lamina / hand "
        + "| Lamina per row (" + unit + ") |\n");
    text.append("| ---: | ---: | ---: | ---: | ---: |\n");
    rows.forEach((batch, score) -> text.append(String.format(Locale.ROOT,
        "| %,d | %s | %s | %.3f | %.2f |%n", batch, withError(score[0], errors.get(batch)[0]),
        withError(score[1], errors.get(batch)[1]), score[0] / score[1], score[0] / batch)));
    return text.toString();
  }

  private static String withError(double score, double error) {
    return Double.isNaN(error) ? String.format(Locale.ROOT, "%.1f", score)
        : String.format(Locale.ROOT, "%.1f ± %.1f", score, error);
  }

  private static String environment() {
    return String.format(Locale.ROOT, "Java %s (%s), %d cores, %s %s; TensorFlow Java %s",
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
        System.getProperty("os.arch"), tensorFlowJavaVersion());
  }

  /** From the API jar's Maven metadata: loading TensorFlow here would log its start-up notices. */
  private static String tensorFlowJavaVersion() {
    try (InputStream in = org.tensorflow.Graph.class.getResourceAsStream(
        "/META-INF/maven/org.tensorflow/tensorflow-core-api/pom.properties")) {
      if (in == null) {
        return "(version unknown)";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "(version unknown)");
    } catch (IOException e) {
      return "(version unknown)";
    }
  }
}
