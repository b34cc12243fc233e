package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.TestSources.lambdas;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Should the processor fail internally, the user gets a tagged error on the method with the whole
 * stack trace (as AutoValue's), not a javac crash; and each catalogue entry carries its severity.
 */
class InternalErrorTest {

  @Test
  void internalFailureIsAnErrorWithTheStackTrace() {
    JavaFileObject source = lambdas("""
        class Lambdas {
          @Lambda
          static Operand<TFloat32> square(Ops tf, Operand<TFloat32> x) { // line 3
            return tf.math.square(x);
          }
        }
        """);

    Compilation compilation = Compiler.javac().withProcessors(new FailingDocComments())
        .compile(source);

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("[LaminaInternalError] Lamina could not process @Lambda method "
            + "Lambdas.square: java.lang.IllegalStateException: injected failure")
        .inFile(source).onLine(3);
    // The trace, down to the processor's own frames.
    assertThat(compilation).hadErrorContaining("\tat dev.lamina.processor.LambdaValidator.validate(");
    assertThat(compilation).hadErrorContaining("\tat dev.lamina.processor.LambdaProcessor.process(");
  }

  @Test
  void severitiesLiveInTheCatalogue() {
    for (Message message : Message.values()) {
      Diagnostic.Kind expected = message == Message.UNUSED_SYMBOL
          ? Diagnostic.Kind.WARNING : Diagnostic.Kind.ERROR;
      assertThat(message.kind()).isEqualTo(expected);
    }
  }

  /** A {@link LambdaProcessor} whose {@code Elements.getDocComment} throws, as a bug would. */
  private static final class FailingDocComments extends AbstractProcessor {
    private final LambdaProcessor delegate = new LambdaProcessor();

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      Elements elements = forward(Elements.class, env.getElementUtils(), "getDocComment");
      delegate.init((ProcessingEnvironment) Proxy.newProxyInstance(
          getClass().getClassLoader(), new Class<?>[] {ProcessingEnvironment.class},
          (self, method, args) -> method.getName().equals("getElementUtils")
              ? elements : invoke(method, env, args)));
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
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return delegate.process(annotations, round);
    }

    private static <T> T forward(Class<T> type, T target, String failing) {
      return type.cast(Proxy.newProxyInstance(InternalErrorTest.class.getClassLoader(),
          new Class<?>[] {type}, (self, method, args) -> {
            if (method.getName().equals(failing)) {
              throw new IllegalStateException("injected failure");
            }
            return invoke(method, target, args);
          }));
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
        throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
