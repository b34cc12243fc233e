package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.assertOnlyError;
import static dev.lamina.processor.TestSources.lambdas;
import static dev.lamina.processor.TestSources.pkgClass;
import static dev.lamina.processor.TestSources.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.annotations.Lambda;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every declaration rule of {@code @Lambda}: one test per rejected declaration, checking the
 * catalogue tag, the key parts of the message (the method and the fix), the element it points at
 * and that no layer was written. Then the declarations the rules must still let through.
 *
 * <p>{@link TestSources#lambdas} puts the imports on the first line of the text block, so line N
 * of a text block is line N of the file; {@code // line N} marks the lines asserted.
 */
class RejectionTest {

  private final RecordingLambdaProcessor processor = new RecordingLambdaProcessor();

  private Compilation compile(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(processor).compile(sources);
  }

  private void assertNoLayerWritten() {
    assertThat(processor.writtenSourceFiles()).isEmpty();
  }

  // ---- Modifiers and enclosing classes -------------------------------------------------------

  @Test
  void notStatic() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) { // line 3
            return tf.math.square(x);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaNotStatic] @Lambda method Lambdas.square must be static: the generated layer "
            + "calls it without an instance. Add the 'static' modifier.");
    assertNoLayerWritten();
  }

  @Test
  void privateMethod() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          private static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) { // line 3
            return tf.math.square(x);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaPrivate]",
        "@Lambda method Lambdas.square must not be private",
        "the generated SquareLayer in the same package calls it",
        "Make it package-private or public.");
    assertNoLayerWritten();
  }

  @Test
  void privateInstanceMethodGetsBothErrors() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          private <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) { // line 3
            return tf.math.square(x);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation).hadErrorContaining("[LaminaNotStatic]").inFile(source).onLine(3);
    assertThat(compilation).hadErrorContaining("[LaminaPrivate]").inFile(source).onLine(3);
    assertNoLayerWritten();
  }

  /** Since Java 16 an inner class may declare static methods, which need no instance. */
  @Test
  void methodOfInnerClassIsAccepted() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          class Inner {
            @Lambda
            static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
              return tf.math.square(x);
            }
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.SquareLayer").contentsAsUtf8String()
        .contains("return Lambdas.Inner.square(tf, (Operand) inputs.get(0));");
  }

  /** Processors never see local classes; a listener on javac's analysis reports them. */
  @Test
  void methodOfLocalClass() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static void model() {
            class Local {
              @Lambda
              static Operand<TFloat32> square(Ops tf, Operand<TFloat32> x) { // line 5
                return tf.math.square(x);
              }
            }
          }
        }
        """);

    Compilation compilation = TestSources.compile(source);

    assertOnlyError(compilation, source, 5,
        "[LaminaLocalClass]",
        "@Lambda method Local.square is in the local class Local: annotation processors cannot "
            + "see local and anonymous classes",
        "Move the method to a top-level class or a nested (member) class.");
  }

  @Test
  void methodOfAnonymousClass() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static final Object HOLDER = new Object() {
            @Lambda
            static Operand<TFloat32> square(Ops tf, Operand<TFloat32> x) { // line 4
              return tf.math.square(x);
            }
          };
        }
        """);

    Compilation compilation = TestSources.compile(source);

    assertOnlyError(compilation, source, 4, "[LaminaLocalClass]", "is in an anonymous class");
  }

  /** Under a build tool that wraps javac's environment (Gradle does), as under plain javac. */
  @Test
  void methodOfLocalClassUnderAWrappedEnvironment() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static void model() {
            class Local {
              @Lambda
              static Operand<TFloat32> square(Ops tf, Operand<TFloat32> x) { // line 5
                return tf.math.square(x);
              }
            }
          }
        }
        """);

    Compilation compilation = Compiler.javac().withProcessors(new WrappingProcessor())
        .compile(source);

    assertOnlyError(compilation, source, 5, "[LaminaLocalClass]");
  }

  /** Hands a {@link LambdaProcessor} a delegating environment, as Gradle's wrapper does. */
  private static final class WrappingProcessor extends javax.annotation.processing.AbstractProcessor {
    private final LambdaProcessor delegate = new LambdaProcessor();

    @Override
    public synchronized void init(javax.annotation.processing.ProcessingEnvironment env) {
      super.init(env);
      delegate.init(new DelegatingEnvironment(env));
    }

    @Override
    public java.util.Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public javax.lang.model.SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public boolean process(java.util.Set<? extends javax.lang.model.element.TypeElement> types,
        javax.annotation.processing.RoundEnvironment round) {
      return delegate.process(types, round);
    }
  }

  private static final class DelegatingEnvironment
      implements javax.annotation.processing.ProcessingEnvironment {
    private final javax.annotation.processing.ProcessingEnvironment delegate;

    DelegatingEnvironment(javax.annotation.processing.ProcessingEnvironment delegate) {
      this.delegate = delegate;
    }

    @Override
    public java.util.Map<String, String> getOptions() {
      return delegate.getOptions();
    }

    @Override
    public javax.annotation.processing.Messager getMessager() {
      return delegate.getMessager();
    }

    @Override
    public javax.annotation.processing.Filer getFiler() {
      return delegate.getFiler();
    }

    @Override
    public javax.lang.model.util.Elements getElementUtils() {
      return delegate.getElementUtils();
    }

    @Override
    public javax.lang.model.util.Types getTypeUtils() {
      return delegate.getTypeUtils();
    }

    @Override
    public javax.lang.model.SourceVersion getSourceVersion() {
      return delegate.getSourceVersion();
    }

    @Override
    public java.util.Locale getLocale() {
      return delegate.getLocale();
    }
  }

  // ---- Types that do not resolve: deferred, then left to javac --------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "misspelt dtype     | static Operand<TFloat32> f(Ops tf, Operand<TFlaot32> x)",
      "misspelt bound     | static <T extends TNumbr> Operand<T> f(Ops tf, Operand<T> x)",
      "misspelt @Arg type | static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg Mdoe m)",
      "misspelt return    | static Operand<TFlaot32> f(Ops tf, Operand<TFloat32> x)",
      "misspelt Operand   | static Operand<TFloat32> f(Ops tf, Operan<TFloat32> x)",
  })
  void unresolvedTypeIsLeftToJavac(String kind, String declaration) {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          %s { // line 3
            return null;
          }
        }
        """.formatted(declaration));

    Compilation compilation = compile(source);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("cannot find symbol").inFile(source).onLine(3);
    assertNoLayerWritten();
  }

  @Test
  void unresolvedTypeInTheShapeFunctionIsLeftToJavac() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Shape fShape(Shpe x) { // line 2
            return null;
          }

          @Lambda(outputShapeFn = "fShape")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("cannot find symbol").inFile(source).onLine(2);
    assertNoLayerWritten();
  }

  /** A type another processor generates in the first round resolves in the second. */
  @Test
  void typeGeneratedInALaterRoundIsWaitedFor() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg Mode mode) {
            return x;
          }
        }
        """);

    Compilation compilation = Compiler.javac()
        .withProcessors(new ModeGenerator(), processor)
        .compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.FLayer");
    assertThat(compilation).generatedSourceFile("pkg.FLayer").contentsAsUtf8String()
        .contains("public static FLayer of(Mode mode)");
  }

  /** Writes {@code enum pkg.Mode} in its first round, as a code generator would. */
  private static final class ModeGenerator extends javax.annotation.processing.AbstractProcessor {
    private boolean done;

    @Override
    public java.util.Set<String> getSupportedAnnotationTypes() {
      return java.util.Set.of("*");
    }

    @Override
    public javax.lang.model.SourceVersion getSupportedSourceVersion() {
      return javax.lang.model.SourceVersion.latestSupported();
    }

    @Override
    public boolean process(java.util.Set<? extends javax.lang.model.element.TypeElement> ignored,
        javax.annotation.processing.RoundEnvironment round) {
      if (!done) {
        done = true;
        try (java.io.Writer out = processingEnv.getFiler().createSourceFile("pkg.Mode")
            .openWriter()) {
          out.write("package pkg; public enum Mode { A, B }");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  @Test
  void methodOfPrivateClass() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          private static class Hidden {
            @Lambda
            static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) { // line 4
              return tf.math.square(x);
            }
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaPrivateClass]",
        "@Lambda method Hidden.square is in pkg.Lambdas.Hidden, which is private",
        "Make the class package-private or public.");
    assertNoLayerWritten();
  }

  @Test
  void methodOfClassNestedInPrivateClass() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          private static class Outer {
            static class Nested {
              @Lambda
              static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) { // line 5
                return tf.math.square(x);
              }
            }
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5,
        "[LaminaPrivateClass]",
        "@Lambda method Nested.square is in pkg.Lambdas.Outer, which is private",
        "Make the class package-private or public.");
    assertNoLayerWritten();
  }

  // ---- Parameters ----------------------------------------------------------------------------

  @Test
  void noParameters() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> zeros() { // line 3
            return null;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaFirstParameterNotOps]",
        "@Lambda method Lambdas.zeros must take org.tensorflow.op.Ops as its first parameter",
        "but it has no parameters.",
        "Add 'Ops tf' as the first parameter.");
    assertNoLayerWritten();
  }

  @Test
  void firstParameterIsNotOps() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <T extends TNumber> Operand<T> square(
              Operand<T> x, // line 4
              Ops tf) {
            return tf.math.square(x);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaFirstParameterNotOps]",
        "@Lambda method Lambdas.square must take org.tensorflow.op.Ops as its first parameter",
        "but it starts with 'org.tensorflow.Operand<T> x'.",
        "Add 'Ops tf' as the first parameter.");
    assertNoLayerWritten();
  }

  @Test
  void noInputs() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> constant(Ops tf, @Arg float value) { // line 3
            return tf.constant(value);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaNoInputs]",
        "@Lambda method Lambdas.constant takes no Operand input: a layer needs at least one.",
        "Add an 'Operand<T> x' parameter after the Ops parameter.");
    assertNoLayerWritten();
  }

  @Test
  void parameterNeitherInputNorArg() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> scale(
              Ops tf,
              Operand<TFloat32> x,
              float factor) { // line 6
            return tf.math.mul(x, tf.constant(factor));
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 6,
        "[LaminaNotAnInput]",
        "Parameter factor of @Lambda method Lambdas.scale has type float, which is neither an "
            + "input nor an argument.",
        "Make it an Operand<T> input, or annotate it @Arg to pass a fixed value.");
    assertNoLayerWritten();
  }

  @Test
  void inputAfterArg() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> concat(
              Ops tf,
              Operand<TFloat32> x,
              @Arg int axis,
              Operand<TFloat32> y) { // line 7
            return tf.concat(List.of(x, y), tf.constant(axis));
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 7,
        "[LaminaInputAfterArg]",
        "Input y of @Lambda method Lambdas.concat comes after the @Arg parameter axis.",
        "Put every Operand input before the @Arg parameters.");
    assertNoLayerWritten();
  }

  @Test
  void rawOperandInput() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> identity(
              Ops tf,
              Operand x) { // line 5
            return null;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5,
        "[LaminaInputTypeArgument]",
        "Input x of @Lambda method Lambdas.identity has type org.tensorflow.Operand: its dtype "
            + "must be a concrete TensorFlow type (Operand<TFloat32>) or a type variable of the "
            + "method");
    assertNoLayerWritten();
  }

  @Test
  void wildcardOperandInput() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> identity(
              Ops tf,
              Operand<?> x) { // line 5
            return null;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5,
        "[LaminaInputTypeArgument]",
        "Input x of @Lambda method Lambdas.identity has type org.tensorflow.Operand<?>:",
        "or a type variable of the method");
    assertNoLayerWritten();
  }

  @Test
  void boundedWildcardOperandInput() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> identity(
              Ops tf,
              Operand<? extends TNumber> x) { // line 5
            return null;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5,
        "[LaminaInputTypeArgument]",
        "Input x of @Lambda method Lambdas.identity has type "
            + "org.tensorflow.Operand<? extends org.tensorflow.types.family.TNumber>:",
        "or a type variable of the method");
    assertNoLayerWritten();
  }

  @Test
  void dtypeFamilyInput() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> magnitude(
              Ops tf,
              Operand<TNumber> x) { // line 5
            return null;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5,
        "[LaminaInputTypeArgument]",
        "Input x of @Lambda method Lambdas.magnitude has type "
            + "org.tensorflow.Operand<org.tensorflow.types.family.TNumber>:",
        "dtype families such as TNumber");
    assertNoLayerWritten();
  }

  @Test
  void argOnOperand() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> shift(
              Ops tf,
              Operand<TFloat32> x,
              @Arg Operand<TFloat32> offset) { // line 6
            return tf.math.add(x, offset);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 6,
        "[LaminaArgOnOperand]",
        "Parameter offset of @Lambda method Lambdas.shift is an Operand annotated @Arg: @Arg "
            + "values are fixed Java values, not tensors.",
        "Remove @Arg to make it an input.");
    assertNoLayerWritten();
  }

  @Test
  void argOfListType() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> pick(
              Ops tf,
              Operand<TFloat32> x,
              @Arg List<String> names) { // line 6
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 6,
        "[LaminaArgType]",
        "@Arg parameter names of @Lambda method Lambdas.pick has type "
            + "java.util.List<java.lang.String>, which a layer cannot hold as an argument.",
        "Use a primitive, a boxed primitive, String, an enum");
    assertNoLayerWritten();
  }

  @Test
  void argOfObjectType() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> pick(
              Ops tf,
              Operand<TFloat32> x,
              @Arg Object key) { // line 6
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 6,
        "[LaminaArgType]",
        "@Arg parameter key of @Lambda method Lambdas.pick has type java.lang.Object,",
        "Use a primitive, a boxed primitive, String, an enum");
    assertNoLayerWritten();
  }

  @Test
  void argOfPrivateEnum() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          private enum Mode { SUM, MAX }

          @Lambda
          static Operand<TFloat32> reduce(
              Ops tf,
              Operand<TFloat32> x,
              @Arg Mode mode) { // line 8
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    // Not javac's "Mode has private access" in the generated file.
    assertOnlyError(compilation, source, 8,
        "[LaminaArgType]",
        "@Arg parameter mode of @Lambda method Lambdas.reduce has type pkg.Lambdas.Mode,",
        "an enum the generated class can see (not private)");
    assertNoLayerWritten();
  }

  @Test
  void argOfNonPrimitiveArrayType() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> pick(
              Ops tf,
              Operand<TFloat32> x,
              @Arg String[] labels) { // line 6
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 6,
        "[LaminaArgType]",
        "@Arg parameter labels of @Lambda method Lambdas.pick has type java.lang.String[],",
        "Use a primitive, a boxed primitive, String, an enum");
    assertNoLayerWritten();
  }

  @Test
  void varargsArg() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> sum(Ops tf, Operand<TFloat32> x, @Arg int... axes) { // line 3
            return tf.reduceSum(x, tf.constant(axes));
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaVarargs]",
        "@Lambda method Lambdas.sum is varargs: a layer has a fixed number of inputs and "
            + "arguments.",
        "Declare each input as its own Operand parameter, or pass an array as an @Arg.");
    assertNoLayerWritten();
  }

  @Test
  void varargsInputs() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> sum(Ops tf, Operand<TFloat32>... xs) { // line 3
            return tf.math.addN(List.of(xs));
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("[LaminaVarargs]").inFile(source).onLine(3);
    assertThat(compilation).hadErrorContaining("@Lambda method Lambdas.sum is varargs")
        .inFile(source).onLine(3);
    assertNoLayerWritten();
  }

  // ---- @Training -----------------------------------------------------------------------------

  @Test
  void trainingOfBoxedBoolean() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              @Training Boolean training) { // line 4
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaTrainingType]",
        "@Training parameter training of @Lambda method Lambdas.noisy has type java.lang.Boolean",
        "Declare it '@Training boolean training'.");
    assertNoLayerWritten();
  }

  @Test
  void trainingOfInt() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              @Training int mode) { // line 4
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4, "[LaminaTrainingType]", "has type int",
        "Declare it '@Training boolean mode'.");
    assertNoLayerWritten();
  }

  @Test
  void twoTrainingParameters() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              @Training boolean training,
              @Arg float rate,
              @Training boolean again) { // line 6
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 6,
        "[LaminaTrainingTwice]",
        "@Training parameter again of @Lambda method Lambdas.noisy repeats the @Training "
            + "parameter training",
        "Remove one of them.");
    assertNoLayerWritten();
  }

  @Test
  void argAndTrainingOnOneParameter() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              @Arg @Training boolean training) { // line 4
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaArgAndTraining]",
        "Parameter training of @Lambda method Lambdas.noisy is annotated both @Arg and @Training.",
        "Keep @Arg for a value fixed when the layer is created, or @Training for Keras's training "
            + "flag.");
    assertNoLayerWritten();
  }

  @Test
  void trainingBeforeAnInput() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              @Training boolean training,
              Operand<TFloat32> y) { // line 5
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5,
        "[LaminaInputAfterTraining]",
        "Input y of @Lambda method Lambdas.noisy comes after the @Training parameter training.",
        "Put every Operand input before the @Training parameter.");
    assertNoLayerWritten();
  }

  @Test
  void plainBooleanGetsTheTrainingHint() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              boolean training) { // line 4
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaNotAnInput]",
        "Parameter training of @Lambda method Lambdas.noisy has type boolean, which is neither an "
            + "input nor an argument.",
        "Make it an Operand<T> input, or annotate it @Arg to pass a fixed value. A boolean "
            + "parameter may instead be @Training, to receive Keras's training flag.");
    assertNoLayerWritten();
  }

  @Test
  void trainingBeforeBetweenOrAfterArgsIsAccepted() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> before(Ops tf, Operand<TFloat32> x, @Training boolean training,
              @Arg int a, @Arg int b) {
            return x;
          }

          @Lambda
          static Operand<TFloat32> between(Ops tf, Operand<TFloat32> x, @Arg int a,
              @Training boolean training, @Arg int b) {
            return x;
          }

          @Lambda
          static Operand<TFloat32> after(Ops tf, Operand<TFloat32> x, @Arg int a, @Arg int b,
              @Training boolean training) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.BeforeLayer").contentsAsUtf8String()
        .contains("Lambdas.before(tf, (Operand) inputs.get(0), training, this.a, this.b)");
    assertThat(compilation).generatedSourceFile("pkg.BetweenLayer").contentsAsUtf8String()
        .contains("Lambdas.between(tf, (Operand) inputs.get(0), this.a, training, this.b)");
    assertThat(compilation).generatedSourceFile("pkg.AfterLayer").contentsAsUtf8String()
        .contains("Lambdas.after(tf, (Operand) inputs.get(0), this.a, this.b, training)");
  }

  // ---- Return type and type variables --------------------------------------------------------

  @Test
  void returnsPrimitive() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static float mean(Ops tf, Operand<TFloat32> x) { // line 3
            return 0f;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaReturnType]",
        "@Lambda method Lambdas.mean returns float; it must return Operand<R>, with R a "
            + "concrete TensorFlow type (TFloat32, ...) or a type variable of the method.");
    assertNoLayerWritten();
  }

  @Test
  void returnsRawOperand() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand identity(Ops tf, Operand<TFloat32> x) { // line 3
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaReturnType]",
        "@Lambda method Lambdas.identity returns org.tensorflow.Operand; it must return "
            + "Operand<R>");
    assertNoLayerWritten();
  }

  @Test
  void returnsWildcardOperand() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<?> identity(Ops tf, Operand<TFloat32> x) { // line 3
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaReturnType]",
        "@Lambda method Lambdas.identity returns org.tensorflow.Operand<?>; it must return "
            + "Operand<R>");
    assertNoLayerWritten();
  }

  @Test
  void returnsDtypeFamily() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <T extends TNumber> Operand<TNumber> identity(Ops tf, Operand<T> x) { // line 3
            return null;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaReturnType]",
        "@Lambda method Lambdas.identity returns "
            + "org.tensorflow.Operand<org.tensorflow.types.family.TNumber>; it must return "
            + "Operand<R>, with R a concrete TensorFlow type");
    assertNoLayerWritten();
  }

  @Test
  void returnTypeVariableNoInputUses() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <T extends TNumber, R extends TNumber> Operand<R> cast( // line 3
              Ops tf, Operand<T> x) {
            return null;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaUnboundReturnType]",
        "@Lambda method Lambdas.cast returns Operand<R>, but no input uses type variable R, so "
            + "a caller could pick any dtype for the output.",
        "Return a concrete type, or a type variable that an input's Operand uses.");
    assertNoLayerWritten();
  }

  @Test
  void unboundedTypeVariable() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <T extends TNumber,
              U> Operand<T> identity(Ops tf, Operand<T> x) { // line 4: U
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaTypeVariableBound]",
        "Type variable U of @Lambda method Lambdas.identity is bounded by java.lang.Object:",
        "a layer's dtype variables must be bounded by TensorFlow types, e.g. <U extends TNumber> "
            + "or <U extends TType>.");
    assertNoLayerWritten();
  }

  @Test
  void typeVariableBoundedByNonTensorFlowType() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <T extends TNumber,
              C extends Comparable<C>> Operand<T> identity( // line 4: C
                  Ops tf, Operand<T> x, @Arg int c) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaTypeVariableBound]",
        "Type variable C of @Lambda method Lambdas.identity is bounded by "
            + "java.lang.Comparable<C>:",
        "e.g. <C extends TNumber> or <C extends TType>.");
    assertNoLayerWritten();
  }

  @Test
  void intersectionBoundWithNonTensorFlowType() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <
              T extends TNumber & Comparable<T>> Operand<T> identity( // line 4: T
                  Ops tf, Operand<T> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaTypeVariableBound]",
        "Type variable T of @Lambda method Lambdas.identity is bounded by "
            + "java.lang.Comparable<T>:");
    assertNoLayerWritten();
  }

  @Test
  void checkedException() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> load(Ops tf, Operand<TFloat32> x) // line 3
              throws java.io.IOException {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 3,
        "[LaminaCheckedException]",
        "@Lambda method Lambdas.load declares the checked exception java.io.IOException, which "
            + "the generated layer cannot propagate.",
        "Catch it in the method, or wrap it in an unchecked exception.");
    assertNoLayerWritten();
  }

  // ---- Annotation values ---------------------------------------------------------------------

  @ParameterizedTest(name = "outputShape \"{0}\": {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      4, 1                   | a shape starts with '(', found '4' at column 1
      (4, 1                  | expected ',' or ')' but found the end at column 6
      (4 1)                  | expected ',' or ')' but found '1' at column 4
      (4,,1)                 | missing dim before ',' at column 4
      (4; 1)                 | unexpected character ';' at column 3
      [4, 1]                 | unexpected character '[' at column 1
      (4, 2 *)               | expected a number, '?', a name or '(' but found ')' at column 8
      (4, 1x)                | a name cannot start with a digit at column 5
      (99999999999999999999) | size 99999999999999999999 is too large at column 2
      """)
  void outputShapeSyntax(String shape, String problem) {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              className = "Shaped",
              outputShape = "%s") // line 4
          static Operand<TFloat32> identity(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """.formatted(shape));

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaOutputShapeSyntax]",
        "outputShape \"" + shape + "\" of @Lambda method Lambdas.identity is not a shape: "
            + problem + ".",
        "Write the shape of one sample, batch excluded, like \"(4, 1)\"");
    // On the value itself, not on the annotation or the method.
    assertThat(compilation).hadErrorContaining("[LaminaOutputShapeSyntax]")
        .inFile(source).onLine(4).atColumn(21);
    assertNoLayerWritten();
  }

  @ParameterizedTest(name = "className \"{0}\"")
  @ValueSource(strings = {"Square Layer", "pkg.SquareLayer", "class", "9Lives", "Square-Layer",
      "_", "var", "yield", "record", "sealed", "permits"})
  void invalidClassName(String className) {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(
              outputShape = "(4)",
              className = "%s") // line 4
          static Operand<TFloat32> identity(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """.formatted(className));

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaClassName]",
        "className \"" + className + "\" of @Lambda method Lambdas.identity is not a valid Java "
            + "class name.",
        "Use a simple identifier such as \"SquareLayer\", or leave className empty.");
    assertNoLayerWritten();
  }

  @Test
  void classNameOfAClassOfThePackage() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(className = "Lambdas") // line 2: the error is on the value
          static Operand<TFloat32> identity(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    // Not a [LaminaInternalError] from the Filer's "Attempt to recreate a file".
    assertOnlyError(compilation, source, 2,
        "[LaminaClassNameTaken]",
        "@Lambda method Lambdas.identity would generate pkg.Lambdas, but a class of that name is "
            + "already declared in the package.",
        "Give the layer another name with @Lambda(className = \"...\").");
    assertNoLayerWritten();
  }

  @Test
  void defaultLayerNameTakenByAHandWrittenClass() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) { // line 3
            return tf.math.square(x);
          }
        }
        """);
    JavaFileObject handWritten = pkgClass("SquareLayer", """
        class SquareLayer {}
        """);

    Compilation compilation = compile(source, handWritten);

    assertOnlyError(compilation, source, 3,
        "[LaminaClassNameTaken]",
        "@Lambda method Lambdas.square would generate pkg.SquareLayer, but a class of that name "
            + "is already declared in the package.");
    assertNoLayerWritten();
  }

  @Test
  void sameLayerNameFromTwoClassesOfOnePackage() {
    JavaFileObject first = pkgClass("First", """
        class First {
          @Lambda
          static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
            return tf.math.square(x);
          }
        }
        """);
    JavaFileObject second = pkgClass("Second", """
        class Second {
          @Lambda
          static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) { // line 3
            return tf.math.mul(x, x);
          }
        }
        """);

    Compilation compilation = compile(first, second);

    assertOnlyError(compilation, second, 3,
        "[LaminaDuplicateClassName]",
        "@Lambda method Second.square(Ops, Operand<T>) would generate pkg.SquareLayer, which "
            + "@Lambda method First.square(Ops, Operand<T>) generates too.",
        "Give one of them another name with @Lambda(className = \"...\").");
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.SquareLayer");
  }

  @Test
  void classNameTakenByAnotherMethodsDefault() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
            return tf.math.square(x);
          }

          @Lambda(className = "SquareLayer") // line 7: the error is on the value
          static <T extends TNumber> Operand<T> squared(Ops tf, Operand<T> x) {
            return tf.math.mul(x, x);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 7,
        "[LaminaDuplicateClassName]",
        "@Lambda method Lambdas.squared(Ops, Operand<T>) would generate pkg.SquareLayer, which "
            + "@Lambda method Lambdas.square(Ops, Operand<T>) generates too.");
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.SquareLayer");
  }

  @Test
  void overloadsShareTheDefaultLayerName() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
            return tf.math.square(x);
          }

          @Lambda
          static Operand<TFloat32> square(Ops tf, Operand<TFloat32> x, @Arg float scale) { // 8
            return tf.math.mul(tf.math.square(x), tf.constant(scale));
          }
        }
        """);

    Compilation compilation = compile(source);

    // The message tells the overloads apart by their parameter types.
    assertOnlyError(compilation, source, 8,
        "[LaminaDuplicateClassName]",
        "@Lambda method Lambdas.square(Ops, Operand<TFloat32>, float) would generate "
            + "pkg.SquareLayer, which @Lambda method Lambdas.square(Ops, Operand<T>) generates "
            + "too.");
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.SquareLayer");
  }

  // ---- Environment ---------------------------------------------------------------------------

  @Test
  void tensorFlowMissingFromClasspath() throws URISyntaxException {
    JavaFileObject source = source("pkg.Lambdas", """
        package pkg;

        import dev.lamina.annotations.Lambda;

        class Lambdas {
          @Lambda
          static Object square(Object x) { // line 7
            return x;
          }
        }
        """);

    Compilation compilation = Compiler.javac()
        .withProcessors(processor)
        .withClasspath(List.of(jarOf(Lambda.class)))
        .compile(source);

    assertOnlyError(compilation, source, 7,
        "[LaminaNoTensorFlow]",
        "@Lambda method Lambdas.square cannot be checked: TensorFlow Java "
            + "(org.tensorflow.op.Ops, org.tensorflow.Operand) is not on the compile classpath.",
        "Add the dependency org.tensorflow:tensorflow-core-api, or lamina-runtime, which brings "
            + "it.");
    assertNoLayerWritten();
  }

  private static File jarOf(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile();
  }

  // ---- Several declarations ------------------------------------------------------------------

  @Test
  void errorsInTwoMethodsAreBothReportedAndTheValidMethodStillGetsItsLayer() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) { // line 3
            return tf.math.square(x);
          }

          @Lambda
          static float mean(Ops tf, Operand<TFloat32> x) { // line 8
            return 0f;
          }

          @Lambda
          static <T extends TNumber> Operand<T> add(Ops tf, Operand<T> x, Operand<T> y) {
            return tf.math.add(x, y);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation).hadErrorContaining("[LaminaNotStatic] @Lambda method Lambdas.square")
        .inFile(source).onLine(3);
    assertThat(compilation).hadErrorContaining("[LaminaReturnType] @Lambda method Lambdas.mean")
        .inFile(source).onLine(8);
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.AddLayer");
  }

  // ---- Accepted: the rules are no broader than they say ---------------------------------------

  @Test
  void validDeclarationCompilesWithoutWarnings() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          enum Mode { SUM, MAX }

          /**
           * Scales x.
           *
           * @param x a tensor
           * @param factor the factor
           */
          @Lambda(outputShape = "(?, 2)")
          public static Operand<TFloat32> scale(
              Ops tf, Operand<TFloat32> x, @Arg float factor, @Arg int[] axes, @Arg Mode mode) {
            return tf.math.mul(x, tf.constant(factor));
          }

          @Lambda
          static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
            return tf.math.square(x);
          }
        }
        """);

    Compilation compilation = Compiler.javac()
        .withProcessors(processor)
        .withOptions("-Xlint:all,-processing") // as the project's own build
        .compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    for (Diagnostic<?> diagnostic : compilation.diagnostics()) {
      assertThat(diagnostic.getMessage(null)).doesNotContain("Lamina");
    }
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.ScaleLayer", "pkg.SquareLayer");
  }

  @Test
  void everySupportedArgTypeIsAccepted() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          enum Mode { SUM, MAX }

          @Lambda
          static Operand<TFloat32> f(
              Ops tf,
              Operand<TFloat32> x,
              @Arg boolean a,
              @Arg byte b,
              @Arg char c,
              @Arg short d,
              @Arg int e,
              @Arg long f,
              @Arg float g,
              @Arg double h,
              @Arg Integer i,
              @Arg Double j,
              @Arg String k,
              @Arg Mode l,
              @Arg long[] m,
              @Arg boolean[] n) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.FLayer");
  }

  @Test
  void uncheckedExceptionsAndTensorFlowBoundsAreAccepted() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <T extends TFloating, U extends TType> Operand<T> f(
              Ops tf, Operand<T> x, Operand<U> y, Operand<TInt32> z)
              throws IllegalArgumentException, AssertionError {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.FLayer").contentsAsUtf8String()
        .containsMatch("public <T extends TFloating, U extends TType> SymbolicTensor<T> apply\\("
            + "SymbolicTensor<T> x,\\s+SymbolicTensor<U> y,\\s+SymbolicTensor<TInt32> z\\)");
  }

  @Test
  void staticNestedClassesInterfacesEnumsAndRecordsAreAccepted() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static class Nested {
            @Lambda
            static Operand<TFloat32> a(Ops tf, Operand<TFloat32> x) {
              return x;
            }
          }

          interface Api {
            @Lambda
            static Operand<TFloat32> b(Ops tf, Operand<TFloat32> x) {
              return x;
            }
          }

          enum Kind {
            ONE;

            @Lambda
            static Operand<TFloat32> c(Ops tf, Operand<TFloat32> x) {
              return x;
            }
          }

          record Pair(int left, int right) {
            @Lambda
            static Operand<TFloat32> d(Ops tf, Operand<TFloat32> x) {
              return x;
            }
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(processor.writtenSourceFiles())
        .containsExactly("pkg.ALayer", "pkg.BLayer", "pkg.CLayer", "pkg.DLayer");
    assertThat(compilation).generatedSourceFile("pkg.BLayer").contentsAsUtf8String()
        .contains("return Lambdas.Api.b(tf, (Operand) inputs.get(0));");
  }

  @ParameterizedTest(name = "outputShape \"{0}\"")
  @ValueSource(strings = {"()", "(4)", "(4,)", "(?, 2)", " ( 4 , 1 ) ", "(0, 3, ?)"})
  void validOutputShapes(String shape) {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(outputShape = "%s")
          static Operand<TFloat32> identity(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """.formatted(shape));

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.IdentityLayer");
    // The declaration as written is kept for the layer's run-time messages.
    assertThat(compilation).generatedSourceFile("pkg.IdentityLayer").contentsAsUtf8String()
        .contains("\"" + shape + "\"");
  }
}
