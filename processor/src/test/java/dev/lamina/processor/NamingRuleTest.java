package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.compile;
import static dev.lamina.processor.TestSources.lambdas;

import com.google.testing.compile.Compilation;
import dev.lamina.runtime.Layer;
import java.lang.reflect.Method;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One naming rule (issue 10, item 7): a method name gives the generated class in UpperCamel and
 * the layer's default name in Keras's snake_case, and the runtime's rule for any layer class gives
 * that same default name from the class name. One table, worked out by hand from the rule as the
 * README states it, checks the processor's and the runtime's implementations.
 */
class NamingRuleTest {

  @ParameterizedTest(name = "{0}: {1}, \"{2}\"")
  @CsvSource(delimiter = '|', textBlock = """
      square            | SquareLayer            | square
      sliceColumn       | SliceColumnLayer       | slice_column
      l2_norm           | L2NormLayer            | l2_norm
      slice_first       | SliceFirstLayer        | slice_first
      applyHTTP         | ApplyHTTPLayer         | apply_http
      parseHTTPResponse | ParseHTTPResponseLayer | parse_http_response
      x2y               | X2yLayer               | x2y
      conv2D            | Conv2DLayer            | conv2d
      getX              | GetXLayer              | get_x
      x_y               | XYLayer                | xy
      _private          | PrivateLayer           | private
      _2d               | _2dLayer               | 2d
      __                | __Layer                | layer
      größe             | GrößeLayer             | gr__e
      é                 | ÉLayer                 | layer
      """)
  void oneRuleForClassAndDefaultName(String method, String layerClass, String defaultName)
      throws Exception {
    assertThat(Names.upperCamel(method) + "Layer").isEqualTo(layerClass);
    assertThat(Names.defaultLayerName(method)).isEqualTo(defaultName);
    assertThat(runtimeSnakeCase(layerClass)).isEqualTo(defaultName);
  }

  /** The runtime's rule for non-lambda layers: the class name, less {@code Layer}. */
  @ParameterizedTest(name = "{0}: \"{1}\"")
  @CsvSource(delimiter = '|', textBlock = """
      Dense       | dense
      InputLayer  | input
      Layer       | layer
      HTTPServer  | http_server
      Conv2D      | conv2d
      """)
  void runtimeRuleForOtherLayers(String layerClass, String defaultName) throws Exception {
    assertThat(runtimeSnakeCase(layerClass)).isEqualTo(defaultName);
    assertThat(Names.snakeCase(layerClass.equals("Layer") ? layerClass
        : layerClass.replaceFirst("Layer$", ""))).isEqualTo(defaultName);
  }

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
        }
        """);
    Compilation compilation = compile(source);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.L2NormLayer").contentsAsUtf8String()
        .contains("\"L2NormLayer\",\n      \"Lambdas.l2_norm\",\n      \"l2_norm\",");
    assertThat(compilation).generatedSourceFile("pkg.SliceFirstLayer").contentsAsUtf8String()
        .contains("\"SliceFirstLayer\",\n      \"Lambdas.slice_first\",\n      \"slice_first\",");
  }

  /** {@code Layer.snakeCase}, package-private in the runtime. */
  private static String runtimeSnakeCase(String typeName) throws Exception {
    Method snakeCase = Layer.class.getDeclaredMethod("snakeCase", String.class);
    snakeCase.setAccessible(true);
    return (String) snakeCase.invoke(null, typeName);
  }
}
