package dev.lamina.processor;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/**
 * Loads the classes a successful compilation wrote, delegating the rest (the runtime, TensorFlow's
 * Java API) to the tests' own class loader. Only for calling generated code that builds no ops, so
 * TensorFlow's native library is never loaded.
 */
final class GeneratedClassLoader extends ClassLoader {

  private final Compilation compilation;

  GeneratedClassLoader(Compilation compilation) {
    super(GeneratedClassLoader.class.getClassLoader());
    this.compilation = compilation;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    int dot = name.lastIndexOf('.');
    JavaFileObject file = compilation.generatedFile(StandardLocation.CLASS_OUTPUT,
            name.substring(0, dot), name.substring(dot + 1) + ".class")
        .orElseThrow(() -> new ClassNotFoundException(name));
    try (InputStream in = file.openInputStream()) {
      byte[] bytes = in.readAllBytes();
      return defineClass(name, bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
