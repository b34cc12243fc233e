package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.lambdas;
import static dev.lamina.processor.TestSources.pkgClass;
import static dev.lamina.processor.TestSources.source;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.runtime.LambdaLayer;
import dev.lamina.runtime.registry.LambdaFactory;
import dev.lamina.runtime.registry.LambdaFactory.ArgumentSpec;
import dev.lamina.runtime.registry.LambdaRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * What the processor generates for loading saved models: a {@code Factory} in each layer, a
 * {@code LambdaProvider} per package and round, and the service file listing the providers; and
 * that the runtime's {@link LambdaRegistry} finds them through {@link java.util.ServiceLoader}
 * and makes layers from typed arguments.
 */
class RegistryTest {

  private static final String SERVICE_FILE =
      "META-INF/services/dev.lamina.runtime.registry.LambdaProvider";

  /** Every supported {@code @Arg} type, a generic input, and a lambda without arguments. */
  private static final JavaFileObject LAMBDAS = lambdas("""
      class Lambdas {
        enum Mode {
          FAST,
          EXACT {
            @Override
            public String toString() {
              return "exact";
            }
          }
        }

        @Lambda
        static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
          return tf.math.square(x);
        }

        @Lambda
        static <T extends TNumber> Operand<T> everything(Ops tf, Operand<T> x, @Arg int i,
            @Arg long l, @Arg float f, @Arg double d, @Arg boolean b, @Arg byte y, @Arg short s,
            @Arg char c, @Arg Integer boxed, @Arg String text, @Arg Mode mode,
            @Arg float[] weights, @Arg int[] sizes) {
          return x;
        }
      }
      """);

  private static Compilation compileStrictly(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(new LambdaProcessor())
        .withOptions("-Xlint:all", "-Werror")
        .compile(sources);
  }

  /** {@code LaminaLambdas_} and 8 hex digits of the SHA-256 of the sorted lambda names. */
  private static String providerName(String packageName, String... lambdaNames)
      throws NoSuchAlgorithmException {
    byte[] digest = MessageDigest.getInstance("SHA-256")
        .digest(String.join("\n", lambdaNames).getBytes(StandardCharsets.UTF_8));
    return packageName + ".LaminaLambdas_" + HexFormat.of().formatHex(digest, 0, 4);
  }

  private static String serviceFile(Compilation compilation) throws IOException {
    JavaFileObject file = compilation.generatedFile(StandardLocation.CLASS_OUTPUT, SERVICE_FILE)
        .orElseThrow(() -> new AssertionError("no " + SERVICE_FILE));
    return file.getCharContent(true).toString();
  }

  /** The registry of a fresh class loader: its classes are not those of another loader. */
  private static LambdaRegistry registry(Compilation compilation) {
    return LambdaRegistry.load(new GeneratedClassLoader(compilation));
  }

