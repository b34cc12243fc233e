package dev.lamina.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.compile;
import static dev.lamina.processor.TestSources.lambdas;
import static dev.lamina.processor.TestSources.pkgClass;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The point of generating a class per lambda: model code that feeds a layer a tensor of the wrong
 * dtype does not compile. Each test compiles the lambdas and a piece of model code together, so
 * the model code sees the layers generated in the first round.
 */
class TypeSafetyTest {

  private static final JavaFileObject LAMBDAS = lambdas("""
      class Lambdas {
        @Lambda
        static Operand<TFloat32> scale(Ops tf, Operand<TFloat32> x) {
          return tf.math.mul(x, tf.constant(2f));
        }

        @Lambda
        static <T extends TNumber> Operand<T> add(Ops tf, Operand<T> x, Operand<T> y) {
          return tf.math.add(x, y);
        }

        @Lambda
        static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
          return tf.math.square(x);
        }

        @Lambda
        static <T extends TFloating> Operand<T> relu(Ops tf, Operand<T> x) {
          return tf.nn.relu(x);
        }

        @Lambda
        static Operand<TFloat32> column(Ops tf, Operand<TFloat32> x, @Arg int index) {
          return tf.gather(x, tf.constant(index), tf.constant(1));
        }
      }
      """);

  @Test
  void intTensorIntoFloatLayerDoesNotCompile() {
    JavaFileObject model = pkgClass("Model", """
        class Model {
          static SymbolicTensor<TFloat32> build() {
            SymbolicTensor<TInt32> counts = Input.of(TInt32.class, 3);
            return ScaleLayer.of().apply(counts); // line 4
          }
        }
        """);

    Compilation compilation = compile(LAMBDAS, model);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("incompatible types: dev.lamina.runtime.SymbolicTensor"
            + "<org.tensorflow.types.TInt32> cannot be converted to "
            + "dev.lamina.runtime.SymbolicTensor<org.tensorflow.types.TFloat32>")
        .inFile(model).onLine(4);
  }

  @Test
  void floatTensorIntoFloatLayerCompiles() {
    JavaFileObject model = pkgClass("Model", """
        class Model {
          static SymbolicTensor<TFloat32> build() {
            SymbolicTensor<TFloat32> values = Input.of(TFloat32.class, 3);
            return ScaleLayer.of().apply(values);
          }
        }
        """);

    assertThat(compile(LAMBDAS, model)).succeededWithoutWarnings();
  }

  @Test
  void mixedDtypesIntoOneTypeVariableDoNotCompile() {
    JavaFileObject model = pkgClass("Model", """
        class Model {
          static void build() {
            SymbolicTensor<TFloat32> values = Input.of(TFloat32.class, 3);
            SymbolicTensor<TInt32> counts = Input.of(TInt32.class, 3);
            AddLayer.of().apply(values, counts); // line 5
          }
        }
        """);

    Compilation compilation = compile(LAMBDAS, model);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("method apply in class pkg.AddLayer cannot be applied to given types")
        .inFile(model).onLine(5);
    assertThat(compilation)
        .hadErrorContaining("inference variable T has incompatible equality constraints")
        .inFile(model).onLine(5);
  }

  @Test
  void sameDtypeIntoOneTypeVariableCompilesAndKeepsTheDtype() {
    JavaFileObject model = pkgClass("Model", """
        class Model {
          static SymbolicTensor<TInt32> build() {
            SymbolicTensor<TInt32> a = Input.of(TInt32.class, 3);
            SymbolicTensor<TInt32> b = Input.of(TInt32.class, 3);
            return AddLayer.of().apply(a, b);
          }
        }
        """);

    assertThat(compile(LAMBDAS, model)).succeededWithoutWarnings();
  }

  @Test
  void genericOutputHasTheInputsDtype() {
    JavaFileObject model = pkgClass("Model", """
        class Model {
          static void build() {
            SymbolicTensor<TFloat32> values = Input.of(TFloat32.class, 3);
            SymbolicTensor<TFloat32> squares = SquareLayer.of().apply(values);
            SymbolicTensor<TInt32> wrong = SquareLayer.of().apply(values); // line 5
          }
        }
        """);

    Compilation compilation = compile(LAMBDAS, model);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("incompatible types").inFile(model).onLine(5);
  }

  @Test
  void typeVariableBoundCarriesOverToApply() {
    JavaFileObject model = pkgClass("Model", """
        class Model {
          static void build() {
            SymbolicTensor<TFloat32> values = Input.of(TFloat32.class, 3);
            SymbolicTensor<TInt32> counts = Input.of(TInt32.class, 3);
            ReluLayer.of().apply(values);
            ReluLayer.of().apply(counts); // line 6
          }
        }
        """);

    Compilation compilation = compile(LAMBDAS, model);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("method apply in class pkg.ReluLayer cannot be applied to given types")
        .inFile(model).onLine(6);
  }

  @Test
  void wrongNumberOfInputsDoesNotCompile() {
    JavaFileObject model = pkgClass("Model", """
        class Model {
          static void build() {
            SymbolicTensor<TFloat32> values = Input.of(TFloat32.class, 3);
            AddLayer.of().apply(values); // line 4
          }
        }
        """);

    Compilation compilation = compile(LAMBDAS, model);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("method apply in class pkg.AddLayer cannot be applied to given types")
        .inFile(model).onLine(4);
  }

  @Test
  void argumentsAreTyped() {
    JavaFileObject model = pkgClass("Model", """
        class Model {
          static void build() {
            SymbolicTensor<TFloat32> values = Input.of(TFloat32.class, 3, 4);
            ColumnLayer.of(0).apply(values);
            ColumnLayer.of("0").apply(values); // line 5
          }
        }
        """);

    Compilation compilation = compile(LAMBDAS, model);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("incompatible types: java.lang.String cannot be converted to int")
        .inFile(model).onLine(5);
  }
}
