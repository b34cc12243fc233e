package dev.lamina.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import dev.lamina.annotations.Training;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
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
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Generates a typed layer class for every {@code @Lambda} method: read and validate
 * ({@link LambdaValidator}), model ({@link LambdaSpec}), generate ({@link LayerGenerator}).
 *
 * <p>For loading saved models it also registers every layer it writes: each layer carries a
 * {@code Factory} (the runtime's {@code LambdaFactory}), each round's layers of one package are
 * listed by a generated {@code LambdaProvider} ({@link ProviderGenerator}), and the last round
 * writes {@code META-INF/services/dev.lamina.runtime.registry.LambdaProvider} naming them all.
 * The processor is Gradle-{@code aggregating}: a provider and the service file gather many
 * lambdas.
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

  /**
   * The registry providers written in this compilation's rounds, by binary name: the service file
   * lists them once, in the last round. Lambdas may arrive in several rounds (a deferred method, a
   * class another processor generates), and a provider's source must be written before the last
   * round to be compiled without a warning, so each round writes its own providers.
   */
  private final Set<String> providers = new TreeSet<>();

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
    Map<String, List<LambdaSpec>> written = new TreeMap<>();
    for (LambdaSpec spec : specs) {
      if (!argTypesVisible(spec, inherited, diagnostics)) {
        continue;
      }
      try {
        if (write(generator, spec, javaLangClashes(spec.layerClass().packageName(),
            generatedBy.keySet()), inherited, diagnostics)) {
          written.computeIfAbsent(spec.layerClass().packageName(), p -> new ArrayList<>())
              .add(spec);
        }
      } catch (RuntimeException | StackOverflowError e) {
        diagnostics.report(spec.method(), Message.INTERNAL_ERROR,
            LambdaValidator.describe(spec.method()), e, Diagnostics.stackTrace(e));
      }
    }
    writeProviders(written, generatedBy.keySet(), diagnostics);
    if (round.processingOver()) {
      writeServiceFile(diagnostics);
    }
  }

  /**
   * One provider per package for the layers this round wrote. Per package, so that each sits
   * beside its layers and a module can declare it; see {@link ProviderGenerator} for its name.
   */
  private void writeProviders(Map<String, List<LambdaSpec>> byPackage, Set<ClassName> layers,
      Diagnostics diagnostics) {
    ProviderGenerator generator = new ProviderGenerator(generatedAnnotation());
    byPackage.forEach((packageName, specs) -> {
      ClassName provider = ProviderGenerator.providerClass(packageName, specs);
      try {
        generator.generate(provider, specs, javaLangClashes(packageName, layers))
            .writeTo(processingEnv.getFiler());
        providers.add(provider.reflectionName());
      } catch (IOException | RuntimeException e) {
        diagnostics.report(specs.get(0).method(), Message.INTERNAL_ERROR,
            LambdaValidator.describe(specs.get(0).method()),
            "writing the registry provider " + provider + " failed: " + e,
            Diagnostics.stackTrace(e));
      }
    });
  }

  /**
   * {@code META-INF/services/dev.lamina.runtime.registry.LambdaProvider}, listing this
   * compilation's providers, written once in the last round. As AutoService does, it keeps the
   * entries of the file an earlier compilation left in the class output (an incremental build
   * recompiles only some sources, and the providers of the others still stand); a clean build has
   * no such file. A compilation without lambdas writes nothing.
   */
  private void writeServiceFile(Diagnostics diagnostics) {
    if (providers.isEmpty()) {
      return;
    }
    Filer filer = processingEnv.getFiler();
    Set<String> entries = new TreeSet<>(providers);
    try {
      FileObject existing = filer.getResource(StandardLocation.CLASS_OUTPUT, "",
          ProviderGenerator.SERVICE_FILE);
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(
          existing.openInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          int comment = line.indexOf('#');
          String entry = (comment >= 0 ? line.substring(0, comment) : line).trim();
          if (!entry.isEmpty()) {
            entries.add(entry);
          }
        }
      }
    } catch (IOException | IllegalArgumentException noEarlierFile) {
      // A clean build, or a Filer (Gradle's, after it deleted the file) with nothing to read.
    }
    try {
      FileObject file = filer.createResource(StandardLocation.CLASS_OUTPUT, "",
          ProviderGenerator.SERVICE_FILE);
      try (Writer writer = new OutputStreamWriter(file.openOutputStream(),
          StandardCharsets.UTF_8)) {
        for (String entry : entries) {
          writer.write(entry);
          writer.write('\n');
        }
      }
    } catch (IOException e) {
      diagnostics.report(null, Message.SERVICE_FILE_NOT_WRITTEN, ProviderGenerator.SERVICE_FILE,
          e);
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
   * Simple names that a class of the package (this round's layers included) shares with a
   * {@code java.lang} type: a generated layer or provider must name those {@code java.lang} types
   * in full.
   */
  private Set<String> javaLangClashes(String packageName, Set<ClassName> layers) {
    Set<String> names = new HashSet<>();
    PackageElement pkg = processingEnv.getElementUtils().getPackageElement(packageName);
    if (pkg != null) {
      for (Element type : pkg.getEnclosedElements()) {
        names.add(type.getSimpleName().toString());
      }
    }
    for (ClassName layer : layers) {
      if (layer.packageName().equals(packageName)) {
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

  /** Writes the layer; whether it did. */
  private boolean write(LayerGenerator generator, LambdaSpec spec, Set<String> packageTypes,
      Set<String> inherited, Diagnostics diagnostics) {
    try {
      generator.generate(spec, packageTypes, inherited).writeTo(processingEnv.getFiler());
      return true;
    } catch (IOException e) {
      diagnostics.report(spec.method(), Message.INTERNAL_ERROR,
          LambdaValidator.describe(spec.method()), "writing " + spec.layerClass() + " failed: " + e,
          Diagnostics.stackTrace(e));
      return false;
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
