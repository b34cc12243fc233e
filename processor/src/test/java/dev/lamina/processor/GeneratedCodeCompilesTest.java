package dev.lamina.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.compile;
import static dev.lamina.processor.TestSources.lambdas;
import static dev.lamina.processor.TestSources.pkgClass;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Valid declarations whose names could trip the generated code still compile without warnings. */
class GeneratedCodeCompilesTest {

  @Test
  void argumentsNamedLikeTypesTheLayerUses() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(inputShape = "(n)", outputShape = "(n)", requires = "List < n")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int List,
              @Arg int Objects, @Arg int Map, @Arg int Operand, @Arg int Shape) {
            return x;
          }
        }
        """);
    Compilation compilation = compile(source);
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void nonAsciiMethodNamesGiveValidLayerNames() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> größe(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);
    Compilation compilation = compile(source);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.GrößeLayer")
        .contentsAsUtf8String().contains("\"gr__e\"");
  }

  // ---- Names a user can take (issue 10, item 5) ------------------------------------------------

  /** A strict build: every lint, warnings as errors. */
  private static Compilation compileStrictly(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(new LambdaProcessor())
        .withOptions("-Xlint:all", "-Werror")
        .compile(sources);
  }

  @Test
  void argumentNamedOf() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int of, @Arg float[] to) {
            return x;
          }
        }
        """);
    assertThat(compileStrictly(source)).succeededWithoutWarnings();
  }

  @Test
  void layerClassNamedBuilder() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(className = "Builder")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int a, @Arg int b) {
            return x;
          }
        }
        """);
    Compilation compilation = compileStrictly(source);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.Builder").contentsAsUtf8String()
        .contains("public static ArgumentsBuilder builder()");
  }

  @Test
  void argumentNamedLikeTheDeclaringClass() {
    JavaFileObject source = pkgClass("K", """
        class K {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int K) {
            return x;
          }
        }
        """);
    assertThat(compileStrictly(source)).succeededWithoutWarnings();
  }

  @Test
  void argumentNamedLikeASamePackageClassItsTypeUses() {
    JavaFileObject mode = pkgClass("Mode", "enum Mode { A, B }");
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg Mode m, @Arg int Mode,
              @Arg int Lambdas) {
            return x;
          }
        }
        """);
    assertThat(compileStrictly(mode, source)).succeededWithoutWarnings();
  }

  /** OutputSpec is a member type every layer inherits from the runtime's Layer. */
  @Test
  void declaringClassNamedLikeAnInheritedMemberType() {
    JavaFileObject source = pkgClass("OutputSpec", """
        class OutputSpec {
          static Shape fShape(Shape x) {
            return x;
          }

          @Lambda(outputShapeFn = "fShape")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);
    Compilation compilation = compileStrictly(source);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.FLayer").contentsAsUtf8String()
        .contains("return pkg.OutputSpec.f(tf, (Operand) inputs.get(0));");
  }

  @Test
  void argTypeNamedLikeAnInheritedMemberTypeIsAnErrorNotABrokenLayer() {
    JavaFileObject mask = pkgClass("MaskFunction", "enum MaskFunction { A }");
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x,
              @Arg MaskFunction m) { // line 4
            return x;
          }
        }
        """);
    Compilation compilation = compileStrictly(mask, source);
    TestSources.assertOnlyError(compilation, source, 4, "[LaminaArgTypeHidden]",
        "@Arg parameter m of @Lambda method Lambdas.f has type pkg.MaskFunction, whose simple "
            + "name the generated layer inherits from LambdaLayer as a member type (MaskFunction)",
        "Rename the type, or nest it in a class.");
  }

  @Test
  void layerClassNamedOverride() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(className = "Override")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }

          @Lambda(inputShape = "(n)", outputShape = "(n)", mask = "gMask")
          static Operand<TFloat32> g(Ops tf, Operand<TFloat32> x) {
            return x;
          }

          static Operand<TBool> gMask(Ops tf, Operand<TFloat32> x, Operand<TBool> xMask) {
            return xMask;
          }
        }
        """);
    Compilation compilation = compileStrictly(source);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.GLayer").contentsAsUtf8String()
        .contains("@java.lang.Override");
  }

  @Test
  void samePackageClassesNamedLikeJavaLangTypes() {
    JavaFileObject string = pkgClass("String", "class String {}");
    JavaFileObject deprecated = pkgClass("SuppressWarnings", "class SuppressWarnings {}");
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int a, @Arg long b) {
            return x;
          }
        }
        """);
    assertThat(compileStrictly(string, deprecated, source)).succeededWithoutWarnings();
  }

  @Test
  void deprecatedLambdaGivesADeprecatedLayerAndNoWarning() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          /** @deprecated use something else */
          @Deprecated
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);
    Compilation compilation = compileStrictly(source);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.FLayer").contentsAsUtf8String()
        .contains("@Deprecated\n@SuppressWarnings({\"deprecation\", \"removal\"})\n"
            + "public final class FLayer");
  }

  @Test
  void lambdaUsingDeprecatedThingsCompilesWithoutWarning() {
    JavaFileObject old = pkgClass("Old", "@Deprecated(forRemoval = true) enum Old { A }");
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Deprecated(forRemoval = true)
          static Shape fShape(Shape x) {
            return x;
          }

          @Lambda(outputShapeFn = "fShape")
          @SuppressWarnings("removal")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg Old old) {
            return x;
          }
        }
        """);
    Compilation compilation = compileStrictly(old, source);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.FLayer").contentsAsUtf8String()
        .doesNotContain("@Deprecated");
  }

  // ---- Strict builds (issue 10, item 6) --------------------------------------------------------

  @Test
  void strictBuildOfEveryAnnotation() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(inputShape = "(n)", outputShape = "(n)")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int a,
              @Training boolean training) {
            return x;
          }
        }
        """);
    assertThat(compileStrictly(source)).succeededWithoutWarnings();
  }
}
