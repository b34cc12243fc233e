package dev.lamina.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tensorflow.types.family.TType;

/**
 * What the annotation processor learned about one {@code @Lambda} method, in the form the runtime
 * checks against: each generated layer class holds one as a constant.
 *
 * @param layerType the generated class's simple name, e.g. {@code SliceLayer}
 * @param function the method, e.g. {@code SeedLambdas.slice}, for messages
 * @param defaultName the layer name used when none is given, e.g. {@code slice}
 * @param inputs one entry per {@code Operand} parameter, in order
 * @param inputShapes the {@code inputShape} patterns as declared, one per input, or none
 * @param outputShape the {@code outputShape} as declared, or empty
 * @param outputShapeFn the {@code outputShapeFn} method's name, or empty
 * @param requires the {@code requires} constraint as declared, or empty
 * @param mask the {@code mask} method's name, or empty: the layer's output has no mask
 */
public record LambdaSignature(
    String layerType,
    String function,
    String defaultName,
    List<InputSpec> inputs,
    List<String> inputShapes,
    String outputShape,
    String outputShapeFn,
    String requires,
    String mask) {

  public LambdaSignature {
    Objects.requireNonNull(layerType, "layerType");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(defaultName, "defaultName");
    inputs = List.copyOf(inputs);
    inputShapes = List.copyOf(inputShapes);
    Objects.requireNonNull(outputShape, "outputShape");
    Objects.requireNonNull(outputShapeFn, "outputShapeFn");
    Objects.requireNonNull(requires, "requires");
    Objects.requireNonNull(mask, "mask");
  }

  /** A signature with no shape declarations: the output shape is TensorFlow's inference. */
  public LambdaSignature(String layerType, String function, String defaultName,
      List<InputSpec> inputs) {
    this(layerType, function, defaultName, inputs, List.of(), "", "", "", "");
  }

  /** {@code outputShape "(4, 1)"} or {@code outputShapeFn shapeOf}, as messages quote it. */
  String describeOutputDeclaration() {
    return outputShapeFn.isEmpty()
        ? "outputShape \"" + outputShape + "\""
        : "outputShapeFn " + outputShapeFn;
  }

  /**
   * One {@code Operand<T>} parameter.
   *
   * @param name the parameter's name
   * @param typeVariable the type variable naming its dtype ({@code T}), or {@code null} when the
   *     dtype is a concrete class; inputs sharing a type variable must share a dtype
   * @param bounds the concrete dtype, or the type variable's bounds
   */
  public record InputSpec(String name, String typeVariable, List<Class<? extends TType>> bounds) {
    public InputSpec {
      Objects.requireNonNull(name, "name");
      bounds = List.copyOf(bounds);
    }

    /** An input of one concrete dtype, e.g. {@code TFloat32}. */
    public static InputSpec of(String name, Class<? extends TType> dtype) {
      return new InputSpec(name, null, List.of(dtype));
    }

    /** An input whose dtype is a type variable with these bounds. */
    @SafeVarargs
    public static InputSpec generic(
        String name, String typeVariable, Class<? extends TType>... bounds) {
      List<Class<? extends TType>> copied = new ArrayList<>(bounds.length);
      for (Class<? extends TType> bound : bounds) { // not List.of(bounds): a varargs hand-over
        copied.add(bound);
      }
      return new InputSpec(name, Objects.requireNonNull(typeVariable), copied);
    }

    /** {@code TFloat32} or {@code T extends TNumber}, for messages. */
    String describeType() {
      StringBuilder text = new StringBuilder();
      if (typeVariable != null) {
        text.append(typeVariable).append(" extends ");
      }
      for (int i = 0; i < bounds.size(); i++) {
        text.append(i == 0 ? "" : " & ").append(bounds.get(i).getSimpleName());
      }
      return text.toString();
    }

    boolean accepts(Class<?> dtype) {
      return typeVariable == null
          ? bounds.get(0).equals(dtype)
          : bounds.stream().allMatch(bound -> bound.isAssignableFrom(dtype));
    }
  }
}
