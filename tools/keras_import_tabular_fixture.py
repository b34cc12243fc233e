"""A tabular Keras 3 model for Lamina's Keras importer tests (issue 20).

Writes keras/src/test/resources/fixtures/tabular.keras and tabular.json
(same JSON layout as tools/keras_import_fixtures.py, whose helpers it
reuses):

    Input(5) -> Normalization (adapted on the generated training data)
             -> Dense(8, relu) -> BatchNormalization
             -> Lambda(clip_scale, arguments={"limit": 2.0})
             -> Dense(3, softmax)

trained 5 epochs (Adam, sparse_categorical_crossentropy, batch 32, no
shuffling) on 256 generated rows, so that BatchNormalization's
moving_mean / moving_variance are far from their 0 / 1 start and
Normalization's mean / variance are far from 0 / 1. The file holds the
layers' weights (Normalization: mean, variance, count; BatchNormalization:
gamma, beta, moving_mean, moving_variance) and the Adam state.

clip_scale is a named Python function, like the `slice` and `antirectifier`
functions of the other fixtures: config.json records only its name and
`arguments`; Keras loads the file with
custom_objects={"clip_scale": clip_scale}.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_import_tabular_fixture.py

The JSON is deterministic (seeds fixed); the .keras zip is not byte-identical
across runs (Keras writes the save date into metadata.json).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import keras_import_fixtures as fx  # noqa: E402


def clip_scale(x, limit):
    return tf.clip_by_value(x, -limit, limit) * 0.5


def tabular_model(rng):
    n = 256
    # Five features on different scales and offsets; three classes from a rule.
    x_train = (rng.normal(size=(n, 5)) * [1.0, 10.0, 0.1, 3.0, 50.0]
               + [5.0, -20.0, 0.5, 0.0, 100.0]).astype(np.float32)
    score = (x_train[:, 0] - 5.0) + 0.1 * (x_train[:, 1] + 20.0) - 0.04 * (x_train[:, 4] - 100.0)
    y_train = np.digitize(score, [-0.7, 0.7]).astype(np.int32)

    inp = keras.Input(shape=(5,), name="features")
    norm = layers.Normalization(name="normalization")
    norm.adapt(x_train)
    h = norm(inp)
    h = layers.Dense(8, activation="relu", name="dense")(h)
    h = layers.BatchNormalization(name="batch_normalization")(h)
    h = layers.Lambda(clip_scale, arguments={"limit": 2.0}, name="clip_scale")(h)
    out = layers.Dense(3, activation="softmax", name="probs")(h)
    model = keras.Model(inp, out, name="tabular")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", jit_compile=False)
    model.fit(x_train, y_train, batch_size=32, epochs=5, shuffle=False, verbose=0)  # 40 steps

    bn = model.get_layer("batch_normalization")
    mm, mv = np.asarray(bn.moving_mean), np.asarray(bn.moving_variance)
    assert np.abs(mm).max() > 0.1 and np.abs(mv - 1.0).max() > 0.1, (mm, mv)

    x = (rng.normal(size=(4, 5)) * [1.0, 10.0, 0.1, 3.0, 50.0]
         + [5.0, -20.0, 0.5, 0.0, 100.0]).astype(np.float32)
    return model, [x], "Input(5, name=features) -> Normalization (adapted on the 256 training rows) " \
                       "-> Dense(8, relu) -> BatchNormalization -> Lambda(clip_scale, " \
                       "arguments={'limit': 2.0}) -> Dense(3, softmax, name=probs); Adam(0.01) + " \
                       "sparse_categorical_crossentropy, fit 5 epochs of 256 generated rows, batch 32, " \
                       "no shuffle (40 steps)"


def main():
    tf.config.experimental.enable_op_determinism()
    rng = np.random.default_rng(fx.SEED + 2)
    info = fx.save_fixture("tabular", tabular_model, rng, {"custom_objects": {"clip_scale": clip_scale}})
    print("plain load_model:", info["plain_load"])
    print("lambda config:", info["lambdas"][0]["config"])
    for name in ("tabular.keras", "tabular.json"):
        print("%8d  %s" % (os.path.getsize(os.path.join(fx.OUT_DIR, name)), name))


if __name__ == "__main__":
    main()
