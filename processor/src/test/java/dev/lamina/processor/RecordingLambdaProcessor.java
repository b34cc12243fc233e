package dev.lamina.processor;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

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

  /** Qualified names of the source files written so far, in order, e.g. {@code pkg.SquareLayer}. */
  List<String> writtenSourceFiles() {
    return List.copyOf(writtenSourceFiles);
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    Filer filer = forwarding(Filer.class, env.getFiler(), (method, args) -> {
      if (method.getName().equals("createSourceFile")) {
        writtenSourceFiles.add(args[0].toString());
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
