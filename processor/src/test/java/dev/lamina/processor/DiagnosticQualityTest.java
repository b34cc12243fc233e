package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.lambdas;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Diagnostics that once misled: a wrong dtype let through, a garbled hint, errors that follow
 * from an earlier one. One problem gives one accurate error.
 */
class DiagnosticQualityTest {

  private final RecordingLambdaProcessor processor = new RecordingLambdaProcessor();

  private Compilation compile(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(processor).compile(sources);
  }

  /**
   * A mask method taking {@code Operand<TInt32> x} for a lambda whose input is
   * {@code Operand<TFloat32>} is {@code [LaminaMaskSignature]} on the mask method, like a wrong
   * return type. (Its parameters were once checked by erasure only, and the mismatch surfaced, if
   * ever, inside TensorFlow.)
   */
  @Test
  void maskMethodInputDtypeIsChecked() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Operand<TBool> maskOf(Ops tf, Operand<TInt32> x, Operand<TBool> xMask) { // 2
            return xMask;
          }

          @Lambda(mask = "maskOf")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[LaminaMaskSignature] Lambdas.maskOf, the mask "
        + "method of @Lambda method Lambdas.f").inFile(source).onLine(2);
    assertThat(processor.writtenSourceFiles()).isEmpty();
  }

  /**
   * The signature {@code [LaminaMaskMissing]} and {@code [LaminaMaskSignature]} ask for is spelt
   * right. (It was once misspelt: the first input followed {@code "(Ops tf"} with no separator,
   * {@code maskOf(Ops tfOperand<org.tensorflow.types.TFloat32> x, ...)}.)
   */
  @Test
  void maskSignatureInTheMessageIsValidJava() {
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

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("[LaminaMaskMissing]").inFile(source).onLine(3);
    assertThat(compilation).hadErrorContaining("Declare 'static Operand<TBool> maskOf(Ops tf, "
        + "Operand<").inFile(source).onLine(3);
  }

  /**
   * {@code [LaminaOutputShapeFnSignature]} (and {@code [LaminaMaskSignature]}) show the method
   * found with {@code getModifiers()}'s {@code Set.toString()}:
   * {@code found '[private, static] org.tensorflow.ndarray.Shape shapeOf(...)'}. It should read as
   * Java, {@code private static ...}.
   */
  @Test
  void foundSignatureInTheMessageReadsAsJava() {
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

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("[LaminaOutputShapeFnSignature]")
        .inFile(source).onLine(2);
    assertThat(compilation).hadErrorContaining("found 'private static ").inFile(source).onLine(2);
  }

  /**
   * One problem gives one error: a method whose only problem is a missing {@code Ops} parameter
   * gets that error alone. (It also got {@code [LaminaInputShapeCount] ... has 1 pattern for 0
   * inputs ()}, which was false, when shape declarations were checked against the inputs of a
   * parameter check that had given up early.)
   */
  @Test
  void noInputShapeCountErrorWhenTheParametersAreAlreadyWrong() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(inputShape = "(n)", outputShape = "(n)")
          static Operand<TFloat32> f(Operand<TFloat32> x) { // line 3
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[LaminaFirstParameterNotOps]")
        .inFile(source).onLine(3);
  }

  /**
   * Names are not checked against patterns that failed to parse: {@code inputShape = "(n, 4"}
   * with {@code outputShape = "(n)"} gives {@code [LaminaInputShapeSyntax]} alone. (It also gave
   * {@code [LaminaUnknownName] ... uses 'n', which no inputShape pattern binds}, which pointed the
   * user at the wrong fix.)
   */
  @Test
  void noUnknownNameErrorForASymbolOfAPatternThatDoesNotParse() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              inputShape = "(n, 4", // line 3
              outputShape = "(n)")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[LaminaInputShapeSyntax]")
        .inFile(source).onLine(3);
  }
}
