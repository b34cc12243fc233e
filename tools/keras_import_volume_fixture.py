"""Keras import fixture for the layers of issue 21 items 2-4: a `.keras` file
with every 3D pooling and reshaping layer, GroupNormalization,
BatchNormalization over a volume's channels and ActivityRegularization, so
that Lamina's importer (keras/, KerasModels.load) is checked end to end on
them: Keras's config.json and model.weights.h5 read in Java, Keras's
predictions matched.

    input (4, 6, 6, 3)
      -> ZeroPadding3D(((1, 0), (0, 1), (1, 1))) -> Cropping3D(((0, 1), (1, 0), (1, 1)))
      -> GroupNormalization(groups=3) -> BatchNormalization
      -> MaxPooling3D(2) -> UpSampling3D((1, 2, 1))
      -> AveragePooling3D((2, 2, 3), strides=1, padding="same")
      -> ActivityRegularization(l1=0.01, l2=0.01)
      -> GlobalMaxPooling3D, GlobalAveragePooling3D(keepdims=True) -> Flatten
      -> Concatenate -> Dense(2)

Adam(0.01) and mse, fit 3 epochs of 32 random samples (batch 8, no shuffle),
so that gamma, beta and the moving statistics are not their initial values.

Writes keras/src/test/resources/fixtures/volume.keras and volume.json (the
layout of tools/keras_import_fixtures.py's fixtures). Run by hand from the
repository root (never by CI):

    /work/venv/bin/python tools/keras_import_volume_fixture.py

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

DESCRIPTION = (
    "Input(4,6,6,3, name=volume) -> ZeroPadding3D(((1,0),(0,1),(1,1))) -> "
    "Cropping3D(((0,1),(1,0),(1,1))) -> GroupNormalization(3) -> BatchNormalization -> "
    "MaxPooling3D(2) -> UpSampling3D((1,2,1)) -> AveragePooling3D((2,2,3), strides=1, "
    "padding=same) -> ActivityRegularization(0.01, 0.01) -> GlobalMaxPooling3D and "
    "GlobalAveragePooling3D(keepdims=True) -> Flatten -> Concatenate -> Dense(2, name=out); "
    "Adam(0.01) + mse, fit 3 epochs of 32 random samples, batch 8, no shuffle (12 steps)")


def volume_model(rng):
    inp = keras.Input(shape=(4, 6, 6, 3), name="volume")
    h = layers.ZeroPadding3D(((1, 0), (0, 1), (1, 1)))(inp)
    h = layers.Cropping3D(((0, 1), (1, 0), (1, 1)))(h)
    h = layers.GroupNormalization(groups=3)(h)
    h = layers.BatchNormalization()(h)
    h = layers.MaxPooling3D(2)(h)
    h = layers.UpSampling3D((1, 2, 1))(h)
    h = layers.AveragePooling3D((2, 2, 3), strides=1, padding="same")(h)
    h = layers.ActivityRegularization(l1=0.01, l2=0.01)(h)
    a = layers.GlobalMaxPooling3D()(h)
    b = layers.Flatten()(layers.GlobalAveragePooling3D(keepdims=True)(h))
    out = layers.Dense(2, name="out")(layers.Concatenate()([a, b]))
    model = keras.Model(inp, out, name="volume")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse",
                  jit_compile=False)
    x_train = rng.normal(size=(32, 4, 6, 6, 3)).astype(np.float32) * 2.0 + 0.5
    y_train = rng.normal(size=(32, 2)).astype(np.float32)
    model.fit(x_train, y_train, batch_size=8, epochs=3, shuffle=False, verbose=0)
    gn = model.get_layer("group_normalization")
    assert np.abs(np.asarray(gn.gamma) - 1.0).max() > 1e-3
    bn = model.get_layer("batch_normalization")
    assert np.abs(np.asarray(bn.moving_mean)).max() > 1e-3
    x = rng.normal(size=(3, 4, 6, 6, 3)).astype(np.float32)
    return model, [x], DESCRIPTION


def main():
    tf.config.experimental.enable_op_determinism()
    rng = np.random.default_rng(fx.SEED + 3)
    info = fx.save_fixture("volume", volume_model, rng, {})
    print("plain load_model:", info["plain_load"])
    for name in ("volume.keras", "volume.json"):
        print("%8d  %s" % (os.path.getsize(os.path.join(fx.OUT_DIR, name)), name))


if __name__ == "__main__":
    main()
