package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.compile;
import static dev.lamina.processor.TestSources.lambdas;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import dev.lamina.processor.shape.Expr;
import dev.lamina.runtime.LambdaLayer;
import dev.lamina.runtime.ShapeCheck;
import dev.lamina.runtime.ShapeRuleException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

/**
 * The processor-to-runtime contract of the shape language (issue 10, item 9): generated
 * {@code checkShapes} calls {@link ShapeCheck} methods named after the operators. One lambda uses
 * every operator and runs; another test fails if a method generated code calls is renamed or
 * changes its parameters.
 */
class ShapeContractTest {

  private static Object layer;
  private static Method checkShapes;

  @BeforeAll
  static void compileEveryOperator() throws Exception {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(inputShape = "(n, c)",
              requires = "!(c == 0) && (n != 3 || c >= 2) && -c < 0 && c <= 64 && n > 0",
              outputShape = "(c / 2, -(-c) * 3 - 1, c + k)")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int k) {
            return x;
          }
        }
        """);
    Compilation compilation = compile(source);
    assertThat(compilation).succeededWithoutWarnings();
    Class<?> layerClass = new GeneratedClassLoader(compilation).loadClass("pkg.FLayer");
    layer = layerClass.getMethod("of", int.class).invoke(null, 2);
    checkShapes = layerClass.getDeclaredMethod("checkShapes", List.class);
    checkShapes.setAccessible(true);
  }

  private static Shape check(long... input) throws Exception {
    try {
      return (Shape) checkShapes.invoke(layer, List.of(Shape.of(input)));
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void everyOperatorComputesTheDeclaredShape() throws Exception {
    // n = 3, c = 6, k = 2: 6 / 2 = 3, -(-6) * 3 - 1 = 17, 6 + 2 = 8.
    assertThat(check(-1, 3, 6).asArray()).isEqualTo(new long[] {-1, 3, 17, 8});
    // c = 7: '/' rounds down, 7 / 2 = 3; 7 * 3 - 1 = 20; 7 + 2 = 9. The batch size carries over.
    assertThat(check(5, 3, 7).asArray()).isEqualTo(new long[] {5, 3, 20, 9});
    // n = 4 makes 'n != 3' true, so c = 1 passes: 1 / 2 = 0, 1 * 3 - 1 = 2, 1 + 2 = 3.
    assertThat(check(-1, 4, 1).asArray()).isEqualTo(new long[] {-1, 0, 2, 3});
    // An unknown c leaves every comparison on it unknown, which passes, and every dim unknown.
    assertThat(check(-1, 3, -1).asArray()).isEqualTo(new long[] {-1, -1, -1, -1});
  }

  @Test
  void everyOperatorCanFailTheCondition() {
    // !(c == 0) is false for c = 0.
    assertThrows(ShapeRuleException.class, () -> check(-1, 3, 0));
    // n != 3 || c >= 2 is false for n = 3, c = 1.
    assertThrows(ShapeRuleException.class, () -> check(-1, 3, 1));
    // c <= 64 is false for c = 65.
    assertThrows(ShapeRuleException.class, () -> check(-1, 3, 65));
    // n > 0 is false for n = 0.
    ShapeRuleException failure = assertThrows(ShapeRuleException.class, () -> check(-1, 0, 6));
    assertThat(failure).hasMessageThat().contains("requires \"!(c == 0) && (n != 3 || c >= 2)");
  }

  /** What a generated call passes and gets back, per operator kind. */
  @Test
  void everyMethodGeneratedCodeCallsExistsWithItsParameters() throws Exception {
    for (Expr.Op op : Expr.Op.values()) {
      String name = ShapeCheckGenerator.methodName(op);
      Method method = switch (op.kind()) {
        case ARITHMETIC, COMPARISON -> ShapeCheck.class.getMethod(name, long.class, long.class);
        case LOGICAL -> ShapeCheck.class.getMethod(name, Boolean.class, Boolean.class);
      };
      assertThat(Modifier.isStatic(method.getModifiers())).isTrue();
      assertThat(method.getReturnType())
          .isEqualTo(op.kind() == Expr.Op.Kind.ARITHMETIC ? long.class : Boolean.class);
    }
    assertThat(ShapeCheck.class.getMethod(ShapeCheckGenerator.NEGATE, long.class).getReturnType())
        .isEqualTo(long.class);
    assertThat(ShapeCheck.class.getMethod(ShapeCheckGenerator.NOT, Boolean.class).getReturnType())
        .isEqualTo(Boolean.class);
    Field unknown = ShapeCheck.class.getField("UNKNOWN");
    assertThat(unknown.getType()).isEqualTo(long.class);
    ShapeCheck.class.getConstructor(LambdaLayer.class, List.class);
    ShapeCheck.class.getMethod("rank", int.class, int.class, boolean.class);
    ShapeCheck.class.getMethod("fixed", int.class, int.class, int.class, long.class);
    assertThat(ShapeCheck.class.getMethod("symbol", String.class, int.class, int.class, int.class)
        .getReturnType()).isEqualTo(long.class);
    ShapeCheck.class.getMethod("require", String.class, Boolean.class, Object[].class);
    assertThat(ShapeCheck.class.getMethod("output", long[].class).getReturnType())
        .isEqualTo(Shape.class);
    // And nothing else is called: the list the generator keeps is the one checked here.
    assertThat(ShapeCheckGenerator.runtimeMembers()).containsExactly("UNKNOWN", "rank", "fixed",
        "symbol", "require", "output", "neg", "not", "add", "sub", "mul", "div", "lt", "le", "gt",
        "ge", "eq", "ne", "and", "or");
  }
}
