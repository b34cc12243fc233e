"""Keras 3 reference values for the reshaping layers of issue 21 (Permute,
RepeatVector, Cropping1D/2D/3D, ZeroPadding1D/2D/3D, UpSampling1D/2D/3D,
Flatten),
for Lamina's runtime tests.

Writes runtime/src/test/resources/keras/reshaping.json in the case format of
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
compute_output_shape gives for the input with an unknown batch size.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_reshaping_fixtures.py

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

SEED = 20261221
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "reshaping.json",
)


def fresh(offset):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + offset)
    random.seed(SEED + offset)


def case(index, case_id, make, shape):
    fresh(index)
    x = np.random.default_rng(SEED + index).normal(size=shape).astype(np.float32)
    layer = make()
    y = layer(x)
    out_shape = layer.compute_output_shape((None,) + tuple(shape[1:]))
    return {
        "id": "%s/%s" % (layer.__class__.__name__, case_id),
        "class_name": layer.__class__.__name__,
        "config": plain(layer.get_config()),
        "inputs": [tensor(x)],
        "weights": [],
        "outputs": {"inference": [tensor(np.asarray(y))]},
        "output_shape": [None if d is None else int(d) for d in out_shape],
    }


CASES = [
    ("swap", lambda: layers.Permute((2, 1)), (2, 3, 5)),
    ("rank4", lambda: layers.Permute((3, 1, 2)), (2, 3, 5, 7)),
    ("n3", lambda: layers.RepeatVector(3), (3, 5)),
    ("n1", lambda: layers.RepeatVector(1), (2, 4)),
    ("int", lambda: layers.Cropping1D(1), (2, 7, 3)),
    ("pair", lambda: layers.Cropping1D((2, 3)), (3, 9, 2)),
    ("default", lambda: layers.Cropping2D(), (2, 5, 7, 3)),
    ("int", lambda: layers.Cropping2D(1), (2, 5, 7, 3)),
    ("pair", lambda: layers.Cropping2D((1, 2)), (2, 5, 7, 3)),
    ("pairs", lambda: layers.Cropping2D(((0, 2), (3, 1))), (2, 5, 7, 3)),
    ("int", lambda: layers.ZeroPadding1D(2), (2, 5, 3)),
    ("pair", lambda: layers.ZeroPadding1D((0, 3)), (2, 3, 5)),
    ("default", lambda: layers.ZeroPadding2D(), (2, 3, 5, 2)),
    ("pair", lambda: layers.ZeroPadding2D((2, 1)), (2, 3, 5, 2)),
    ("pairs", lambda: layers.ZeroPadding2D(((1, 0), (2, 3))), (2, 3, 5, 2)),
    ("default", lambda: layers.UpSampling1D(), (2, 3, 5)),
    ("size3", lambda: layers.UpSampling1D(3), (2, 5, 3)),
    ("default", lambda: layers.UpSampling2D(), (2, 3, 5, 2)),
    ("size2x3", lambda: layers.UpSampling2D((2, 3)), (2, 3, 5, 2)),
    ("int3", lambda: layers.UpSampling2D(3, interpolation="nearest"), (1, 3, 2, 3)),
    ("rank2", lambda: layers.Flatten(), (3, 5)),
    ("rank5", lambda: layers.Flatten(), (2, 3, 1, 5, 3)),
    # appended: the cases above keep their seeds
    ("bilinear", lambda: layers.UpSampling2D((2, 3), interpolation="bilinear"), (2, 3, 5, 2)),
    ("bicubic", lambda: layers.UpSampling2D((3, 2), interpolation="bicubic"), (2, 5, 3, 2)),
    ("rank1", lambda: layers.Flatten(), (3,)),
    ("odd", lambda: layers.Permute((2, 3, 1)), (1, 3, 1, 5)),
    # appended (3D): the cases above keep their seeds
    ("default", lambda: layers.Cropping3D(), (2, 4, 5, 6, 2)),
    ("int", lambda: layers.Cropping3D(2), (2, 5, 6, 7, 2)),
    ("triple", lambda: layers.Cropping3D((1, 0, 2)), (2, 4, 5, 6, 2)),
    ("pairs", lambda: layers.Cropping3D(((0, 1), (2, 1), (1, 3))), (2, 4, 5, 6, 2)),
    ("default", lambda: layers.ZeroPadding3D(), (2, 2, 3, 4, 2)),
    ("triple", lambda: layers.ZeroPadding3D((2, 0, 1)), (2, 2, 3, 4, 2)),
    ("pairs", lambda: layers.ZeroPadding3D(((1, 0), (0, 2), (3, 1))), (2, 2, 3, 4, 2)),
    ("default", lambda: layers.UpSampling3D(), (2, 2, 3, 4, 2)),
    ("size1x2x3", lambda: layers.UpSampling3D((1, 2, 3)), (2, 3, 2, 2, 2)),
    ("int3", lambda: layers.UpSampling3D(3), (1, 2, 2, 1, 3)),
]


def main():
    cases = [case(i, cid, make, shape) for i, (cid, make, shape) in enumerate(CASES)]
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
