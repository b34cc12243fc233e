package dev.lamina.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;
import dev.lamina.annotations.Arg;
import dev.lamina.annotations.Lambda;
import dev.lamina.annotations.Training;
import dev.lamina.annotations.naming.LayerNames;
import dev.lamina.processor.LambdaSpec.Argument;
import dev.lamina.processor.LambdaSpec.Input;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Reads one {@code @Lambda} method and checks it against the declaration rules, reporting every
 * problem on the exact element (or annotation value) it concerns. Produces a {@link LambdaSpec}
 * only for a method with no problem, so generation never sees an invalid declaration.
 */
final class LambdaValidator {

  private static final String OPS = "org.tensorflow.op.Ops";
  private static final String OPERAND = "org.tensorflow.Operand";
  private static final String TTYPE = "org.tensorflow.types.family.TType";
  /**
   * The runtime's seed stream, recognised by name: the processor does not depend on the runtime,
   * which it names only in generated code.
   */
  static final String SEED_STREAM = "dev.lamina.runtime.SeedStream";
  /** Concrete dtypes carry this annotation; families such as TNumber do not. */
  private static final String TENSOR_TYPE = "org.tensorflow.types.annotation.TensorType";
  /** Identifiers that SourceVersion.isName accepts but that cannot name a class. */
  private static final Set<String> RESTRICTED = Set.of("var", "yield", "record", "sealed",
      "permits");

  private final Elements elements;
  private final Types types;
  private final Diagnostics diagnostics;

  LambdaValidator(ProcessingEnvironment env, Diagnostics diagnostics) {
    this.elements = env.getElementUtils();
    this.types = env.getTypeUtils();
    this.diagnostics = diagnostics;
  }

