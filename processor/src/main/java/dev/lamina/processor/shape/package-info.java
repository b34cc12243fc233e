/**
 * Internal: not part of Lamina's API; may change without notice. The parser of the shape
 * language of {@code @Lambda}'s {@code inputShape}, {@code outputShape} and {@code requires}
 * values, used by the annotation processor at compile time. The language itself is documented
 * in the README; these classes are not.
 */
package dev.lamina.processor.shape;
