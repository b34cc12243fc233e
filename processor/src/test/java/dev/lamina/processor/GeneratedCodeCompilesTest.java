package dev.lamina.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.compile;
import static dev.lamina.processor.TestSources.lambdas;

import com.google.testing.compile.Compilation;
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
}
