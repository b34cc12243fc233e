package dev.lamina.runtime.registry;

import java.util.List;

/**
 * Layer types for {@link LayerTypes} to find on the class path: implement it, and name the
 * implementation in {@code META-INF/services/dev.lamina.runtime.registry.LayerTypeProvider}.
 * The built-in types come the same way.
 */
public interface LayerTypeProvider {

  /** The types this provider contributes. */
  List<LayerType<?>> layerTypes();
}
