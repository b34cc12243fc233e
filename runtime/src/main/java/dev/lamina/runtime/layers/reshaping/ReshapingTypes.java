package dev.lamina.runtime.layers.reshaping;

import dev.lamina.runtime.io.JsonArray;
import dev.lamina.runtime.io.ModelFormatException;
import dev.lamina.runtime.registry.LayerConfig;
import java.util.function.Supplier;

/**
 * Reading the reshaping layers from a configuration under Keras's names and defaults, for {@link
 * dev.lamina.runtime.layers.BuiltInLayerTypes}. channels_last only: a {@code
 * data_format="channels_first"} configuration is refused, naming the layer.
 */
public final class ReshapingTypes {

  private ReshapingTypes() {}

  /** Refuses {@code data_format="channels_first"} (and unknown formats), naming the layer. */
  public static void channelsLast(LayerConfig c) throws ModelFormatException {
    String format = c.optString("data_format", "channels_last");
    if (format.equals("channels_first")) {
      throw c.error("data_format", "data_format='channels_first' is not supported; Lamina "
          + "implements this layer for channels_last (the channels on the last axis) only");
    }
    if (!format.equals("channels_last")) {
      throw c.error("data_format", "data_format is '" + format + "'; Keras accepts "
          + "'channels_last' or 'channels_first'");
    }
  }

  /** Keras's {@code Permute} configuration. */
  public static Permute permute(String name, LayerConfig c) throws ModelFormatException {
    int[] dims = required(c, "dims");
    return construct(c, "dims", () -> new Permute(name, dims));
  }

  /** Keras's {@code RepeatVector} configuration. */
  public static RepeatVector repeatVector(String name, LayerConfig c)
      throws ModelFormatException {
    int n = c.requireInt("n");
    return construct(c, "n", () -> new RepeatVector(name, n));
  }

  /** Keras's {@code Cropping1D} configuration. */
  public static Cropping1D cropping1d(String name, LayerConfig c) throws ModelFormatException {
    int[] pair = pair1d(c, "cropping", 1);
    return construct(c, "cropping", () -> new Cropping1D(name, pair[0], pair[1]));
  }

  /** Keras's {@code Cropping2D} configuration. */
  public static Cropping2D cropping2d(String name, LayerConfig c) throws ModelFormatException {
    channelsLast(c);
    int[][] pairs = pairs2d(c, "cropping", 0);
    return construct(c, "cropping", () -> new Cropping2D(name, pairs));
  }

  /** Keras's {@code Cropping3D} configuration (Keras's default crops 1 everywhere). */
  public static Cropping3D cropping3d(String name, LayerConfig c) throws ModelFormatException {
    channelsLast(c);
    int[][] pairs = pairs(c, "cropping", 1, 3);
    return construct(c, "cropping", () -> new Cropping3D(name, pairs));
  }

  /** Keras's {@code ZeroPadding1D} configuration. */
  public static ZeroPadding1D zeroPadding1d(String name, LayerConfig c)
      throws ModelFormatException {
    channelsLast(c);
    int[] pair = pair1d(c, "padding", 1);
    return construct(c, "padding", () -> new ZeroPadding1D(name, pair[0], pair[1]));
  }

  /** Keras's {@code ZeroPadding2D} configuration. */
  public static ZeroPadding2D zeroPadding2d(String name, LayerConfig c)
      throws ModelFormatException {
    channelsLast(c);
    int[][] pairs = pairs2d(c, "padding", 1);
    return construct(c, "padding", () -> new ZeroPadding2D(name, pairs));
  }

  /** Keras's {@code ZeroPadding3D} configuration. */
  public static ZeroPadding3D zeroPadding3d(String name, LayerConfig c)
      throws ModelFormatException {
    channelsLast(c);
    int[][] pairs = pairs(c, "padding", 1, 3);
    return construct(c, "padding", () -> new ZeroPadding3D(name, pairs));
  }

  /** Keras's {@code UpSampling1D} configuration. */
  public static UpSampling1D upSampling1d(String name, LayerConfig c)
      throws ModelFormatException {
    int size = c.optInt("size", 2);
    return construct(c, "size", () -> new UpSampling1D(name, size));
  }

