package dev.lamina.runtime.registry;

import dev.lamina.runtime.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every layer type Lamina knows, by name, by Keras class name and by Java class: those a
 * {@link LayerTypeProvider} named in a {@code
 * META-INF/services/dev.lamina.runtime.registry.LayerTypeProvider} file gives (Lamina's built-in
 * types come so; loaded once, on first use) and those {@link #register registered} by the
 * application. A type is found only by a name the file gives, never by a class
 * name reflected on; registering never replaces a type of the same name.
 */
public final class LayerTypes {

  private static final Map<String, LayerType<?>> BY_NAME = new ConcurrentHashMap<>();
  private static final Map<String, LayerType<?>> BY_KERAS_NAME = new ConcurrentHashMap<>();
  private static final Map<Class<?>, LayerType<?>> BY_CLASS = new ConcurrentHashMap<>();
  private static volatile boolean loaded;

  private LayerTypes() {}

  /**
   * Registers {@code type}.
   *
   * @throws IllegalArgumentException if another type already has its name, Keras class name or
   *     layer class
   */
  public static synchronized void register(LayerType<?> type) {
    ensureLoaded();
    LayerType<?> same = BY_NAME.get(type.name());
    if (same != null && same.layerClass() == type.layerClass()
        && same.kerasClassName().equals(type.kerasClassName())) {
      return; // registered twice (two class loaders' service files, a static block run twice)
    }
    String clash = same != null ? "name '" + type.name() + "'"
        : BY_KERAS_NAME.containsKey(type.kerasClassName())
            ? "Keras class name '" + type.kerasClassName() + "'"
        : BY_CLASS.containsKey(type.layerClass()) ? "layer class " + type.layerClass().getName()
        : null;
    if (clash != null) {
      throw new IllegalArgumentException("Cannot register " + type + ": the " + clash
          + " is taken");
    }
    BY_NAME.put(type.name(), type);
    BY_KERAS_NAME.put(type.kerasClassName(), type);
    BY_CLASS.put(type.layerClass(), type);
  }

  /** The type Lamina's files call {@code name}. */
  public static Optional<LayerType<?>> byName(String name) {
    ensureLoaded();
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The type of Keras's {@code class_name} (or a registered Python class's name). */
  public static Optional<LayerType<?>> byKerasClassName(String kerasClassName) {
    ensureLoaded();
    return Optional.ofNullable(BY_KERAS_NAME.get(kerasClassName));
  }

  /** The type of {@code layer}, if it has one (a lambda layer's type is its lambda's). */
  @SuppressWarnings("unchecked")
  public static <L extends Layer> Optional<LayerType<L>> of(L layer) {
    ensureLoaded();
    return Optional.ofNullable((LayerType<L>) BY_CLASS.get(layer.getClass()));
  }

  /** Every type's name, sorted, for messages. */
  public static List<String> names() {
    ensureLoaded();
    List<String> names = new ArrayList<>(BY_NAME.keySet());
    names.sort(null);
    return names;
  }

  /** Every Keras class name, sorted, for messages. */
  public static List<String> kerasClassNames() {
    ensureLoaded();
    List<String> names = new ArrayList<>(BY_KERAS_NAME.keySet());
    names.sort(null);
    return names;
  }

  private static void ensureLoaded() {
    if (loaded) {
      return;
    }
    synchronized (LayerTypes.class) {
      if (loaded) {
        return;
      }
      loaded = true;
      // Lamina's own class loader first (the built-in types), then the context class loader's
      // (an application's types where Lamina sits in a parent loader, as on Spark executors).
      for (ClassLoader loader : new ClassLoader[] {LayerTypes.class.getClassLoader(),
          Thread.currentThread().getContextClassLoader()}) {
        if (loader == null) {
          continue;
        }
        for (LayerTypeProvider provider : ServiceLoader.load(LayerTypeProvider.class, loader)) {
          provider.layerTypes().forEach(LayerTypes::register);
        }
      }
    }
  }
}
