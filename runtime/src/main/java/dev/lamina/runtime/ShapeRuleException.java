package dev.lamina.runtime;

/**
 * A layer's inputs break one of its declared shape rules ({@code inputShape}, {@code requires},
 * {@code outputShape}); the message names the layer, the rule and the shapes.
 */
public final class ShapeRuleException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  ShapeRuleException(String message) {
    super(message);
  }
}
