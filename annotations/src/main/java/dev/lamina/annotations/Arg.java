package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter of a {@link Lambda @Lambda} method as a fixed argument of the layer rather
 * than an input tensor: the typed counterpart of the {@code arguments} dict of Keras's
 * {@code Lambda(function, arguments={'index': 0})}.
 *
 * <p>Its value is given once, when the layer is created ({@code SliceLayer.of(0)}), and passed to
 * the method every time the layer builds its ops. Supported types: primitives, their boxes,
 * {@code String}, enums and arrays of primitives. {@code @Arg} parameters come after all
 * {@code Operand} inputs; a {@link Training @Training} flag may sit among them.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Arg {}
