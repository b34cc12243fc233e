package dev.lamina.runtime.layers.pooling;

import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.layers.reshaping.ReshapingTypes;
import dev.lamina.runtime.registry.LayerConfig;
import java.util.function.Supplier;

/**
 * Reading the pooling layers from a configuration under Keras's names and defaults, for {@link
 * dev.lamina.runtime.layers.BuiltInLayerTypes}. channels_last only: a {@code
 * data_format="channels_first"} configuration is refused, naming the layer.
 */
public final class PoolingTypes {

  private PoolingTypes() {}

  /** Keras's {@code MaxPooling1D} configuration. */
  public static MaxPooling1D maxPooling1d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    int pool = one(c, "pool_size", 2);
    int strides = one(c, "strides", pool);
    String padding = padding(c);
    return construct(c, "pool_size", () -> new MaxPooling1D(name, pool, strides, padding));
  }

  /** Keras's {@code AveragePooling1D} configuration. */
  public static AveragePooling1D averagePooling1d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    required(c, "pool_size");
    int pool = one(c, "pool_size", 0);
    int strides = one(c, "strides", pool);
    String padding = padding(c);
    return construct(c, "pool_size", () -> new AveragePooling1D(name, pool, strides, padding));
  }

  /** Keras's {@code MaxPooling2D} configuration. */
  public static MaxPooling2D maxPooling2d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    int[] pool = tuple(c, "pool_size", new int[] {2, 2});
    int[] strides = tuple(c, "strides", pool);
    String padding = padding(c);
    return construct(c, "pool_size", () -> new MaxPooling2D(name, pool, strides, padding));
  }

  /** Keras's {@code AveragePooling2D} configuration. */
  public static AveragePooling2D averagePooling2d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    required(c, "pool_size");
    int[] pool = tuple(c, "pool_size", new int[] {0, 0});
    int[] strides = tuple(c, "strides", pool);
    String padding = padding(c);
    return construct(c, "pool_size", () -> new AveragePooling2D(name, pool, strides, padding));
  }

  /** Keras's {@code MaxPooling3D} configuration. */
  public static MaxPooling3D maxPooling3d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    int[] pool = tuple(c, "pool_size", new int[] {2, 2, 2});
    int[] strides = tuple(c, "strides", pool);
    String padding = padding(c);
    return construct(c, "pool_size", () -> new MaxPooling3D(name, pool, strides, padding));
  }

  /** Keras's {@code AveragePooling3D} configuration. */
  public static AveragePooling3D averagePooling3d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    required(c, "pool_size");
    int[] pool = tuple(c, "pool_size", new int[] {0, 0, 0});
    int[] strides = tuple(c, "strides", pool);
    String padding = padding(c);
    return construct(c, "pool_size", () -> new AveragePooling3D(name, pool, strides, padding));
  }

  /** Keras's {@code GlobalMaxPooling1D} configuration. */
  public static GlobalMaxPooling1D globalMaxPooling1d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    return new GlobalMaxPooling1D(name, c.optBoolean("keepdims", false));
  }

  /** Keras's {@code GlobalMaxPooling2D} configuration. */
  public static GlobalMaxPooling2D globalMaxPooling2d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    return new GlobalMaxPooling2D(name, c.optBoolean("keepdims", false));
  }

  /** Keras's {@code GlobalAveragePooling1D} configuration. */
  public static GlobalAveragePooling1D globalAveragePooling1d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    return new GlobalAveragePooling1D(name, c.optBoolean("keepdims", false));
  }

  /** Keras's {@code GlobalAveragePooling2D} configuration. */
  public static GlobalAveragePooling2D globalAveragePooling2d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    return new GlobalAveragePooling2D(name, c.optBoolean("keepdims", false));
  }

  /** Keras's {@code GlobalMaxPooling3D} configuration. */
  public static GlobalMaxPooling3D globalMaxPooling3d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    return new GlobalMaxPooling3D(name, c.optBoolean("keepdims", false));
  }

  /** Keras's {@code GlobalAveragePooling3D} configuration. */
  public static GlobalAveragePooling3D globalAveragePooling3d(String name, LayerConfig c)
      throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    return new GlobalAveragePooling3D(name, c.optBoolean("keepdims", false));
  }

  /** Keras's {@code AdaptiveMaxPooling1D} configuration. */
  public static AdaptiveMaxPooling1D adaptiveMaxPooling1d(String name, LayerConfig c)
      throws ModelFormatException {
    int size = outputSize(c, 1)[0];
    return construct(c, "output_size", () -> new AdaptiveMaxPooling1D(name, size));
  }

  /** Keras's {@code AdaptiveMaxPooling2D} configuration. */
  public static AdaptiveMaxPooling2D adaptiveMaxPooling2d(String name, LayerConfig c)
      throws ModelFormatException {
    int[] size = outputSize(c, 2);
    return construct(c, "output_size", () -> new AdaptiveMaxPooling2D(name, size));
  }

  /** Keras's {@code AdaptiveMaxPooling3D} configuration. */
  public static AdaptiveMaxPooling3D adaptiveMaxPooling3d(String name, LayerConfig c)
      throws ModelFormatException {
    int[] size = outputSize(c, 3);
    return construct(c, "output_size", () -> new AdaptiveMaxPooling3D(name, size));
  }

  /** Keras's {@code AdaptiveAveragePooling1D} configuration. */
  public static AdaptiveAveragePooling1D adaptiveAveragePooling1d(String name, LayerConfig c)
      throws ModelFormatException {
    int size = outputSize(c, 1)[0];
    return construct(c, "output_size", () -> new AdaptiveAveragePooling1D(name, size));
  }

  /** Keras's {@code AdaptiveAveragePooling2D} configuration. */
  public static AdaptiveAveragePooling2D adaptiveAveragePooling2d(String name, LayerConfig c)
      throws ModelFormatException {
    int[] size = outputSize(c, 2);
    return construct(c, "output_size", () -> new AdaptiveAveragePooling2D(name, size));
  }

  /** Keras's {@code AdaptiveAveragePooling3D} configuration. */
  public static AdaptiveAveragePooling3D adaptiveAveragePooling3d(String name, LayerConfig c)
      throws ModelFormatException {
    int[] size = outputSize(c, 3);
    return construct(c, "output_size", () -> new AdaptiveAveragePooling3D(name, size));
  }

  /**
   * The adaptive layers' {@code data_format} (channels_last only) and required {@code
   * output_size}: an int (every axis) or {@code dims} ints, as Keras's constructors take it.
   */
  private static int[] outputSize(LayerConfig c, int dims) throws ModelFormatException {
    ReshapingTypes.channelsLast(c);
    required(c, "output_size");
    return dims == 1 ? new int[] {one(c, "output_size", 0)}
        : tuple(c, "output_size", new int[dims]);
  }

  private static void required(LayerConfig c, String key) throws ModelFormatException {
    if (!c.has(key)) {
      throw c.error(key, key + " is missing");
    }
  }

  private static String padding(LayerConfig c) throws ModelFormatException {
    String padding = c.optString("padding", "valid");
    if (!Pooling.PADDINGS.contains(padding)) {
      throw c.error("padding", "padding='" + padding + "' is not supported; Keras accepts "
          + "'valid' or 'same'");
    }
    return padding;
  }

  /** An int or a list of one int (Keras keeps {@code [n]}); a missing or null value: fallback. */
  private static int one(LayerConfig c, String key, int fallback) throws ModelFormatException {
    int[] value = c.optInts(key, fallback);
    if (value.length != 1) {
      throw c.error(key, key + " must be an int or 1 int, got " + value.length + " ints");
    }
    return value[0];
  }

  /**
   * An int (every axis) or one per axis, as many as {@code fallback} has; a missing or null
   * value: fallback.
   */
  private static int[] tuple(LayerConfig c, String key, int[] fallback)
      throws ModelFormatException {
    int dims = fallback.length;
    int[] value = c.optInts(key, fallback);
    if (value.length == 1) {
      int[] out = new int[dims];
      java.util.Arrays.fill(out, value[0]);
      return out;
    }
    if (value.length != dims) {
      throw c.error(key, key + " must be an int or " + dims + " ints, got " + value.length
          + " ints");
    }
    return value;
  }

  private static <L> L construct(LayerConfig c, String key, Supplier<L> make)
      throws ModelFormatException {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw c.error(key, e.getMessage());
    }
  }
}
