package dev.lamina.processor;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;

/**
 * Finds types javac could not resolve in a method's declaration: a misspelt {@code TFlaot32}, or
 * a class another processor has yet to generate. Such a method is not judged: its errors would be
 * the wrong ones, and generated code would repeat the bad name.
 */
final class ErrorTypes {

  private ErrorTypes() {}

  /**
   * Whether the method's declaration, or that of a method its {@code outputShapeFn} or
   * {@code mask} names, has a type with an error.
   */
  static boolean inDeclaration(ExecutableElement method) {
    if (in(method)) {
      return true;
    }
    AnnotationMirror lambda = LambdaValidator.findAnnotation(method,
        "dev.lamina.annotations.Lambda");
    if (lambda == null) {
      return false;
    }
    List<String> named = new ArrayList<>();
    lambda.getElementValues().forEach((key, value) -> {
      String attribute = key.getSimpleName().toString();
      if (attribute.equals("outputShapeFn") || attribute.equals("mask")) {
        named.add(String.valueOf(value.getValue()));
      }
    });
    for (ExecutableElement other
        : ElementFilter.methodsIn(method.getEnclosingElement().getEnclosedElements())) {
      if (named.contains(other.getSimpleName().toString()) && in(other)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the method's return, parameter, thrown or type-variable bound types have an error. */
  static boolean in(ExecutableElement method) {
    if (has(method.getReturnType())) {
      return true;
    }
    for (VariableElement parameter : method.getParameters()) {
      if (has(parameter.asType())) {
        return true;
      }
    }
    for (TypeMirror thrown : method.getThrownTypes()) {
      if (has(thrown)) {
        return true;
      }
    }
    for (TypeParameterElement variable : method.getTypeParameters()) {
      for (TypeMirror bound : variable.getBounds()) {
        if (has(bound)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code type} is or contains an error type. Type variables are not followed: their
   * bounds are checked where the variables are declared, and may mention the variable itself.
   */
  static boolean has(TypeMirror type) {
    if (type == null) {
      return false;
    }
    if (type.getKind() == TypeKind.ERROR) {
      return true;
    }
    if (type instanceof ArrayType array) {
      return has(array.getComponentType());
    }
    if (type instanceof WildcardType wildcard) {
      return has(wildcard.getExtendsBound()) || has(wildcard.getSuperBound());
    }
    if (type instanceof DeclaredType declared) {
      for (TypeMirror argument : declared.getTypeArguments()) {
        if (has(argument)) {
          return true;
        }
      }
      return has(declared.getEnclosingType());
    }
    return false;
  }
}
