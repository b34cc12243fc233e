package dev.lamina.keras;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which Java layer stands for each Keras {@code Lambda} layer of a {@code .keras} file. The file
 * holds a lambda's Python code (or only its function's name), which no JVM runs and Lamina never
 * reads as code; the user binds each one to a {@code @Lambda} method's generated layer instead:
 *
 * <pre>{@code
 * LambdaBindings bindings = LambdaBindings.of()
 *     .bind("slice", args -> SliceLayer.of(args.requireInt("index")))   // a named Python function
 *     .bind("lambda", args -> SquareLayer.of());                        // a Python lambda, by layer
 * }</pre>
 *
 * <p>A Keras layer is looked up by its function's name first (Keras writes the name of a named
 * Python function, {@code def slice(x, index)}), then by the layer's own name (a Python {@code
 * lambda} has no name in the file, only its layer does). A named function no binding names is
 * then looked up by method name in the registry the processor generates ({@code
 * dev.lamina.runtime.registry.LambdaRegistry}): the one {@code @Lambda} method of that name on the
 * class path, its {@code @Arg}s read from Keras's {@code arguments} by name and declared type;
 * {@link #withoutRegistry()} turns that off. Immutable: {@link #bind} returns a new set.
 */
public final class LambdaBindings {

  private static final LambdaBindings EMPTY = new LambdaBindings(Map.of(), true);

  private final Map<String, LambdaFactory> factories;
  private final boolean registry;

  private LambdaBindings(Map<String, LambdaFactory> factories, boolean registry) {
    this.factories = factories;
    this.registry = registry;
  }

  /** These bindings only: no lookup in the registry of {@code @Lambda} methods. */
  public LambdaBindings withoutRegistry() {
    return new LambdaBindings(factories, false);
  }

  /** Whether unbound named functions are looked up in the registry (the default). */
  public boolean usesRegistry() {
    return registry;
  }

  /** No bindings yet: the registry alone, and a start for explicit ones. */
  public static LambdaBindings of() {
    return EMPTY;
  }

  /**
   * These bindings and one more.
   *
   * @param name a Python function's name, or a Keras layer's name
   * @param factory makes the layer from the Keras layer's {@code arguments}
   * @throws IllegalArgumentException if {@code name} is already bound or empty
   */
  public LambdaBindings bind(String name, LambdaFactory factory) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(factory, "factory");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("A binding needs a function or layer name");
    }
    if (factories.containsKey(name)) {
      throw new IllegalArgumentException("'" + name + "' is already bound");
    }
    Map<String, LambdaFactory> more = new LinkedHashMap<>(factories);
    more.put(name, factory);
    return new LambdaBindings(Collections.unmodifiableMap(more), registry);
  }

  /** The factory bound to {@code name}, if any. */
  public Optional<LambdaFactory> lookup(String name) {
    return Optional.ofNullable(factories.get(name));
  }

  /** The bound names, in the order they were bound. */
  public java.util.Set<String> names() {
    return factories.keySet();
  }

  @Override
  public String toString() {
    return "LambdaBindings" + factories.keySet();
  }
}
