package dev.lamina.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;
import dev.lamina.annotations.naming.LayerNames;
import dev.lamina.processor.shape.Expr;
import dev.lamina.processor.shape.Pattern;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * @param trainingIndex where the {@code @Training} parameter sits among the {@code @Arg}s (the
 *     number of {@code @Arg}s before it), or {@code -1} if the method has none
 * @param seedsIndex where the {@code SeedStream} parameter sits among the {@code @Arg}s and the
 *     {@code @Training} parameter (the number of them before it), or {@code -1} if the method has
 *     none
 * @param outputType {@code R} in the method's {@code Operand<R>} return type
 * @param shapes the validated shape declarations
 * @param doc the method's Javadoc, split into description and parameter docs
 * @param deprecated whether the method, or a class around it, is deprecated: the layer is too
 * @param usesDeprecated whether the generated code refers to anything deprecated (the method, its
 *     classes, its shape or mask method, an {@code @Arg}'s type), so it suppresses the warnings
 */
record LambdaSpec(
    ExecutableElement method,
    ClassName layerClass,
    ClassName enclosingClass,
    String methodName,
    List<TypeVariableName> typeVariables,
    List<Input> inputs,
    List<Argument> args,
    int trainingIndex,
    int seedsIndex,
    TypeName outputType,
    Shapes shapes,
    JavadocText doc,
    boolean deprecated,
    boolean usesDeprecated) {

  /** Whether the method takes Keras's {@code training} flag. */
  boolean takesTraining() {
    return trainingIndex >= 0;
  }

  /** Whether the method takes the call's {@code SeedStream}. */
  boolean takesSeeds() {
    return seedsIndex >= 0;
  }

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

    /** Whether shape expressions may use it: an integral primitive or box. */
    boolean isIntegral() {
      TypeName t = type.isBoxedPrimitive() ? type.unbox() : type;
      return t.equals(TypeName.INT) || t.equals(TypeName.LONG) || t.equals(TypeName.SHORT)
          || t.equals(TypeName.BYTE);
    }
  }

  /**
   * The shape declarations, parsed and checked.
   *
   * @param inputPatterns one per input, or none
   * @param outputShape the {@code outputShape} expressions, if declared
   * @param outputShapeFn the {@code outputShapeFn}, if declared
   * @param requires the {@code requires} constraint, if declared
   * @param symbols the names the patterns bind
   * @param mask the {@code mask} method, if declared
   */
  record Shapes(
      List<Pattern> inputPatterns,
      Optional<OutputShape> outputShape,
      Optional<ShapeFunction> outputShapeFn,
      Optional<Constraint> requires,
      Set<String> symbols,
      Optional<ShapeFunction> mask) {

    static final Shapes NONE = new Shapes(List.of(), Optional.empty(), Optional.empty(),
        Optional.empty(), Set.of(), Optional.empty());

    /** Whether the layer checks shapes (generates {@code checkShapes}). */
    boolean checksShapes() {
      return !inputPatterns.isEmpty() || outputShape.isPresent() || outputShapeFn.isPresent()
          || requires.isPresent();
    }

    /** Whether the signature needs its long form. */
    boolean declaresAnything() {
      return checksShapes() || mask.isPresent();
    }
  }

  /** A declared per-sample output shape: its source and one expression per dim. */
  record OutputShape(String source, List<Expr> dims) {}

  /** An {@code outputShapeFn} or {@code mask} method and whether it takes the {@code @Arg}s too. */
  record ShapeFunction(String methodName, boolean takesArgs) {}

  /** A {@code requires} constraint: its source and its condition. */
  record Constraint(String source, Expr condition) {}

  /**
   * The lambda's name in the registry and in model files: the declaring class's canonical name, a
   * dot and the method's name, {@code dev.lamina.samples.SeedLambdas.slice}.
   */
  String registryName() {
    return enclosingClass.canonicalName() + "." + methodName;
  }

  /** The layer's default name, by {@link LayerNames}: {@code l2_norm} for {@code l2_norm}. */
  String defaultLayerName() {
    return LayerNames.lambdaLayerName(methodName);
  }
}
