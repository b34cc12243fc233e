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
 *   <li>{@code compile}: {@link CompileCost}, javac with and without the processor.
 * </ol>
 *
 * <p>Arguments: the parts to run (default all); {@code smoke} for a quick check that everything
 * works (JMH {@code -f 1 -wi 1 -i 1 -r 1s -w 1s}, 20,000 rows, one compile round of each);
 * {@code rows=}, {@code batch=}, {@code lambdas=}, {@code repeats=}, {@code warmups=}; then any
 * JMH options, from the first argument starting with {@code -} ({@code -f 3 -prof gc}).
 */
public final class Main {

  private static final Set<String> PARTS = Set.of("predict", "bulk", "compile");

  private Main() {}

  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    Set<String> words = new HashSet<>(PARTS);
    words.add("smoke");
    Options options = Options.parse(args)
        .check(words, Set.of("rows", "batch", "lambdas", "repeats", "warmups"));
    boolean smoke = options.has("smoke");
    boolean all = options.words().stream().noneMatch(PARTS::contains);
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

    System.out.println();
    System.out.println("## Summary" + (smoke ? " (SMOKE RUN: not measurements)" : ""));
    System.out.println();
    System.out.println(environment());
    for (String part : summary) {
      System.out.println();
      System.out.print(part);
    }
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
