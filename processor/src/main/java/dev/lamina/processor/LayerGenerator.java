package dev.lamina.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.lamina.processor.LambdaSpec.Argument;
import dev.lamina.processor.LambdaSpec.Input;
import dev.lamina.processor.LambdaSpec.Constraint;
import dev.lamina.processor.LambdaSpec.OutputShape;
import dev.lamina.processor.LambdaSpec.ShapeFunction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/** Writes the layer class for one validated {@link LambdaSpec}. */
final class LayerGenerator {

  private static final String RUNTIME = "dev.lamina.runtime";
  private static final ClassName LAMBDA_LAYER = ClassName.get(RUNTIME, "LambdaLayer");
  private static final ClassName SIGNATURE = ClassName.get(RUNTIME, "LambdaSignature");
  private static final ClassName SEED_STREAM = ClassName.bestGuess(LambdaValidator.SEED_STREAM);
  private static final ClassName INPUT_SPEC = SIGNATURE.nestedClass("InputSpec");
    private static final ClassName SYMBOLIC_TENSOR = ClassName.get(RUNTIME, "SymbolicTensor");
  private static final ClassName OPS = ClassName.get("org.tensorflow.op", "Ops");
  private static final ClassName OPERAND = ClassName.get("org.tensorflow", "Operand");
  private static final ClassName TBOOL = ClassName.get("org.tensorflow.types", "TBool");
  private static final ClassName LIST = ClassName.get(List.class);
  private static final ClassName OBJECTS = ClassName.get("java.util", "Objects");
  private static final ClassName MAP = ClassName.get("java.util", "Map");
  private static final ClassName LAMBDA_FACTORY =
      ClassName.get(RUNTIME + ".registry", "LambdaFactory");
  private static final ClassName ARGUMENT_SPEC = LAMBDA_FACTORY.nestedClass("ArgumentSpec");

  private final Optional<ClassName> generatedAnnotation;
  /** How calls name the declaring class in the layer being generated; see {@link #owner}. */
  private CodeBlock owner;

  /**
   * @param generatedAnnotation {@code javax.annotation.processing.Generated} when the target
   *     release has it
   */
  LayerGenerator(Optional<ClassName> generatedAnnotation) {
    this.generatedAnnotation = generatedAnnotation;
  }

