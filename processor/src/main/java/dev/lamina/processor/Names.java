package dev.lamina.processor;

import java.util.Locale;

/**
 * Lamina's one naming rule, from a method name to the generated class and the layer's default
 * name:
 *
 * <ul>
 *   <li>the class is the method name in UpperCamel plus {@code Layer}: each part between
 *       underscores (or other non-letter, non-digit characters) starts with a capital, the rest
 *       kept as written ({@code l2_norm}: {@code L2NormLayer}, {@code applyHTTP}:
 *       {@code ApplyHTTPLayer}, {@code _private}: {@code PrivateLayer});
 *   <li>the default layer name is that class name, less {@code Layer}, in Keras's snake_case
 *       ({@code keras.src.utils.naming.to_snake_case}: {@code L2Norm}: {@code l2_norm},
 *       {@code ApplyHTTP}: {@code apply_http}, {@code HTTPServer}: {@code http_server},
 *       {@code Conv2D}: {@code conv2d}), made a valid TensorFlow scope name: characters other than
 *       ASCII letters, digits and {@code _} become {@code _}, leading underscores go, and a name
 *       left empty is {@code layer}.
 * </ul>
 *
 * <p>The runtime's {@code Layer.snakeCase} applies the same snake_case rule to the class name of
 * any layer, so a lambda's default name is the one the runtime would give its generated class; a
 * test runs both over one table of names.
 */
final class Names {

  private Names() {}

  /** {@code l2_norm}: {@code L2Norm}; the generated class is this plus {@code Layer}. */
  static String upperCamel(String methodName) {
    StringBuilder out = new StringBuilder();
    boolean startOfPart = true;
    for (int i = 0; i < methodName.length(); ) {
      int c = methodName.codePointAt(i);
      i += Character.charCount(c);
      if (!Character.isLetterOrDigit(c)) {
        startOfPart = true;
        continue;
      }
      out.appendCodePoint(startOfPart ? Character.toUpperCase(c) : c);
      startOfPart = false;
    }
    String camel = out.toString();
    // "_2d" has no part that can start a class name: keep the method's own spelling.
    if (camel.isEmpty() || !Character.isJavaIdentifierStart(camel.codePointAt(0))) {
      return Character.toUpperCase(methodName.charAt(0)) + methodName.substring(1);
    }
    return camel;
  }

  /** The layer's default name for a lambda with no {@code className}. */
  static String defaultLayerName(String methodName) {
    return snakeCase(upperCamel(methodName));
  }

  /** Keras's {@code to_snake_case}, then made a TensorFlow scope name. */
  static String snakeCase(String name) {
    String snake = name.replaceAll("[^\\p{L}\\p{N}_]+", "")
        .replaceAll("(.)([A-Z][a-z]+)", "$1_$2")
        .replaceAll("([a-z])([A-Z])", "$1_$2")
        .toLowerCase(Locale.ROOT);
    StringBuilder scope = new StringBuilder();
    for (int i = 0; i < snake.length(); i++) {
      char c = snake.charAt(i);
      boolean ascii = c < 128 && (Character.isLetterOrDigit(c) || c == '_');
      scope.append(ascii ? c : '_');
    }
    String result = scope.toString().replaceFirst("^_+", "");
    return result.isEmpty() ? "layer" : result;
  }
}
