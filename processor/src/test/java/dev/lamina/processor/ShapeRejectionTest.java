package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.assertOnlyError;
import static dev.lamina.processor.TestSources.lambdas;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules of the shape language ({@code inputShape}, {@code outputShape} expressions,
 * {@code requires}, {@code outputShapeFn}) and of {@code mask}, as {@link RejectionTest} checks
 * the declaration rules: tag, key parts of the message, the annotation value (or method) it
 * points at, and no layer written. {@code outputShape} syntax errors are in {@link RejectionTest}.
 *
 * <p>Line N of a text block is line N of the file; {@code // line N} marks the lines asserted.
 */
class ShapeRejectionTest {

  private final RecordingLambdaProcessor processor = new RecordingLambdaProcessor();

  private Compilation compile(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(processor).compile(sources);
  }

  private void assertNoLayerWritten() {
    assertThat(processor.writtenSourceFiles()).isEmpty();
  }

  // ---- inputShape ----------------------------------------------------------------------------

  @Test
  void shadowingIsReportedOnTheEntryAtFault() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              inputShape = {
                  "(n)",
                  "(k)"}, // line 5
              requires = "k > 0")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y,
              @Arg int k) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5, "[LaminaSymbolShadowsArg]", "binds 'k' (column 2)");
    assertNoLayerWritten();
  }

  @Test
  void inputShapeSyntax() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              inputShape = {
                  "(n, 4"}) // line 4
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaInputShapeSyntax]",
        "inputShape pattern \"(n, 4\" for input x of @Lambda method Lambdas.f is not a pattern: "
            + "expected ',' or ')' but found the end at column 6.",
        "Write one sample's shape, batch excluded, with sizes, ?, names and a leading ...");
    assertNoLayerWritten();
  }

  @Test
  void inputShapeSyntaxNamesTheInputOfThePattern() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              inputShape = {
                  "(..., n)",
                  "(n, ...)"}, // line 5
              outputShape = "(n)")
          static <T extends TNumber> Operand<T> add(Ops tf, Operand<T> x, Operand<T> y) {
            return tf.math.add(x, y);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5,
        "[LaminaInputShapeSyntax]",
        "inputShape pattern \"(n, ...)\" for input y of @Lambda method Lambdas.add is not a "
            + "pattern: '...' may only come first at column 5.");
    assertNoLayerWritten();
  }

  @Test
  void inputShapeCount() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              inputShape = {"(n)"}, // line 3
              outputShape = "(n)")
          static <T extends TNumber> Operand<T> add(Ops tf, Operand<T> x, Operand<T> y) {
            return tf.math.add(x, y);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaInputShapeCount]",
        "inputShape of @Lambda method Lambdas.add has 1 pattern for 2 inputs (x, y).",
        "Give one pattern per input, in order.");
    assertNoLayerWritten();
  }

  @Test
  void symbolShadowsArg() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              inputShape = "(index)", // line 3
              outputShape = "(index)")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int index) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaSymbolShadowsArg]",
        "inputShape pattern \"(index)\" of @Lambda method Lambdas.f binds 'index' (column 2), "
            + "which is also the name of an @Arg",
        "Rename the symbol or the @Arg.");
    assertNoLayerWritten();
  }

  @Test
  void unusedSymbolIsAWarning() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              inputShape = "(n, 4)") // line 3
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation)
        .hadWarningContaining("[LaminaUnusedSymbol] inputShape pattern \"(n, 4)\" of @Lambda "
            + "method Lambdas.f binds 'n' (column 2) but nothing uses it.")
        .inFile(source).onLine(3);
    assertThat(compilation).hadWarningContaining("Write ? for a size that may be anything")
        .inFile(source).onLine(3);
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.FLayer");
  }

  // ---- outputShape expressions and requires --------------------------------------------------

  @ParameterizedTest(name = "{0} \"{1}\" uses {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      outputShape | (2 * c)  | c | 6
      requires    | k > 0    | k | 1
      """)
  void unknownName(String attribute, String declaration, String unknown, int column) {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              %s = "%s") // line 3
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int index) {
            return x;
          }
        }
        """.formatted(attribute, declaration));

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaUnknownName]",
        attribute + " \"" + declaration + "\" of @Lambda method Lambdas.f uses '" + unknown
            + "' (column " + column + "), which no inputShape pattern binds and no integral "
            + "@Arg declares.",
        "Bind it in inputShape, declare '@Arg int " + unknown + "', or fix the spelling.");
    assertNoLayerWritten();
  }

  @ParameterizedTest(name = "{0} \"{1}\" suggests {3}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      outputShape | (chanels)           | chanels | channels | 2
      outputShape | (2 * widht)         | widht   | width    | 6
      requires    | chanels > offste    | offste  | offset   | 11
      """)
  void aMisspeltNameGetsTheClosestDeclaredOne(String attribute, String declaration,
      String unknown, String meant, int column) {
    // channels and width are bound by the pattern, offset is an integral @Arg. (In the third
    // row 'chanels' is reported too; its own row checks that message.)
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(inputShape = "(width, channels)",
              %s = "%s") // line 3
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int offset) {
            return x;
          }
        }
        """.formatted(attribute, declaration));

    Compilation compilation = compile(source);

    assertThat(compilation).hadErrorContaining("uses '" + unknown + "' (column " + column
        + "), which no inputShape pattern binds and no integral @Arg declares. Bind it in "
        + "inputShape, declare '@Arg int " + unknown + "', or fix the spelling (did you mean '"
        + meant + "'?).");
    assertNoLayerWritten();
  }

  @Test
  void aNameCloseToNothingGetsNoGuess() {
    // 'k' is one edit from 'n', but a one-letter name is too short for a suggestion to mean
    // anything: the message stays as it was.
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(inputShape = "(n)",
              outputShape = "(k)") // line 3
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3, "[LaminaUnknownName]",
        "declare '@Arg int k', or fix the spelling.");
  }

  @Test
  void nonIntegralArgInOutputShape() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              outputShape = "(scale)") // line 3
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg float scale) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaNonIntegralArg]",
        "outputShape \"(scale)\" of @Lambda method Lambdas.f uses @Arg scale of type float "
            + "(column 2): shapes are integers",
        "only int, long, short and byte @Args (or their boxes) can appear in them.");
    assertNoLayerWritten();
  }

  @ParameterizedTest(name = "outputShape \"{0}\"")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      (-1)       | -1 | 2
      (4, 2 - 3) | -1 | 7
      (-2 * 3)   | -6 | 5
      """)
  void negativeConstantSize(String shape, long size, int column) {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              outputShape = "%s") // line 3
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """.formatted(shape));

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaNegativeSize]",
        "outputShape \"" + shape + "\" of @Lambda method Lambdas.f has a negative size, " + size
            + ", at column " + column + ".",
        "write ? for a size that is not known.");
    assertNoLayerWritten();
  }

  @ParameterizedTest(name = "requires \"{0}\": {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      0 <= index < n | comparisons do not chain; join them with && at column 12
      index          | expected a condition (a comparison such as 'n < 4') but found an integer expression at column 1
      index <        | expected a number, '?', a name or '(' but found the end at column 8
      """)
  void requiresSyntax(String condition, String problem) {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              inputShape = "(n)",
              requires = "%s") // line 4
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int index) {
            return x;
          }
        }
        """.formatted(condition));

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaRequiresSyntax]",
        "requires \"" + condition + "\" of @Lambda method Lambdas.f is not a condition: "
            + problem + ".",
        "Write comparisons joined by && || !");
    assertNoLayerWritten();
  }

  @Test
  void unknownSizeInRequires() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              inputShape = "(n)",
              requires = "n < ?") // line 4
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaUnknownInRequires]",
        "requires \"n < ?\" of @Lambda method Lambdas.f uses '?' (column 5), which has no value "
            + "to compare.",
        "Name the size in inputShape and compare the name.");
    assertNoLayerWritten();
  }

  // ---- outputShapeFn -------------------------------------------------------------------------

  @Test
  void bothOutputForms() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Shape shapeOf(Shape x) {
            return x;
          }

          @Lambda(
              outputShape = "(4)",
              outputShapeFn = "shapeOf") // line 8
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 8,
        "[LaminaBothOutputForms]",
        "@Lambda method Lambdas.f declares both outputShape and outputShapeFn.",
        "Keep one: outputShape for a shape expression, outputShapeFn for a method that computes "
            + "it.");
    assertNoLayerWritten();
  }

  @Test
  void outputShapeFnMissing() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              outputShapeFn = "shapeOf") // line 3
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int index) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaOutputShapeFnMissing]",
        "outputShapeFn \"shapeOf\" of @Lambda method Lambdas.f names no method of Lambdas.",
        "Declare 'static Shape shapeOf(Shape x) or static Shape shapeOf(Shape x, int index)' "
            + "there.");
    assertNoLayerWritten();
  }

  @Test
  void outputShapeFnThrowsACheckedException() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Shape shapeOf(Shape x) throws java.io.IOException { // line 2
            return x;
          }

          @Lambda(outputShapeFn = "shapeOf")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 2,
        "[LaminaOutputShapeFnSignature]",
        "throwing no checked exception; found 'static org.tensorflow.ndarray.Shape "
            + "shapeOf(org.tensorflow.ndarray.Shape) throws java.io.IOException'");
    assertNoLayerWritten();
  }

  @Test
  void maskMethodThrowsACheckedException() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Operand<TBool> maskOf(Ops tf, Operand<TFloat32> x, Operand<TBool> m) // line 2
              throws Exception {
            return m;
          }

          @Lambda(mask = "maskOf")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 2, "[LaminaMaskSignature]",
        "throwing no checked exception", "throws java.lang.Exception'");
    assertNoLayerWritten();
  }

  @Test
  void outputShapeFnIsPrivate() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          private static Shape shapeOf(Shape x) { // line 2
            return x;
          }

          @Lambda(outputShapeFn = "shapeOf")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 2,
        "[LaminaOutputShapeFnSignature]",
        "Lambdas.shapeOf, the outputShapeFn of @Lambda method Lambdas.f, must be static Shape "
            + "shapeOf(Shape x), not private, throwing no checked exception;");
    assertNoLayerWritten();
  }

  @Test
  void outputShapeFnTakesTheWrongParameters() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Shape shapeOf(Shape x, long index) { // line 2
            return x;
          }

          @Lambda(outputShapeFn = "shapeOf")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int index) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 2,
        "[LaminaOutputShapeFnSignature]",
        "Lambdas.shapeOf, the outputShapeFn of @Lambda method Lambdas.f, must be static Shape "
            + "shapeOf(Shape x) or static Shape shapeOf(Shape x, int index), not private, throwing no checked exception;");
    assertNoLayerWritten();
  }

  // ---- mask ----------------------------------------------------------------------------------

  @Test
  void maskMethodMissing() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              mask = "maskOf") // line 3
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaMaskMissing]",
        "mask \"maskOf\" of @Lambda method Lambdas.f names no method of Lambdas.",
        "Operand<TBool> xMask)");
    assertNoLayerWritten();
  }

  @Test
  void maskMethodReturnsTheWrongType() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Operand<TFloat32> maskOf(Ops tf, Operand<TFloat32> x, Operand<TBool> xMask) { // 2
            return x;
          }

          @Lambda(mask = "maskOf")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 2,
        "[LaminaMaskSignature]",
        "Lambdas.maskOf, the mask method of @Lambda method Lambdas.f, must be static "
            + "Operand<TBool> maskOf(");
    assertNoLayerWritten();
  }

  // ---- Accepted ------------------------------------------------------------------------------

  @Test
  void validShapeDeclarationsCompileWithoutWarnings() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Shape shapeOf(Shape x, int index) {
            return x;
          }

          static Operand<TBool> maskOf(
              Ops tf, Operand<TFloat32> x, Operand<TBool> xMask, int index) {
            return xMask;
          }

          @Lambda(
              inputShape = "(..., n)",
              requires = "0 <= index && index < n",
              outputShape = "(n - index, ?)",
              mask = "maskOf")
          static Operand<TFloat32> tail(Ops tf, Operand<TFloat32> x, @Arg int index) {
            return x;
          }

          @Lambda(outputShapeFn = "shapeOf")
          static Operand<TFloat32> viaFunction(Ops tf, Operand<TFloat32> x, @Arg int index) {
            return x;
          }

          @Lambda(inputShape = {"(n)", "(n)"}, outputShape = "(2 * n)")
          static <T extends TNumber> Operand<T> concat(Ops tf, Operand<T> x, Operand<T> y) {
            return tf.concat(java.util.List.of(x, y), tf.constant(1));
          }

          @Lambda(requires = "size > 0", outputShape = "(size)")
          static Operand<TFloat32> boxed(Ops tf, Operand<TFloat32> x, @Arg Integer size) {
            return x;
          }
        }
        """);

    Compilation compilation = Compiler.javac()
        .withProcessors(processor)
        .withOptions("-Xlint:all,-processing")
        .compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(processor.writtenSourceFiles()).containsExactly(
        "pkg.TailLayer", "pkg.ViaFunctionLayer", "pkg.ConcatLayer", "pkg.BoxedLayer");
  }
}
