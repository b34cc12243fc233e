package dev.lamina.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a source set of {@code @Lambda} methods for the compile-time benchmark: a mix of the
 * declaration forms (plain and generic lambdas, {@code @Arg}s of several types, one and two
 * inputs, {@code inputShape} patterns with symbols and {@code ...}, {@code outputShape}
 * expressions, {@code requires}), {@value #PER_CLASS} methods to a class.
 */
final class LambdaSources {

  static final String PACKAGE = "bench.generated";
  static final int PER_CLASS = 20;

  /** The forms, cycled through; {@code %1$d} is the method's number. */
  private static final List<String> FORMS = List.of(
      """
        /** x², element-wise, for any numeric dtype. */
        @Lambda
        static <T extends TNumber> Operand<T> square%1$d(Ops tf, Operand<T> x) {
          return tf.math.square(x);
        }
      """,
      """
        /** Column {@code index}, kept as an axis of size 1. */
        @Lambda(outputShape = "(1)")
        static Operand<TFloat32> column%1$d(Ops tf, Operand<TFloat32> x, @Arg int index) {
          return tf.slice(x, tf.constant(new int[] {0, index}), tf.constant(new int[] {-1, 1}));
        }
      """,
      """
        /** x and -x side by side: twice the features. */
        @Lambda(inputShape = "(c)", outputShape = "(2 * c)")
        static Operand<TFloat32> mirror%1$d(Ops tf, Operand<TFloat32> x) {
          return tf.concat(List.of(x, tf.math.neg(x)), tf.constant(1));
        }
      """,
      """
        /** Column {@code index} of each n×c sample. */
        @Lambda(inputShape = "(n, c)", outputShape = "(n)", requires = "0 <= index && index < c")
        static Operand<TFloat32> pick%1$d(Ops tf, Operand<TFloat32> x, @Arg int index) {
          return tf.gather(x, tf.constant(index), tf.constant(2));
        }
      """,
      """
        /** x + y for two batches of n×4 samples. */
        @Lambda(inputShape = {"(n, 4)", "(n, 4)"}, outputShape = "(n, 4)")
        static Operand<TFloat32> pairSum%1$d(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y) {
          return tf.math.add(x, y);
        }
      """,
      """
        /** x * factor, for at least two features on the last axis. */
        @Lambda(inputShape = "(..., c)", requires = "c >= 2")
        static Operand<TFloat32> scale%1$d(Ops tf, Operand<TFloat32> x, @Arg float factor) {
          return tf.math.mul(x, tf.constant(factor));
        }
      """,
      """
        /** The first {@code k} features. */
        @Lambda(inputShape = "(c)", outputShape = "(k)", requires = "0 < k && k <= c")
        static Operand<TFloat32> head%1$d(Ops tf, Operand<TFloat32> x, @Arg int k) {
          return tf.slice(x, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, k}));
        }
      """,
      """
        /** The larger of x and y, element-wise. */
        @Lambda(className = "Larger%1$dLayer")
        static <T extends TNumber> Operand<T> larger%1$d(Ops tf, Operand<T> x, Operand<T> y) {
          return tf.math.maximum(x, y);
        }
      """);

  private LambdaSources() {}

  /** How many declaration forms {@link #write} cycles through. */
  static int forms() {
    return FORMS.size();
  }

  /**
   * Writes {@code count} {@code @Lambda} methods under {@code root} (package
   * {@value #PACKAGE}) and returns the files.
   */
  static List<Path> write(Path root, int count) {
    Path dir = root.resolve(PACKAGE.replace('.', '/'));
    List<Path> files = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (int first = 0; first < count; first += PER_CLASS) {
        String name = String.format(Locale.ROOT, "Lambdas%03d", first / PER_CLASS);
        StringBuilder source = new StringBuilder()
            .append("package ").append(PACKAGE).append(";\n\n")
            .append("import dev.lamina.annotations.Arg;\n")
            .append("import dev.lamina.annotations.Lambda;\n")
            .append("import java.util.List;\n")
            .append("import org.tensorflow.Operand;\n")
            .append("import org.tensorflow.op.Ops;\n")
            .append("import org.tensorflow.types.TFloat32;\n")
            .append("import org.tensorflow.types.family.TNumber;\n\n")
            .append("/** Generated for the compile-time benchmark. */\n")
            .append("final class ").append(name).append(" {\n\n")
            .append("  private ").append(name).append("() {}\n");
        for (int i = first; i < Math.min(count, first + PER_CLASS); i++) {
          source.append('\n').append(String.format(Locale.ROOT, FORMS.get(i % FORMS.size()), i));
        }
        source.append("}\n");
        Path file = dir.resolve(name + ".java");
        Files.writeString(file, source);
        files.add(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