  /** The spec of a valid method; empty, with errors reported, otherwise. */
  Optional<LambdaSpec> validate(ExecutableElement method) {
    TypeElement ops = elements.getTypeElement(OPS);
    TypeElement operand = elements.getTypeElement(OPERAND);
    TypeElement ttype = elements.getTypeElement(TTYPE);
    if (ops == null || operand == null || ttype == null) {
      diagnostics.report(method, Message.NO_TENSORFLOW, describe(method));
      return Optional.empty();
    }
    int errorsBefore = diagnostics.errorCount();
    Check check = new Check(method, ops.asType(), types.erasure(operand.asType()),
        types.erasure(ttype.asType()));
    String className = check.className();
    check.modifiers(className);
    check.enclosingClasses();
    check.typeVariables();
    check.thrownTypes();
    int beforeParameters = diagnostics.errorCount();
    List<Input> inputs = check.parameters();
    boolean parametersValid = diagnostics.errorCount() == beforeParameters;
    TypeName outputType = check.returnType(inputs);
    LambdaSpec.Shapes shapes = new ShapeDeclarations(elements, types, diagnostics)
        .validate(method, check, inputs, check.args, parametersValid);
    if (diagnostics.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    TypeElement enclosing = (TypeElement) method.getEnclosingElement();
    String packageName = elements.getPackageOf(method).getQualifiedName().toString();
    return Optional.of(new LambdaSpec(
        method,
        ClassName.get(packageName, className),
        ClassName.get(enclosing),
        method.getSimpleName().toString(),
        method.getTypeParameters().stream().map(TypeVariableName::get).collect(Collectors.toList()),
        inputs,
        check.args,
        check.trainingIndex,
        check.seedsIndex,
        outputType,
        shapes,
        JavadocText.parse(elements.getDocComment(method)),
        deprecatedHere(method),
        usesDeprecated(method, shapes)));
  }

  /** Whether the method or a class around it is deprecated. */
  private boolean deprecatedHere(ExecutableElement method) {
    for (Element e = method; e instanceof ExecutableElement || e instanceof TypeElement;
        e = e.getEnclosingElement()) {
      if (elements.isDeprecated(e)) {
        return true;
      }
    }
    return false;
  }

  /** Whether generated code for {@code method} names anything deprecated. */
  private boolean usesDeprecated(ExecutableElement method, LambdaSpec.Shapes shapes) {
    if (deprecatedHere(method)) {
      return true;
    }
    for (VariableElement parameter : method.getParameters()) {
      for (TypeMirror t = parameter.asType(); t != null; ) {
        Element type = types.asElement(t);
        if (type != null && deprecatedOrEnclosedInDeprecated(type)) {
          return true;
        }
        t = t instanceof ArrayType array ? array.getComponentType() : null;
      }
    }
    TypeElement enclosing = (TypeElement) method.getEnclosingElement();
    for (ExecutableElement other
        : javax.lang.model.util.ElementFilter.methodsIn(enclosing.getEnclosedElements())) {
      String otherName = other.getSimpleName().toString();
      boolean referenced = shapes.outputShapeFn().filter(fn -> fn.methodName().equals(otherName))
          .isPresent() || shapes.mask().filter(fn -> fn.methodName().equals(otherName)).isPresent();
      if (referenced && elements.isDeprecated(other)) {
        return true;
      }
    }
    return false;
  }

  private boolean deprecatedOrEnclosedInDeprecated(Element type) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (elements.isDeprecated(e)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code Lambdas.square(Ops, Operand<TFloat32>)}: how messages tell overloads apart, with
   * parameter types as written without packages.
   */
  static String describeWithParameters(ExecutableElement method) {
    return describe(method) + method.getParameters().stream()
        .map(p -> p.asType().toString().replaceAll("(?:[a-z_$][\\w$]*\\.)+", ""))
        .collect(Collectors.joining(", ", "(", ")"));
  }

  /** {@code SeedLambdas.square}: how messages name a method. */
  static String describe(ExecutableElement method) {
    return method.getEnclosingElement().getSimpleName() + "." + method.getSimpleName();
  }

  /** The checks on one method, sharing what they learn. */
  private final class Check implements ShapeDeclarations.Values {
    private final ExecutableElement method;
    private final String name;
    private final TypeMirror ops;
    private final TypeMirror operand;
    private final TypeMirror ttype;
    private final AnnotationMirror annotation;
    private final List<Argument> args = new ArrayList<>();
    /** The {@code @Training} parameter, if any, and how many {@code @Arg}s come before it. */
    private VariableElement training;
    private int trainingIndex = -1;
    /**
     * The {@code SeedStream} parameter, if any, and how many {@code @Arg} and {@code @Training}
     * parameters come before it.
     */
    private VariableElement seeds;
    private int seedsIndex = -1;

    Check(ExecutableElement method, TypeMirror ops, TypeMirror operand, TypeMirror ttype) {
      this.method = method;
      this.name = describe(method);
      this.ops = ops;
      this.operand = operand;
      this.ttype = ttype;
      this.annotation = findAnnotation(method, Lambda.class.getCanonicalName());
    }

    String className() {
      String given = stringValue("className");
      if (given.isEmpty()) {
        return LayerNames.lambdaClassName(method.getSimpleName().toString());
      }
      if (!SourceVersion.isName(given) || given.contains(".") || RESTRICTED.contains(given)) {
        diagnostics.report(method, annotation, value("className"), Message.CLASS_NAME, given, name);
      }
      return given;
    }

    void modifiers(String className) {
      Set<Modifier> modifiers = method.getModifiers();
      if (!modifiers.contains(Modifier.STATIC)) {
        diagnostics.report(method, Message.NOT_STATIC, name);
      }
      if (modifiers.contains(Modifier.PRIVATE)) {
        diagnostics.report(method, Message.PRIVATE, name, className);
      }
      if (method.isVarArgs()) {
        diagnostics.report(method, Message.VARARGS, name);
      }
    }

    void enclosingClasses() {
      for (Element e = method.getEnclosingElement(); e instanceof TypeElement type;
          e = e.getEnclosingElement()) {
        if (type.getModifiers().contains(Modifier.PRIVATE)) {
          diagnostics.report(method, Message.PRIVATE_CLASS, name, type.getQualifiedName());
        }
        // A static method of an inner class needs no enclosing instance (Java 16 and later
        // allow static members there), so the generated layer calls it like any other.
      }
    }

    void typeVariables() {
      for (TypeParameterElement variable : method.getTypeParameters()) {
        for (TypeMirror bound : variable.getBounds()) {
          if (!types.isAssignable(types.erasure(bound), ttype)) {
            String v = variable.getSimpleName().toString();
            diagnostics.report(variable, Message.TYPE_VARIABLE_BOUND, v, name, bound, v, v);
            break;
          }
        }
      }
    }

    void thrownTypes() {
      TypeMirror runtimeException = elements.getTypeElement("java.lang.RuntimeException").asType();
      TypeMirror error = elements.getTypeElement("java.lang.Error").asType();
      for (TypeMirror thrown : method.getThrownTypes()) {
        if (!types.isAssignable(thrown, runtimeException) && !types.isAssignable(thrown, error)) {
          diagnostics.report(method, Message.CHECKED_EXCEPTION, name, thrown);
        }
      }
    }

    /**
     * Ops, then Operand inputs, then @Arg values, at most one @Training flag and at most one
     * SeedStream, in any order; returns the inputs, collects the args and the positions of the
     * flag and the stream.
     */
    List<Input> parameters() {
      List<? extends VariableElement> params = method.getParameters();
      List<Input> inputs = new ArrayList<>();
      int errorsBefore = diagnostics.errorCount();
      if (params.isEmpty() || !types.isSameType(params.get(0).asType(), ops)) {
        String found = params.isEmpty() ? "has no parameters"
            : "starts with '" + params.get(0).asType() + " " + params.get(0).getSimpleName() + "'";
        diagnostics.report(params.isEmpty() ? method : params.get(0),
            Message.FIRST_PARAMETER_NOT_OPS, name, found);
        return inputs;
      }
      VariableElement firstArg = null;
      VariableElement firstTraining = null;
      VariableElement firstSeeds = null;
      // A varargs parameter is reported once, as VARARGS, not also as a parameter of no kind.
      int end = method.isVarArgs() ? params.size() - 1 : params.size();
      for (VariableElement param : params.subList(1, Math.max(1, end))) {
        String paramName = param.getSimpleName().toString();
        boolean isOperand = types.isSameType(types.erasure(param.asType()), operand);
        boolean isArg = findAnnotation(param, Arg.class.getCanonicalName()) != null;
        boolean isTraining = findAnnotation(param, Training.class.getCanonicalName()) != null;
        boolean isSeeds = isSeedStream(param.asType());
        if (isSeeds) {
          if (isTraining) {
            diagnostics.report(param, Message.SEEDS_TRAINING, paramName, name);
          } else if (isArg) {
            diagnostics.report(param, Message.SEEDS_ARG, paramName, name);
          } else if (seeds != null) {
            diagnostics.report(param, Message.SEEDS_TWICE, paramName, name,
                seeds.getSimpleName());
          } else {
            seeds = param;
            seedsIndex = args.size() + (training != null ? 1 : 0);
          }
          firstSeeds = firstSeeds == null ? param : firstSeeds;
        } else if (isArg && isTraining) {
          diagnostics.report(param, Message.ARG_AND_TRAINING, paramName, name);
          firstArg = firstArg == null ? param : firstArg;
        } else if (isTraining) {
          if (param.asType().getKind() != TypeKind.BOOLEAN) {
            diagnostics.report(param, Message.TRAINING_TYPE, paramName, name, param.asType(),
                paramName);
          } else if (training != null) {
            diagnostics.report(param, Message.TRAINING_TWICE, paramName, name,
                training.getSimpleName());
          } else {
            training = param;
            trainingIndex = args.size();
          }
          firstTraining = firstTraining == null ? param : firstTraining;
        } else if (isArg) {
          if (isOperand) {
            diagnostics.report(param, Message.ARG_ON_OPERAND, paramName, name);
          } else if (!isSupportedArgType(param.asType())) {
            diagnostics.report(param, Message.ARG_TYPE, paramName, name, param.asType());
          } else {
            args.add(new Argument(paramName, TypeName.get(param.asType())));
          }
          firstArg = firstArg == null ? param : firstArg;
        } else if (isOperand) {
          if (firstArg != null) {
            diagnostics.report(param, Message.INPUT_AFTER_ARG, paramName, name,
                firstArg.getSimpleName());
          } else if (firstTraining != null) {
            diagnostics.report(param, Message.INPUT_AFTER_TRAINING, paramName, name,
                firstTraining.getSimpleName());
          } else if (firstSeeds != null) {
            diagnostics.report(param, Message.INPUT_AFTER_SEEDS, paramName, name,
                firstSeeds.getSimpleName());
          }
          input(param).ifPresent(inputs::add);
        } else {
          boolean isBoolean = param.asType().getKind() == TypeKind.BOOLEAN;
          diagnostics.report(param, Message.NOT_AN_INPUT, paramName, name, param.asType(),
              isBoolean ? " A boolean parameter may instead be @Training, to receive Keras's "
                  + "training flag." : "");
        }
      }
      if (inputs.isEmpty() && diagnostics.errorCount() == errorsBefore) {
        diagnostics.report(method, Message.NO_INPUTS, name);
      }
      return inputs;
    }

    /** Whether {@code type} is the runtime's {@code SeedStream}. */
    private boolean isSeedStream(TypeMirror type) {
      return type instanceof DeclaredType declared
          && declared.asElement() instanceof TypeElement element
          && element.getQualifiedName().contentEquals(SEED_STREAM);
    }

    private Optional<Input> input(VariableElement param) {
      String paramName = param.getSimpleName().toString();
      Optional<TypeMirror> dtype = dtypeOf(param.asType());
      if (dtype.isEmpty()) {
        diagnostics.report(param, Message.INPUT_TYPE_ARGUMENT, paramName, name, param.asType());
        return Optional.empty();
      }
      TypeMirror t = dtype.get();
      if (t instanceof TypeVariable variable) {
        List<ClassName> bounds = boundsOf(variable);
        return Optional.of(new Input(paramName, TypeName.get(t),
            Optional.of(variable.asElement().getSimpleName().toString()), bounds));
      }
      ClassName concrete = ClassName.get((TypeElement) types.asElement(t));
      return Optional.of(new Input(paramName, concrete, Optional.empty(), List.of(concrete)));
    }

    private List<ClassName> boundsOf(TypeVariable variable) {
      TypeParameterElement element = (TypeParameterElement) variable.asElement();
      List<ClassName> bounds = new ArrayList<>();
      for (TypeMirror bound : element.getBounds()) {
        if (types.asElement(types.erasure(bound)) instanceof TypeElement type) {
          bounds.add(ClassName.get(type));
        }
      }
      return bounds;
    }

    /** {@code T} of {@code Operand<T>}, if it is a class or a type variable of the method. */
    private Optional<TypeMirror> dtypeOf(TypeMirror type) {
      if (!(type instanceof DeclaredType declared) || declared.getTypeArguments().size() != 1) {
        return Optional.empty();
      }
      TypeMirror argument = declared.getTypeArguments().get(0);
      boolean methodVariable = argument.getKind() == TypeKind.TYPEVAR
          && method.getTypeParameters().contains(types.asElement(argument));
      boolean concrete = argument.getKind() == TypeKind.DECLARED
          && findAnnotation(types.asElement(argument), TENSOR_TYPE) != null;
      return methodVariable || concrete ? Optional.of(argument) : Optional.empty();
    }

    TypeName returnType(List<Input> inputs) {
      TypeMirror returned = method.getReturnType();
      boolean isOperand = returned.getKind() == TypeKind.DECLARED
          && types.isSameType(types.erasure(returned), operand);
      Optional<TypeMirror> dtype = isOperand ? dtypeOf(returned) : Optional.empty();
      if (dtype.isEmpty()) {
        diagnostics.report(method, Message.RETURN_TYPE, name, returned);
        return ClassName.OBJECT;
      }
      if (dtype.get() instanceof TypeVariable variable) {
        String v = variable.asElement().getSimpleName().toString();
        boolean bound = inputs.stream()
            .anyMatch(input -> input.typeVariable().filter(v::equals).isPresent());
        if (!bound && !inputs.isEmpty()) {
          diagnostics.report(method, Message.UNBOUND_RETURN_TYPE, name, v, v);
        }
      }
      return TypeName.get(dtype.get());
    }

    private boolean isSupportedArgType(TypeMirror type) {
      if (type.getKind().isPrimitive()) {
        return true;
      }
      if (type instanceof ArrayType array) {
        return array.getComponentType().getKind().isPrimitive();
      }
      if (!(type instanceof DeclaredType declared)) {
        return false;
      }
      Element element = declared.asElement();
      if (element.getKind() == ElementKind.ENUM) {
        return isAccessibleFromPackage(element);
      }
      if (types.isSameType(type, elements.getTypeElement("java.lang.String").asType())) {
        return true;
      }
      try {
        types.unboxedType(type);
        return true;
      } catch (IllegalArgumentException notABox) {
        return false;
      }
    }

    @Override
    public AnnotationMirror annotation() {
      return annotation;
    }

    @Override
    public AnnotationValue get(String attribute) {
      return value(attribute);
    }

    /** The generated class, in the method's package, can name the type. */
    private boolean isAccessibleFromPackage(Element type) {
      for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
        if (e.getModifiers().contains(Modifier.PRIVATE)) {
          return false;
        }
        boolean samePackage = elements.getPackageOf(e).equals(elements.getPackageOf(method));
        if (!samePackage && !e.getModifiers().contains(Modifier.PUBLIC)) {
          return false;
        }
      }
      return true;
    }

    private AnnotationValue value(String attribute) {
      if (annotation == null) {
        return null;
      }
      for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
          : annotation.getElementValues().entrySet()) {
        if (entry.getKey().getSimpleName().contentEquals(attribute)) {
          return entry.getValue();
        }
      }
      return null;
    }

    private String stringValue(String attribute) {
      AnnotationValue value = value(attribute);
      return value == null ? "" : String.valueOf(value.getValue());
    }
  }

  static AnnotationMirror findAnnotation(Element element, String annotationName) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(annotationName)) {
        return mirror;
      }
    }
    return null;
  }
}
