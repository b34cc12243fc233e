package dev.lamina.runtime.registry;

import dev.lamina.runtime.Layer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Every layer type Lamina knows, by name, by Keras class name and by Java class: those a
 * {@link LayerTypeProvider} named in a {@code
 * META-INF/services/dev.lamina.runtime.registry.LayerTypeProvider} file gives (Lamina's built-in
 * types come so; loaded once, on first use, by whichever thread comes first, the others waiting
 * for it) and those {@link #register registered} by the application. A type is found only by a
 * name the file gives, never by a class name reflected on; registering never replaces a type of
 * the same name. A provider must not call {@link #register} itself: it returns its types.
 */
public final class LayerTypes {

  private LayerTypes() {}

  /** The tables, filled from the providers when this class is first initialised. */
  private static final class Registry {
    static final Registry INSTANCE = load();

    private final Map<String, LayerType<?>> byName = new HashMap<>();
    private final Map<String, LayerType<?>> byKerasName = new HashMap<>();
    private final Map<Class<?>, LayerType<?>> byClass = new HashMap<>();

    /**
     * Lamina's own class loader first (the built-in types), then the context class loader's (an
     * application's types where Lamina sits in a parent loader, as on Spark executors). The JVM
     * runs this once, and every other thread waits until it is done.
     */
    private static Registry load() {
      Registry registry = new Registry();
      for (ClassLoader loader : new ClassLoader[] {LayerTypes.class.getClassLoader(),
          Thread.currentThread().getContextClassLoader()}) {
        if (loader == null) {
          continue;
        }
        for (LayerTypeProvider provider : ServiceLoader.load(LayerTypeProvider.class, loader)) {
          provider.layerTypes().forEach(registry::add);
        }
      }
      return registry;
    }

    synchronized void add(LayerType<?> type) {
      LayerType<?> same = byName.get(type.name());
      if (same != null && same.layerClass() == type.layerClass()
          && same.kerasClassName().equals(type.kerasClassName())) {
        return; // registered twice (two class loaders' service files, a static block run twice)
      }
      String clash = same != null ? "name '" + type.name() + "'"
          : byKerasName.containsKey(type.kerasClassName())
              ? "Keras class name '" + type.kerasClassName() + "'"
          : byClass.containsKey(type.layerClass()) ? "layer class " + type.layerClass().getName()
          : null;
      if (clash != null) {
        throw new IllegalArgumentException("Cannot register " + type + ": the " + clash
            + " is taken");
      }
      byName.put(type.name(), type);
      byKerasName.put(type.kerasClassName(), type);
      byClass.put(type.layerClass(), type);
    }

    synchronized LayerType<?> byName(String name) {
      return byName.get(name);
    }

    synchronized LayerType<?> byKerasName(String name) {
      return byKerasName.get(name);
    }

    synchronized LayerType<?> byClass(Class<?> layerClass) {
      return byClass.get(layerClass);
    }

    synchronized List<String> names(Map<String, LayerType<?>> table) {
      List<String> names = new ArrayList<>(table.keySet());
      names.sort(null);
      return names;
    }
  }

  /**
   * Registers {@code type}.
   *
   * @throws IllegalArgumentException if another type already has its name, Keras class name or
   *     layer class
   */
  public static void register(LayerType<?> type) {
    Registry.INSTANCE.add(type);
  }

  /** The type Lamina's files call {@code name}. */
  public static Optional<LayerType<?>> byName(String name) {
    return Optional.ofNullable(Registry.INSTANCE.byName(name));
  }

  /** The type of Keras's {@code class_name} (or a registered Python class's name). */
  public static Optional<LayerType<?>> byKerasClassName(String kerasClassName) {
    return Optional.ofNullable(Registry.INSTANCE.byKerasName(kerasClassName));
  }

  /** The type of {@code layer}, if it has one (a lambda layer's type is its lambda's). */
  @SuppressWarnings("unchecked")
  public static <L extends Layer> Optional<LayerType<L>> of(L layer) {
    return Optional.ofNullable((LayerType<L>) Registry.INSTANCE.byClass(layer.getClass()));
  }

  /** Every type's name, sorted, for messages. */
  public static List<String> names() {
    Registry registry = Registry.INSTANCE;
    return registry.names(registry.byName);
  }

  /** Every Keras class name, sorted, for messages. */
  public static List<String> kerasClassNames() {
    Registry registry = Registry.INSTANCE;
    return registry.names(registry.byKerasName);
  }
}
