"""Keras 3 reference values for the pooling layers of issue 21
(MaxPooling1D/2D/3D, AveragePooling1D/2D/3D, GlobalMaxPooling1D/2D/3D,
GlobalAveragePooling1D/2D/3D), for Lamina's runtime tests.

Writes runtime/src/test/resources/keras/pooling.json in the case format of
tools/keras_layer_fixtures.py (layers.json), with its own random stream so the
cases there do not change:

    {"keras_version", "tensorflow_version", "numpy_version", "python_version",
     "seed",
     "cases": [{"id", "class_name", "config", "inputs": [tensor],
                "weights": [], "outputs": {"inference": [tensor]},
                "output_shape": Keras's compute_output_shape (None: unknown)}]}

    tensor = {"shape", "dtype", "values" (flat, row-major)}

Inputs are float32 from a normal distribution; a case's seed is SEED plus its
index in CASES, so new cases are appended. "output_shape" is what
compute_output_shape gives for the input with an unknown batch size. A masked
case also has "mask": a float32 tensor (batch, steps) of 0 and 1, given to the
call as Keras's mask argument (mask != 0); the layer uses it or not as Keras
does (GlobalMaxPooling1D ignores it).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_pooling_fixtures.py

Deterministic: NumPy, Python, TF and Keras seeds are fixed per case; two runs
write the same bytes.
"""

import json
import os
import platform
import random

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import keras
from keras import layers
from keras_layer_fixtures import tensor, plain  # the same encoding as layers.json
from keras.src import backend

SEED = 20261231
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "pooling.json",
)


def fresh(offset):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + offset)
    random.seed(SEED + offset)


def case(index, case_id, make, shape, mask=None):
    fresh(index)
    x = np.random.default_rng(SEED + index).normal(size=shape).astype(np.float32)
    layer = make()
    if mask is None:
        y = layer(x)
    else:
        # the mask rides on the input, as a masking layer before it leaves it; Keras
        # passes it to call only if call takes a mask argument
        m = np.asarray(mask, dtype=np.float32)
        xt = tf.constant(x)
        backend.set_keras_mask(xt, tf.constant(m != 0))
        y = layer(xt)
    out_shape = layer.compute_output_shape((None,) + tuple(shape[1:]))
    out = {
        "id": "%s/%s" % (layer.__class__.__name__, case_id),
        "class_name": layer.__class__.__name__,
        "config": plain(layer.get_config()),
        "inputs": [tensor(x)],
        "weights": [],
        "outputs": {"inference": [tensor(np.asarray(y))]},
        "output_shape": [None if d is None else int(d) for d in out_shape],
    }
    if mask is not None:
        out["mask"] = tensor(np.asarray(mask, dtype=np.float32))
    return out


MASK = [[1, 1, 0, 1, 0], [0, 1, 1, 1, 1], [1, 0, 0, 0, 0]]

CASES = [
    ("default", lambda: layers.MaxPooling1D(), (2, 7, 3)),
    ("pool3_stride2", lambda: layers.MaxPooling1D(3, strides=2), (2, 8, 3)),
    ("same", lambda: layers.MaxPooling1D(3, strides=2, padding="same"), (2, 8, 3)),
    ("same_stride1", lambda: layers.MaxPooling1D(2, strides=1, padding="same"), (2, 5, 2)),
    ("default", lambda: layers.MaxPooling2D(), (2, 5, 7, 3)),
    ("pool3x2_stride1x2", lambda: layers.MaxPooling2D((3, 2), strides=(1, 2)), (2, 5, 7, 3)),
    ("same", lambda: layers.MaxPooling2D((2, 3), strides=(2, 2), padding="same"), (2, 5, 7, 2)),
    ("same_stride3", lambda: layers.MaxPooling2D(2, strides=3, padding="same"), (1, 7, 5, 2)),
    ("default", lambda: layers.AveragePooling1D(2), (2, 7, 3)),
    ("pool3_stride2", lambda: layers.AveragePooling1D(3, strides=2), (2, 8, 3)),
    ("same", lambda: layers.AveragePooling1D(3, strides=2, padding="same"), (2, 8, 3)),
    ("same_stride1", lambda: layers.AveragePooling1D(4, strides=1, padding="same"), (2, 5, 2)),
    ("default", lambda: layers.AveragePooling2D((2, 2)), (2, 5, 7, 3)),
    ("pool3x2_stride1x2", lambda: layers.AveragePooling2D((3, 2), strides=(1, 2)), (2, 5, 7, 3)),
    ("same", lambda: layers.AveragePooling2D((2, 3), strides=(2, 2), padding="same"), (2, 5, 7, 2)),
    ("same_stride1", lambda: layers.AveragePooling2D(3, strides=1, padding="same"), (1, 4, 5, 2)),
    ("default", lambda: layers.GlobalMaxPooling1D(), (2, 5, 3)),
    ("keepdims", lambda: layers.GlobalMaxPooling1D(keepdims=True), (2, 5, 3)),
    ("masked", lambda: layers.GlobalMaxPooling1D(), (3, 5, 2), MASK),
    ("default", lambda: layers.GlobalMaxPooling2D(), (2, 5, 7, 3)),
    ("keepdims", lambda: layers.GlobalMaxPooling2D(keepdims=True), (2, 3, 5, 2)),
    ("default", lambda: layers.GlobalAveragePooling1D(), (2, 5, 3)),
    ("keepdims", lambda: layers.GlobalAveragePooling1D(keepdims=True), (2, 5, 3)),
    ("masked", lambda: layers.GlobalAveragePooling1D(), (3, 5, 2), MASK),
    ("masked_keepdims", lambda: layers.GlobalAveragePooling1D(keepdims=True), (3, 5, 2), MASK),
    ("default", lambda: layers.GlobalAveragePooling2D(), (2, 5, 7, 3)),
    ("keepdims", lambda: layers.GlobalAveragePooling2D(keepdims=True), (2, 3, 5, 2)),
    # appended (3D): the cases above keep their seeds
    ("default", lambda: layers.MaxPooling3D(), (2, 4, 5, 6, 3)),
    ("pool3x2x1_stride1x2x2", lambda: layers.MaxPooling3D((3, 2, 1), strides=(1, 2, 2)),
     (2, 5, 4, 5, 2)),
    ("same", lambda: layers.MaxPooling3D((2, 3, 2), strides=(2, 2, 3), padding="same"),
     (2, 5, 7, 4, 2)),
    ("default", lambda: layers.AveragePooling3D((2, 2, 2)), (2, 4, 5, 6, 3)),
    ("pool3x2x1_stride1x2x2", lambda: layers.AveragePooling3D((3, 2, 1), strides=(1, 2, 2)),
     (2, 5, 4, 5, 2)),
    ("same", lambda: layers.AveragePooling3D((2, 3, 2), strides=(2, 2, 3), padding="same"),
     (2, 5, 7, 4, 2)),
    ("same_stride1", lambda: layers.AveragePooling3D(3, strides=1, padding="same"),
     (1, 3, 4, 5, 2)),
    ("default", lambda: layers.GlobalMaxPooling3D(), (2, 3, 4, 5, 3)),
    ("keepdims", lambda: layers.GlobalMaxPooling3D(keepdims=True), (2, 3, 2, 4, 2)),
    ("default", lambda: layers.GlobalAveragePooling3D(), (2, 3, 4, 5, 3)),
    ("keepdims", lambda: layers.GlobalAveragePooling3D(keepdims=True), (2, 3, 2, 4, 2)),
]


def main():
    cases = [case(i, *spec) for i, spec in enumerate(CASES)]
    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "seed": SEED,
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(cases), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
