package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.core.EinsumDense;
import dev.lamina.runtime.layers.core.Identity;
import dev.lamina.runtime.layers.normalization.RMSNormalization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keras-trained models of Identity, RMSNormalization and EinsumDense import and predict what
 * Keras predicted ({@code tools/keras_import_core_layers_fixture.py}, one {@code .keras} file
 * per layer): their configs read from {@code config.json} under Keras's names, their trained
 * weights from {@code model.weights.h5}.
 */
class CoreLayersImportTest {

  private static <L extends Layer> L only(Model model, Class<L> type) {
    List<L> found = model.layers().stream().filter(type::isInstance).map(type::cast).toList();
    assertEquals(1, found.size(), type.getSimpleName() + " in " + model.layers());
    return found.get(0);
  }

  /** The Masking's mask crosses the Identity to the pooling, as in Keras. */
  @Test
  void identityPassesTheMaskOn() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("identity.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "identity");
      assertEquals("identity", only(model, Identity.class).explicitName().orElseThrow());
    }
  }

  /** Called on a list, Keras's Identity gives a list: two outputs, each read by the Add. */
  @Test
  void identityOfAListGivesAList() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("identity_list.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "identity_list");
      assertTrue(model.summary().contains("[(None, 3), (None, 3)]"), model.summary());
    }
  }

  @Test
  void rmsNormalizationTakesKerassTrainedScale() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("rms_norm.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "rms_norm");
      RMSNormalization layer = only(model, RMSNormalization.class);
      assertEquals(List.of(1, 2), layer.arguments().get("axis"));
      assertEquals(1e-3, layer.epsilon(), 1e-12);
      assertEquals(List.of("scale"), layer.weights().stream().map(w -> w.name()).toList());
      assertEquals(org.tensorflow.ndarray.Shape.of(3, 4), layer.weights().get(0).shape());
      // trained: not the initial ones
      assertTrue(Math.abs(layer.weights().get(0).values()[0] - 1f) > 1e-4);
    }
  }

  @Test
  void einsumDenseTakesKerassKernelsAndBiases() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("einsum_dense.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "einsum_dense");
      List<EinsumDense> layers = model.layers().stream().filter(l -> l instanceof EinsumDense)
          .map(l -> (EinsumDense) l).toList();
      assertEquals(List.of("abc,cde->abde", "abde,de->ab"),
          layers.stream().map(EinsumDense::equation).toList());
      assertEquals(List.of(org.tensorflow.ndarray.Shape.of(4, 2, 5),
          org.tensorflow.ndarray.Shape.of(2, 5)),
          layers.get(0).weights().stream().map(w -> w.shape()).toList());
      // "abde,de->ab": the kernel has the input's labels d, e only; the bias is b's
      assertEquals(List.of(org.tensorflow.ndarray.Shape.of(2, 5),
          org.tensorflow.ndarray.Shape.of(3)),
          layers.get(1).weights().stream().map(w -> w.shape()).toList());
    }
  }
}
