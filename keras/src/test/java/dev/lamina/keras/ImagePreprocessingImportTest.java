package dev.lamina.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.Layer;
import dev.lamina.runtime.Model;
import dev.lamina.runtime.layers.preprocessing.AutoContrast;
import dev.lamina.runtime.layers.preprocessing.CenterCrop;
import dev.lamina.runtime.layers.preprocessing.RandomBrightness;
import dev.lamina.runtime.layers.preprocessing.RandomColorDegeneration;
import dev.lamina.runtime.layers.preprocessing.RandomContrast;
import dev.lamina.runtime.layers.preprocessing.RandomCrop;
import dev.lamina.runtime.layers.preprocessing.RandomFlip;
import dev.lamina.runtime.layers.preprocessing.RandomGrayscale;
import dev.lamina.runtime.layers.preprocessing.RandomHue;
import dev.lamina.runtime.layers.preprocessing.RandomInvert;
import dev.lamina.runtime.layers.preprocessing.RandomPosterization;
import dev.lamina.runtime.layers.preprocessing.RandomRotation;
import dev.lamina.runtime.layers.preprocessing.RandomSaturation;
import dev.lamina.runtime.layers.preprocessing.RandomColorJitter;
import dev.lamina.runtime.layers.preprocessing.RandomErasing;
import dev.lamina.runtime.layers.preprocessing.RandomGaussianBlur;
import dev.lamina.runtime.layers.preprocessing.RandomPerspective;
import dev.lamina.runtime.layers.preprocessing.RandomSharpness;
import dev.lamina.runtime.layers.preprocessing.RandomShear;
import dev.lamina.runtime.layers.preprocessing.RandomTranslation;
import dev.lamina.runtime.layers.preprocessing.RandomZoom;
import dev.lamina.runtime.layers.preprocessing.Resizing;
import dev.lamina.runtime.layers.preprocessing.Solarization;
import dev.lamina.runtime.train.Losses;
import dev.lamina.runtime.train.Sgd;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;

/**
 * A Keras image classifier with its preprocessing inside the model (Resizing with
 * crop_to_aspect_ratio, RandomFlip with a seed, CenterCrop, Rescaling, then Conv2D, pooling and
 * Dense; tools/keras_import_image_preprocessing_fixture.py) imports with Keras's configs,
 * predicts what Keras predicted, and trains a step: no gradient is asked through the layers
 * that sit before every weight. Likewise the affine augmentation layers (RandomRotation,
 * RandomZoom, RandomTranslation, seeded, with other than default fill modes and interpolation)
 * before Conv2D, Flatten and Dense. And the colour and crop augmentation layers
 * (RandomContrast, RandomBrightness with value_range (0, 1), RandomCrop to a smaller,
 * non-square size) before Flatten and Dense: predict is the identity for the first two and
 * RandomCrop's centred window (Keras's window for training=False; see the fixture script about
 * keras-team/keras#21868). And RandomShear (pairs, constant fill, nearest), RandomSaturation,
 * RandomHue and RandomSharpness, seeded, before Flatten and Dense: predict is the identity.
 * And RandomGaussianBlur (pairs, kernel 5, value_range (0, 1)), RandomErasing (three fill
 * values), RandomPerspective (nearest, a fill value) and RandomColorJitter (all four factors),
 * seeded, before Flatten and Dense: predict is the identity.
 */
class ImagePreprocessingImportTest {

