package dev.lamina.runtime.layers.preprocessing;

import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.reshaping.ReshapingTypes;
import dev.lamina.runtime.registry.LayerConfig;
import dev.lamina.runtime.registry.LayerType;
import java.util.function.Supplier;

/**
 * The image preprocessing layers' types, read from a configuration under Keras's names and
 * defaults, for {@link dev.lamina.runtime.layers.BuiltInLayerTypes}. channels_last only.
 */
public final class PreprocessingTypes {

  private PreprocessingTypes() {}

  /**
   * Keras's {@code Resizing(height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
   * pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
   * data_format=None)}.
   */
  public static final LayerType<Resizing> RESIZING = LayerType.of(
      "Resizing", Resizing.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        c.requireDefault("antialias", false);
        c.requireDefault("fill_mode", "constant");
        Resizing.Builder b = Resizing.builder(c.requireInt("height"), c.requireInt("width"))
            .name(name)
            .interpolation(c.optString("interpolation", "bilinear"))
            .cropToAspectRatio(c.optBoolean("crop_to_aspect_ratio", false))
            .padToAspectRatio(c.optBoolean("pad_to_aspect_ratio", false))
            .fillValue(c.optDouble("fill_value", 0.0));
        return construct(c, "interpolation", b::build);
      });

  /** Keras's {@code CenterCrop(height, width, data_format=None)}. */
  public static final LayerType<CenterCrop> CENTER_CROP = LayerType.of(
      "CenterCrop", CenterCrop.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        int height = c.requireInt("height");
        int width = c.requireInt("width");
        return construct(c, "height", () -> new CenterCrop(name, height, width));
      });

  /** Keras's {@code RandomFlip(mode="horizontal_and_vertical", seed=None, data_format=None)}. */
  public static final LayerType<RandomFlip> RANDOM_FLIP = LayerType.of(
      "RandomFlip", RandomFlip.class, (name, c) -> {
        ReshapingTypes.channelsLast(c);
        String mode = c.optString("mode", RandomFlip.HORIZONTAL_AND_VERTICAL);
        Long seed = c.has("seed") ? c.requireLong("seed") : null;
        return construct(c, "mode", () -> new RandomFlip(name, mode, seed));
      });

  /** A layer from read values; the constructor's refusal becomes an error at {@code key}. */
  static <L> L construct(LayerConfig c, String key, Supplier<L> make)
      throws ModelFormatException {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw c.error(key, e.getMessage());
    }
  }
}
