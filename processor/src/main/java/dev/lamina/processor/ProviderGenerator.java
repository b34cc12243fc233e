package dev.lamina.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Writes the registry's {@code LambdaProvider} for the lambdas of one package generated in one
 * round, and names the service file that lists the providers.
 *
 * <p>A provider is named {@code LaminaLambdas_} plus the first 8 hex digits of the SHA-256 of its
 * lambdas' registry names, sorted: deterministic (a build gives the same class every time), and
 * distinct for two compilations that put lambdas in the same package. That case is common: a
 * project's main and test sources share packages, and both outputs are on the test class path.
 * Were both providers {@code pkg.LaminaLambdas}, the class loader would find one class for the
 * two service-file entries and the other compilation's lambdas would silently vanish.
 */
final class ProviderGenerator {

  /** The service interface, and the name of its file under {@code META-INF/services/}. */
  static final String SERVICE = "dev.lamina.runtime.registry.LambdaProvider";
  static final String SERVICE_FILE = "META-INF/services/" + SERVICE;

  private static final ClassName PROVIDER = ClassName.get("dev.lamina.runtime.registry",
      "LambdaProvider");
  private static final ClassName LAMBDA_FACTORY = ClassName.get("dev.lamina.runtime.registry",
      "LambdaFactory");
  private static final ClassName LIST = ClassName.get(List.class);

  private final Optional<ClassName> generatedAnnotation;

  ProviderGenerator(Optional<ClassName> generatedAnnotation) {
    this.generatedAnnotation = generatedAnnotation;
  }

  /** {@code pkg.LaminaLambdas_1a2b3c4d} for these lambdas, all of package {@code packageName}. */
  static ClassName providerClass(String packageName, List<LambdaSpec> specs) {
    String names = specs.stream().map(LambdaSpec::registryName).sorted()
        .collect(Collectors.joining("\n"));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(names.getBytes(StandardCharsets.UTF_8));
      return ClassName.get(packageName,
          "LaminaLambdas_" + HexFormat.of().formatHex(digest, 0, 4));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * @param javaLangClashes simple names that a class of the package shares with a
   *     {@code java.lang} type: named in full here
   */
  JavaFile generate(ClassName provider, List<LambdaSpec> specs, Set<String> javaLangClashes) {
    List<LambdaSpec> sorted = specs.stream()
        .sorted(Comparator.comparing(LambdaSpec::registryName))
        .toList();
    TypeSpec.Builder type = TypeSpec.classBuilder(provider)
        .alwaysQualify(javaLangClashes.toArray(String[]::new))
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(PROVIDER)
        .addJavadoc("The {@code @Lambda} methods of package {@code $L} compiled together, for the "
            + "registry that\nloading a saved model looks lambdas up in. Listed in {@code $L}.\n",
            provider.packageName().isEmpty() ? "(unnamed)" : provider.packageName(),
            SERVICE_FILE);
    for (LambdaSpec spec : sorted) {
      type.addOriginatingElement(spec.method());
    }
    generatedAnnotation.ifPresent(generated -> type.addAnnotation(
        AnnotationSpec.builder(generated)
            .addMember("value", "$S", LambdaProcessor.class.getCanonicalName())
            .build()));
    if (sorted.stream().anyMatch(LambdaSpec::deprecated)) {
      // Naming a deprecated layer's factory is a use of the layer; the registry must list it.
      type.addAnnotation(AnnotationSpec.builder(SuppressWarnings.class)
          .addMember("value", "$S", "deprecation")
          .build());
    }
    type.addMethod(MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("For {@link java.util.ServiceLoader}.\n")
        .build());
    CodeBlock factories = sorted.stream()
        .map(spec -> CodeBlock.of("$T.$N", spec.layerClass(), LayerGenerator.factoryField(spec)))
        .collect(CodeBlock.joining(",\n"));
    type.addMethod(MethodSpec.methodBuilder("lambdas")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(LIST, LAMBDA_FACTORY))
        .addCode(CodeBlock.builder()
            .add("return $T.of(\n", LIST)
            .indent().indent().add(factories).unindent().unindent()
            .add(");\n")
            .build())
        .build());
    return JavaFile.builder(provider.packageName(), type.build())
        .skipJavaLangImports(true)
        .build();
  }
}
