package dev.lamina.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import dev.lamina.annotations.Lambda;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Generates a typed layer class for every {@code @Lambda} method: read and validate
 * ({@link LambdaValidator}), model ({@link LambdaSpec}), generate ({@link LayerGenerator}).
 *
 * <p>Problems are compile errors on the element at fault; the processor never throws to javac and
 * never writes a file for an invalid declaration.
 */
@AutoService(Processor.class)
public final class LambdaProcessor extends AbstractProcessor {

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(Lambda.class.getCanonicalName());
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Diagnostics diagnostics = new Diagnostics(processingEnv.getMessager());
    LambdaValidator validator = new LambdaValidator(processingEnv, diagnostics);
    LayerGenerator generator = new LayerGenerator(generatedAnnotation());
    Map<ClassName, ExecutableElement> generatedBy = new HashMap<>();
    for (ExecutableElement method
        : ElementFilter.methodsIn(round.getElementsAnnotatedWith(Lambda.class))) {
      try {
        validator.validate(method).ifPresent(spec -> {
          if (declaredInThisCompilation(round, spec.layerClass())) {
            onClassName(diagnostics, method, Message.CLASS_NAME_TAKEN,
                LambdaValidator.describe(method), spec.layerClass());
            return;
          }
          ExecutableElement first = generatedBy.putIfAbsent(spec.layerClass(), method);
          if (first != null) {
            onClassName(diagnostics, method, Message.DUPLICATE_CLASS_NAME,
                LambdaValidator.describe(method), spec.layerClass(),
                LambdaValidator.describe(first));
            return;
          }
          write(generator, spec, diagnostics);
        });
      } catch (RuntimeException e) {
        diagnostics.error(method, Message.INTERNAL_ERROR, LambdaValidator.describe(method), e);
      }
    }
    return false;
  }

  /** Reports on the method's {@code className} value if it has one, else on the method. */
  private static void onClassName(Diagnostics diagnostics, ExecutableElement method,
      Message message, Object... args) {
    AnnotationMirror lambda = LambdaValidator.findAnnotation(method,
        Lambda.class.getCanonicalName());
    AnnotationValue className = lambda == null ? null : lambda.getElementValues().entrySet()
        .stream()
        .filter(entry -> entry.getKey().getSimpleName().contentEquals("className"))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
    if (className == null) {
      diagnostics.error(method, message, args);
    } else {
      diagnostics.error(method, lambda, className, message, args);
    }
  }

  /**
   * Whether user source compiled now declares {@code name}. Classes on the class path do not
   * count: a stale layer from an earlier build is simply replaced.
   */
  private static boolean declaredInThisCompilation(RoundEnvironment round, ClassName name) {
    return round.getRootElements().stream()
        .filter(element -> element instanceof TypeElement)
        .anyMatch(type -> ((TypeElement) type).getQualifiedName()
            .contentEquals(name.canonicalName()));
  }

  private void write(LayerGenerator generator, LambdaSpec spec, Diagnostics diagnostics) {
    try {
      generator.generate(spec).writeTo(processingEnv.getFiler());
    } catch (IOException e) {
      diagnostics.error(spec.method(), Message.INTERNAL_ERROR,
          LambdaValidator.describe(spec.method()), "writing " + spec.layerClass() + " failed: " + e);
    }
  }

  private Optional<ClassName> generatedAnnotation() {
    boolean available = processingEnv.getSourceVersion().compareTo(SourceVersion.RELEASE_8) > 0
        && processingEnv.getElementUtils()
            .getTypeElement("javax.annotation.processing.Generated") != null;
    return available
        ? Optional.of(ClassName.get("javax.annotation.processing", "Generated"))
        : Optional.empty();
  }
}
