"""Keras 3 reference values for Lamina's RandomShear, RandomSaturation,
RandomHue and RandomSharpness, for the runtime's tests (ColorShearLayersTest).

Writes runtime/src/test/resources/keras/color_shear.json in the format of
tools/keras_more_augmentation_fixtures.py, whose case() and training() it
reuses: "cases" are layer(x, training=False); "training" trains
Input -> layer(seed) -> Flatten -> Dense(1) three steps with SGD on mse and
keeps each step's loss and weights, and Keras's first layer(x, training=True).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_color_shear_fixtures.py

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
    "..", "runtime", "src", "test", "resources", "keras", "color_shear.json",
)

# (id, make, input shape, value scale)
CASES = [
    ("inference", lambda: layers.RandomShear(0.3, 0.2, seed=3), (2, 5, 7, 3), 255),
    ("inference", lambda: layers.RandomSaturation(0.5, seed=3), (2, 5, 7, 3), 255),
    ("inference", lambda: layers.RandomHue(0.5, seed=3), (2, 5, 7, 3), 255),
    ("inference", lambda: layers.RandomSharpness(0.5, seed=3), (2, 5, 7, 3), 255),
]

# (id, make(seed), seed, input shape, value scale, learning rate)
TRAINING = [
    ("default_fill", lambda s: layers.RandomShear(0.3, 0.2, seed=s, name="aug"), 61,
     (6, 7, 3), 1, 0.1),
    ("pairs_constant_nearest", lambda s: layers.RandomShear(
        (0.5, 0.1), (0.2, 0.4), fill_mode="constant", fill_value=0.5,
        interpolation="nearest", seed=s, name="aug"), 67, (6, 5, 2), 1, 0.1),
    ("x_only_wrap", lambda s: layers.RandomShear(
        x_factor=0.8, fill_mode="wrap", seed=s, name="aug"), 71, (5, 7, 1), 255, 1e-6),
    ("y_only_nearest_fill", lambda s: layers.RandomShear(
        y_factor=(0.3, 0.9), fill_mode="nearest", seed=s, name="aug"), 73,
     (7, 5, 3), 1, 0.1),
    ("default_range", lambda s: layers.RandomSaturation(0.5, seed=s, name="aug"), 79,
     (5, 7, 3), 255, 1e-6),
    ("pair_unit_range", lambda s: layers.RandomSaturation(
        (0.9, 0.2), value_range=(0, 1), seed=s, name="aug"), 83, (5, 7, 3), 1, 0.1),
    ("reversed_clipping_range", lambda s: layers.RandomSaturation(
        (-0.8, 0.6), value_range=(0.5, 0.2), seed=s, name="aug"), 89, (5, 7, 3), 1, 0.1),
    ("default_range", lambda s: layers.RandomHue(0.5, seed=s, name="aug"), 97,
     (5, 7, 3), 255, 1e-6),
    ("pair_unit_range", lambda s: layers.RandomHue(
        (0.8, 0.2), value_range=(0, 1), seed=s, name="aug"), 101, (5, 7, 3), 1, 0.1),
    ("reversed_range", lambda s: layers.RandomHue(
        1.0, value_range=(1, 0), seed=s, name="aug"), 103, (5, 7, 3), 1, 0.1),
    ("default_range", lambda s: layers.RandomSharpness(0.7, seed=s, name="aug"), 107,
     (5, 7, 3), 255, 1e-6),
    ("pair_unit_range", lambda s: layers.RandomSharpness(
        (0.9, 0.1), value_range=(0, 1), seed=s, name="aug"), 109, (5, 7, 2), 1, 0.1),
    ("sharpened_reversed_range", lambda s: layers.RandomSharpness(
        (0.9, 1.0), value_range=(0.8, 0.1), seed=s, name="aug"), 113, (6, 5, 1), 1, 0.1),
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
