package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.compile;
import static dev.lamina.processor.TestSources.lambdas;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * One naming rule (issue 10, item 7): a method name gives the generated class in UpperCamel and
 * the layer's default name in Keras's snake_case. The rule itself is
 * {@code dev.lamina.annotations.naming.LayerNames}, shared with the runtime and tested over a
 * table in the annotations module; this checks that the generated sources carry its names.
 */
class NamingRuleTest {

  @Test
  void generatedClassesAndDefaultNamesFollowTheRule() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> l2_norm(Ops tf, Operand<TFloat32> x) {
            return x;
          }

          @Lambda
          static Operand<TFloat32> slice_first(Ops tf, Operand<TFloat32> x) {
            return x;
          }

          @Lambda
          static Operand<TFloat32> parseHTTPResponse(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);
    Compilation compilation = compile(source);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.L2NormLayer").contentsAsUtf8String()
        .contains("\"L2NormLayer\",\n      \"Lambdas.l2_norm\",\n      \"l2_norm\",");
    assertThat(compilation).generatedSourceFile("pkg.SliceFirstLayer").contentsAsUtf8String()
        .contains("\"SliceFirstLayer\",\n      \"Lambdas.slice_first\",\n      \"slice_first\",");
    assertThat(compilation).generatedSourceFile("pkg.ParseHTTPResponseLayer")
        .contentsAsUtf8String().contains("\"ParseHTTPResponseLayer\",\n      "
            + "\"Lambdas.parseHTTPResponse\",\n      \"parse_http_response\",");
  }
}
