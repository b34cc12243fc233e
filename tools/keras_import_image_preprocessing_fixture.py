"""A small Keras 3 image classifier with its preprocessing inside the model,
as Keras's own image-classification examples build them, for Lamina's Keras
importer tests.

Writes keras/src/test/resources/fixtures/image_preprocessing.keras and
image_preprocessing.json (same JSON layout as tools/keras_import_fixtures.py,
whose helpers it reuses):

    Input(9, 11, 3) -> Resizing(8, 8, crop_to_aspect_ratio=True)
                    -> RandomFlip("horizontal", seed=5) -> CenterCrop(6, 6)
                    -> Rescaling(1/255) -> Conv2D(4, 3, relu)
                    -> GlobalAveragePooling2D -> Dense(3, softmax)

with Keras's initial weights (seeded): the preprocessing layers have no
weights, only their configs; predict runs RandomFlip as the identity.

And random_affine.keras / random_affine.json, the affine augmentation layers:

    Input(9, 11, 3) -> RandomRotation((-0.1, 0.2), fill_mode="constant",
                                      fill_value=0.5, seed=1)
                    -> RandomZoom(0.2, (-0.1, 0.3), fill_mode="wrap", seed=2)
                    -> RandomTranslation(0.1, 0.2, interpolation="nearest", seed=3)
                    -> Conv2D(4, 3, relu) -> Flatten -> Dense(2)

predict runs the three as the identity.

And random_color_crop.keras / random_color_crop.json, the colour and crop
augmentation layers:

    Input(9, 11, 3) -> RandomContrast((-0.2, 0.4), value_range=(0, 1), seed=1)
                    -> RandomBrightness(0.3, value_range=(0, 1), seed=2)
                    -> RandomCrop(6, 8, seed=3) -> Flatten -> Dense(2)

predict runs the first two as the identity and RandomCrop as its fixed
centred window. Keras 3.15.1's RandomCrop returns its input unchanged when
training=False (keras-team/keras#21868), so that Keras's own predict of this
model fails at the Dense; the expected outputs are computed with RandomCrop's
transform_images applied for training=False as well (the fix Keras's pull
requests for that issue make): Keras's code for the window it computes then.

And more_augmentation.keras / more_augmentation.json, the other colour
augmentation layers and AutoContrast:

    Input(9, 11, 3) -> RandomGrayscale(0.3, seed=1)
                    -> RandomInvert((0.2, 0.6), value_range=(0, 1), seed=2)
                    -> Solarization(0.1, (0.2, 0.5), value_range=(0, 1), seed=3)
                    -> RandomPosterization((2, 6), value_range=(0, 1), seed=4)
                    -> AutoContrast(value_range=(0, 1))
                    -> RandomColorDegeneration(0.4, value_range=(0, 1), seed=5)
                    -> Flatten -> Dense(2)

predict runs the random ones as the identity and AutoContrast as it always
runs. RandomGrayscale's config has no seed (Keras's get_config leaves it out).

And color_shear.keras / color_shear.json:

    Input(9, 11, 3) -> RandomShear((0.1, 0.3), (0.05, 0.2), fill_mode="constant",
                                   fill_value=0.5, interpolation="nearest", seed=1)
                    -> RandomSaturation((0.2, 0.7), value_range=(0, 1), seed=2)
                    -> RandomHue(0.4, value_range=(0, 1), seed=3)
                    -> RandomSharpness((0.3, 0.9), value_range=(0, 1), seed=4)
                    -> Flatten -> Dense(2)

predict runs the four as the identity. RandomShear's factors are pairs: a
number f is written as (-f, f), which Keras 3.15.1's own loader (and so this
script's check of the saved file) refuses; Lamina reads it as f (runtime test).

And blur_erase.keras / blur_erase.json:

    Input(9, 11, 3) -> RandomGaussianBlur((0.2, 0.8), kernel_size=5, sigma=(0.3, 0.9),
                                          value_range=(0, 1), seed=1)
                    -> RandomErasing((0.3, 0.9), scale=(0.1, 0.4), fill_value=[0.1, 0.5, 0.9],
                                     value_range=(0, 1), seed=2)
                    -> RandomPerspective((0.4, 0.8), scale=0.5, interpolation="nearest",
                                         fill_value=0.25, seed=3)
                    -> RandomColorJitter(value_range=(0, 1), brightness_factor=0.1,
                                         contrast_factor=(0.1, 0.3), saturation_factor=0.4,
                                         hue_factor=(0.1, 0.2), seed=4)
                    -> Flatten -> Dense(2)

predict runs them as the identity.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_import_image_preprocessing_fixture.py [stem ...]

(no stem: every fixture; else only those named, e.g. random_color_crop).

The JSON is deterministic (seeds fixed); the .keras zip is not byte-identical
across runs (Keras writes the save date into metadata.json).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import keras_import_fixtures as fx  # noqa: E402


def image_model(rng):
    inp = keras.Input(shape=(9, 11, 3), name="image")
    h = layers.Resizing(8, 8, crop_to_aspect_ratio=True, name="resizing")(inp)
    h = layers.RandomFlip("horizontal", seed=5, name="random_flip")(h)
    h = layers.CenterCrop(6, 6, name="center_crop")(h)
    h = layers.Rescaling(1.0 / 255, name="rescaling")(h)
    h = layers.Conv2D(4, 3, activation="relu", name="conv2d")(h)
    h = layers.GlobalAveragePooling2D(name="pool")(h)
    out = layers.Dense(3, activation="softmax", name="probs")(h)
    model = keras.Model(inp, out, name="image_preprocessing")
    x = rng.uniform(0, 255, size=(3, 9, 11, 3)).astype(np.float32)
    return model, [x], "Input(9, 11, 3, name=image) -> Resizing(8, 8, crop_to_aspect_ratio=True) " \
                       "-> RandomFlip('horizontal', seed=5) -> CenterCrop(6, 6) -> " \
                       "Rescaling(1/255) -> Conv2D(4, 3, relu) -> GlobalAveragePooling2D -> " \
                       "Dense(3, softmax, name=probs); Keras's initial weights"


def affine_model(rng):
    inp = keras.Input(shape=(9, 11, 3), name="image")
    h = layers.RandomRotation((-0.1, 0.2), fill_mode="constant", fill_value=0.5, seed=1,
                              name="rotation")(inp)
    h = layers.RandomZoom(0.2, (-0.1, 0.3), fill_mode="wrap", seed=2, name="zoom")(h)
    h = layers.RandomTranslation(0.1, 0.2, interpolation="nearest", seed=3,
                                 name="translation")(h)
    h = layers.Conv2D(4, 3, activation="relu", name="conv2d")(h)
    out = layers.Dense(2, name="dense")(layers.Flatten(name="flatten")(h))
    model = keras.Model(inp, out, name="random_affine")
    x = rng.uniform(0, 1, size=(3, 9, 11, 3)).astype(np.float32)
    return model, [x], "Input(9, 11, 3, name=image) -> RandomRotation((-0.1, 0.2), " \
                       "fill_mode=constant, fill_value=0.5, seed=1) -> RandomZoom(0.2, " \
                       "(-0.1, 0.3), fill_mode=wrap, seed=2) -> RandomTranslation(0.1, 0.2, " \
                       "interpolation=nearest, seed=3) -> Conv2D(4, 3, relu) -> Flatten -> " \
                       "Dense(2); Keras's initial weights"


def color_crop_model(rng):
    inp = keras.Input(shape=(9, 11, 3), name="image")
    h = layers.RandomContrast((-0.2, 0.4), value_range=(0, 1), seed=1, name="contrast")(inp)
    h = layers.RandomBrightness(0.3, value_range=(0, 1), seed=2, name="brightness")(h)
    h = layers.RandomCrop(6, 8, seed=3, name="crop")(h)
    out = layers.Dense(2, name="dense")(layers.Flatten(name="flatten")(h))
    model = keras.Model(inp, out, name="random_color_crop")
    x = rng.uniform(0, 1, size=(3, 9, 11, 3)).astype(np.float32)
    return model, [x], "Input(9, 11, 3, name=image) -> RandomContrast((-0.2, 0.4), " \
                       "value_range=(0, 1), seed=1) -> RandomBrightness(0.3, " \
                       "value_range=(0, 1), seed=2) -> RandomCrop(6, 8, seed=3) -> Flatten " \
                       "-> Dense(2); Keras's initial weights; RandomCrop's training=False " \
                       "window applied (keras-team/keras#21868)"


def more_augmentation_model(rng):
    inp = keras.Input(shape=(9, 11, 3), name="image")
    h = layers.RandomGrayscale(0.3, seed=1, name="grayscale")(inp)
    h = layers.RandomInvert((0.2, 0.6), value_range=(0, 1), seed=2, name="invert")(h)
    h = layers.Solarization(0.1, (0.2, 0.5), value_range=(0, 1), seed=3, name="solarize")(h)
    h = layers.RandomPosterization((2, 6), value_range=(0, 1), seed=4, name="posterize")(h)
    h = layers.AutoContrast(value_range=(0, 1), name="autocontrast")(h)
    h = layers.RandomColorDegeneration(0.4, value_range=(0, 1), seed=5, name="degenerate")(h)
    out = layers.Dense(2, name="dense")(layers.Flatten(name="flatten")(h))
    model = keras.Model(inp, out, name="more_augmentation")
    x = rng.uniform(0.1, 0.8, size=(3, 9, 11, 3)).astype(np.float32)
    return model, [x], "Input(9, 11, 3, name=image) -> RandomGrayscale(0.3, seed=1) -> " \
                       "RandomInvert((0.2, 0.6), value_range=(0, 1), seed=2) -> " \
                       "Solarization(0.1, (0.2, 0.5), value_range=(0, 1), seed=3) -> " \
                       "RandomPosterization((2, 6), value_range=(0, 1), seed=4) -> " \
                       "AutoContrast(value_range=(0, 1)) -> RandomColorDegeneration(0.4, " \
                       "value_range=(0, 1), seed=5) -> Flatten -> Dense(2); Keras's initial " \
                       "weights"


def color_shear_model(rng):
    inp = keras.Input(shape=(9, 11, 3), name="image")
    h = layers.RandomShear((0.1, 0.3), (0.05, 0.2), fill_mode="constant", fill_value=0.5,
                           interpolation="nearest", seed=1, name="shear")(inp)
    h = layers.RandomSaturation((0.2, 0.7), value_range=(0, 1), seed=2, name="saturation")(h)
    h = layers.RandomHue(0.4, value_range=(0, 1), seed=3, name="hue")(h)
    h = layers.RandomSharpness((0.3, 0.9), value_range=(0, 1), seed=4, name="sharpness")(h)
    out = layers.Dense(2, name="dense")(layers.Flatten(name="flatten")(h))
    model = keras.Model(inp, out, name="color_shear")
    x = rng.uniform(0.1, 0.8, size=(3, 9, 11, 3)).astype(np.float32)
    return model, [x], "Input(9, 11, 3, name=image) -> RandomShear((0.1, 0.3), (0.05, 0.2), " \
                       "fill_mode=constant, fill_value=0.5, interpolation=nearest, seed=1) -> " \
                       "RandomSaturation((0.2, 0.7), value_range=(0, 1), seed=2) -> " \
                       "RandomHue(0.4, value_range=(0, 1), seed=3) -> " \
                       "RandomSharpness((0.3, 0.9), value_range=(0, 1), seed=4) -> " \
                       "Flatten -> Dense(2); Keras's initial weights"


def blur_erase_model(rng):
    inp = keras.Input(shape=(9, 11, 3), name="image")
    h = layers.RandomGaussianBlur((0.2, 0.8), kernel_size=5, sigma=(0.3, 0.9),
                                  value_range=(0, 1), seed=1, name="blur")(inp)
    h = layers.RandomErasing((0.3, 0.9), scale=(0.1, 0.4), fill_value=[0.1, 0.5, 0.9],
                             value_range=(0, 1), seed=2, name="erasing")(h)
    h = layers.RandomPerspective((0.4, 0.8), scale=0.5, interpolation="nearest",
                                 fill_value=0.25, seed=3, name="perspective")(h)
    h = layers.RandomColorJitter(value_range=(0, 1), brightness_factor=0.1,
                                 contrast_factor=(0.1, 0.3), saturation_factor=0.4,
                                 hue_factor=(0.1, 0.2), seed=4, name="jitter")(h)
    out = layers.Dense(2, name="dense")(layers.Flatten(name="flatten")(h))
    model = keras.Model(inp, out, name="blur_erase")
    x = rng.uniform(0.1, 0.8, size=(3, 9, 11, 3)).astype(np.float32)
    return model, [x], "Input(9, 11, 3, name=image) -> RandomGaussianBlur((0.2, 0.8), " \
                       "kernel_size=5, sigma=(0.3, 0.9), value_range=(0, 1), seed=1) -> " \
                       "RandomErasing((0.3, 0.9), scale=(0.1, 0.4), fill_value=[0.1, 0.5, " \
                       "0.9], value_range=(0, 1), seed=2) -> " \
                       "RandomPerspective((0.4, 0.8), scale=0.5, interpolation=nearest, " \
                       "fill_value=0.25, seed=3) -> RandomColorJitter(value_range=(0, 1), " \
                       "brightness_factor=0.1, contrast_factor=(0.1, 0.3), " \
                       "saturation_factor=0.4, hue_factor=(0.1, 0.2), seed=4) -> " \
                       "Flatten -> Dense(2); Keras's initial weights"


def crop_at_inference_too():
    """RandomCrop.transform_images applied whatever training is (keras-team/keras#21868)."""
    original = layers.RandomCrop.transform_images

    def transform_images(self, images, transformation, training=True):
        return original(self, images, transformation, training=True)

    layers.RandomCrop.transform_images = transform_images


FIXTURES = {
    "image_preprocessing": (image_model, 7),
    "random_affine": (affine_model, 8),
    "random_color_crop": (color_crop_model, 9),
    "more_augmentation": (more_augmentation_model, 10),
    "color_shear": (color_shear_model, 11),
    "blur_erase": (blur_erase_model, 12),
}


def main():
    stems = sys.argv[1:] or list(FIXTURES)
    for stem in stems:
        build, offset = FIXTURES[stem]
        if stem == "random_color_crop":
            crop_at_inference_too()
        fx.save_fixture(stem, build, np.random.default_rng(fx.SEED + offset), {})
        for name in (stem + ".keras", stem + ".json"):
            print("%8d  %s" % (os.path.getsize(os.path.join(fx.OUT_DIR, name)), name))


if __name__ == "__main__":
    main()
