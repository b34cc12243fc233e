package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Turns a static method into a Keras-style {@code Lambda} layer.
 *
 * <p>Keras writes {@code Lambda(function, output_shape=None, mask=None, arguments=None)}. In Lamina
 * the method <em>is</em> the {@code function}, and the annotation processor generates a typed
 * layer class for it in the same package:
 *
 * <pre>{@code
 * @Lambda
 * static <T extends TNumber> Operand<T> square(Ops tf, Operand<T> x) {
 *   return tf.math.square(x);
 * }
 * // generates SquareLayer:  SymbolicTensor<TFloat32> y = SquareLayer.of().apply(x);
 * }</pre>
 *
 * <p>The method must be {@code static} and not {@code private}, declared in a top-level or nested
 * (member) class, not a local or anonymous one. Its parameters are, in order:
 *
 * <ol>
 *   <li>{@code org.tensorflow.op.Ops}: the graph builder, already scoped to the layer's name;
 *   <li>one or more {@code Operand<T>} inputs: Keras passes a list of tensors when a Lambda has
 *       several inputs; here each gets its own typed parameter;
 *   <li>zero or more {@link Arg @Arg} parameters: Keras's {@code arguments} dict, typed; and at
 *       most one {@link Training @Training} {@code boolean} among or after them: Keras's
 *       {@code training} flag.
 * </ol>
 *
 * <p>It returns {@code Operand<R>}. Type variables bounded by TensorFlow types ({@code TType},
 * {@code TNumber}, {@code TFloating}, ...) carry over to the generated {@code apply}, so feeding a
 * tensor of the wrong dtype is a compile error in model code.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Lambda {

  /**
   * One shape pattern per input, batch dimension excluded, checked when the layer is applied
   * (Keras has no counterpart: it checks nothing). A dim is an integer, {@code ?} (any size), a
   * name, which binds a symbol (the same name twice must match), or a leading {@code ...} (any
   * number of leading dims): {@code "(n, c)"}, {@code "(..., 4)"}. Symbols can be used in
   * {@link #outputShape} and {@link #requires}. Empty (the default): any input shape.
   */
  String[] inputShape() default {};

  /**
   * The shape of one output sample, batch dimension excluded: Keras's tuple form of
   * {@code output_shape}. Written {@code "(4, 1)"}; {@code ?} marks a dimension of unknown size;
   * {@code "()"} is a scalar per sample. A dim may also be arithmetic ({@code + - * /}, integer
   * division, parentheses) over integers, symbols of {@link #inputShape} and integral
   * {@link Arg @Arg} names: {@code "(2 * c)"}. A dim whose value is unknown at run time is unknown.
   *
   * <p>Unlike Keras, which trusts {@code output_shape}, Lamina checks it against the shape
   * TensorFlow infers for the method's ops when the layer is applied, and fails there if the two
   * disagree. Empty (the default) and no {@link #outputShapeFn}: the output shape is the one
   * TensorFlow infers, as Keras does with the TensorFlow backend.
   */
  String outputShape() default "";

  /**
   * The name of a static method in the same class that computes the full output shape from the
   * full input shapes (batch included, as Keras passes them): Keras's callable
   * {@code output_shape}. It takes one {@code org.tensorflow.ndarray.Shape} per input, optionally
   * followed by the {@link Arg @Arg} values in order, and returns a {@code Shape}; it may throw
   * {@code IllegalArgumentException} for inputs it does not accept. Exclusive with
   * {@link #outputShape}.
   */
  String outputShapeFn() default "";

  /**
   * A condition the input shapes and arguments must meet, checked when the layer is applied:
   * comparisons ({@code < <= > >= == !=}) over the same terms as {@link #outputShape}, joined by
   * {@code &&}, {@code ||} and {@code !}: {@code "0 <= index && index < c"}. A comparison with an
   * unknown size cannot fail.
   */
  String requires() default "";

  /**
   * The name of a static method in the same class that computes the output's mask: Keras's
   * callable {@code mask}, {@code compute_mask(inputs, mask)}. It takes {@code Ops}, one
   * {@code Operand} per input, then one {@code Operand<TBool>} per input for the inputs' masks
   * ({@code null} where an input has none), optionally followed by the {@link Arg @Arg} values, and
   * returns {@code Operand<TBool>}. Empty (the default): the output has no mask, as in Keras.
   */
  String mask() default "";

  /**
   * The simple name of the generated layer class. Empty (the default): the method's name in
   * UpperCamelCase followed by {@code Layer}, each part between underscores starting with a
   * capital, so {@code square} gives {@code SquareLayer} and {@code l2_norm} {@code L2NormLayer}.
   * The layer's default name is that class name, less {@code Layer}, in Keras's snake_case
   * ({@code l2_norm}).
   */
  String className() default "";
}
