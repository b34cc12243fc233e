package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the {@code boolean} parameter of a {@link Lambda @Lambda} method that receives Keras's
 * {@code training} flag: {@code true} while the model trains ({@code fit}), {@code false} when it
 * predicts or evaluates. Keras passes {@code training} to a {@code Lambda} function that declares
 * it; a Lamina lambda declares it with this annotation:
 *
 * <pre>{@code
 * @Lambda
 * static Operand<TFloat32> noisy(Ops tf, Operand<TFloat32> x, @Training boolean training) {
 *   return training ? tf.math.add(x, noise(tf, x)) : x;
 * }
 * }</pre>
 *
 * <p>At most one parameter per method, of type primitive {@code boolean}, after every
 * {@code Operand} input; it may come before, between or after the {@link Arg @Arg} parameters.
 * The value is fixed when the layer builds its ops, so the method chooses ops with it, as a Keras
 * function does with a Python {@code if}. A {@code mask} method does not receive it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Training {}
