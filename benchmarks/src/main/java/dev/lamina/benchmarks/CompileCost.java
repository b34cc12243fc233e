package dev.lamina.benchmarks;

import dev.lamina.annotations.Lambda;
import dev.lamina.processor.LambdaProcessor;
import dev.lamina.runtime.LambdaLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/**
 * Compile-time cost: a source set of {@code lambdas} {@code @Lambda} methods
 * ({@link LambdaSources}) compiled in this JVM with {@code javax.tools}, three ways:
 *
 * <ul>
 *   <li>{@link Variant#SOURCES_ONLY}: the sources alone, {@code -proc:none}: the floor;
 *   <li>{@link Variant#PREGENERATED}: the sources and the layer classes the processor generates
 *       for them, given to javac as plain sources, {@code -proc:none}: what compiling the
 *       generated code costs, without generating it;
 *   <li>{@link Variant#PROCESSOR}: the sources with Lamina's processor
 *       ({@code setProcessors(List.of(new LambdaProcessor()))}), which generates the layers, and
 *       javac compiles them: what a user's build does.
 * </ul>
 *
 * <p>After {@code warmups} rounds, {@code repeats} measured rounds, the variants' order rotating
 * from round to round; each compile has a fresh file manager and output directory. The numbers
 * are for a warm javac, as in a Maven or Gradle build that compiles several modules in one JVM.
 *
 * <pre>{@code java -cp ... dev.lamina.benchmarks.CompileCost [lambdas=200] [repeats=5]
 *     [warmups=2]}</pre>
 */
public final class CompileCost {

  public static final int DEFAULT_LAMBDAS = 200;
  public static final int DEFAULT_REPEATS = 5;
  public static final int DEFAULT_WARMUPS = 2;

  private CompileCost() {}

  /** What javac is given. */
  public enum Variant {
    SOURCES_ONLY("-proc:none, the @Lambda sources alone"),
    PREGENERATED("-proc:none, the sources + the generated layers as plain sources"),
    PROCESSOR("with LambdaProcessor (generates the layers, javac compiles them)");

    final String label;

    Variant(String label) {
      this.label = label;
    }
  }

  /** The times of one variant's measured compiles, in milliseconds. */
  public record Timing(List<Double> millis) {
    public double median() {
      List<Double> sorted = millis.stream().sorted().toList();
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public double min() {
      return millis.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }
  }

  /**
   * @param generatedLayers the layer classes the processor wrote in one compile
   * @param timings by variant, in {@link Variant} order
   */
  public record Outcome(int lambdas, int sourceFiles, int generatedLayers,
      Map<Variant, Timing> timings) {

    public double median(Variant variant) {
      return timings.get(variant).median();
    }

    /** With the processor over the sources alone. */
    public double ratio() {
      return median(Variant.PROCESSOR) / median(Variant.SOURCES_ONLY);
    }

    /** All that the processor costs per lambda: running it and compiling what it generates. */
    public double extraMillisPerLambda() {
      return (median(Variant.PROCESSOR) - median(Variant.SOURCES_ONLY)) / lambdas;
    }

    /** Compiling a generated layer, per lambda. */
    public double generatedCodeMillisPerLambda() {
      return (median(Variant.PREGENERATED) - median(Variant.SOURCES_ONLY)) / lambdas;
    }

    /** The processor's own work per lambda: reading, checking, writing a layer. */
    public double processorMillisPerLambda() {
      return (median(Variant.PROCESSOR) - median(Variant.PREGENERATED)) / lambdas;
    }
  }

  /** The result of one compile. */
  record Compile(double millis, int generatedLayers) {}

  public static Outcome run(int lambdas, int warmups, int repeats) {
    Path work = createTempDirectory();
    try {
      List<Path> sources = LambdaSources.write(work.resolve("src"), lambdas);
      List<Path> classpath = compileClasspath();
      // The layers the processor generates, kept as plain sources for PREGENERATED.
      Compile first = compile(sources, classpath, true, work.resolve("pregenerate"));
      List<Path> withGenerated = new ArrayList<>(sources);
      withGenerated.addAll(javaFiles(work.resolve("pregenerate/generated")));
      Map<Variant, List<Double>> millis = new EnumMap<>(Variant.class);
      for (Variant variant : Variant.values()) {
        millis.put(variant, new ArrayList<>());
      }
      Variant[] variants = Variant.values();
      int round = 0;
      for (int i = 0; i < warmups + repeats; i++) {
        for (int k = 0; k < variants.length; k++) {
          // Rotate the order, so that no variant always follows the same one.
          Variant variant = variants[(i + k) % variants.length];
          Compile compile = compile(variant == Variant.PREGENERATED ? withGenerated : sources,
              classpath, variant == Variant.PROCESSOR, work.resolve("out" + round++));
          if (i >= warmups) {
            millis.get(variant).add(compile.millis());
          }
        }
      }
      Map<Variant, Timing> timings = new EnumMap<>(Variant.class);
      millis.forEach((variant, list) -> timings.put(variant, new Timing(List.copyOf(list))));
      return new Outcome(lambdas, sources.size(), first.generatedLayers(), timings);
    } finally {
      deleteRecursively(work);
    }
  }

