package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.assertOnlyError;
import static dev.lamina.processor.TestSources.lambdas;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Shape declarations written to break the processor (issue 10, items 1, 2 and 8): limits instead
 * of stack overflows, constant arithmetic checked, and Python and Keras habits answered with the
 * fix. Each is an error on the annotation value, with the column, and no layer.
 *
 * <p>Line N of a text block is line N of the file.
 */
class ShapeLimitsAndHabitsTest {

  private final RecordingLambdaProcessor processor = new RecordingLambdaProcessor();

  private Compilation compile(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(processor).compile(sources);
  }

  /** {@code @Lambda(inputShape = "(n, c)", <attribute> = "<value>")} on line 3. */
  private Compilation compileDeclaration(String attribute, String value) {
    return compile(declaration(attribute, value));
  }

  private static JavaFileObject declaration(String attribute, String value) {
    return lambdas("""
        class Lambdas {
          @Lambda(inputShape = "(n, c)",
              %s = "%s") // line 3
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int k) {
            return x;
          }
        }
        """.formatted(attribute, value));
  }

  private void assertError(String attribute, String value, String... parts) {
    JavaFileObject source = declaration(attribute, value);
    Compilation compilation = compile(source);
    assertOnlyError(compilation, source, 3, parts);
    assertThat(processor.writtenSourceFiles()).isEmpty();
  }

  // ---- Item 1: limits ---------------------------------------------------------------------------

  @Test
  void parenthesesNestedThousandsDeep() {
    // The shape's own '(' is column 1; the expression's parentheses start at column 2, so the
    // 33rd, one past the limit of 32, is at column 34.
    String shape = "(" + "(".repeat(5000) + "n" + ")".repeat(5000) + ")";
    assertError("outputShape", shape, "[LaminaOutputShapeSyntax]",
        "nested more than 32 deep, Lamina's limit for parentheses and unary operators at column 34");
  }

  @Test
  void unaryMinusNestedThousandsDeep() {
    String condition = "-".repeat(4000) + "n < 4";
    // The 33rd '-' is at column 33.
    assertError("requires", condition, "[LaminaRequiresSyntax]",
        "nested more than 32 deep", "at column 33");
  }

  @Test
  void sumOfThousandsOfTerms() {
    // "(n + n + ...)": term k starts at column 2 + 4 * (k - 1); the 257th at column 1026.
    String shape = "(" + "n + ".repeat(4999) + "n)";
    assertError("outputShape", shape, "[LaminaOutputShapeSyntax]",
        "more than 256 terms in one expression, Lamina's limit at column 1026");
  }

  @Test
  void conditionOfThousandsOfTerms() {
    // "n < 1 || n < 1 || ...": each clause is 9 characters with its " || " and has 2 terms; the
    // 257th term is the first of clause 129, at column 1 + 9 * 128.
    String condition = "n < 1 || ".repeat(2999) + "n < 1";
    assertError("requires", condition, "[LaminaRequiresSyntax]",
        "more than 256 terms", "at column 1153");
  }

  @Test
  void outputShapeOfMoreDimsThanTensorFlowAllows() {
    // 254 dims "1, 1, ...": dim k at column 2 + 3 * (k - 1); the 254th at column 761.
    String shape = "(" + "1, ".repeat(253) + "1)";
    assertError("outputShape", shape, "[LaminaOutputShapeSyntax]",
        "more than 253 dims, Lamina's limit (TensorFlow allows rank 254, batch included) at "
            + "column 761");
  }

