package dev.lamina.keras;

import dev.lamina.runtime.LambdaLayer;
import dev.lamina.runtime.io.ModelFormatException;

/**
 * Makes the Lamina layer for one Keras {@code Lambda} layer of a file: usually a generated layer's
 * factory, {@code args -> SliceLayer.of(args.requireInt("index"))}.
 */
@FunctionalInterface
public interface LambdaFactory {

  /**
   * @param args the Keras layer's {@code arguments}, its name and its function's name
   * @return a new layer (one per Keras layer: a binding is called once for each layer it binds)
   * @throws ModelFormatException when an argument is missing or of the wrong type, as {@link
   *     KerasArguments}' accessors throw it
   */
  LambdaLayer create(KerasArguments args) throws ModelFormatException;
}