  /** Keras's {@code UpSampling2D} configuration. */
  public static UpSampling2D upSampling2d(String name, LayerConfig c)
      throws ModelFormatException {
    channelsLast(c);
    String interpolation = c.optString("interpolation", "nearest");
    if (!UpSampling2D.INTERPOLATIONS.contains(interpolation)) {
      throw c.error("interpolation", "interpolation='" + interpolation + "' is not supported; "
          + "Lamina's UpSampling2D implements " + String.join(", ", UpSampling2D.INTERPOLATIONS));
    }
    int[] size = c.optInts("size", 2, 2);
    if (size.length != 1 && size.length != 2) {
      throw c.error("size", "size must be an int or 2 ints, got " + size.length + " ints");
    }
    int rows = size[0];
    int cols = size[size.length - 1];
    return construct(c, "size", () -> new UpSampling2D(name, rows, cols, interpolation));
  }

  /**
   * Keras's {@code UpSampling3D} configuration: {@code size} and {@code data_format} only; Keras
   * 3's UpSampling3D repeats (nearest) and has no {@code interpolation}.
   */
  public static UpSampling3D upSampling3d(String name, LayerConfig c)
      throws ModelFormatException {
    channelsLast(c);
    int[] size = c.optInts("size", 2, 2, 2);
    if (size.length != 1 && size.length != 3) {
      throw c.error("size", "size must be an int or 3 ints, got " + size.length + " ints");
    }
    int[] all = size.length == 1 ? new int[] {size[0], size[0], size[0]} : size;
    return construct(c, "size", () -> new UpSampling3D(name, all[0], all[1], all[2]));
  }

  private static int[] required(LayerConfig c, String key) throws ModelFormatException {
    if (!c.has(key)) {
      throw c.error(key, key + " is missing");
    }
    return c.optInts(key);
  }

  /** An int (both ends) or {@code (before, after)}. */
  private static int[] pair1d(LayerConfig c, String key, int fallback)
      throws ModelFormatException {
    int[] value = c.optInts(key, fallback);
    if (value.length == 1) {
      return new int[] {value[0], value[0]};
    }
    if (value.length != 2) {
      throw c.error(key, key + " must be an int or a pair of ints, got " + value.length
          + " ints");
    }
    return value;
  }

  /** An int, {@code (rows, cols)} or {@code ((top, bottom), (left, right))}, as pairs. */
  private static int[][] pairs2d(LayerConfig c, String key, int fallback)
      throws ModelFormatException {
    return pairs(c, key, fallback, 2);
  }

  /**
   * Keras's {@code cropping} / {@code padding} of a layer with {@code dims} spatial axes: an int
   * (both ends of every axis), {@code dims} ints (both ends of each axis), or {@code dims}
   * entries each an int or a pair {@code (before, after)}, as Keras's {@code standardize_tuple}
   * reads each entry.
   */
  private static int[][] pairs(LayerConfig c, String key, int fallback, int dims)
      throws ModelFormatException {
    String expected = key + " must be an int, " + dims + " ints or " + dims + " pairs of ints";
    Object value = c.json().get(key);
    if (value instanceof JsonArray list && list.stream().anyMatch(v -> v instanceof JsonArray)) {
      c.ignore(key);
      if (list.size() != dims) {
        throw c.error(key, expected + ", got " + list.size() + " entries");
      }
      int[][] out = new int[dims][];
      for (int i = 0; i < dims; i++) {
        if (list.get(i) instanceof JsonArray pair && pair.size() == 2) {
          out[i] = new int[] {pair.requireInt(0), pair.requireInt(1)};
        } else if (list.get(i) instanceof Number) {
          int n = list.requireInt(i);
          out[i] = new int[] {n, n};
        } else {
          throw c.error(key, expected);
        }
      }
      return out;
    }
    int[] flat = c.optInts(key, fallback);
    if (flat.length != 1 && flat.length != dims) {
      throw c.error(key, expected + ", got " + flat.length + " ints");
    }
    int[][] out = new int[dims][];
    for (int i = 0; i < dims; i++) {
      int n = flat[flat.length == 1 ? 0 : i];
      out[i] = new int[] {n, n};
    }
    return out;
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
