package dev.lamina.processor;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject.Kind;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardLocation;

/**
 * Runs a {@link LambdaProcessor} and records the name of every source file it asks the
 * {@link Filer} to create.
 *
 * <p>compile-testing hides generated files once a compilation fails, so this is how the tests check
 * that no layer was written for a rejected declaration.
 */
final class RecordingLambdaProcessor extends AbstractProcessor {

  private final LambdaProcessor delegate = new LambdaProcessor();
  private final List<String> writtenSourceFiles = new ArrayList<>();
  private final Map<String, String> earlierClassOutput;

  RecordingLambdaProcessor() {
    this(Map.of());
  }

  /**
   * @param earlierClassOutput resources an earlier compilation left in the class output, by path,
   *     which the processor's {@code Filer.getResource(CLASS_OUTPUT, ...)} then finds
   */
  RecordingLambdaProcessor(Map<String, String> earlierClassOutput) {
    this.earlierClassOutput = Map.copyOf(earlierClassOutput);
  }

  /**
   * Qualified names of the layer source files written so far, in order, e.g.
   * {@code pkg.SquareLayer}; the registry's providers are in {@link #writtenProviders()}.
   */
  List<String> writtenSourceFiles() {
    return writtenSourceFiles.stream().filter(name -> !isProvider(name)).toList();
  }

  /** Qualified names of the registry providers written so far, in order. */
  List<String> writtenProviders() {
    return writtenSourceFiles.stream().filter(RecordingLambdaProcessor::isProvider).toList();
  }

  private static boolean isProvider(String name) {
    return name.substring(name.lastIndexOf('.') + 1).startsWith("LaminaLambdas_");
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    Filer filer = forwarding(Filer.class, env.getFiler(), (method, args) -> {
      if (method.getName().equals("createSourceFile")) {
        writtenSourceFiles.add(args[0].toString());
      }
      if (method.getName().equals("getResource") && args[0] == StandardLocation.CLASS_OUTPUT
          && earlierClassOutput.containsKey(args[2].toString())) {
        String text = earlierClassOutput.get(args[2].toString());
        return new SimpleJavaFileObject(URI.create("earlier:/" + args[2]), Kind.OTHER) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
          }

          @Override
          public InputStream openInputStream() {
            return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
          }
        };
      }
      return null;
    });
    delegate.init(forwarding(ProcessingEnvironment.class, env,
        (method, args) -> method.getName().equals("getFiler") ? filer : null));
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return delegate.getSupportedAnnotationTypes();
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return delegate.getSupportedSourceVersion();
  }

  @Override
  public Set<String> getSupportedOptions() {
    return delegate.getSupportedOptions();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    return delegate.process(annotations, round);
  }

  /** Sees a call first; a non-null result replaces the target's. */
  private interface Interceptor {
    Object intercept(Method method, Object[] args);
  }

  /** A proxy that forwards every call to {@code target} unless {@code interceptor} answers it. */
  private static <T> T forwarding(Class<T> type, T target, Interceptor interceptor) {
    InvocationHandler handler = (self, method, args) -> {
      Object replaced = interceptor.intercept(method, args);
      if (replaced != null) {
        return replaced;
      }
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(
        RecordingLambdaProcessor.class.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
