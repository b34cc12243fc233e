package dev.lamina.annotations.naming;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Lamina's one naming rule, shared by the annotation processor, the runtime and the Keras
 * importer, so that the class and default name the processor gives a {@code @Lambda} method are
 * the ones the runtime gives that class, and Keras's weight group names are found as Keras writes
 * them. Not for user code: it is public only because those modules are separate jars.
 *
 * <ul>
 *   <li>{@link #lambdaClassName}: a method name in UpperCamel plus {@code Layer}; each part
 *       between underscores (or other characters that are not letters or digits) starts with a
 *       capital, the rest kept as written ({@code l2_norm}: {@code L2NormLayer},
 *       {@code applyHTTP}: {@code ApplyHTTPLayer}, {@code _private}: {@code PrivateLayer});
 *   <li>{@link #toSnakeCase}: Keras's {@code keras.src.utils.naming.to_snake_case}, exactly
 *       ({@code HTTPServer}: {@code http_server}, {@code Conv2D}: {@code conv2d},
 *       {@code ReLU}: {@code re_lu}), which names a layer's weight group in a {@code .keras}
 *       file ({@code layers/batch_normalization});
 *   <li>{@link #defaultLayerName}: a layer class's default name: a trailing {@code Layer}
 *       dropped, then {@code to_snake_case}, made a valid TensorFlow scope name (characters other
 *       than ASCII letters, digits and {@code _} become {@code _}, leading underscores go, a name
 *       left empty is {@code layer});
 *   <li>{@link #lambdaLayerName}: a lambda's default name, {@link #defaultLayerName} of its
 *       {@link #lambdaClassName}.
 * </ul>
 */
public final class LayerNames {

  /** Python's {@code \W+} on a {@code str}: what is neither a letter, a number nor {@code _}. */
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}_]+");
  private static final Pattern BEFORE_CAPITALISED_WORD = Pattern.compile("(.)([A-Z][a-z]+)");
  private static final Pattern LOWER_THEN_UPPER = Pattern.compile("([a-z])([A-Z])");
  private static final String LAYER = "Layer";

  private LayerNames() {}

  /**
   * Keras's {@code to_snake_case}: non-word characters removed, an underscore before each
   * capitalised word and between a lower-case letter and a capital, then lower case. Nothing
   * more: {@code _2d} stays {@code _2d}.
   */
  public static String toSnakeCase(String name) {
    String snake = NOT_WORD.matcher(name).replaceAll("");
    snake = BEFORE_CAPITALISED_WORD.matcher(snake).replaceAll("$1_$2");
    snake = LOWER_THEN_UPPER.matcher(snake).replaceAll("$1_$2");
    return snake.toLowerCase(Locale.ROOT);
  }

  /**
   * A layer class's default name: {@code SliceLayer} gives {@code slice}, {@code Dense}
   * {@code dense}, {@code L2NormLayer} {@code l2_norm}; the model makes it unique.
   */
  public static String defaultLayerName(String className) {
    String base = className.endsWith(LAYER) && className.length() > LAYER.length()
        ? className.substring(0, className.length() - LAYER.length())
        : className;
    return scopeName(toSnakeCase(base));
  }

  /** The class the processor generates for a {@code @Lambda} method with no {@code className}. */
  public static String lambdaClassName(String methodName) {
    return upperCamel(methodName) + LAYER;
  }

  /** A lambda's default layer name: {@code sliceColumn} gives {@code slice_column}. */
  public static String lambdaLayerName(String methodName) {
    return defaultLayerName(lambdaClassName(methodName));
  }

  /** {@code l2_norm}: {@code L2Norm}. */
  private static String upperCamel(String methodName) {
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
      return methodName.isEmpty() ? methodName
          : Character.toUpperCase(methodName.charAt(0)) + methodName.substring(1);
    }
    return camel;
  }

  /** A snake_case name made a TensorFlow scope name; {@code layer} if nothing is left. */
  private static String scopeName(String snake) {
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
