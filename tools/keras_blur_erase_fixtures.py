"""Keras 3 reference values for Lamina's RandomGaussianBlur,
RandomErasing, RandomPerspective and RandomColorJitter, for the runtime's
tests (BlurErasePerspectiveTest).

Writes runtime/src/test/resources/keras/blur_erase.json in the format of
tools/keras_more_augmentation_fixtures.py, whose case() and training() it
reuses: "cases" are layer(x, training=False); "training" trains
Input -> layer(seed) -> Flatten -> Dense(1) three steps with SGD on mse and
keeps each step's loss and weights, and Keras's first layer(x, training=True).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_blur_erase_fixtures.py

Deterministic: every input comes from a NumPy generator with a fixed seed; two
runs write the same bytes.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras
import tensorflow as tf
from keras import layers
from keras_more_augmentation_fixtures import SEED, case, training

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "blur_erase.json",
)

# (id, make, input shape, value scale)
CASES = [
    ("inference", lambda: layers.RandomGaussianBlur(seed=3), (2, 5, 7, 3), 255),
    ("inference", lambda: layers.RandomErasing(seed=3), (2, 5, 7, 3), 255),
    ("inference", lambda: layers.RandomPerspective(seed=3), (2, 5, 7, 3), 255),
    ("inference", lambda: layers.RandomColorJitter(
        brightness_factor=0.2, contrast_factor=0.3, saturation_factor=0.5, hue_factor=0.2,
        seed=3), (2, 5, 7, 3), 255),
]

# (id, make(seed), seed, input shape, value scale, learning rate)
TRAINING = [
    ("defaults", lambda s: layers.RandomGaussianBlur(seed=s, name="aug"), 131,
     (6, 7, 3), 255, 1e-6),
    ("pairs_kernel_5_unit_range", lambda s: layers.RandomGaussianBlur(
        factor=(0.9, 0.6), kernel_size=5, sigma=(0.8, 0.3), value_range=(0, 1), seed=s,
        name="aug"), 137, (7, 6, 2), 1, 0.1),
    ("kernel_pair_clipping_range", lambda s: layers.RandomGaussianBlur(
        factor=1.0, kernel_size=(3, 5), sigma=0.7, value_range=(0.2, 0.8), seed=s,
        name="aug"), 139, (6, 7, 1), 1, 0.1),
    ("defaults_noise", lambda s: layers.RandomErasing(seed=s, name="aug"), 149,
     (6, 7, 3), 255, 1e-6),
    ("number_fill_pairs", lambda s: layers.RandomErasing(
        factor=(0.95, 0.7), scale=(0.6, 0.2), fill_value=0.25, value_range=(0, 1), seed=s,
        name="aug"), 151, (7, 6, 2), 1, 0.1),
    ("rgb_fill_clipped", lambda s: layers.RandomErasing(
        factor=1.0, scale=0.5, fill_value=[0.1, 2.0, -1.0], value_range=(0, 1), seed=s,
        name="aug"), 157, (6, 7, 3), 1, 0.1),
    ("defaults", lambda s: layers.RandomPerspective(seed=s, name="aug"), 163,
     (6, 7, 3), 255, 1e-6),
    ("pair_scale_nearest_fill", lambda s: layers.RandomPerspective(
        factor=(0.9, 0.5), scale=0.6, interpolation="nearest", fill_value=0.5, seed=s,
        name="aug"), 167, (7, 6, 2), 1, 0.1),
    ("small_scale_one_channel", lambda s: layers.RandomPerspective(
        factor=1.0, scale=0.2, seed=s, name="aug"), 173, (5, 8, 1), 1, 0.1),
    ("all_four", lambda s: layers.RandomColorJitter(
        brightness_factor=0.2, contrast_factor=0.3, saturation_factor=0.5, hue_factor=0.2,
        seed=s, name="aug"), 179, (5, 7, 3), 255, 1e-6),
    ("pairs_unit_range", lambda s: layers.RandomColorJitter(
        value_range=(0, 1), brightness_factor=(-0.1, 0.3), saturation_factor=(0.2, 0.8),
        hue_factor=(0.1, 0.5), seed=s, name="aug"), 181, (6, 5, 3), 1, 0.1),
    ("contrast_only_gray", lambda s: layers.RandomColorJitter(
        value_range=(0, 1), contrast_factor=(0.2, 0.6), seed=s, name="aug"), 191,
     (5, 6, 1), 1, 0.1),
]


def main():
    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "seed": SEED,
        "cases": [case(i, *c) for i, c in enumerate(CASES)],
        "training": [training(i, *t) for i, t in enumerate(TRAINING)],
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print("wrote %s (%d bytes)" % (os.path.normpath(OUT), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
