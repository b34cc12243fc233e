package dev.lamina.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import dev.lamina.annotations.Training;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Generates a typed layer class for every {@code @Lambda} method: read and validate
 * ({@link LambdaValidator}), model ({@link LambdaSpec}), generate ({@link LayerGenerator}).
 *
 * <p>Problems are compile errors on the element at fault; the processor never throws to javac and
 * never writes a file for an invalid declaration. A declaration whose types do not resolve is
 * deferred to the next round and, after the last, left to javac (as AutoValue does). An internal
 * failure is a {@code [LaminaInternalError]} carrying the stack trace. Methods of local and
 * anonymous classes, which no round shows, are reported by {@link LocalLambdas}.
 */
@AutoService(Processor.class)
public final class LambdaProcessor extends AbstractProcessor {

  /**
   * Methods whose declarations use a type that did not resolve yet (a misspelling, or a type
   * another processor has still to generate), as {@code enclosing type name#method index}. Each
   * round looks at them again; after the last one javac reports what still does not resolve.
   */
  private final Set<String> deferred = new LinkedHashSet<>();

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    // The three are Lamina's, and this processor reads all three, so it claims them: a strict
    // build (-Xlint:all -Werror) has no unclaimed annotation to warn about. The layers it writes
    // carry @Generated, which no processor reads; the next round would warn about it unclaimed,
    // so it claims that marker too when it writes it.
    Optional<ClassName> marker = isInitialized() ? generatedAnnotation() : Optional.empty();
    return marker
        .map(generated -> Set.of(Lambda.class.getCanonicalName(), Arg.class.getCanonicalName(),
            Training.class.getCanonicalName(), generated.canonicalName()))
        .orElse(Set.of(Lambda.class.getCanonicalName(), Arg.class.getCanonicalName(),
            Training.class.getCanonicalName()));
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    LocalLambdas.watch(env);
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Diagnostics diagnostics = new Diagnostics(processingEnv.getMessager());
    try {
      processRound(round, diagnostics);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      diagnostics.report(null, Message.INTERNAL_ERROR_IN_ROUND, e,
          Diagnostics.stackTrace(e));
    }
    return true;
  }

  private void processRound(RoundEnvironment round, Diagnostics diagnostics) {
    Set<ExecutableElement> methods = new LinkedHashSet<>(deferredMethods());
    methods.addAll(ElementFilter.methodsIn(round.getElementsAnnotatedWith(Lambda.class)));
    LambdaValidator validator = new LambdaValidator(processingEnv, diagnostics);
    Map<ClassName, ExecutableElement> generatedBy = new HashMap<>();
    List<LambdaSpec> specs = new ArrayList<>();
    for (ExecutableElement method : methods) {
      if (ErrorTypes.inDeclaration(method)) {
        // Never diagnose or generate from a type javac has not resolved: wait for a later round,
        // and after the last leave the error to javac, which names the type as written.
        if (!round.processingOver()) {
          deferred.add(key(method));
        }
        continue;
      }
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
                LambdaValidator.describeWithParameters(method), spec.layerClass(),
                LambdaValidator.describeWithParameters(first));
            return;
          }
          specs.add(spec);
        });
      } catch (RuntimeException | StackOverflowError e) {
        diagnostics.report(method, Message.INTERNAL_ERROR, LambdaValidator.describe(method), e,
            Diagnostics.stackTrace(e));
      }
    }
    LayerGenerator generator = new LayerGenerator(generatedAnnotation());
    Set<String> inherited = inheritedMemberTypes();
    for (LambdaSpec spec : specs) {
      if (!argTypesVisible(spec, inherited, diagnostics)) {
        continue;
      }
      try {
        write(generator, spec, javaLangClashes(spec, generatedBy.keySet()), inherited,
            diagnostics);
      } catch (RuntimeException | StackOverflowError e) {
        diagnostics.report(spec.method(), Message.INTERNAL_ERROR,
            LambdaValidator.describe(spec.method()), e, Diagnostics.stackTrace(e));
      }
    }
  }

  /** The deferred methods, looked up again: elements of earlier rounds may be stale. */
  private List<ExecutableElement> deferredMethods() {
    List<ExecutableElement> methods = new ArrayList<>();
    for (String key : deferred) {
      int hash = key.lastIndexOf('#');
      TypeElement type = processingEnv.getElementUtils().getTypeElement(key.substring(0, hash));
      int index = Integer.parseInt(key.substring(hash + 1));
      if (type != null) {
        List<ExecutableElement> declared = ElementFilter.methodsIn(type.getEnclosedElements());
        if (index < declared.size()) {
          methods.add(declared.get(index));
        }
      }
    }
    deferred.clear();
    return methods;
  }

  private static String key(ExecutableElement method) {
    TypeElement type = (TypeElement) method.getEnclosingElement();
    return type.getQualifiedName() + "#"
        + ElementFilter.methodsIn(type.getEnclosedElements()).indexOf(method);
  }

  /** Simple names of the member types every layer inherits from the runtime's LambdaLayer. */
  private Set<String> inheritedMemberTypes() {
    TypeElement base = processingEnv.getElementUtils().getTypeElement(
        "dev.lamina.runtime.LambdaLayer");
    Set<String> names = new HashSet<>();
    if (base != null) {
      for (Element member : processingEnv.getElementUtils().getAllMembers(base)) {
        if (member instanceof TypeElement) {
          names.add(member.getSimpleName().toString());
        }
      }
    }
    return names;
  }

  /**
   * An {@code @Arg} type of the layer's own package named like a member type the layer inherits
   * ({@code OutputSpec}) cannot be named inside the layer: an error on the parameter, not a
   * generated file that fails to compile.
   */
  private static boolean argTypesVisible(LambdaSpec spec, Set<String> inherited,
      Diagnostics diagnostics) {
    boolean visible = true;
    for (int i = 0; i < spec.args().size(); i++) {
      LambdaSpec.Argument arg = spec.args().get(i);
      TypeName type = arg.type();
      if (type instanceof ClassName named
          && named.packageName().equals(spec.layerClass().packageName())
          && inherited.contains(named.topLevelClassName().simpleName())) {
        Element parameter = spec.method().getParameters().stream()
            .filter(p -> p.getSimpleName().contentEquals(arg.name()))
            .findFirst().orElse(null);
        diagnostics.report(parameter, Message.ARG_TYPE_HIDDEN, arg.name(),
            LambdaValidator.describe(spec.method()), named.canonicalName(),
            named.topLevelClassName().simpleName());
        visible = false;
      }
    }
    return visible;
  }

  /**
   * Simple names that a class of the layer's package (this round's layers included) shares with a
   * {@code java.lang} type: the generated layer must name those {@code java.lang} types in full.
   */
  private Set<String> javaLangClashes(LambdaSpec spec, Set<ClassName> layers) {
    Set<String> names = new HashSet<>();
    PackageElement pkg = processingEnv.getElementUtils().getPackageElement(
        spec.layerClass().packageName());
    if (pkg != null) {
      for (Element type : pkg.getEnclosedElements()) {
        names.add(type.getSimpleName().toString());
      }
    }
    for (ClassName layer : layers) {
      if (layer.packageName().equals(spec.layerClass().packageName())) {
        names.add(layer.simpleName());
      }
    }
    names.removeIf(name -> processingEnv.getElementUtils()
        .getTypeElement("java.lang." + name) == null);
    return names;
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
      diagnostics.report(method, message, args);
    } else {
      diagnostics.report(method, lambda, className, message, args);
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

  private void write(LayerGenerator generator, LambdaSpec spec, Set<String> packageTypes,
      Set<String> inherited, Diagnostics diagnostics) {
    try {
      generator.generate(spec, packageTypes, inherited).writeTo(processingEnv.getFiler());
    } catch (IOException e) {
      diagnostics.report(spec.method(), Message.INTERNAL_ERROR,
          LambdaValidator.describe(spec.method()), "writing " + spec.layerClass() + " failed: " + e,
          Diagnostics.stackTrace(e));
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
