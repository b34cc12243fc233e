"""Keras import fixture for Conv3DTranspose: a `.keras` file with two of them
(strides, same padding and output_padding; dilation), trained, so that
Lamina's importer (keras/, KerasModels.load) is checked end to end on it:
Keras's config.json and model.weights.h5 read in Java, Keras's predictions
matched.

    input (3, 4, 3, 2)
      -> Conv3DTranspose(3, 2, dilation_rate=(1, 2, 1), activation="relu")
      -> Conv3DTranspose(2, 3, strides=(2, 1, 2), padding="same",
                         output_padding=(1, 0, 0), use_bias=False)
      -> GlobalAveragePooling3D -> Dense(2)

The dilated one comes first: TensorFlow 2.21 cannot train a dilated
Conv3DTranspose that needs its input's gradient (the gradient of
Conv3DBackpropInputV2 with dilation_rate (1, 2, 1) fails with "Dimension 2 in
both shapes must be equal"), and a first layer's input needs none.

Adam(0.01) and mse, fit 2 epochs of 16 random samples (batch 8, no shuffle),
so that the kernels and bias are not their initial values.

Writes keras/src/test/resources/fixtures/conv3d_transpose.keras and
conv3d_transpose.json (the layout of tools/keras_import_fixtures.py's
fixtures). Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_import_conv3d_transpose_fixture.py

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
    "Input(3,4,3,2, name=volume) -> Conv3DTranspose(3, 2, dilation_rate=(1,2,1), relu) -> "
    "Conv3DTranspose(2, 3, strides=(2,1,2), padding=same, output_padding=(1,0,0), "
    "use_bias=False) -> GlobalAveragePooling3D -> Dense(2, name=out); Adam(0.01) + mse, fit 2 "
    "epochs of 16 random samples, batch 8, no shuffle (4 steps)")


def transpose_model(rng):
    inp = keras.Input(shape=(3, 4, 3, 2), name="volume")
    h = layers.Conv3DTranspose(3, 2, dilation_rate=(1, 2, 1), activation="relu",
                               name="spread")(inp)
    h = layers.Conv3DTranspose(2, 3, strides=(2, 1, 2), padding="same", output_padding=(1, 0, 0),
                               use_bias=False, name="up")(h)
    out = layers.Dense(2, name="out")(layers.GlobalAveragePooling3D()(h))
    model = keras.Model(inp, out, name="conv3d_transpose")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse",
                  jit_compile=False)
    x_train = rng.normal(size=(16, 3, 4, 3, 2)).astype(np.float32)
    y_train = rng.normal(size=(16, 2)).astype(np.float32)
    model.fit(x_train, y_train, batch_size=8, epochs=2, shuffle=False, verbose=0)
    x = rng.normal(size=(3, 3, 4, 3, 2)).astype(np.float32)
    return model, [x], DESCRIPTION


def main():
    tf.config.experimental.enable_op_determinism()
    rng = np.random.default_rng(fx.SEED + 4)
    info = fx.save_fixture("conv3d_transpose", transpose_model, rng, {})
    print("plain load_model:", info["plain_load"])
    for name in ("conv3d_transpose.keras", "conv3d_transpose.json"):
        print("%8d  %s" % (os.path.getsize(os.path.join(fx.OUT_DIR, name)), name))


if __name__ == "__main__":
    main()
