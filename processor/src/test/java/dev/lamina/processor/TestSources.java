package dev.lamina.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** Builds the sources the tests compile, and compiles them with the Lamina processor. */
final class TestSources {

  /**
   * The package line and every import the declarations and model code under test need, on one
   * line, so that the first line of a {@link #lambdas} body is line 1 of the file.
   */
  private static final String HEADER = "package pkg; "
      + "import dev.lamina.annotations.Arg; "
      + "import dev.lamina.annotations.Lambda; "
      + "import dev.lamina.annotations.Training; "
      + "import dev.lamina.runtime.Input; "
      + "import dev.lamina.runtime.SymbolicTensor; "
      + "import java.util.List; "
      + "import org.tensorflow.Operand; "
      + "import org.tensorflow.ndarray.Shape; "
      + "import org.tensorflow.op.Ops; "
      + "import org.tensorflow.types.TBool; "
      + "import org.tensorflow.types.TFloat32; "
      + "import org.tensorflow.types.TInt32; "
      + "import org.tensorflow.types.family.TFloating; "
      + "import org.tensorflow.types.family.TNumber; "
      + "import org.tensorflow.types.family.TType; ";

  private TestSources() {}

  /**
   * {@code pkg.Lambdas}, from a text block declaring {@code class Lambdas}. The usual imports are
   * prepended on its first line, so line N of the text block is line N of the file.
   */
  static JavaFileObject lambdas(String body) {
    return source("pkg.Lambdas", HEADER + body);
  }

  /** Another class of package {@code pkg}, with the same imports; line N of the body is line N. */
  static JavaFileObject pkgClass(String simpleName, String body) {
    return source("pkg." + simpleName, HEADER + body);
  }

  /** A complete source file, written out in full. */
  static JavaFileObject source(String qualifiedName, String text) {
    return JavaFileObjects.forSourceString(qualifiedName, text);
  }

  /** The compilation failed with one error, on {@code line} of {@code source}, with every part. */
  static void assertOnlyError(
      Compilation compilation, JavaFileObject source, int line, String... parts) {
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    for (String part : parts) {
      assertThat(compilation).hadErrorContaining(part).inFile(source).onLine(line);
    }
  }

  /** Compiles with a fresh {@link LambdaProcessor}. */
  static Compilation compile(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(new LambdaProcessor()).compile(sources);
  }
}
