"""Keras import fixtures for Identity, RMSNormalization and EinsumDense: one
`.keras` file per layer, so that Lamina's importer (keras/, KerasModels.load)
is checked end to end on each: Keras's config.json and model.weights.h5 read
in Java, Keras's predictions matched.

    identity_list.keras: Inputs a (3,), b (3,) -> Identity()([a, b]) -> Add
                        -> Dense(2) (untrained): Identity of a list
    identity.keras:     Input(4, 3) -> Masking(0.0) -> Identity
                        -> GlobalAveragePooling1D (masked: the mask crosses
                        the Identity) -> Dense(2)
    rms_norm.keras:     Input(3, 4) -> Dense(4) -> RMSNormalization(axis=[1, 2],
                        epsilon=1e-3) -> Flatten -> Dense(2)
    einsum_dense.keras: Input(3, 4) -> EinsumDense("abc,cde->abde", (3, 2, 5),
                        bias_axes="de", activation="tanh") -> EinsumDense(
                        "abde,de->ab", 3, bias_axes="b") -> Dense(2)

each fitted with Adam(0.01) and mse for a few epochs of random samples
(batch 8, no shuffle), so that the weights are not their initial values.

Writes keras/src/test/resources/fixtures/{identity,rms_norm,einsum_dense,
identity_list}.keras and .json (the layout of tools/keras_import_fixtures.py's fixtures).
Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_import_core_layers_fixture.py

The JSON is deterministic (seeds fixed); the .keras zips are not
byte-identical across runs (Keras writes the save date into metadata.json).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import keras_import_fixtures as fx  # noqa: E402


def fit(model, rng, shape, outputs=2, epochs=3):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse",
                  jit_compile=False)
    x = rng.normal(size=(32,) + shape).astype(np.float32) * 1.5 + 0.3
    y = rng.normal(size=(32, outputs)).astype(np.float32)
    model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0)


IDENTITY = ("Input(4,3, name=steps) -> Masking(0.0) -> Identity -> GlobalAveragePooling1D "
            "(masked) -> Dense(2, name=out); Adam(0.01) + mse, fit 3 epochs of 32 random "
            "samples, batch 8, no shuffle")


def identity_model(rng):
    inp = keras.Input(shape=(4, 3), name="steps")
    h = layers.Masking(0.0)(inp)
    h = layers.Identity()(h)
    h = layers.GlobalAveragePooling1D()(h)
    out = layers.Dense(2, name="out")(h)
    model = keras.Model(inp, out, name="identity")
    fit(model, rng, (4, 3))
    x = rng.normal(size=(3, 4, 3)).astype(np.float32)
    x[0, 2:] = 0.0  # padded steps: the mask must reach the pooling through Identity
    x[1, 3] = 0.0
    return model, [x], IDENTITY


IDENTITY_LIST = ("Inputs a (3,), b (3,) -> Identity()([a, b]) (a list in, a list out: two "
                 "outputs) -> Add -> Dense(2, name=out); untrained")


def identity_list_model(rng):
    a = keras.Input(shape=(3,), name="a")
    b = keras.Input(shape=(3,), name="b")
    first, second = layers.Identity()([a, b])
    out = layers.Dense(2, name="out")(layers.Add()([first, second]))
    model = keras.Model([a, b], out, name="identity_list")
    xa = rng.normal(size=(3, 3)).astype(np.float32)
    xb = rng.normal(size=(3, 3)).astype(np.float32)
    return model, [xa, xb], IDENTITY_LIST


RMS_NORM = ("Input(3,4, name=features) -> Dense(4) -> RMSNormalization(axis=[1, 2], "
            "epsilon=1e-3) -> Flatten -> Dense(2, name=out); Adam(0.01) + mse, fit 3 epochs "
            "of 32 random samples, batch 8, no shuffle")


def rms_norm_model(rng):
    inp = keras.Input(shape=(3, 4), name="features")
    h = layers.Dense(4)(inp)
    h = layers.RMSNormalization(axis=[1, 2], epsilon=1e-3)(h)
    h = layers.Flatten()(h)
    out = layers.Dense(2, name="out")(h)
    model = keras.Model(inp, out, name="rms_norm")
    fit(model, rng, (3, 4))
    scale = np.asarray(model.get_layer("rms_normalization").scale)
    assert np.abs(scale - 1.0).max() > 1e-3
    x = rng.normal(size=(3, 3, 4)).astype(np.float32)
    return model, [x], RMS_NORM


EINSUM_DENSE = ("Input(3,4, name=features) -> EinsumDense(\"abc,cde->abde\", (3, 2, 5), "
                "bias_axes=\"de\", activation=\"tanh\") -> EinsumDense(\"abde,de->ab\", 3, "
                "bias_axes=\"b\") -> Dense(2, name=out); Adam(0.01) + mse, fit 3 epochs of 32 "
                "random samples, batch 8, no shuffle")


def einsum_dense_model(rng):
    inp = keras.Input(shape=(3, 4), name="features")
    h = layers.EinsumDense("abc,cde->abde", (3, 2, 5), bias_axes="de", activation="tanh")(inp)
    h = layers.EinsumDense("abde,de->ab", 3, bias_axes="b")(h)
    out = layers.Dense(2, name="out")(h)
    model = keras.Model(inp, out, name="einsum_dense")
    fit(model, rng, (3, 4))
    bias = np.asarray(model.get_layer("einsum_dense").bias)
    assert np.abs(bias).max() > 1e-3
    x = rng.normal(size=(3, 3, 4)).astype(np.float32)
    return model, [x], EINSUM_DENSE


FIXTURES = [("identity", identity_model), ("rms_norm", rms_norm_model),
            ("einsum_dense", einsum_dense_model), ("identity_list", identity_list_model)]


def main():
    tf.config.experimental.enable_op_determinism()
    for i, (stem, build) in enumerate(FIXTURES):
        rng = np.random.default_rng(fx.SEED + 20 + i)
        info = fx.save_fixture(stem, build, rng, {})
        print("plain load_model:", info["plain_load"])
        for name in (stem + ".keras", stem + ".json"):
            print("%8d  %s" % (os.path.getsize(os.path.join(fx.OUT_DIR, name)), name))


if __name__ == "__main__":
    main()
