package dev.lamina.samples.readme;

// README: functional
import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.merging.Add;
import java.util.List;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.types.TFloat32;
// END README: functional

/** The README's "Models": Keras's functional API, two inputs added and classified. */
public final class Models {

  private Models() {}

  /** Predicts the README's model for two inputs of (batch, 2): probabilities of (batch, 3). */
  public static List<NdArray<?>> functional(NdArray<?> aData, NdArray<?> bData) {
    // README: functional
    var a = Input.of("a", TFloat32.class, 2);       // Keras: Input(shape=(2,), name="a")
    var b = Input.of("b", TFloat32.class, 2);
    var sum = new Add().apply(a, b);                // shape (None, 2), known at once
    var out = Dense.builder(3).activation("softmax").seed(7).build().apply(sum);
    try (var model = Model.of(List.of(a, b), List.of(out))) {
      List<NdArray<?>> y = model.predict(List.of(aData, bData), 32);
      // END README: functional
      return y;
    // README: functional
    }
    // END README: functional
  }
}
