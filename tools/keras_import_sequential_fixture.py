"""A Sequential Keras 3 model with weights, for Lamina's Keras importer tests.

Writes keras/src/test/resources/fixtures/sequential_dense.keras and
sequential_dense.json (same JSON layout as tools/keras_import_fixtures.py,
whose helpers it reuses). It exists because a Sequential model numbers its
weight groups without its InputLayer (layers/dense, layers/dense_1), unlike a
functional model (layers/input_layer, ...): the four main fixtures have no
Sequential model with weights.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_import_sequential_fixture.py
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import keras_import_fixtures as fx  # noqa: E402


def sequential_dense_model(rng):
    model = keras.Sequential([
        keras.Input(shape=(2, 3)),
        layers.Flatten(),
        layers.Dense(4, activation="relu"),
        layers.Reshape((2, 2)),
        layers.Flatten(),
        layers.Dropout(0.25),
        layers.Dense(3),
        layers.Activation("sigmoid"),
    ])
    # Non-zero biases, so that loading them is tested.
    model.set_weights([(0.5 * rng.normal(size=w.shape)).astype(np.float32)
                       for w in model.get_weights()])
    x = rng.normal(size=(4, 2, 3)).astype(np.float32)
    return model, [x], "Sequential: Input(2,3) -> Flatten -> Dense(4, relu) -> Reshape((2,2)) " \
                       "-> Flatten -> Dropout(0.25) -> Dense(3) -> Activation(sigmoid)"


def main():
    rng = np.random.default_rng(fx.SEED + 1)
    fx.save_fixture("sequential_dense", sequential_dense_model, rng, {})
    for name in ("sequential_dense.keras", "sequential_dense.json"):
        print("%8d  %s" % (os.path.getsize(os.path.join(fx.OUT_DIR, name)), name))


if __name__ == "__main__":
    main()
