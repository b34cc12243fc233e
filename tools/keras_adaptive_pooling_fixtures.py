"""Keras 3 reference values for the adaptive pooling layers
(AdaptiveAveragePooling1D/2D/3D, AdaptiveMaxPooling1D/2D/3D), for Lamina's
runtime tests (AdaptivePoolingTest).

Writes runtime/src/test/resources/keras/adaptive_pooling.json in the case
format of tools/keras_pooling_fixtures.py (pooling.json):

    {"keras_version", "tensorflow_version", "numpy_version", "python_version",
     "seed",
     "cases": [{"id", "class_name", "config", "inputs": [tensor],
                "weights": [], "outputs": {"inference": [tensor]},
                "output_shape": Keras's compute_output_shape (None: unknown)}],
     "training": [{"id", "model", "layer": {"class_name", "config"},
                   "optimizer", "loss", "x", "y", "initial_weights",
                   "steps": [{"returned_loss", "weights"}] * 3,
                   "predict_after"}]}

Forward cases cover sizes that divide evenly and sizes that do not (7 -> 3,
5 -> 4, 7 -> 9: more bins than steps), 1D, 2D and 3D, output_size as an int
and as a tuple. Training cases: Input(4) -> Dense(prod(shape)) ->
Reshape(shape) -> the layer -> Flatten -> Dense(2), three train_on_batch
steps of SGD or Adam on mse.

Keras 3.15.1's TensorFlow backend stops the process with a floating point
exception when the big window (ceil(in / out) + 1) exceeds an axis
(output_size 1, or an axis of size 1), so no case here has that; the tests
check Lamina there by hand.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_adaptive_pooling_fixtures.py

Deterministic: NumPy, Python, TF and Keras seeds are fixed per case.
"""

import json
import os
import platform
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402
from keras_layer_fixtures import tensor, plain, weight_entries  # noqa: E402

SEED = 20261207 + 77
STEPS = 3
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "adaptive_pooling.json",
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


CASES = []
for kind, cls1, cls2, cls3 in [
        ("avg", layers.AdaptiveAveragePooling1D, layers.AdaptiveAveragePooling2D,
         layers.AdaptiveAveragePooling3D),
        ("max", layers.AdaptiveMaxPooling1D, layers.AdaptiveMaxPooling2D,
         layers.AdaptiveMaxPooling3D)]:
    CASES += [
        ("6_to_2_even", lambda c=cls1: c(2), (2, 6, 3)),
        ("7_to_3", lambda c=cls1: c(3), (2, 7, 3)),
        ("5_to_4_tuple", lambda c=cls1: c((4,)), (2, 5, 2)),
        ("7_to_9_more_bins", lambda c=cls1: c([9]), (1, 7, 2)),
        ("7x5_to_3_int", lambda c=cls2: c(3), (2, 7, 5, 3)),
        ("6x5_to_3x4", lambda c=cls2: c((3, 4)), (2, 6, 5, 2)),
        ("8x6_to_4x2_even", lambda c=cls2: c([4, 2]), (1, 8, 6, 2)),
        ("5x7_to_4x9", lambda c=cls2: c((4, 9)), (1, 5, 7, 2)),
        ("4x6x4_to_2_int", lambda c=cls3: c(2), (2, 4, 6, 4, 2)),
        ("4x5x7_to_2x4x3", lambda c=cls3: c((2, 4, 3)), (1, 4, 5, 7, 2)),
        ("5x3x6_to_3x3x4", lambda c=cls3: c([3, 3, 4]), (1, 5, 3, 6, 3)),
    ]

# (id, the layer, the per-sample shape the Dense before is reshaped to, optimizer)
TRAINING = [
    ("avg1d_7_to_3", lambda: layers.AdaptiveAveragePooling1D(3), (7, 2), "SGD"),
    ("max1d_5_to_4", lambda: layers.AdaptiveMaxPooling1D(4), (5, 2), "Adam"),
    ("avg2d_5x7_to_3x2", lambda: layers.AdaptiveAveragePooling2D((3, 2)), (5, 7, 2), "Adam"),
    ("max2d_7x5_to_3", lambda: layers.AdaptiveMaxPooling2D(3), (7, 5, 2), "SGD"),
    ("avg3d_4x5x3_to_3x2x2", lambda: layers.AdaptiveAveragePooling3D((3, 2, 2)), (4, 5, 3, 2),
     "SGD"),
    ("max3d_5x4x3_to_2x3x2", lambda: layers.AdaptiveMaxPooling3D((2, 3, 2)), (5, 4, 3, 2),
     "Adam"),
]


def optimizer_config(opt):
    cfg = {"class": type(opt).__name__}
    for k, v in opt.get_config().items():
        if k == "name":
            continue
        cfg[k] = plain(v)
    return cfg


def training_case(index, case_id, make, shape, optimizer, base=1000):
    fresh(base + index)
    rng = np.random.default_rng(SEED + base + index)
    x = rng.normal(size=(3, 4)).astype(np.float32)
    y = rng.normal(size=(3, 2)).astype(np.float32)
    inp = keras.Input(shape=(4,), name="input")
    h = layers.Dense(int(np.prod(shape)), name="dense_before")(inp)
    h = layers.Reshape(shape, name="reshape")(h)
    layer = make()
    h = layers.Flatten(name="flatten")(layer(h))
    model = keras.Model(inp, layers.Dense(2, name="dense_after")(h), name=case_id)
    init = []
    for v, w in zip(model.weights, model.get_weights()):
        if v.name == "bias":
            w = (0.1 * rng.normal(size=w.shape)).astype(w.dtype)
        init.append(w)
    model.set_weights(init)
    initial = weight_entries(model)
    opt = (keras.optimizers.SGD(learning_rate=0.05) if optimizer == "SGD"
           else keras.optimizers.Adam(learning_rate=0.01))
    model.compile(optimizer=opt, loss="mse", jit_compile=False)
    steps = []
    for _ in range(STEPS):
        returned = model.train_on_batch(x, y)
        steps.append({"returned_loss": float(np.float32(np.asarray(returned).reshape(-1)[0])),
                      "weights": weight_entries(model)})
    pred = model.predict(x, batch_size=len(x), verbose=0)
    return {"id": "%s/%s" % (case_id, type(opt).__name__),
            "model": "Input(4) -> Dense(%d) -> Reshape%s -> %s -> Flatten -> Dense(2)"
                     % (int(np.prod(shape)), shape, layer.__class__.__name__),
            "reshape": list(shape),
            "layer": {"class_name": layer.__class__.__name__,
                      "config": plain(layer.get_config())},
            "optimizer": optimizer_config(opt), "loss": "mse",
            "x": tensor(x), "y": tensor(y),
            "initial_weights": initial, "steps": steps,
            "predict_after": tensor(pred)}


def main():
    cases = [case(i, *spec) for i, spec in enumerate(CASES)]
    training = [training_case(i, *spec) for i, spec in enumerate(TRAINING)]
    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "seed": SEED,
        "cases": cases,
        "training": training,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %d cases and %d training cases to %s"
          % (len(cases), len(training), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