  /** Values for every argument of {@code everything}, in declaration order. */
  private static Map<String, Object> everythingValues(ClassLoader loader) throws Exception {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("i", 7);
    values.put("l", 8L);
    values.put("f", 1.5f);
    values.put("d", 2.5);
    values.put("b", true);
    values.put("y", (byte) 3);
    values.put("s", (short) 4);
    values.put("c", 'z');
    values.put("boxed", 9);
    values.put("text", "hello");
    values.put("mode", mode(loader, "EXACT"));
    values.put("weights", new float[] {1f, 2f});
    values.put("sizes", new int[] {5, 6, 7});
    return values;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object mode(ClassLoader loader, String constant) throws ClassNotFoundException {
    return Enum.valueOf((Class) loader.loadClass("pkg.Lambdas$Mode"), constant);
  }

  // ---- What is generated ----------------------------------------------------------------------

  @Test
  void eachLayerHasAFactoryAndThePackageAProviderListedInTheServiceFile() throws Exception {
    Compilation compilation = compileStrictly(LAMBDAS);

    assertThat(compilation).succeededWithoutWarnings();
    String provider = providerName("pkg", "pkg.Lambdas.everything", "pkg.Lambdas.square");
    assertThat(compilation).generatedSourceFile(provider).contentsAsUtf8String()
        .contains("return List.of(\n        EverythingLayer.FACTORY,\n        SquareLayer.FACTORY);");
    assertThat(compilation).generatedSourceFile("pkg.EverythingLayer").contentsAsUtf8String()
        .contains("public static final Factory FACTORY = new Factory();");
    assertThat(compilation).generatedSourceFile("pkg.EverythingLayer").contentsAsUtf8String()
        .contains("public static final class Factory implements LambdaFactory {");
    assertThat(serviceFile(compilation)).isEqualTo(provider + "\n");
  }

  @Test
  void aCompilationWithoutLambdasWritesNoServiceFile() {
    Compilation compilation = compileStrictly(pkgClass("Plain", "class Plain {}"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation.generatedFile(StandardLocation.CLASS_OUTPUT, SERVICE_FILE)).isEmpty();
  }

  /** Main and test sources share packages: their providers must not share a class name. */
  @Test
  void providersOfTheSamePackageWithOtherLambdasHaveOtherNames() throws Exception {
    Compilation main = compileStrictly(lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """));
    Compilation test = compileStrictly(pkgClass("TestLambdas", """
        class TestLambdas {
          @Lambda
          static Operand<TFloat32> g(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """));

    assertThat(serviceFile(main)).isEqualTo(providerName("pkg", "pkg.Lambdas.f") + "\n");
    assertThat(serviceFile(test)).isEqualTo(providerName("pkg", "pkg.TestLambdas.g") + "\n");
    assertThat(providerName("pkg", "pkg.Lambdas.f"))
        .isNotEqualTo(providerName("pkg", "pkg.TestLambdas.g"));
  }

  @Test
  void oneProviderPerPackage() throws Exception {
    JavaFileObject a = source("a.A", """
        package a;
        import dev.lamina.annotations.Lambda;
        import org.tensorflow.Operand;
        import org.tensorflow.op.Ops;
        import org.tensorflow.types.TFloat32;
        public class A {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }

          public static class Inner {
            @Lambda
            static Operand<TFloat32> g(Ops tf, Operand<TFloat32> x) {
              return x;
            }
          }
        }
        """);
    JavaFileObject b = source("b.B", """
        package b;
        import dev.lamina.annotations.Lambda;
        import org.tensorflow.Operand;
        import org.tensorflow.op.Ops;
        import org.tensorflow.types.TFloat32;
        public class B {
          @Lambda
          static Operand<TFloat32> h(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compileStrictly(a, b);

    assertThat(compilation).succeededWithoutWarnings();
    String providerA = providerName("a", "a.A.Inner.g", "a.A.f");
    String providerB = providerName("b", "b.B.h");
    assertThat(serviceFile(compilation)).isEqualTo(providerA + "\n" + providerB + "\n");
    assertThat(registry(compilation).names())
        .containsExactly("a.A.Inner.g", "a.A.f", "b.B.h").inOrder();
  }

  /** A lambda whose {@code @Arg} type another processor generates comes a round later. */
  @Test
  void lambdasOfALaterRoundGetTheirOwnProviderInTheSameServiceFile() throws Exception {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> early(Ops tf, Operand<TFloat32> x) {
            return x;
          }

          @Lambda
          static Operand<TFloat32> late(Ops tf, Operand<TFloat32> x, @Arg Mode mode) {
            return x;
          }
        }
        """);
    RecordingLambdaProcessor processor = new RecordingLambdaProcessor();

    Compilation compilation = Compiler.javac()
        .withProcessors(new ModeGenerator(), processor)
        .compile(source);

    assertThat(compilation).succeededWithoutWarnings();
    String first = providerName("pkg", "pkg.Lambdas.early");
    String second = providerName("pkg", "pkg.Lambdas.late");
    assertThat(processor.writtenProviders()).containsExactly(first, second).inOrder();
    assertThat(serviceFile(compilation)).isEqualTo(
        List.of(first, second).stream().sorted().map(name -> name + "\n")
            .reduce("", String::concat));
    assertThat(registry(compilation).names())
        .containsExactly("pkg.Lambdas.early", "pkg.Lambdas.late").inOrder();
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
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  /** An incremental build recompiles some sources: the other providers keep their entries. */
  @Test
  void entriesOfAnEarlierServiceFileAreKept() throws Exception {
    RecordingLambdaProcessor processor = new RecordingLambdaProcessor(Map.of(SERVICE_FILE,
        "# written by an earlier build\nother.LaminaLambdas_00000000\n\n"
            + "pkg.LaminaLambdas_ffffffff  # trailing comment\n"));

    Compilation compilation = Compiler.javac().withProcessors(processor).compile(lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(serviceFile(compilation)).isEqualTo("other.LaminaLambdas_00000000\n"
        + providerName("pkg", "pkg.Lambdas.f") + "\npkg.LaminaLambdas_ffffffff\n");
  }

  @Test
  void aRejectedLambdaIsNotRegistered() throws Exception {
    RecordingLambdaProcessor processor = new RecordingLambdaProcessor();
    Compilation compilation = Compiler.javac().withProcessors(processor).compile(lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> good(Ops tf, Operand<TFloat32> x) {
            return x;
          }

          @Lambda
          Operand<TFloat32> notStatic(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """));

    assertThat(compilation).hadErrorContaining("[LaminaNotStatic]");
    assertThat(processor.writtenSourceFiles()).containsExactly("pkg.GoodLayer");
    assertThat(processor.writtenProviders())
        .containsExactly(providerName("pkg", "pkg.Lambdas.good"));
  }

  // ---- The registry, loaded through ServiceLoader ----------------------------------------------

  @Test
  void registryListsTheLambdasWithTheirArgumentTypes() throws Exception {
    Compilation compilation = compileStrictly(LAMBDAS);
    ClassLoader loader = new GeneratedClassLoader(compilation);
    LambdaRegistry registry = LambdaRegistry.load(loader);

    assertThat(registry.names())
        .containsExactly("pkg.Lambdas.everything", "pkg.Lambdas.square").inOrder();
    LambdaFactory everything = registry.find("pkg.Lambdas.everything").orElseThrow();
    Class<?> layerClass = loader.loadClass("pkg.EverythingLayer");
    assertThat(everything.name()).isEqualTo("pkg.Lambdas.everything");
    assertThat(everything).isSameInstanceAs(layerClass.getField("FACTORY").get(null));
    assertThat(everything.signature()).isSameInstanceAs(layerClass.getField("SIGNATURE").get(null));
    assertThat(everything.arguments()).containsExactly(
        new ArgumentSpec("i", int.class),
        new ArgumentSpec("l", long.class),
        new ArgumentSpec("f", float.class),
        new ArgumentSpec("d", double.class),
        new ArgumentSpec("b", boolean.class),
        new ArgumentSpec("y", byte.class),
        new ArgumentSpec("s", short.class),
        new ArgumentSpec("c", char.class),
        new ArgumentSpec("boxed", Integer.class),
        new ArgumentSpec("text", String.class),
        new ArgumentSpec("mode", loader.loadClass("pkg.Lambdas$Mode")),
        new ArgumentSpec("weights", float[].class),
        new ArgumentSpec("sizes", int[].class)).inOrder();
    assertThat(registry.find("pkg.Lambdas.square").orElseThrow().arguments()).isEmpty();
  }

  @Test
  void createMakesTheLayerWithTheArgumentsAndTheName() throws Exception {
    Compilation compilation = compileStrictly(LAMBDAS);
    ClassLoader loader = new GeneratedClassLoader(compilation);
    LambdaFactory factory = LambdaRegistry.load(loader).find("pkg.Lambdas.everything").orElseThrow();
    Map<String, Object> values = everythingValues(loader);

    LambdaLayer layer = factory.create("mine", values);

    assertThat(layer.getClass().getName()).isEqualTo("pkg.EverythingLayer");
    assertThat(layer.explicitName()).hasValue("mine");
    Map<String, Object> arguments = layer.arguments();
    assertThat(arguments.keySet()).containsExactlyElementsIn(values.keySet()).inOrder();
    for (String name : List.of("i", "l", "f", "d", "b", "y", "s", "c", "boxed", "text", "mode")) {
      assertThat(arguments.get(name)).isEqualTo(values.get(name));
    }
    assertThat((float[]) arguments.get("weights")).usingExactEquality()
        .containsExactly(1f, 2f).inOrder();
    assertThat((int[]) arguments.get("sizes")).asList().containsExactly(5, 6, 7).inOrder();
  }

  @Test
  void createWithoutANameGivesTheDefault() throws Exception {
    Compilation compilation = compileStrictly(LAMBDAS);
    LambdaFactory square = registry(compilation).find("pkg.Lambdas.square").orElseThrow();

    LambdaLayer layer = square.create(null, Map.of());

    assertThat(layer.explicitName()).isEmpty();
    assertThat(layer.defaultName()).isEqualTo("square");
    assertThat(layer.arguments()).isEmpty();
  }

  @Test
  void createCopiesArrays() throws Exception {
    Compilation compilation = compileStrictly(LAMBDAS);
    ClassLoader loader = new GeneratedClassLoader(compilation);
    LambdaFactory factory = LambdaRegistry.load(loader).find("pkg.Lambdas.everything").orElseThrow();
    Map<String, Object> values = everythingValues(loader);
    float[] weights = (float[]) values.get("weights");

    LambdaLayer layer = factory.create(null, values);
    weights[0] = 99f;

    assertThat((float[]) layer.arguments().get("weights")).usingExactEquality()
        .containsExactly(1f, 2f).inOrder();
  }

  @Test
  void createTakesNullForBoxedStringAndEnumArguments() throws Exception {
    Compilation compilation = compileStrictly(LAMBDAS);
    ClassLoader loader = new GeneratedClassLoader(compilation);
    LambdaFactory factory = LambdaRegistry.load(loader).find("pkg.Lambdas.everything").orElseThrow();
    Map<String, Object> values = everythingValues(loader);
    values.put("boxed", null);
    values.put("text", null);
    values.put("mode", null);

    Map<String, Object> arguments = factory.create(null, values).arguments();

    assertThat(arguments.get("boxed")).isNull();
    assertThat(arguments.get("text")).isNull();
    assertThat(arguments.get("mode")).isNull();
    assertThat(arguments.keySet()).containsAtLeast("boxed", "text", "mode");
  }

  @Test
  void createAcceptsAnEnumConstantWithABody() throws Exception {
    Compilation compilation = compileStrictly(LAMBDAS);
    ClassLoader loader = new GeneratedClassLoader(compilation);
    LambdaFactory factory = LambdaRegistry.load(loader).find("pkg.Lambdas.everything").orElseThrow();
    Map<String, Object> values = everythingValues(loader);
    Object exact = mode(loader, "EXACT");
    assertThat(exact.getClass()).isNotEqualTo(loader.loadClass("pkg.Lambdas$Mode"));

    assertThat(factory.create(null, values).arguments().get("mode")).isSameInstanceAs(exact);
  }

  @Test
  void wrongArgumentsAreErrorsNamingTheLambdaAndTheArgument() throws Exception {
    Compilation compilation = compileStrictly(LAMBDAS);
    ClassLoader loader = new GeneratedClassLoader(compilation);
    LambdaRegistry registry = LambdaRegistry.load(loader);
    LambdaFactory everything = registry.find("pkg.Lambdas.everything").orElseThrow();

    assertThat(createError(everything, loader, "i", "7")).isEqualTo("Lambda "
        + "pkg.Lambdas.everything: argument 'i' must be of type int, not java.lang.String");
    // No widening: a long is not an int, an int not a long.
    assertThat(createError(everything, loader, "i", 7L)).isEqualTo("Lambda "
        + "pkg.Lambdas.everything: argument 'i' must be of type int, not java.lang.Long");
    assertThat(createError(everything, loader, "l", 8)).isEqualTo("Lambda "
        + "pkg.Lambdas.everything: argument 'l' must be of type long, not java.lang.Integer");
    assertThat(createError(everything, loader, "weights", new double[] {1})).isEqualTo("Lambda "
        + "pkg.Lambdas.everything: argument 'weights' must be of type float[], not double[]");
    assertThat(createError(everything, loader, "mode", "FAST")).isEqualTo("Lambda "
        + "pkg.Lambdas.everything: argument 'mode' must be of type pkg.Lambdas.Mode, not "
        + "java.lang.String");
    assertThat(createError(everything, loader, "i", null)).isEqualTo("Lambda "
        + "pkg.Lambdas.everything: argument 'i' (int) cannot be null");
    assertThat(createError(everything, loader, "sizes", null)).isEqualTo("Lambda "
        + "pkg.Lambdas.everything: argument 'sizes' (int[]) cannot be null");

    Map<String, Object> missing = everythingValues(loader);
    missing.remove("text");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> everything.create(null, missing)).getMessage()).isEqualTo("Lambda "
        + "pkg.Lambdas.everything needs a value for its argument 'text' (java.lang.String)");

    Map<String, Object> unknown = everythingValues(loader);
    unknown.put("extra", 1);
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> everything.create(null, unknown)).getMessage()).isEqualTo("Lambda "
        + "pkg.Lambdas.everything has no argument 'extra'; it takes i, l, f, d, b, y, s, c, "
        + "boxed, text, mode, weights, sizes");

