package dev.lamina.runtime.layers.normalization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lamina.runtime.Input;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.io.JsonObject;
import dev.lamina.runtime.layers.core.Dense;
import dev.lamina.runtime.layers.reshaping.Flatten;
import dev.lamina.runtime.registry.LayerConfig;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.types.TFloat32;

/**
 * BatchNormalization over one axis of 4-D inputs, {@code (batch, 3, 4, 5)}: the channel axis
 * ({@code axis=-1}) and axis 1, against Keras 3 ({@code tools/keras_group_norm_fixtures.py},
 * runs {@code bn_4d_axis_*}): an Input → BatchNormalization → Flatten → Dense model, read from
 * Keras's config of the layer, takes Keras's three {@code train_on_batch} steps with SGD and Adam
 * from the same weights (non-trivial moving statistics); each step's loss and every weight after
 * it, the moving mean and variance included, then the predictions (with the moving statistics)
 * and the {@code evaluate} loss, to 1e-5 relative.
 */
class BatchNormalization4dTest {

  static Stream<Arguments> training() throws IOException {
    return KerasTrainingSteps.runs("bn_4d_");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("training")
  void takesKerassTrainingSteps(String id, JsonObject t) throws IOException {
    LayerConfig read = new LayerConfig(t.requireObject("layer_config"), id,
        LayerConfig.Origin.KERAS);
    read.ignore("name", "trainable", "dtype");
    BatchNormalization layer = BatchNormalization.TYPE.fromConfig("batch_normalization", read);
    read.rejectUnread("BatchNormalization");
    assertEquals(t.requireObject("layer_config").requireInt("axis"),
        layer.arguments().get("axis"));
    var x = Input.of(TFloat32.class, 3, 4, 5);
    var y = Dense.builder(2).name("dense").build()
        .apply(new Flatten().apply(layer.apply(x)));
    KerasTrainingSteps.assertTakesKerassSteps(id, t, Model.of(x, y));
  }
}