  /**
   * What a user's build compiles {@code @Lambda} code against, taken from this JVM's class path:
   * the jars (or reactor class directories) that hold Lamina's annotations and runtime and
   * TensorFlow's Java API with its ndarray and protobuf types.
   */
  static List<Path> compileClasspath() {
    Set<Path> entries = new LinkedHashSet<>();
    for (Class<?> type : List.of(Lambda.class, LambdaLayer.class, Ops.class, Shape.class,
        org.tensorflow.proto.ConfigProto.class, com.google.protobuf.Message.class)) {
      try {
        entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
      } catch (URISyntaxException | NullPointerException e) {
        throw new IllegalStateException("Cannot tell where " + type.getName()
            + " was loaded from; run with it on the class path", e);
      }
    }
    return List.copyOf(entries);
  }

  static Compile compile(List<Path> sources, List<Path> classpath, boolean processor, Path out) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("No system Java compiler: run the benchmarks on a JDK");
    }
    Path classes = out.resolve("classes");
    Path generated = out.resolve("generated");
    createDirectories(classes);
    createDirectories(generated);
    List<String> options = new ArrayList<>(List.of(
        "-d", classes.toString(), "-s", generated.toString(),
        "-classpath", classpath.stream().map(Path::toString)
            .collect(Collectors.joining(System.getProperty("path.separator"))),
        "--release", "17", "-implicit:none", "-nowarn", "-Xlint:none"));
    if (!processor) {
      options.add("-proc:none");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    long start = System.nanoTime();
    boolean ok;
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavaCompiler.CompilationTask task = javac.getTask(null, files, diagnostics, options, null,
          files.getJavaFileObjectsFromPaths(sources));
      if (processor) {
        task.setProcessors(List.of(new LambdaProcessor()));
      }
      ok = task.call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double millis = (System.nanoTime() - start) / 1e6;
    List<String> errors = diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .map(d -> d.toString()).limit(5).toList();
    if (!ok || !errors.isEmpty()) {
      throw new IllegalStateException("The generated @Lambda sources do not compile "
          + (processor ? "with" : "without") + " the processor:\n" + String.join("\n", errors));
    }
    // Besides one layer per lambda the processor writes the compilation's registry provider.
    return new Compile(millis, (int) javaFiles(generated).stream()
        .filter(f -> f.getFileName().toString().endsWith("Layer.java")).count());
  }

  /** A Markdown table of one outcome. */
  public static String table(Outcome o) {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "%d @Lambda methods in %d files; the processor "
        + "generates %d layer classes. Warm javac, %d measured rounds.%n%n", o.lambdas(),
        o.sourceFiles(), o.generatedLayers(), o.timings().get(Variant.PROCESSOR).millis().size()));
    text.append("| javac | median (ms) | min (ms) | median per lambda (ms) |\n");
    text.append("| --- | ---: | ---: | ---: |\n");
    o.timings().forEach((variant, timing) -> text.append(String.format(Locale.ROOT,
        "| %s | %.0f | %.0f | %.2f |%n", variant.label, timing.median(), timing.min(),
        timing.median() / o.lambdas())));
    text.append(String.format(Locale.ROOT, "%nWith the processor / the sources alone: %.2fx, "
        + "%.2f ms more per lambda: %.2f ms compiling its generated layer, %.2f ms the "
        + "processor's own work.%n", o.ratio(), o.extraMillisPerLambda(),
        o.generatedCodeMillisPerLambda(), o.processorMillisPerLambda()));
    return text.toString();
  }

  /** {@code lambdas=200 repeats=5 warmups=2}. */
  public static void main(String[] args) {
    Options options = Options.parse(args)
        .check(Set.of(), Set.of("lambdas", "repeats", "warmups"));
    System.out.print(table(run(
        Math.toIntExact(options.number("lambdas", DEFAULT_LAMBDAS)),
        Math.toIntExact(options.number("warmups", DEFAULT_WARMUPS, 0)),
        Math.toIntExact(options.number("repeats", DEFAULT_REPEATS)))));
  }

  private static List<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("lamina-compile-cost");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
