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
 * <p>The method must be {@code static} and not {@code private}, declared in a top-level or static
 * nested class. Its parameters are, in order:
 *
 * <ol>
 *   <li>{@code org.tensorflow.op.Ops}: the graph builder, already scoped to the layer's name;
 *   <li>one or more {@code Operand<T>} inputs: Keras passes a list of tensors when a Lambda has
 *       several inputs; here each gets its own typed parameter;
 *   <li>zero or more {@link Arg @Arg} parameters: Keras's {@code arguments} dict, typed.
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
   * The shape of one output sample, batch dimension excluded: Keras's tuple form of
   * {@code output_shape}. Written {@code "(4, 1)"}; {@code ?} marks a dimension of unknown size;
   * {@code "()"} is a scalar per sample.
   *
   * <p>Unlike Keras, which trusts {@code output_shape}, Lamina checks it against the shape
   * TensorFlow infers for the method's ops when the layer is applied, and fails there if the two
   * disagree. Empty (the default): the output shape is the one TensorFlow infers, as Keras does
   * with the TensorFlow backend.
   */
  String outputShape() default "";

  /**
   * The simple name of the generated layer class. Empty (the default): the method's name in
   * UpperCamelCase followed by {@code Layer}, so {@code square} gives {@code SquareLayer}.
   */
  String className() default "";
}
