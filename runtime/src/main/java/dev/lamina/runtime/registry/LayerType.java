package dev.lamina.runtime.registry;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.io.ModelFormatException;
import java.util.Map;
import java.util.Objects;

/**
 * A kind of layer, as Keras's object registry knows it: its name, Keras's {@code class_name}, how
 * a layer of it writes its configuration (Keras's argument names) and reads one back (Keras's
 * defaults for what is missing). Saving, loading, Keras import, summaries and pictures look
 * layers up through {@link LayerTypes}; nothing lists layer classes anywhere else, so a new layer
 * type, built in or the user's, is one class and one registration.
 *
 * <pre>{@code
 * public static final LayerType<Scale> TYPE = LayerType.of("Scale", Scale.class,
 *     (name, config) -> new Scale(name, config.optDouble("factor", 1.0)));
 * LayerTypes.register(TYPE);
 * }</pre>
 *
 * <p>A type the user registers is found in Keras files by its {@link #kerasClassName()}, which
 * for a Python class registered with {@code @keras.saving.register_keras_serializable} is its
 * registered name ({@code "my_package>Scale"}); its weights load from the file in the layer's
 * {@link Layer#weights()} order, which is the order Keras's {@code build} adds them in.
 *
 * @param <L> the layer class
 */
public interface LayerType<L extends Layer> {

  /** The type's name in Lamina's files, e.g. {@code Dense}. */
  String name();

  /** The Java class of its layers. */
  Class<L> layerClass();

  /**
   * Keras's {@code class_name} for it ({@code Dense}), or the registered name of a Python class
   * ({@code my_package>Scale}); the name by default.
   */
  default String kerasClassName() {
    return name();
  }

  /**
   * The configuration {@code layer} is saved with: Keras's argument names and JSON-able values
   * (numbers, booleans, strings, null, arrays, lists and maps of them). By default the layer's
   * own {@link Layer#config()}.
   */
  default Map<String, Object> config(L layer) {
    return layer.config();
  }

  /**
   * A layer named {@code name} from a saved configuration (Lamina's file or Keras's
   * {@code config}). Read every argument the type accepts, with Keras's default when it is
   * missing; the caller refuses keys left unread.
   *
   * @throws ModelFormatException if a value is wrong, naming where it is
   */
  L fromConfig(String name, LayerConfig config) throws ModelFormatException;

  /** Reads a layer from its configuration. */
  @FunctionalInterface
  interface Reader<L extends Layer> {
    L read(String name, LayerConfig config) throws ModelFormatException;
  }

  /** A type named {@code name}, also in Keras files. */
  static <L extends Layer> LayerType<L> of(String name, Class<L> layerClass, Reader<L> reader) {
    return of(name, name, layerClass, reader);
  }

  /** A type named {@code name}, known to Keras as {@code kerasClassName}. */
  static <L extends Layer> LayerType<L> of(String name, String kerasClassName,
      Class<L> layerClass, Reader<L> reader) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kerasClassName, "kerasClassName");
    Objects.requireNonNull(layerClass, "layerClass");
    Objects.requireNonNull(reader, "reader");
    return new LayerType<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String kerasClassName() {
        return kerasClassName;
      }

      @Override
      public Class<L> layerClass() {
        return layerClass;
      }

      @Override
      public L fromConfig(String layerName, LayerConfig config) throws ModelFormatException {
        return reader.read(layerName, config);
      }

      @Override
      public String toString() {
        return "LayerType " + name + " (" + layerClass.getName() + ")";
      }
    };
  }
}
