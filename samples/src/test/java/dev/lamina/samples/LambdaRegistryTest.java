package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.LambdaLayer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.SymbolicTensor;
import dev.lamina.runtime.registry.LambdaFactory;
import dev.lamina.runtime.registry.LambdaFactory.ArgumentSpec;
import dev.lamina.runtime.registry.LambdaRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/**
 * The registry the processor generated for this module, found through {@code ServiceLoader} as
 * loading a saved model finds it. The main and test sources both declare lambdas in this package:
 * each compilation's provider has its own class name, so both sets are found.
 */
class LambdaRegistryTest {

  private final LambdaRegistry registry = LambdaRegistry.load();

  @Test
  void findsTheLambdasOfTheMainAndTestCompilations() {
    List<String> names = registry.names();
    for (String name : List.of("dev.lamina.samples.SeedLambdas.square",
        "dev.lamina.samples.SeedLambdas.slice", "dev.lamina.samples.SeedLambdas.antirectifier",
        "dev.lamina.samples.SeedLambdas.gaussianNoise", "dev.lamina.samples.TestLambdas.column",
        "dev.lamina.samples.TestLambdas.window")) {
      assertTrue(names.contains(name), name + " in " + names);
    }
  }

  @Test
  void sliceFactoryDescribesTheLambda() {
    LambdaFactory slice = registry.find("dev.lamina.samples.SeedLambdas.slice").orElseThrow();

    assertEquals(List.of(new ArgumentSpec("index", int.class)), slice.arguments());
    assertSame(SliceLayer.SIGNATURE, slice.signature());
    assertSame(SliceLayer.FACTORY, slice);
  }

  /** Keras's tutorial slice, x[:, :, 1], made by name and applied to Input(shape=(4, 2)). */
  @Test
  void sliceMadeByTheRegistryTakesTheColumnItIsGiven() {
    LambdaFactory slice = registry.find("dev.lamina.samples.SeedLambdas.slice").orElseThrow();
    var a = Input.of(TFloat32.class, 4, 2);

    LambdaLayer layer = slice.create("second", Map.of("index", 1));
    @SuppressWarnings("unchecked")
    SymbolicTensor<TFloat32> column = (SymbolicTensor<TFloat32>) layer.call(a);

    assertEquals(Map.of("index", 1), layer.arguments());
    assertEquals("SliceLayer 'second' (index=1)", layer.describe());
    assertArrayEquals(new long[] {-1, 4}, column.shape().asArray());
    try (var model = Model.of(a, column)) {
      float[][] y = model.predict(new float[][][] {{{1, 2}, {2, 3}, {3, 4}, {4, 5}}},
          float[][].class);
      assertArrayEquals(new float[] {2, 3, 4, 5}, y[0]);
    }
  }

  @Test
  void aLayerMadeByTheRegistryChecksItsShapeRulesAsOfDoes() {
    LambdaFactory slice = registry.find("dev.lamina.samples.SeedLambdas.slice").orElseThrow();
    var a = Input.of(TFloat32.class, 4, 2);

    LambdaLayer layer = slice.create(null, Map.of("index", 2));

    var error = assertThrows(IllegalArgumentException.class, () -> layer.call(a));
    assertTrue(error.getMessage().startsWith(
        "SliceLayer 'slice' (index=2): requires \"0 <= index && index < c\" but "),
        error.getMessage());
  }
}
