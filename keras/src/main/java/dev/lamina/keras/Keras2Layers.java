package dev.lamina.keras;

import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.io.ModelFormatException;

/**
 * Keras 2's (tf.keras, {@code tf_keras}) layer configurations mapped onto Keras 3's, which the
 * layer types read: only where the two differ, each difference named here, the values kept where
 * the file has them (so that errors still point into the file). What Keras 3 would compute
 * differently from Keras 2 is refused, not mapped.
 *
 * <ul>
 *   <li>{@code InputLayer}: {@code batch_input_shape} is Keras 3's {@code batch_shape}.
 *   <li>Any other layer: {@code batch_input_shape} (Keras 2 writes it for a layer given {@code
 *       input_shape=}) makes a Sequential model's input when no InputLayer does, and is otherwise
 *       no option of the layer: it is taken out of the config (the replay uses it).
 *   <li>{@code LeakyReLU}: {@code alpha} is Keras 3's {@code negative_slope} (both 0.3 by
 *       default).
 *   <li>{@code BatchNormalization}: Keras 2 writes the built layer's {@code axis} as a list of
 *       one axis ({@code [3]}); Keras 3 as the axis.
 *   <li>The transposed, depthwise and separable convolutions: Keras 2 writes {@code groups: 1},
 *       which Keras 3's take no option for; the separable ones also carry the base class's unused
 *       {@code kernel_initializer}, {@code kernel_regularizer} and {@code kernel_constraint}.
 *   <li>An {@code activation} of {@code hard_sigmoid} is refused: Keras 2's is {@code clip(0.2 x
 *       + 0.5, 0, 1)}, Keras 3's (Lamina's) {@code relu6(x + 3) / 6}.
 * </ul>
 *
 * <p>Every other option of the layer types Lamina supports has the same name, meaning and
 * default in both (compared on tf_keras 2.21 and Keras 3.15 with {@code get_config}); Keras 2's
 * {@code Embedding} {@code input_length} is ignored by the type, as Keras 3 ignores it.
 */
final class Keras2Layers {

  private Keras2Layers() {}

  static JsonObject map(String className, JsonObject config, String name)
      throws ModelFormatException {
    if (className.equals("InputLayer")) {
      return config.renamed("batch_input_shape", "batch_shape");
    }
    JsonObject c = config.without("batch_input_shape");
    if (className.equals("LeakyReLU") && !c.containsKey("negative_slope")) {
      c = c.renamed("alpha", "negative_slope");
    }
    if (className.equals("BatchNormalization") && c.get("axis") instanceof JsonArray axis) {
      if (axis.size() != 1) {
        throw c.error("axis", "layer '" + name + "' (BatchNormalization) normalises over axes "
            + KerasConfig.show(axis) + "; Lamina's BatchNormalization takes one axis");
      }
      c = c.replaced("axis", axis.get(0));
    }
    if (className.endsWith("Transpose") || className.startsWith("DepthwiseConv")
        || className.startsWith("SeparableConv")) {
      // Keras 2's base Conv writes groups for these, which take no groups (always 1).
      if (c.containsKey("groups")) {
        if (!(c.get("groups") instanceof Number n) || n.intValue() != 1
            || n.doubleValue() != 1) {
          throw c.error("groups", "layer '" + name + "' (" + className + ") has groups "
              + KerasConfig.show(c.get("groups")) + "; Keras writes 1 for this layer");
        }
        c = c.without("groups");
      }
    }
    if (className.startsWith("SeparableConv")) {
      // Inherited from Keras 2's base Conv and unused by its separable layers, whose weights are
      // depthwise_kernel and pointwise_kernel with their own options.
      c = c.without("kernel_initializer").without("kernel_regularizer")
          .without("kernel_constraint");
    }
    if ("hard_sigmoid".equals(c.get("activation"))) {
      throw c.error("activation", "layer '" + name + "' (" + className + ") uses Keras 2's "
          + "hard_sigmoid, clip(0.2 * x + 0.5, 0, 1), which is not Keras 3's (relu6(x + 3) / 6, "
          + "Lamina's hard_sigmoid): Lamina does not import it");
    }
    return c;
  }
}