  /**
   * @param javaLangClashes simple names of {@code java.lang} types that a class of the layer's
   *     package also takes ({@code Override}): the layer names those {@code java.lang} types in
   *     full, as a same-package class would hide them
   * @param inheritedTypes simple names of the member types the layer inherits from
   *     {@code LambdaLayer} ({@code OutputSpec}): inside the layer they hide same-package classes
   *     of those names, which it then names in full
   */
  JavaFile generate(LambdaSpec spec, Set<String> javaLangClashes, Set<String> inheritedTypes) {
    ClassName layer = spec.layerClass();
    this.owner = owner(spec, inheritedTypes);
    Set<String> argNames = spec.args().stream().map(Argument::name).collect(Collectors.toSet());
    String signatureField = freeName("SIGNATURE", argNames);
    String layerNameParam = freeName("layerName", argNames);
    Set<String> qualified = new HashSet<>(argNames);
    qualified.addAll(javaLangClashes);

    TypeSpec.Builder type = TypeSpec.classBuilder(layer)
        // A field named like a type the class uses would hide it, and so would a class of the
        // package named like a java.lang type: name such types in full.
        .alwaysQualify(qualified.toArray(String[]::new))
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .superclass(LAMBDA_LAYER)
        .addOriginatingElement(spec.method())
        .addJavadoc(classDoc(spec));
    generatedAnnotation.ifPresent(generated -> type.addAnnotation(
        AnnotationSpec.builder(generated)
            .addMember("value", "$S", LambdaProcessor.class.getCanonicalName())
            .build()));
    if (spec.deprecated()) {
      // The user deprecated the function: model code using its layer should hear of it.
      type.addAnnotation(Deprecated.class);
    }
    if (spec.usesDeprecated()) {
      // The layer must call what it wraps; the user cannot suppress warnings in generated code.
      type.addAnnotation(AnnotationSpec.builder(SuppressWarnings.class)
          .addMember("value", "{$S, $S}", "deprecation", "removal")
          .build());
    }

    type.addField(FieldSpec.builder(SIGNATURE, signatureField,
            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("What every application of this layer is checked against.\n")
        .initializer(signature(spec))
        .build());
    for (Argument arg : spec.args()) {
      type.addField(arg.type(), arg.name(), Modifier.PRIVATE, Modifier.FINAL);
    }

    ClassName factoryClass = factoryClass(spec);
    type.addField(FieldSpec.builder(factoryClass, factoryField(spec),
            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("What loading a saved model uses to make this layer: the lambda's registry "
            + "name, its {@code @Arg}s and a\nfactory from their values, listed by the "
            + "compilation's {@code LambdaProvider}.\n")
        .initializer("new $T()", factoryClass)
        .build());

    type.addMethod(constructor(spec, signatureField, layerNameParam));
    type.addMethod(factory(spec));
    if (spec.args().size() > 1) {
      // Several arguments read better by name: SliceLayer.builder().index(0).scale(2f).build().
      // A nested class cannot share its enclosing class's name.
      ClassName builder = layer.nestedClass(
          layer.simpleName().equals("Builder") ? "ArgumentsBuilder" : "Builder");
      type.addMethod(MethodSpec.methodBuilder("builder")
          .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
          .returns(builder)
          .addJavadoc("A builder that takes the {@code @Arg} values by name; each must be set.\n")
          .addStatement("return new $T()", builder)
          .build());
      type.addType(builder(spec, builder));
    }
    type.addMethod(renamer(spec));
    type.addMethod(apply(spec));
    type.addMethod(invoke(spec));
    if (spec.shapes().checksShapes()) {
      type.addMethod(new ShapeCheckGenerator(spec, owner).checkShapes());
    }
    spec.shapes().mask().ifPresent(mask -> type.addMethod(invokeMask(spec, mask)));
    type.addType(registryFactory(spec, factoryClass, signatureField));
    return JavaFile.builder(layer.packageName(), type.build())
        .skipJavaLangImports(true)
        .build();
  }

  private CodeBlock classDoc(LambdaSpec spec) {
    CodeBlock.Builder doc = CodeBlock.builder()
        .add("A Keras-style {@code Lambda} layer running {@link $T#$L}, generated by Lamina.\n",
            spec.enclosingClass(), spec.methodName());
    if (!spec.doc().description().isEmpty()) {
      doc.add("\n<p>$L\n", spec.doc().description());
    }
    if (spec.takesTraining()) {
      doc.add("\n<p>The method's {@code @Training} parameter receives Keras's {@code training} "
          + "flag.\n");
    }
    if (spec.takesSeeds()) {
      doc.add("\n<p>The method's {@code SeedStream} parameter receives each call's seeds, "
          + "reproducible from {@code FitOptions.seed}: each {@code seeds.next()} is a new "
          + "{@code [2]} int64 seed for TensorFlow's stateless random ops, such as "
          + "{@code tf.random.statelessRandomNormal(tf.shape(x, TInt64.class), seeds.next(), "
          + "TFloat32.class)}.\n");
    }
    LambdaSpec.Shapes shapes = spec.shapes();
    doc.add("\n<p>Shapes, batch excluded, checked when the layer is applied:\n<ul>\n");
    for (int i = 0; i < shapes.inputPatterns().size(); i++) {
      doc.add("  <li>input {@code $L}: {@code $L}\n", spec.inputs().get(i).name(),
          shapes.inputPatterns().get(i).source());
    }
    shapes.requires().ifPresent(
        requires -> doc.add("  <li>requires {@code $L}\n", requires.source()));
    if (shapes.outputShape().isPresent()) {
      doc.add("  <li>output: {@code $L}, checked against the shape TensorFlow infers for the ops\n",
          shapes.outputShape().get().source());
    } else if (shapes.outputShapeFn().isPresent()) {
      doc.add("  <li>output: computed by {@link $T#$L} from the full input shapes, checked against "
          + "the shape TensorFlow infers for the ops\n", spec.enclosingClass(),
          shapes.outputShapeFn().get().methodName());
    } else {
      doc.add("  <li>output: inferred by TensorFlow from the ops\n");
    }
    spec.shapes().mask().ifPresent(mask -> doc.add("  <li>mask: computed by {@link $T#$L}\n",
        spec.enclosingClass(), mask.methodName()));
    return doc.add("</ul>\n").build();
  }

  private CodeBlock signature(LambdaSpec spec) {
    CodeBlock inputs = spec.inputs().stream()
        .map(LayerGenerator::inputSpec)
        .collect(CodeBlock.joining(",\n"));
    CodeBlock.Builder code = CodeBlock.builder()
        .add("new $T(\n", SIGNATURE)
        .indent().indent()
        .add("$S,\n$S,\n$S,\n", spec.layerClass().simpleName(),
            spec.enclosingClass().simpleName() + "." + spec.methodName(), spec.defaultLayerName())
        .add("$T.of(\n", LIST).indent().indent().add(inputs).unindent().unindent().add(")");
    LambdaSpec.Shapes shapes = spec.shapes();
    if (shapes.declaresAnything()) {
      CodeBlock patterns = shapes.inputPatterns().stream()
          .map(pattern -> CodeBlock.of("$S", pattern.source()))
          .collect(CodeBlock.joining(", "));
      code.add(",\n$T.of($L),\n$S,\n$S,\n$S,\n$S", LIST, patterns,
          shapes.outputShape().map(OutputShape::source).orElse(""),
          shapes.outputShapeFn().map(ShapeFunction::methodName).orElse(""),
          shapes.requires().map(Constraint::source).orElse(""),
          shapes.mask().map(ShapeFunction::methodName).orElse(""));
    }
    return code.add(")").unindent().unindent().build();
  }

  private static CodeBlock inputSpec(Input input) {
    CodeBlock bounds = input.bounds().stream()
        .map(bound -> CodeBlock.of("$T.class", bound))
        .collect(CodeBlock.joining(", "));
    return input.typeVariable()
        .map(variable -> CodeBlock.of("$T.generic($S, $S, $L)", INPUT_SPEC, input.name(),
            variable, bounds))
        .orElse(CodeBlock.of("$T.of($S, $L)", INPUT_SPEC, input.name(), bounds));
  }

  private MethodSpec constructor(LambdaSpec spec, String signatureField, String layerNameParam) {
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addParameter(String.class, layerNameParam);
    for (Argument arg : spec.args()) {
      constructor.addParameter(arg.type(), arg.name());
    }
    CodeBlock arguments = spec.args().stream()
        .map(arg -> CodeBlock.of("$S, $N", arg.name(), arg.name()))
        .collect(CodeBlock.joining(", "));
    constructor.addStatement("super($N, $N, $L)", signatureField, layerNameParam,
        spec.args().isEmpty()
            ? CodeBlock.of("$T.of()", MAP)
            : CodeBlock.of("arguments($L)", arguments));
    for (Argument arg : spec.args()) {
      constructor.addStatement("this.$N = $N", arg.name(), arg.name());
    }
    return constructor.build();
  }

  private MethodSpec factory(LambdaSpec spec) {
    MethodSpec.Builder of = MethodSpec.methodBuilder("of")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(spec.layerClass())
        .addJavadoc("A new layer$L, named by the model unless {@link #name(String)} names it.\n",
            spec.args().isEmpty() ? "" : " with these arguments (Keras's {@code arguments})");
    CodeBlock.Builder values = CodeBlock.builder();
    for (Argument arg : spec.args()) {
      of.addParameter(arg.type(), arg.name());
      String doc = spec.doc().params().getOrDefault(arg.name(), "");
      of.addJavadoc("\n@param $L $L", arg.name(), doc.isEmpty() ? "the {@code @Arg} value" : doc);
      values.add(", ");
      if (arg.isArray()) {
        values.add("$T.requireNonNull($N, $S).clone()", OBJECTS, arg.name(), arg.name());
      } else {
        values.add("$N", arg.name());
      }
    }
    if (!spec.args().isEmpty()) {
      of.addJavadoc("\n");
    }
    return of.addStatement("return new $T(null$L)", spec.layerClass(), values.build()).build();
  }

  private TypeSpec builder(LambdaSpec spec, ClassName builder) {
    TypeSpec.Builder type = TypeSpec.classBuilder(builder)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("Builds a {@link $T} from its {@code @Arg} values, each given by name.\n",
            spec.layerClass())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    MethodSpec.Builder build = MethodSpec.methodBuilder("build")
        .addModifiers(Modifier.PUBLIC)
        .returns(spec.layerClass())
        .addJavadoc("The layer.\n\n@throws IllegalStateException if an argument was not set\n");
    for (Argument arg : spec.args()) {
      String set = freeName(arg.name() + "Set",
          spec.args().stream().map(Argument::name).collect(Collectors.toSet()));
      type.addField(arg.type(), arg.name(), Modifier.PRIVATE);
      type.addField(TypeName.BOOLEAN, set, Modifier.PRIVATE);
      String doc = spec.doc().params().getOrDefault(arg.name(), "");
      type.addMethod(MethodSpec.methodBuilder(arg.name())
          .addModifiers(Modifier.PUBLIC)
          .returns(builder)
          .addParameter(arg.type(), arg.name())
          .addJavadoc("@param $L $L\n@return this builder\n", arg.name(),
              doc.isEmpty() ? "the {@code @Arg} value" : doc)
          .addStatement("this.$N = $N", arg.name(), arg.name())
          .addStatement("this.$N = true", set)
          .addStatement("return this")
          .build());
      build.beginControlFlow("if (!$N)", set)
          .addStatement("throw new $T($S)", IllegalStateException.class,
              spec.layerClass().simpleName() + ".builder(): " + arg.name() + " is not set")
          .endControlFlow();
    }
    // Not of(...): a setter named like an @Arg called "of" would hide it. A constructor call
    // names a type, which no member can hide.
    CodeBlock values = spec.args().stream()
        .map(arg -> arg.isArray()
            ? CodeBlock.of(", $T.requireNonNull(this.$N, $S).clone()", OBJECTS, arg.name(),
                arg.name())
            : CodeBlock.of(", this.$N", arg.name()))
        .collect(CodeBlock.joining(""));
    build.addStatement("return new $T(null$L)", spec.layerClass(), values);
    return type.addMethod(build.build()).build();
  }

  private MethodSpec renamer(LambdaSpec spec) {
    CodeBlock fields = spec.args().stream()
        .map(arg -> CodeBlock.of(", this.$N", arg.name()))
        .collect(CodeBlock.joining(""));
    return MethodSpec.methodBuilder("name")
        .addModifiers(Modifier.PUBLIC)
        .returns(spec.layerClass())
        .addParameter(String.class, "name")
        .addJavadoc("A copy of this layer with the given name, like Keras's {@code name=}.\n")
        .addStatement("return new $T(name$L)", spec.layerClass(), fields)
        .build();
  }

  private MethodSpec apply(LambdaSpec spec) {
    MethodSpec.Builder apply = MethodSpec.methodBuilder("apply")
        .addModifiers(Modifier.PUBLIC)
        .addTypeVariables(spec.typeVariables())
        .returns(ParameterizedTypeName.get(SYMBOLIC_TENSOR, spec.outputType()))
        .addJavadoc("Applies the layer; its output's shape and dtype are known (and checked) at "
            + "once.\n\n");
    for (Input input : spec.inputs()) {
      apply.addParameter(ParameterSpec.builder(
          ParameterizedTypeName.get(SYMBOLIC_TENSOR, input.dtype()), input.name()).build());
      String doc = spec.doc().params().getOrDefault(input.name(), "");
      apply.addJavadoc("@param $L $L\n", input.name(), doc.isEmpty() ? "an input" : doc);
    }
    apply.addJavadoc("@throws IllegalArgumentException if the inputs' shapes do not fit\n");
    String names = spec.inputs().stream().map(Input::name).collect(Collectors.joining(", "));
    return apply.addStatement("return applyTyped($L)", names).build();
  }

  private MethodSpec invoke(LambdaSpec spec) {
    CodeBlock.Builder call = CodeBlock.builder().add("tf");
    for (int i = 0; i < spec.inputs().size(); i++) {
      call.add(", ($T) inputs.get($L)", OPERAND, i);
    }
    // The @Arg values, with the training flag and then the seed stream put in their places.
    List<CodeBlock> values = new ArrayList<>(argumentValueList(spec));
    if (spec.takesTraining()) {
      values.add(spec.trainingIndex(), CodeBlock.of(", training"));
    }
    if (spec.takesSeeds()) {
      values.add(spec.seedsIndex(), CodeBlock.of(", seeds"));
    }
    values.forEach(call::add);
    TypeName anyOperand = ParameterizedTypeName.get(OPERAND, WildcardTypeName.subtypeOf(Object.class));
    MethodSpec.Builder invoke = MethodSpec.methodBuilder("invoke")
        .addAnnotation(Override.class)
        .addAnnotation(AnnotationSpec.builder(SuppressWarnings.class)
            .addMember("value", "{$S, $S}", "unchecked", "rawtypes")
            .build())
        .addModifiers(Modifier.PROTECTED)
        .returns(anyOperand)
        .addParameter(OPS, "tf")
        .addParameter(ParameterizedTypeName.get(LIST, anyOperand), "inputs")
        .addParameter(TypeName.BOOLEAN, "training");
    if (spec.takesSeeds()) {
      // The form with the call's seeds; LambdaLayer's other form is left to throw.
      invoke.addParameter(SEED_STREAM, "seeds");
    }
    invoke.addComment("The runtime has checked the inputs' dtypes against the signature.");
    return invoke
        .addStatement("return $L.$N($L)", owner, spec.methodName(), call.build())
        .build();
  }

  private MethodSpec invokeMask(LambdaSpec spec, ShapeFunction mask) {
    CodeBlock.Builder call = CodeBlock.builder().add("tf");
    for (int i = 0; i < spec.inputs().size(); i++) {
      call.add(", ($T) inputs.get($L)", OPERAND, i);
    }
    for (int i = 0; i < spec.inputs().size(); i++) {
      call.add(", masks.get($L)", i);
    }
    if (mask.takesArgs()) {
      call.add(argumentValues(spec));
    }
    TypeName anyOperand = ParameterizedTypeName.get(OPERAND, WildcardTypeName.subtypeOf(Object.class));
    TypeName boolOperand = ParameterizedTypeName.get(OPERAND, TBOOL);
    return MethodSpec.methodBuilder("invokeMask")
        .addAnnotation(Override.class)
        .addAnnotation(AnnotationSpec.builder(SuppressWarnings.class)
            .addMember("value", "{$S, $S}", "unchecked", "rawtypes")
            .build())
        .addModifiers(Modifier.PROTECTED)
        .returns(boolOperand)
        .addParameter(OPS, "tf")
        .addParameter(ParameterizedTypeName.get(LIST, anyOperand), "inputs")
        .addParameter(ParameterizedTypeName.get(LIST, boolOperand), "masks")
        .addStatement("return $L.$N($L)", owner, mask.methodName(), call.build())
        .build();
  }

  /**
   * {@code , this.a, this.b.clone()}: the {@code @Arg} values as every call of a user method
   * passes them. An array goes out as a copy, so a method that changes it cannot change the layer.
   */
  static CodeBlock argumentValues(LambdaSpec spec) {
    return CodeBlock.join(argumentValueList(spec), "");
  }

  private static List<CodeBlock> argumentValueList(LambdaSpec spec) {
    return spec.args().stream()
        .map(arg -> CodeBlock.of(arg.isArray() ? ", this.$N.clone()" : ", this.$N", arg.name()))
        .collect(Collectors.toList());
  }

  /**
   * The declaring class, as a call of its static methods names it. A field named like the class
   * ({@code @Arg int K} in class {@code K}), or a member type the layer inherits, would take the
   * simple name, so then it is named in full; JavaPoet does not qualify a class of the file's own
   * package.
   */
  static CodeBlock owner(LambdaSpec spec, Set<String> inheritedTypes) {
    ClassName owner = spec.enclosingClass();
    String top = owner.topLevelClassName().simpleName();
    boolean hidden = inheritedTypes.contains(top)
        || spec.args().stream().anyMatch(arg -> arg.name().equals(top));
    return hidden ? CodeBlock.of("$L", owner.canonicalName()) : CodeBlock.of("$T", owner);
  }

  /**
   * The nested class implementing the runtime's {@code LambdaFactory}: {@code Factory}, unless the
   * layer itself (a nested class cannot share its enclosing class's name) or a class of the
   * package that the layer names (the declaring class, an {@code @Arg}'s type) is so named; then
   * {@code LayerFactory}. Inside the layer the nested class would hide such a class, and in the
   * unnamed package nothing could name it in full.
   */
  static ClassName factoryClass(LambdaSpec spec) {
    ClassName layer = spec.layerClass();
    Set<String> taken = new HashSet<>();
    taken.add(layer.simpleName());
    taken.add(spec.enclosingClass().topLevelClassName().simpleName());
    for (Argument arg : spec.args()) {
      if (arg.type() instanceof ClassName named
          && named.packageName().equals(layer.packageName())) {
        taken.add(named.topLevelClassName().simpleName());
      }
    }
    String name = taken.contains("Factory") ? "LayerFactory" : "Factory";
    while (taken.contains(name)) {
      name = name + "_";
    }
    return layer.nestedClass(name);
  }

  /** The layer's static field holding its factory: {@code FACTORY}, unless an {@code @Arg} is. */
  static String factoryField(LambdaSpec spec) {
    return freeName("FACTORY",
        spec.args().stream().map(Argument::name).collect(Collectors.toSet()));
  }

  /**
   * The registry's factory. Inside it, its own members ({@code name()}, {@code arguments()}, the
   * {@code ARGUMENTS} constant, the parameters of {@code create}) hide the layer's members and
   * fields named like them, and it names the layer's {@code SIGNATURE} only by its simple name,
   * which no {@code @Arg} takes; types appear only where a field cannot hide them (declarations,
   * casts, class literals, {@code new}).
   */
  private TypeSpec registryFactory(LambdaSpec spec, ClassName factoryClass,
      String signatureField) {
    String lambdaName = spec.registryName();
    TypeName argumentList = ParameterizedTypeName.get(LIST, ARGUMENT_SPEC);
    CodeBlock argumentSpecs = spec.args().stream()
        .map(arg -> CodeBlock.of("new $T($S, $T.class)", ARGUMENT_SPEC, arg.name(),
            arg.type()))
        .collect(CodeBlock.joining(",\n"));
    TypeSpec.Builder factory = TypeSpec.classBuilder(factoryClass)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(LAMBDA_FACTORY)
        .addJavadoc("Makes {@link $T} layers from typed {@code @Arg} values, for the registry that "
            + "loading a saved\nmodel looks lambdas up in by name.\n", spec.layerClass())
        .addField(FieldSpec.builder(argumentList, "ARGUMENTS",
                Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .initializer(spec.args().isEmpty()
                ? CodeBlock.of("$T.of()", LIST)
                : CodeBlock.builder().add("$T.of(\n", LIST).indent().indent()
                    .add(argumentSpecs).unindent().unindent().add(")").build())
            .build())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .addMethod(MethodSpec.methodBuilder("name")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addStatement("return $S", lambdaName)
            .build())
        .addMethod(MethodSpec.methodBuilder("signature")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(SIGNATURE)
            .addStatement("return $N", signatureField)
            .build())
        .addMethod(MethodSpec.methodBuilder("arguments")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(argumentList)
            .addStatement("return ARGUMENTS")
            .build());

    String taken = spec.args().isEmpty()
        ? "it takes none"
        : "it takes " + spec.args().stream().map(Argument::name).collect(Collectors.joining(", "));
    MethodSpec.Builder create = MethodSpec.methodBuilder("create")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(spec.layerClass())
        .addParameter(String.class, "layerName")
        .addParameter(ParameterizedTypeName.get(MAP, TypeName.get(String.class),
            ClassName.OBJECT), "arguments")
        .addJavadoc("A new layer.\n\n"
            + "@param layerName the layer's name, or {@code null} for the default\n"
            + "@param arguments one value per {@code @Arg}, by name, of its type (boxed for a "
            + "primitive)\n"
            + "@throws IllegalArgumentException if an argument is missing, unknown, {@code null} "
            + "for a primitive\n    or an array, or of another type; or if the name is not "
            + "valid\n")
        .beginControlFlow("if (arguments == null)")
        .addStatement("throw new $T($S)", NullPointerException.class,
            "arguments of lambda " + lambdaName)
        .endControlFlow()
        .beginControlFlow("for ($T given : arguments.keySet())", String.class)
        .beginControlFlow("if (ARGUMENTS.stream().noneMatch(spec -> spec.name().equals(given)))")
        .addStatement("throw new $T($S + given + $S)", IllegalArgumentException.class,
            "Lambda " + lambdaName + " has no argument '", "'; " + taken)
        .endControlFlow()
        .endControlFlow();
    CodeBlock.Builder values = CodeBlock.builder();
    for (int i = 0; i < spec.args().size(); i++) {
      Argument arg = spec.args().get(i);
      values.add(",\n");
      CodeBlock value = CodeBlock.of("argument(arguments, $L, $T.class)", i,
          arg.type().box());
      if (arg.isArray()) {
        // A copy, as of(...) takes one: the caller's array cannot change the layer.
        values.add("(($T) $L).clone()", arg.type(), value);
      } else {
        values.add("($T) $L", arg.type(), value);
      }
    }
    create.addStatement("return new $T(layerName$L)", spec.layerClass(), values.build());
    factory.addMethod(create.build());

    if (!spec.args().isEmpty()) {
      factory.addMethod(MethodSpec.methodBuilder("argument")
          .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .returns(ClassName.OBJECT)
          .addParameter(ParameterizedTypeName.get(MAP, TypeName.get(String.class),
              ClassName.OBJECT), "arguments")
          .addParameter(TypeName.INT, "index")
          .addParameter(ParameterizedTypeName.get(ClassName.get(Class.class),
              WildcardTypeName.subtypeOf(Object.class)), "accepted")
          .addJavadoc("The value of {@code @Arg} number {@code index}, checked against its type "
              + "({@code accepted}\nboxes a primitive): a wrong value is an error naming the "
              + "lambda and the argument, never\na {@code ClassCastException}.\n")
          .addStatement("$T spec = ARGUMENTS.get(index)", ARGUMENT_SPEC)
          .addStatement("$T value = arguments.get(spec.name())", Object.class)
          .beginControlFlow("if (value == null)")
          .beginControlFlow("if (!arguments.containsKey(spec.name()))")
          .addStatement("throw new $T($S + spec.name() + $S + spec.type().getCanonicalName() "
                  + "+ $S)", IllegalArgumentException.class, "Lambda " + lambdaName
                  + " needs a value for its argument '", "' (", ")")
          .endControlFlow()
          .beginControlFlow("if (spec.type().isPrimitive() || spec.type().isArray())")
          .addStatement("throw new $T($S + spec.name() + $S + spec.type().getCanonicalName() "
                  + "+ $S)", IllegalArgumentException.class, "Lambda " + lambdaName
                  + ": argument '", "' (", ") cannot be null")
          .endControlFlow()
          .nextControlFlow("else if (!accepted.isInstance(value))")
          .addStatement("throw new $T($S + spec.name() + $S + spec.type().getCanonicalName() "
                  + "+ $S + value.getClass().getTypeName())", IllegalArgumentException.class,
              "Lambda " + lambdaName + ": argument '", "' must be of type ", ", not ")
          .endControlFlow()
          .addStatement("return value")
          .build());
    }
    return factory.build();
  }

  private static String freeName(String preferred, Set<String> taken) {
    Set<String> used = new HashSet<>(taken);
    String name = preferred;
    while (used.contains(name)) {
      name = name + "_";
    }
    return name;
  }
}
