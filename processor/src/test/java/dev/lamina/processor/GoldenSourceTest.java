package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.compile;
import static dev.lamina.processor.TestSources.lambdas;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;

/**
 * The layer classes generated for three representative {@code @Lambda} methods, compared with
 * reviewed golden files under {@code src/test/resources/golden/}.
 *
 * <p>{@code hasSourceEquivalentTo} compares syntax trees, so it ignores comments; each test also
 * compares the text, Javadoc included. A golden changes whenever the generator does: review the
 * new output as a layer, against the runtime's {@code LambdaLayer}, before replacing one.
 */
class GoldenSourceTest {

  /** No {@code @Arg}, one input whose dtype is a type variable {@code <T extends TNumber>}. */
  @Test
  void genericSingleInputWithoutArguments() throws IOException {
    JavaFileObject source = lambdas("""
        class Lambdas {
          /**
           * x -> x², element-wise: Keras's {@code Lambda(lambda x: x ** 2)}.
           *
           * @param x any numeric tensor
           */
          @Lambda
          static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
            return tf.math.square(x);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertGolden(compilation, "pkg.SquareLayer", "golden/SquareLayer.java");
    // The layer and the registry's provider for its package.
    assertThat(compilation.generatedSourceFiles()).hasSize(2);
  }

  /**
   * A concrete dtype, a declared output shape (compiled into {@code checkShapes}), and
   * {@code @Arg}s of three kinds: a primitive, a primitive array (copied by the factory) and an
   * enum nested in the declaring class.
   */
  @Test
  void concreteInputWithArgumentsAndOutputShape() throws IOException {
    JavaFileObject source = lambdas("""
        class Lambdas {
          enum Order { AS_IS, REVERSED }

          /**
           * Column {@code index} of each 4×n sample, multiplied row by row by {@code weights}.
           *
           * @param x a batch of 4×n matrices
           * @param index the column to take
           * @param weights one factor per row
           */
          @Lambda(outputShape = "(4)")
          static Operand<TFloat32> slice(
              Ops tf, Operand<TFloat32> x, @Arg int index, @Arg float[] weights, @Arg Order order) {
            Operand<TFloat32> column = tf.gather(x, tf.constant(index), tf.constant(2));
            Operand<TFloat32> weighted = tf.math.mul(column, tf.constant(weights));
            return order == Order.AS_IS ? weighted : tf.reverse(weighted, tf.constant(new int[] {1}));
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertGolden(compilation, "pkg.SliceLayer", "golden/SliceLayer.java");
  }

  /** Two inputs sharing one dtype variable: {@code apply} takes both as {@code SymbolicTensor<T>}. */
  @Test
  void genericTwoInputs() throws IOException {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static <T extends TNumber> Operand<T> add(Ops tf, Operand<T> x, Operand<T> y) {
            return tf.math.add(x, y);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertGolden(compilation, "pkg.AddLayer", "golden/AddLayer.java");
  }

  /**
   * What the golden {@code SliceLayer}'s array handling means: the factory copies the array it is
   * given, and {@code arguments()} hands out copies, so nothing outside the layer can change the
   * values its method receives.
   */
  @Test
  void arrayArgumentCannotBeChangedFromOutside() throws Exception {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static float[] received;

          @Lambda
          static Operand<TFloat32> scale(Ops tf, Operand<TFloat32> x, @Arg float[] weights) {
            received = weights.clone();
            return x;
          }
        }
        """);
    Compilation compilation = compile(source);
    assertThat(compilation).succeededWithoutWarnings();
    ClassLoader loader = new GeneratedClassLoader(compilation);
    Class<?> layerClass = loader.loadClass("pkg.ScaleLayer");

    float[] given = {1, 2};
    Object layer = layerClass.getMethod("of", float[].class).invoke(null, (Object) given);
    given[0] = 98;
    Map<?, ?> arguments = (Map<?, ?>) layerClass.getMethod("arguments").invoke(layer);
    ((float[]) arguments.get("weights"))[1] = 99;
    // invoke builds no op here: the lambda only records its argument.
    Method invoke = layerClass.getDeclaredMethod("invoke", Ops.class, List.class, boolean.class);
    invoke.setAccessible(true);
    invoke.invoke(layer, null, Arrays.asList((Object) null), false);

    Field received = loader.loadClass("pkg.Lambdas").getDeclaredField("received");
    received.setAccessible(true);
    assertThat((float[]) received.get(null)).usingExactEquality().containsExactly(1f, 2f)
        .inOrder();
  }

  /** The shape language's paths: patterns, requires, a shape function and a mask method. */
  @Test
  void shapeRulesShapeFunctionAndMask() throws IOException {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Shape pairShape(Shape x, Shape y, int scale) {
            return x;
          }

          static Operand<TBool> pairMask(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y,
              Operand<TBool> xMask, Operand<TBool> yMask) {
            return xMask;
          }

          /** x * scale + y, masked like x. */
          @Lambda(inputShape = {"(..., n)", "(..., n)"}, requires = "n >= scale - 1",
              outputShapeFn = "pairShape", mask = "pairMask")
          static Operand<TFloat32> pair(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y,
              @Arg int scale) {
            return tf.math.add(tf.math.mul(x, tf.constant((float) scale)), y);
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertGolden(compilation, "pkg.PairLayer", "golden/PairLayer.java");
  }

  /**
   * Keras's {@code training} flag: a {@code @Training} parameter between two {@code @Arg}s, and a
   * mask method, which does not receive the flag.
   */
  @Test
  void trainingFlag() throws IOException {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Operand<TBool> keepMask(Ops tf, Operand<TFloat32> x, Operand<TBool> xMask) {
            return xMask;
          }

          /** Scales x by rate while training, and passes it through otherwise. */
          @Lambda(mask = "keepMask")
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x, @Arg float rate,
              @Training boolean training, @Arg int seed) {
            return training ? tf.math.mul(x, tf.constant(rate)) : x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertGolden(compilation, "pkg.NoisyLayer", "golden/NoisyLayer.java");
  }

  /** The generated {@code invoke} hands its {@code training} argument to the method. */
  @Test
  void trainingFlagReachesTheMethod() throws Exception {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static String branch = "none";

          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x, @Arg int seed,
              @Training boolean training) {
            branch = training ? "training" : "inference";
            return x;
          }
        }
        """);
    Compilation compilation = compile(source);
    assertThat(compilation).succeededWithoutWarnings();
    ClassLoader loader = new GeneratedClassLoader(compilation);
    Class<?> layerClass = loader.loadClass("pkg.NoisyLayer");
    Object layer = layerClass.getMethod("of", int.class).invoke(null, 7);
    Method invoke = layerClass.getDeclaredMethod("invoke", Ops.class, List.class, boolean.class);
    invoke.setAccessible(true);
    Field branch = loader.loadClass("pkg.Lambdas").getDeclaredField("branch");
    branch.setAccessible(true);

    // invoke builds no op here: the lambda only records the branch it took.
    invoke.invoke(layer, null, Arrays.asList((Object) null), true);
    assertThat(branch.get(null)).isEqualTo("training");
    invoke.invoke(layer, null, Arrays.asList((Object) null), false);
    assertThat(branch.get(null)).isEqualTo("inference");
    invoke.invoke(layer, null, Arrays.asList((Object) null), true);
    assertThat(branch.get(null)).isEqualTo("training");
  }

  /**
   * Names a user can take (issue 10, item 5): an {@code @Arg} named like the declaring class
   * ({@code K}) and one named {@code of}, in a deprecated lambda. The class is named in full where
   * the field would hide it, the builder constructs the layer rather than calling {@code of}, and
   * the layer is deprecated with the warnings on its own calls suppressed. The registry's provider,
   * which names the deprecated layer's factory, suppresses that warning too.
   */
  @Test
  void namesAUserCanTake() throws IOException {
    JavaFileObject source = TestSources.pkgClass("K", """
        class K {
          /** @deprecated use another clip */
          @Deprecated
          @Lambda
          static Operand<TFloat32> clip(Ops tf, Operand<TFloat32> x, @Arg int K, @Arg float of) {
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertGolden(compilation, "pkg.ClipLayer", "golden/ClipLayer.java");
    // LaminaLambdas_ and the first 8 hex digits of SHA-256("pkg.K.clip").
    assertGolden(compilation, "pkg.LaminaLambdas_7b28586f", "golden/LaminaLambdas_7b28586f.java");
  }

  private static void assertGolden(Compilation compilation, String layer, String golden)
      throws IOException {
    JavaFileObject expected = JavaFileObjects.forResource(golden);
    assertThat(compilation).generatedSourceFile(layer).hasSourceEquivalentTo(expected);
    assertThat(compilation).generatedSourceFile(layer)
        .contentsAsUtf8String().isEqualTo(expected.getCharContent(true).toString());
  }
}