    LambdaFactory square = registry.find("pkg.Lambdas.square").orElseThrow();
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> square.create(null, Map.of("index", 1))).getMessage()).isEqualTo("Lambda "
        + "pkg.Lambdas.square has no argument 'index'; it takes none");
  }

  private static String createError(LambdaFactory factory, ClassLoader loader, String name,
      Object value) throws Exception {
    Map<String, Object> values = everythingValues(loader);
    values.put(name, value);
    return assertThrows(IllegalArgumentException.class, () -> factory.create(null, values))
        .getMessage();
  }

  @Test
  void anInvalidLayerNameIsRefusedAsByTheLayer() throws Exception {
    LambdaFactory square = registry(compileStrictly(LAMBDAS)).find("pkg.Lambdas.square")
        .orElseThrow();

    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> square.create("no spaces", Map.of()));

    assertThat(error).hasMessageThat().startsWith("Layer name 'no spaces' is not valid");
  }

  // ---- Names a user can take -------------------------------------------------------------------

  /** Arguments named like the factory's members, its parameters and locals, and the fields. */
  @Test
  void argumentsNamedLikeTheFactorysMembers() throws Exception {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int Factory,
              @Arg int FACTORY, @Arg String name, @Arg int arguments, @Arg int layerName,
              @Arg int ARGUMENTS, @Arg int spec, @Arg int given, @Arg int value,
              @Arg int index, @Arg int accepted, @Arg int SIGNATURE, @Arg int signature,
              @Arg int create, @Arg int argument, @Arg int LambdaFactory, @Arg int Map,
              @Arg int List, @Arg int FLayer) {
            return x;
          }
        }
        """);

    Compilation compilation = compileStrictly(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile(providerName("pkg", "pkg.Lambdas.f"))
        .contentsAsUtf8String().contains("FLayer.FACTORY_");
    LambdaFactory factory = registry(compilation).find("pkg.Lambdas.f").orElseThrow();
    Map<String, Object> values = new LinkedHashMap<>();
    int next = 0;
    for (ArgumentSpec argument : factory.arguments()) {
      values.put(argument.name(), argument.type() == String.class ? "text" : next++);
    }
    assertThat(factory.create("f1", values).arguments()).isEqualTo(values);
  }

  @Test
  void layerClassesNamedFactoryListAndLambdaFactory() throws Exception {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda(className = "Factory")
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg int a, @Arg int b) {
            return x;
          }

          @Lambda(className = "List")
          static Operand<TFloat32> g(Ops tf, Operand<TFloat32> x) {
            return x;
          }

          @Lambda(className = "LambdaFactory")
          static Operand<TFloat32> h(Ops tf, Operand<TFloat32> x) {
            return x;
          }
        }
        """);

    Compilation compilation = compileStrictly(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("pkg.Factory").contentsAsUtf8String()
        .contains("public static final LayerFactory FACTORY = new LayerFactory();");
    assertThat(registry(compilation).names())
        .containsExactly("pkg.Lambdas.f", "pkg.Lambdas.g", "pkg.Lambdas.h").inOrder();
  }

  /**
   * In the unnamed package no class can be named in full: the nested factory takes another name
   * when the declaring class or an argument's type is named {@code Factory}.
   */
  @Test
  void unnamedPackageWithClassesNamedFactory() throws Exception {
    JavaFileObject declaring = source("Factory", """
        import dev.lamina.annotations.Arg;
        import dev.lamina.annotations.Lambda;
        import org.tensorflow.Operand;
        import org.tensorflow.op.Ops;
        import org.tensorflow.types.TFloat32;
        class Factory {
          enum Mode { A, B }

          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg Mode mode) {
            return x;
          }
        }
        """);

    Compilation compilation = compileStrictly(declaring);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("FLayer").contentsAsUtf8String()
        .contains("public static final LayerFactory FACTORY = new LayerFactory();");
    assertThat(serviceFile(compilation))
        .isEqualTo(providerName("", "Factory.f").substring(1) + "\n");
    ClassLoader loader = new GeneratedClassLoader(compilation);
    LambdaFactory factory = LambdaRegistry.load(loader).find("Factory.f").orElseThrow();
    Object b = loader.loadClass("Factory$Mode").getEnumConstants()[1];
    assertThat(factory.create(null, Map.of("mode", b)).arguments()).containsExactly("mode", b);
  }

  /** Inside the layer, {@code Factory} would be its nested class: that takes another name. */
  @Test
  void argumentTypeNamedFactory() throws Exception {
    JavaFileObject kind = pkgClass("Factory", "enum Factory { A, B }");
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg Factory kind) {
            return x;
          }
        }
        """);

    Compilation compilation = compileStrictly(kind, source);

    assertThat(compilation).succeededWithoutWarnings();
    ClassLoader loader = new GeneratedClassLoader(compilation);
    LambdaFactory factory = LambdaRegistry.load(loader).find("pkg.Lambdas.f").orElseThrow();
    assertThat(factory.arguments())
        .containsExactly(new ArgumentSpec("kind", loader.loadClass("pkg.Factory")));
    assertThat(compilation).generatedSourceFile("pkg.FLayer").contentsAsUtf8String()
        .contains("public static final LayerFactory FACTORY = new LayerFactory();");
  }

  /** The provider names deprecated layers without a warning, and java.lang types in full. */
  @Test
  void deprecatedLambdaBesidePackageClassesNamedLikeJavaLangTypes() {
    JavaFileObject override = pkgClass("Override", "class Override {}");
    JavaFileObject suppress = pkgClass("SuppressWarnings", "class SuppressWarnings {}");
    JavaFileObject source = lambdas("""
        class Lambdas {
          /** @deprecated use another */
          @Deprecated
          @Lambda
          static Operand<TFloat32> f(Ops tf, Operand<TFloat32> x, @Arg String s) {
            return x;
          }
        }
        """);

    Compilation compilation = compileStrictly(override, suppress, source);

    assertThat(compilation).succeededWithoutWarnings();
  }
}
