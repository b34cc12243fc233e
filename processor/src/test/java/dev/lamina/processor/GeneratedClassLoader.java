package dev.lamina.processor;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/**
 * Loads the classes a successful compilation wrote, delegating the rest (the runtime, TensorFlow's
 * Java API) to the tests' own class loader. Only for calling generated code that builds no ops, so
 * TensorFlow's native library is never loaded. Resources the compilation wrote to its class output
 * (the registry's service file) are found too, so {@link java.util.ServiceLoader} sees them.
 */
final class GeneratedClassLoader extends ClassLoader {

  private final Compilation compilation;

  GeneratedClassLoader(Compilation compilation) {
    super(GeneratedClassLoader.class.getClassLoader());
    this.compilation = compilation;
  }

  @Override
  protected URL findResource(String name) {
    return compilation.generatedFile(StandardLocation.CLASS_OUTPUT, name)
        .map(GeneratedClassLoader::url)
        .orElse(null);
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return Collections.enumeration(url == null ? List.of() : List.of(url));
  }

  /** A URL reading the in-memory file, as ServiceLoader reads a service file through its URL. */
  private static URL url(JavaFileObject file) {
    try {
      return new URL(null, "generated:" + file.getName(), new URLStreamHandler() {
        @Override
        protected URLConnection openConnection(URL url) {
          return new URLConnection(url) {
            @Override
            public void connect() {}

            @Override
            public InputStream getInputStream() throws IOException {
              return file.openInputStream();
            }
          };
        }
      });
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    int dot = name.lastIndexOf('.');
    JavaFileObject file = compilation.generatedFile(StandardLocation.CLASS_OUTPUT,
            dot < 0 ? "" : name.substring(0, dot), name.substring(dot + 1) + ".class")
        .orElseThrow(() -> new ClassNotFoundException(name));
    try (InputStream in = file.openInputStream()) {
      byte[] bytes = in.readAllBytes();
      return defineClass(name, bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