  @Test
  void importsPredictsAndTrainsAStep() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("image_preprocessing.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "image_preprocessing");
      assertEquals(8, layer(model, Resizing.class).arguments().get("height"));
      assertEquals(true, layer(model, Resizing.class).arguments().get("crop_to_aspect_ratio"));
      assertEquals(6, layer(model, CenterCrop.class).arguments().get("width"));
      assertEquals(5L, layer(model, RandomFlip.class).config().get("seed"));
      assertEquals("horizontal", layer(model, RandomFlip.class).arguments().get("mode"));

      FloatNdArray y = NdArrays.ofFloats(Shape.of(4, 3));
      y.setFloat(1, 0, 0);
      y.setFloat(1, 1, 1);
      assertAStepMovesTheDenseKernel(model, 0.1, 1f, y);
    }
  }

  @Test
  void importsTheAffineAugmentationLayersPredictsAndTrainsAStep() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("random_affine.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "random_affine");
      Layer rotation = layer(model, RandomRotation.class);
      assertEquals(List.of(-0.1, 0.2), rotation.arguments().get("factor"));
      assertEquals("constant", rotation.arguments().get("fill_mode"));
      assertEquals(0.5, rotation.arguments().get("fill_value"));
      assertEquals(1L, rotation.config().get("seed"));
      Layer zoom = layer(model, RandomZoom.class);
      assertEquals(0.2, zoom.arguments().get("height_factor"));
      assertEquals(List.of(-0.1, 0.3), zoom.arguments().get("width_factor"));
      assertEquals("wrap", zoom.arguments().get("fill_mode"));
      assertEquals(2L, zoom.config().get("seed"));
      Layer translation = layer(model, RandomTranslation.class);
      assertEquals(0.1, translation.arguments().get("height_factor"));
      assertEquals(0.2, translation.arguments().get("width_factor"));
      assertEquals("nearest", translation.arguments().get("interpolation"));
      assertEquals("reflect", translation.arguments().get("fill_mode"));
      assertEquals(3L, translation.config().get("seed"));

      // they sit before every weight: a step trains, and predict is still the identity's
      assertAStepMovesTheDenseKernel(model, 0.01, 255f, NdArrays.ofFloats(Shape.of(4, 2)));
    }
  }

  @Test
  void importsTheColourAndCropAugmentationLayersPredictsAndTrainsAStep() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("random_color_crop.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "random_color_crop");
      Layer contrast = layer(model, RandomContrast.class);
      assertEquals(List.of(-0.2, 0.4), contrast.arguments().get("factor"));
      assertEquals(List.of(0.0, 1.0), contrast.arguments().get("value_range"));
      assertEquals(1L, contrast.config().get("seed"));
      Layer brightness = layer(model, RandomBrightness.class);
      assertEquals(List.of(-0.3, 0.3), brightness.arguments().get("factor"));
      assertEquals(List.of(0.0, 1.0), brightness.arguments().get("value_range"));
      assertEquals(2L, brightness.config().get("seed"));
      Layer crop = layer(model, RandomCrop.class);
      assertEquals(6, crop.arguments().get("height"));
      assertEquals(8, crop.arguments().get("width"));
      assertEquals(3L, crop.config().get("seed"));

      // they sit before every weight: a step trains (random contrast, brightness and window)
      assertAStepMovesTheDenseKernel(model, 0.01, 255f, NdArrays.ofFloats(Shape.of(4, 2)));
    }
  }

  @Test
  void importsTheOtherColourAugmentationLayersPredictsAndTrainsAStep() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("more_augmentation.keras"))) {
      // the random layers are the identity in predict; AutoContrast stretches as in Keras
      Fixtures.assertPredictsAsKeras(model, "more_augmentation");
      Layer gray = layer(model, RandomGrayscale.class);
      assertEquals(0.3, gray.arguments().get("factor"));
      // Keras's RandomGrayscale config holds no seed: imported unseeded
      assertEquals(null, gray.config().get("seed"));
      Layer invert = layer(model, RandomInvert.class);
      assertEquals(List.of(0.2, 0.6), invert.arguments().get("factor"));
      assertEquals(List.of(0.0, 1.0), invert.arguments().get("value_range"));
      assertEquals(2L, invert.config().get("seed"));
      Layer solarize = layer(model, Solarization.class);
      assertEquals(List.of(0.0, 0.1), solarize.arguments().get("addition_factor"));
      assertEquals(List.of(0.2, 0.5), solarize.arguments().get("threshold_factor"));
      assertEquals(3L, solarize.config().get("seed"));
      Layer posterize = layer(model, RandomPosterization.class);
      assertEquals(List.of(2L, 6L), posterize.arguments().get("factor"));
      assertEquals(4L, posterize.config().get("seed"));
      Layer auto = layer(model, AutoContrast.class);
      assertEquals(List.of(0.0, 1.0), auto.arguments().get("value_range"));
      Layer degenerate = layer(model, RandomColorDegeneration.class);
      assertEquals(List.of(-0.4, 0.4), degenerate.arguments().get("factor"));
      assertEquals(5L, degenerate.config().get("seed"));

      // they sit before every weight: a step trains
      assertAStepMovesTheDenseKernel(model, 0.01, 255f, NdArrays.ofFloats(Shape.of(4, 2)));
    }
  }

  @Test
  void importsTheShearAndHsvAugmentationLayersPredictsAndTrainsAStep() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("color_shear.keras"))) {
      // the four are the identity in predict
      Fixtures.assertPredictsAsKeras(model, "color_shear");
      Layer shear = layer(model, RandomShear.class);
      assertEquals(List.of(0.1, 0.3), shear.arguments().get("x_factor"));
      assertEquals(List.of(0.05, 0.2), shear.arguments().get("y_factor"));
      assertEquals("constant", shear.arguments().get("fill_mode"));
      assertEquals(0.5, shear.arguments().get("fill_value"));
      assertEquals("nearest", shear.arguments().get("interpolation"));
      assertEquals(1L, shear.config().get("seed"));
      Layer saturation = layer(model, RandomSaturation.class);
      assertEquals(List.of(0.2, 0.7), saturation.arguments().get("factor"));
      assertEquals(List.of(0.0, 1.0), saturation.arguments().get("value_range"));
      assertEquals(2L, saturation.config().get("seed"));
      Layer hue = layer(model, RandomHue.class);
      assertEquals(List.of(0.0, 0.4), hue.arguments().get("factor"));
      assertEquals(3L, hue.config().get("seed"));
      Layer sharpness = layer(model, RandomSharpness.class);
      assertEquals(List.of(0.3, 0.9), sharpness.arguments().get("factor"));
      assertEquals(4L, sharpness.config().get("seed"));

      // they sit before every weight: a step trains
      assertAStepMovesTheDenseKernel(model, 0.01, 255f, NdArrays.ofFloats(Shape.of(4, 2)));
    }
  }

  @Test
  void importsBlurErasingPerspectiveAndJitterPredictsAndTrainsAStep() throws Exception {
    try (Model model = KerasModels.load(Fixtures.path("blur_erase.keras"))) {
      Fixtures.assertPredictsAsKeras(model, "blur_erase");
      Layer blur = layer(model, RandomGaussianBlur.class);
      assertEquals(List.of(0.2, 0.8), blur.arguments().get("factor"));
      assertEquals(List.of(5, 5), blur.arguments().get("kernel_size"));
      assertEquals(List.of(0.3, 0.9), blur.arguments().get("sigma"));
      assertEquals(List.of(0.0, 1.0), blur.arguments().get("value_range"));
      assertEquals(1L, blur.config().get("seed"));
      Layer erasing = layer(model, RandomErasing.class);
      assertEquals(List.of(0.3, 0.9), erasing.arguments().get("factor"));
      assertEquals(List.of(0.1, 0.4), erasing.arguments().get("scale"));
      assertEquals(List.of(0.1, 0.5, 0.9), erasing.arguments().get("fill_value"));
      assertEquals(2L, erasing.config().get("seed"));
      Layer perspective = layer(model, RandomPerspective.class);
      assertEquals(List.of(0.4, 0.8), perspective.arguments().get("factor"));
      assertEquals(0.5, perspective.arguments().get("scale"));
      assertEquals("nearest", perspective.arguments().get("interpolation"));
      assertEquals(0.25, perspective.arguments().get("fill_value"));
      assertEquals(3L, perspective.config().get("seed"));
      Layer jitter = layer(model, RandomColorJitter.class);
      assertEquals(List.of(0.0, 1.0), jitter.arguments().get("value_range"));
      assertEquals(0.1, jitter.arguments().get("brightness_factor"));
      assertEquals(List.of(0.1, 0.3), jitter.arguments().get("contrast_factor"));
      assertEquals(0.4, jitter.arguments().get("saturation_factor"));
      assertEquals(List.of(0.1, 0.2), jitter.arguments().get("hue_factor"));
      assertEquals(4L, jitter.config().get("seed"));

      // they sit before every weight: a step trains
      assertAStepMovesTheDenseKernel(model, 0.01, 255f, NdArrays.ofFloats(Shape.of(4, 2)));
    }
  }

  /**
   * One SGD step on four 9×11×3 images of values {@code (k * 37 % 255) / scale} against
   * {@code y}: the loss is finite and the last Dense kernel moves (the layers before it let a
   * step train).
   */
  private static void assertAStepMovesTheDenseKernel(Model model, double learningRate,
      float scale, FloatNdArray y) {
    model.compile(new Sgd(learningRate), Losses.get("mean_squared_error", false));
    FloatNdArray x = NdArrays.ofFloats(Shape.of(4, 9, 11, 3));
    long[] i = {0};
    x.scalars().forEach(s -> s.setFloat((float) ((++i[0] * 37) % 255) / scale));
    float[] before = model.weights().get(model.weights().size() - 2).values();
    double loss = model.trainOnBatch(x, y).get("loss");
    assertTrue(Double.isFinite(loss), "loss " + loss);
    float[] after = model.weights().get(model.weights().size() - 2).values();
    assertFalse(Arrays.equals(before, after), "the Dense kernel moved");
  }

  private static Layer layer(Model model, Class<? extends Layer> type) {
    List<Layer> found = model.layers().stream().filter(type::isInstance).toList();
    assertEquals(1, found.size(), type.getSimpleName());
    return found.get(0);
  }
}
