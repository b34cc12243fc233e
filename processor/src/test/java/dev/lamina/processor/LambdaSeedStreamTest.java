package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.assertOnlyError;
import static dev.lamina.processor.TestSources.lambdas;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.runtime.SeedStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;

/**
 * A {@code @Lambda} method may take the call's {@code SeedStream} (the runtime's
 * {@code dev.lamina.runtime.SeedStream}, recognised by its name): one parameter, after every
 * input, anywhere among the {@code @Arg} and {@code @Training} parameters. The generated layer
 * passes the call's stream to it; each misplaced or repeated stream is a compile error on the
 * parameter.
 */
class LambdaSeedStreamTest {

  private final RecordingLambdaProcessor processor = new RecordingLambdaProcessor();

  private Compilation compile(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(processor).compile(sources);
  }

  private void assertNoLayerWritten() {
    assertThat(processor.writtenSourceFiles()).isEmpty();
  }

  /**
   * A stream as the runtime makes one for a call, outside training (its package-private
   * constructor, {@code (Ops, training pass, layer name, calls, call index)}, is the runtime's
   * own; found by its arity, so that the type of the training pass may change).
   */
  private static SeedStream stream(String layer) throws Exception {
    Constructor<?> make = Arrays.stream(SeedStream.class.getDeclaredConstructors())
        .filter(c -> c.getParameterCount() == 5 && c.getParameterTypes()[0] == Ops.class)
        .findFirst().orElseThrow();
    make.setAccessible(true);
    return (SeedStream) make.newInstance(null, null, layer, 1, 0);
  }

