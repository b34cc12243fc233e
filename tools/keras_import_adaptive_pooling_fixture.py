"""A small Keras 3 model holding the six adaptive pooling layers, for Lamina's
Keras importer tests (AdaptivePoolingImportTest).

Writes keras/src/test/resources/fixtures/adaptive_pooling.keras and
adaptive_pooling.json (same JSON layout as tools/keras_import_fixtures.py,
whose helpers it reuses):

    image (9, 7, 3) -> Conv2D(4, 3, relu) -> (7, 5, 4)
        -> AdaptiveMaxPooling2D((3, 4)) -> Flatten
        -> AdaptiveAveragePooling2D(2)  -> Flatten
    sequence (10, 3) -> Dense(4) -> AdaptiveMaxPooling1D(3) -> Flatten
                     -> AdaptiveAveragePooling1D(4) -> Flatten
    volume (5, 4, 6, 2) -> AdaptiveAveragePooling3D((2, 3, 4)) -> Flatten
                        -> AdaptiveMaxPooling3D(2) -> Flatten
    Concatenate -> Dense(3)

with Keras's initial weights (seeded). Uneven bins on purpose (7 -> 3,
5 -> 4, 10 -> 3, 10 -> 4, 5 -> 2, 4 -> 3, 6 -> 4).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_import_adaptive_pooling_fixture.py

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


def adaptive_model(rng):
    image = keras.Input(shape=(9, 7, 3), name="image")
    sequence = keras.Input(shape=(10, 3), name="sequence")
    volume = keras.Input(shape=(5, 4, 6, 2), name="volume")
    conv = layers.Conv2D(4, 3, activation="relu", name="conv2d")(image)
    seq = layers.Dense(4, name="dense_seq")(sequence)
    pooled = [
        layers.AdaptiveMaxPooling2D((3, 4), name="max2d")(conv),
        layers.AdaptiveAveragePooling2D(2, name="avg2d")(conv),
        layers.AdaptiveMaxPooling1D(3, name="max1d")(seq),
        layers.AdaptiveAveragePooling1D(4, name="avg1d")(sequence),
        layers.AdaptiveAveragePooling3D((2, 3, 4), name="avg3d")(volume),
        layers.AdaptiveMaxPooling3D(2, name="max3d")(volume),
    ]
    flat = [layers.Flatten(name="flatten_%d" % i)(p) for i, p in enumerate(pooled)]
    h = layers.Concatenate(name="concat")(flat)
    out = layers.Dense(3, name="dense")(h)
    model = keras.Model([image, sequence, volume], out, name="adaptive_pooling")
    xs = [rng.normal(size=(3, 9, 7, 3)).astype(np.float32),
          rng.normal(size=(3, 10, 3)).astype(np.float32),
          rng.normal(size=(3, 5, 4, 6, 2)).astype(np.float32)]
    return model, xs, "image (9,7,3) -> Conv2D(4, 3, relu) -> AdaptiveMaxPooling2D((3, 4)) " \
                      "and AdaptiveAveragePooling2D(2); sequence (10,3) -> Dense(4) -> " \
                      "AdaptiveMaxPooling1D(3), sequence -> AdaptiveAveragePooling1D(4); " \
                      "volume (5,4,6,2) -> AdaptiveAveragePooling3D((2, 3, 4)) and " \
                      "AdaptiveMaxPooling3D(2); each Flatten -> Concatenate -> Dense(3); " \
                      "Keras's initial weights"


def main():
    fx.save_fixture("adaptive_pooling", adaptive_model, np.random.default_rng(fx.SEED + 11), {})
    for name in ("adaptive_pooling.keras", "adaptive_pooling.json"):
        print("%8d  %s" % (os.path.getsize(os.path.join(fx.OUT_DIR, name)), name))


if __name__ == "__main__":
    main()
