package dev.lamina.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.lang.model.element.ExecutableElement;

/**
 * A validated {@code @Lambda} method: everything generation needs, and nothing it has to check.
 *
 * @param method the annotated method, the generated file's originating element
 * @param layerClass the class to generate
 * @param enclosingClass the class declaring the method
 * @param methodName the method's name
 * @param typeVariables the method's type variables, carried over to {@code apply}
 * @param inputs the {@code Operand} parameters, in order
 * @param args the {@code @Arg} parameters, in order
 * @param outputType {@code R} in the method's {@code Operand<R>} return type
 * @param outputShape the parsed {@code outputShape}, if declared
 * @param doc the method's Javadoc, split into description and parameter docs
 */
record LambdaSpec(
    ExecutableElement method,
    ClassName layerClass,
    ClassName enclosingClass,
    String methodName,
    List<TypeVariableName> typeVariables,
    List<Input> inputs,
    List<Argument> args,
    TypeName outputType,
    Optional<OutputShape> outputShape,
    JavadocText doc) {

  /**
   * An {@code Operand<T>} parameter.
   *
   * @param name the parameter's name
   * @param dtype {@code T}: a class such as {@code TFloat32}, or a type variable
   * @param typeVariable the type variable's name when {@code dtype} is one
   * @param bounds the concrete class, or the type variable's bounds (all TensorFlow types)
   */
  record Input(String name, TypeName dtype, Optional<String> typeVariable, List<ClassName> bounds) {}

  /** An {@code @Arg} parameter. */
  record Argument(String name, TypeName type) {
    boolean isArray() {
      return type instanceof com.palantir.javapoet.ArrayTypeName;
    }
  }

  /**
   * A declared per-sample output shape.
   *
   * @param source the declaration as written
   * @param dims one per dim, empty where it says {@code ?}
   */
  record OutputShape(String source, List<OptionalLong> dims) {}

  /** The layer's default name: the method's name in snake_case ({@code sliceColumn}: {@code slice_column}). */
  String defaultLayerName() {
    StringBuilder out = new StringBuilder();
    for (char c : methodName.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append(out.length() > 0 ? "_" : "").append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