  /**
   * The generated {@code invoke} hands the call's stream, the training flag and the {@code @Arg}
   * values each to its parameter, whatever their order after the inputs.
   */
  @Test
  void theCallsStreamReachesTheMethodWhereverItIsDeclared() throws Exception {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static Object seen;
          static String flags = "";

          @Lambda
          static Operand<TFloat32> middle(Ops tf, Operand<TFloat32> x, @Arg int a,
              dev.lamina.runtime.SeedStream seeds, @Training boolean training, @Arg float b) {
            seen = seeds;
            flags = a + " " + training + " " + b;
            return x;
          }

          @Lambda
          static Operand<TFloat32> first(Ops tf, Operand<TFloat32> x,
              dev.lamina.runtime.SeedStream seeds, @Training boolean training) {
            seen = seeds;
            flags = "first " + training;
            return x;
          }

          @Lambda
          static Operand<TFloat32> last(Ops tf, Operand<TFloat32> x, @Training boolean training,
              @Arg int a, dev.lamina.runtime.SeedStream seeds) {
            seen = seeds;
            flags = "last " + training + " " + a;
            return x;
          }

          @Lambda
          static Operand<TFloat32> only(Ops tf, Operand<TFloat32> x,
              dev.lamina.runtime.SeedStream seeds) {
            seen = seeds;
            flags = "only";
            return x;
          }
        }
        """);
    Compilation compilation = compile(source);
    assertThat(compilation).succeededWithoutWarnings();
    ClassLoader loader = new GeneratedClassLoader(compilation);
    Class<?> lambdas = loader.loadClass("pkg.Lambdas");
    Field seen = lambdas.getDeclaredField("seen");
    seen.setAccessible(true);
    Field flags = lambdas.getDeclaredField("flags");
    flags.setAccessible(true);

    Class<?> middle = loader.loadClass("pkg.MiddleLayer");
    Object layer = middle.getMethod("builder").invoke(null);
    layer.getClass().getMethod("a", int.class).invoke(layer, 3);
    layer.getClass().getMethod("b", float.class).invoke(layer, 0.5f);
    layer = layer.getClass().getMethod("build").invoke(layer);
    SeedStream seeds = stream("middle");
    // invoke builds no op here: the lambda only records what it received.
    invokeWithSeeds(middle, layer, true, seeds);
    assertThat(seen.get(null)).isSameInstanceAs(seeds);
    assertThat(flags.get(null)).isEqualTo("3 true 0.5");
    invokeWithSeeds(middle, layer, false, seeds);
    assertThat(flags.get(null)).isEqualTo("3 false 0.5");

    Class<?> first = loader.loadClass("pkg.FirstLayer");
    SeedStream other = stream("first");
    invokeWithSeeds(first, first.getMethod("of").invoke(null), true, other);
    assertThat(seen.get(null)).isSameInstanceAs(other);
    assertThat(flags.get(null)).isEqualTo("first true");

    Class<?> last = loader.loadClass("pkg.LastLayer");
    invokeWithSeeds(last, last.getMethod("of", int.class).invoke(null, 7), false, seeds);
    assertThat(seen.get(null)).isSameInstanceAs(seeds);
    assertThat(flags.get(null)).isEqualTo("last false 7");

    Class<?> only = loader.loadClass("pkg.OnlyLayer");
    invokeWithSeeds(only, only.getMethod("of").invoke(null), true, other);
    assertThat(seen.get(null)).isSameInstanceAs(other);
    assertThat(flags.get(null)).isEqualTo("only");
    // The generated layer says so in its Javadoc.
    String generated = compilation.generatedSourceFile("pkg.OnlyLayer").orElseThrow()
        .getCharContent(true).toString();
    assertThat(generated).contains("The method's {@code SeedStream} parameter receives each "
        + "call's seeds");
  }

  private static void invokeWithSeeds(Class<?> layerClass, Object layer, boolean training,
      SeedStream seeds) throws Exception {
    Method invoke = layerClass.getDeclaredMethod("invoke", Ops.class, List.class, boolean.class,
        SeedStream.class);
    invoke.setAccessible(true);
    invoke.invoke(layer, null, Arrays.asList((Object) null), training, seeds);
  }

  @Test
  void twoSeedStreams() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              dev.lamina.runtime.SeedStream seeds,
              @Arg float rate,
              dev.lamina.runtime.SeedStream more) { // line 6
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 6,
        "[LaminaSeedsTwice]",
        "SeedStream parameter more of @Lambda method Lambdas.noisy repeats the SeedStream "
            + "parameter seeds",
        "Remove one of them.");
    assertNoLayerWritten();
  }

  @Test
  void seedStreamAnnotatedArg() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              @Arg dev.lamina.runtime.SeedStream seeds) { // line 4
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaSeedsArg]",
        "SeedStream parameter seeds of @Lambda method Lambdas.noisy is annotated @Arg",
        "the layer passes each call's stream. Remove @Arg.");
    assertNoLayerWritten();
  }

  @Test
  void seedStreamAnnotatedTraining() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              @Training dev.lamina.runtime.SeedStream seeds) { // line 4
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4,
        "[LaminaSeedsTraining]",
        "SeedStream parameter seeds of @Lambda method Lambdas.noisy is annotated @Training",
        "Remove @Training; to receive the flag as well, declare '@Training boolean training'.");
    assertNoLayerWritten();
  }

  /** Both annotations on the stream: one error, the stream's own, not also @Arg-and-@Training. */
  @Test
  void seedStreamAnnotatedArgAndTraining() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              @Arg @Training dev.lamina.runtime.SeedStream seeds) { // line 4
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 4, "[LaminaSeedsTraining]");
    assertNoLayerWritten();
  }

  /** A stream and a @Training flag, each once, beside a repeated stream: only the repeat errs. */
  @Test
  void aRepeatedStreamAfterTheFlagNamesTheFirst() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              dev.lamina.runtime.SeedStream seeds, @Training boolean training,
              dev.lamina.runtime.SeedStream again) { // line 5
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5, "[LaminaSeedsTwice]",
        "SeedStream parameter again of @Lambda method Lambdas.noisy repeats the SeedStream "
            + "parameter seeds: a call has one seed stream, and each next() on it gives a new "
            + "seed.");
    assertNoLayerWritten();
  }

  @Test
  void seedStreamBeforeAnInput() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf,
              dev.lamina.runtime.SeedStream seeds,
              Operand<TFloat32> x) { // line 5
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5,
        "[LaminaInputAfterSeeds]",
        "Input x of @Lambda method Lambdas.noisy comes after the SeedStream parameter seeds.",
        "Put every Operand input before the SeedStream parameter.");
    assertNoLayerWritten();
  }

  @Test
  void seedStreamBetweenInputs() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              dev.lamina.runtime.SeedStream seeds,
              Operand<TFloat32> y) { // line 5
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 5, "[LaminaInputAfterSeeds]",
        "Input y of @Lambda method Lambdas.noisy comes after the SeedStream parameter seeds.");
    assertNoLayerWritten();
  }

  /** A class of the user's own named SeedStream is not the runtime's: no input, no argument. */
  @Test
  void anotherClassNamedSeedStreamIsNotTheStream() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          static final class SeedStream {}

          @Lambda
          static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x,
              SeedStream seeds) { // line 6
            return x;
          }
        }
        """);

    Compilation compilation = compile(source);

    assertOnlyError(compilation, source, 6, "[LaminaNotAnInput]",
        "Parameter seeds of @Lambda method Lambdas.noisy has type pkg.Lambdas.SeedStream");
    assertNoLayerWritten();
  }
}