  @Test
  void patternOfMoreDimsThanTensorFlowAllows() {
    String pattern = "(" + "?, ".repeat(253) + "?)";
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(inputShape = "%s") // line 2
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """.formatted(pattern));
    assertOnlyError(compile(source), source, 2, "[LaminaInputShapeSyntax]",
        "more than 253 dims", "at column 761");
  }

  @Test
  void theLimitsThemselvesAreAccepted() {
    // 32 nested parentheses, 256 terms, 253 dims: all within the limits.
    String nested = "(" + "(".repeat(32) + "n" + ")".repeat(32) + ", "
        + "n + ".repeat(255) + "n, " + "1, ".repeat(250) + "c)";
    Compilation compilation = compileDeclaration("outputShape", nested);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.FLayer");
    // The 256-term sum is compiled through locals, 8 calls deep at most, not 255 deep.
    assertThat(compilation).generatedSourceFile("pkg.FLayer").contentsAsUtf8String()
        .contains("long part1 = ShapeCheck.add(ShapeCheck.add(ShapeCheck.add(");
    assertThat(compilation).generatedSourceFile("pkg.FLayer").contentsAsUtf8String()
        .doesNotContain("ShapeCheck.add(".repeat(9));
  }

  // ---- Item 2: constant arithmetic ---------------------------------------------------------------

  @ParameterizedTest(name = "outputShape \"{0}\"")
  @CsvSource(delimiter = '|', textBlock = """
      (9223372036854775807 + 1)          | 22
      (n, 3037000500 * 3037000500)       | 16
      (0 - 9223372036854775807 - 2)      | 26
      (n + (4611686018427387904 * 2))    | 27
      """)
  void constantOverflow(String shape, int column) {
    // 3037000500² = 9223372037000250000 > 2^63 - 1; 0 - (2^63 - 1) - 2 < -2^63; 2^62 * 2 = 2^63.
    assertError("outputShape", shape, "[LaminaConstantOverflow]",
        "outputShape \"" + shape + "\" of @Lambda method Lambdas.f has constant arithmetic that "
            + "overflows a long at column " + column + ".");
  }

  @Test
  void constantOverflowInRequires() {
    assertError("requires", "n < 9223372036854775807 + 1", "[LaminaConstantOverflow]",
        "requires \"n < 9223372036854775807 + 1\"", "at column 25");
  }

  @ParameterizedTest(name = "outputShape \"{0}\"")
  @CsvSource(delimiter = '|', textBlock = """
      (4 / 0)           | 4
      (n / (3 - 3))     | 4
      (n, c / (2 * 0))  | 7
      """)
  void divisionByZero(String shape, int column) {
    assertError("outputShape", shape, "[LaminaDivisionByZero]",
        "outputShape \"" + shape + "\" of @Lambda method Lambdas.f divides by zero at column "
            + column + ". Divide by a size that cannot be 0.");
  }

  // ---- Item 8: Python and Keras habits ------------------------------------------------------------

  @Test
  void noneInAPattern() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(inputShape = "(None, None)") // line 2
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);
    assertOnlyError(compile(source), source, 2, "[LaminaInputShapeSyntax]",
        "None first reads as Keras's batch dimension, which Lamina's shapes leave out: drop it "
            + "(Keras's (None, c) is (c) here), or write ? for a first dimension of unknown size "
            + "at column 2");
  }

  @Test
  void noneAfterTheFirstDimensionIsAnUnknownSize() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(inputShape = "(n, None)") // line 2
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);
    assertOnlyError(compile(source), source, 2, "[LaminaInputShapeSyntax]",
        "None is Python's unknown size; write ? at column 5");
  }

  @Test
  void noneFirstInAnOutputShapeIsTheBatchDimension() {
    assertError("outputShape", "(None, c)", "[LaminaOutputShapeSyntax]",
        "None first reads as Keras's batch dimension, which Lamina's shapes leave out: drop it "
            + "(Keras's (None, c) is (c) here), or write ? for a first dimension of unknown size "
            + "at column 2");
  }

  @Test
  void noneInAnOutputShape() {
    assertError("outputShape", "(n, None)", "[LaminaOutputShapeSyntax]",
        "None is Python's unknown size; write ? at column 5");
  }

  @ParameterizedTest(name = "{0} \"{1}\"")
  @CsvSource(delimiter = '|', textBlock = """
      requires    | n = 4        | LaminaRequiresSyntax    | '=' assigns; compare with '==' at column 3
      requires    | n == 4 && c=2 | LaminaRequiresSyntax   | '=' assigns; compare with '==' at column 12
      outputShape | (c // 2)     | LaminaOutputShapeSyntax | '//' is Python's floor division; write '/', which already rounds down at column 4
      outputShape | (..., c)     | LaminaOutputShapeSyntax | '...' only starts an inputShape pattern; an outputShape lists every dim, with ? for a size not known at column 2
      outputShape | (c % 2)      | LaminaOutputShapeSyntax | '%' (remainder) is not in the shape language, which has + - * / only at column 4
      requires    | 0 < n < c    | LaminaRequiresSyntax    | comparisons do not chain; join them with && at column 7
      """)
  void pythonHabits(String attribute, String value, String tag, String problem) {
    assertError(attribute, value, "[" + tag + "]", problem);
  }

  @Test
  void veryLongDeclarationIsQuotedAroundTheColumn() {
    // 499 characters with a '#' at column 398: the message quotes 80 characters around it.
    String shape = "(" + "n + ".repeat(99) + "#" + " + n".repeat(25) + ")";
    int column = 1 + 4 * 99 + 1;
    assertThat(shape.charAt(column - 1)).isEqualTo('#');
    JavaFileObject source = declaration("outputShape", shape);
    Compilation compilation = compile(source);
    assertOnlyError(compilation, source, 3, "[LaminaOutputShapeSyntax]",
        "unexpected character '#' at column " + column,
        "outputShape \"...n + n + n + n + n + n + n + n + n + n + # + n + n + n + n + n + n + n "
            + "+ n + n + ... (499 characters)\"",
        "(" + shape.length() + " characters)");
    String message = compilation.errors().get(0).getMessage(null);
    assertThat(message).doesNotContain(shape);
    assertThat(message.length()).isLessThan(500);
  }

  @Test
  void longNamesAreShortenedInMessages() {
    String name = "x".repeat(3000);
    Compilation compilation = compileDeclaration("outputShape", "(n " + name + ")");
    assertThat(compilation).hadErrorContaining("found 'xxxxxxxxxxxxxxxxxxxx...' at column 4");
    assertThat(compilation.errors().get(0).getMessage(null).length()).isLessThan(600);
    assertThat(compilation.diagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).count()).isEqualTo(1);
  }
}
