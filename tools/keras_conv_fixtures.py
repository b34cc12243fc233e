"""Keras 3 reference values for the convolutional layers of issue 21 (Conv1D,
Conv2D), for Lamina's runtime tests.

Writes runtime/src/test/resources/keras/conv.json in the case format of
tools/keras_reshaping_fixtures.py, with the layer's weights recorded:

    {"keras_version", "tensorflow_version", "numpy_version", "python_version",
     "seed",
     "cases": [{"id", "class_name", "config", "inputs": [tensor],
                "weights": [weight], "outputs": {"inference": [tensor]},
                "output_shape": Keras's compute_output_shape (None: unknown)}],
     "training": [the training format of tools/keras_layer_fixtures.py]}

    tensor = {"shape", "dtype", "values" (flat, row-major)}
    weight = {"name", "path", "shape", "dtype", "trainable", "values"}

A case's kernel is Keras's seeded initializer's; its bias (when used) is
drawn from a normal distribution times 0.1, so that it matters. Inputs are
float32 from a normal distribution; a case's seed is SEED plus its index in
CASES, so new cases are appended.

The training case: Input(8, 8, 1) -> Conv2D(3, 3, activation="relu") ->
Flatten -> Dense(2), three train_on_batch steps of SGD (mse), from recorded
initial weights (non-zero biases).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_conv_fixtures.py

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
from keras_layer_fixtures import values_of, tensor, weight_entries, plain  # the same encoding as layers.json

SEED = 20261222
STEPS = 3
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "conv.json",
)


def fresh(offset):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + offset)
    random.seed(SEED + offset)


def case(index, case_id, make, shape):
    fresh(index)
    rng = np.random.default_rng(SEED + index)
    x = rng.normal(size=shape).astype(np.float32)
    layer = make()
    layer.build(x.shape)
    weights = layer.get_weights()
    if layer.use_bias:
        weights[1] = (0.1 * rng.normal(size=weights[1].shape)).astype(np.float32)
    layer.set_weights(weights)
    y = layer(x)
    out_shape = layer.compute_output_shape((None,) + tuple(shape[1:]))
    return {
        "id": "%s/%s" % (layer.__class__.__name__, case_id),
        "class_name": layer.__class__.__name__,
        "config": plain(layer.get_config()),
        "inputs": [tensor(x)],
        "weights": weight_entries(layer),
        "outputs": {"inference": [tensor(np.asarray(y))]},
        "output_shape": [None if d is None else int(d) for d in out_shape],
    }


CASES = [
    ("default", lambda: layers.Conv1D(4, 3), (2, 9, 3)),
    ("strides2_same", lambda: layers.Conv1D(3, 4, strides=2, padding="same"), (2, 11, 2)),
    ("strides3_valid", lambda: layers.Conv1D(2, 2, strides=3), (3, 10, 3)),
    ("dilation2_same", lambda: layers.Conv1D(3, 3, padding="same", dilation_rate=2), (2, 9, 2)),
    ("causal", lambda: layers.Conv1D(3, 3, padding="causal", activation="tanh"), (2, 7, 2)),
    ("causal_dilation3", lambda: layers.Conv1D(2, 2, padding="causal", dilation_rate=3), (2, 8, 3)),
    ("causal_strides2", lambda: layers.Conv1D(2, 3, strides=2, padding="causal"), (2, 9, 2)),
    ("groups2", lambda: layers.Conv1D(4, 3, groups=2, use_bias=False), (2, 7, 6)),
    ("kernel1", lambda: layers.Conv1D(5, 1, activation="relu"), (2, 5, 3)),
    ("default", lambda: layers.Conv2D(4, 3), (2, 7, 6, 3)),
    ("rect_kernel_same", lambda: layers.Conv2D(3, (2, 3), padding="same", activation="relu"), (2, 5, 7, 2)),
    ("strides2_valid", lambda: layers.Conv2D(2, 3, strides=2), (2, 9, 8, 2)),
    ("strides_1x2_same", lambda: layers.Conv2D(3, 3, strides=(1, 2), padding="same"), (2, 6, 7, 2)),
    ("dilation2_valid", lambda: layers.Conv2D(2, 3, dilation_rate=2), (2, 9, 8, 2)),
    ("dilation_2x3_same", lambda: layers.Conv2D(3, (3, 2), padding="same", dilation_rate=(2, 3)), (2, 7, 8, 2)),
    ("groups3", lambda: layers.Conv2D(6, 2, groups=3), (2, 5, 5, 6)),
    ("groups2_same_strides2", lambda: layers.Conv2D(4, 3, strides=2, padding="same", groups=2, use_bias=False), (2, 7, 6, 4)),
    ("odd_1x1", lambda: layers.Conv2D(1, 1), (1, 3, 5, 7)),
    ("long_sum", lambda: layers.Conv2D(2, 5, padding="same"), (1, 6, 6, 16)),
]


def model_conv():
    inp = keras.Input(shape=(8, 8, 1), name="input")
    h = layers.Conv2D(3, 3, activation="relu", name="conv2d")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="conv_flatten_dense")


def optimizer_config(opt):
    cfg = {"class": type(opt).__name__}
    for k, v in opt.get_config().items():
        if k == "name":
            continue
        cfg[k] = plain(v)
    return cfg


def training_case():
    fresh(1000)
    rng = np.random.default_rng(SEED + 1000)
    x = rng.normal(size=(4, 8, 8, 1)).astype(np.float32)
    y = rng.normal(size=(4, 2)).astype(np.float32)
    model = model_conv()
    init = []
    for v, w in zip(model.weights, model.get_weights()):
        if v.name == "bias":
            w = (0.1 * rng.normal(size=w.shape)).astype(w.dtype)
        init.append(w)
    model.set_weights(init)
    initial = weight_entries(model)
    opt = keras.optimizers.SGD(learning_rate=0.05)
    model.compile(optimizer=opt, loss="mse", jit_compile=False)
    steps = []
    for _ in range(STEPS):
        returned = model.train_on_batch(x, y)
        steps.append({"returned_loss": float(np.float32(np.asarray(returned).reshape(-1)[0])),
                      "weights": weight_entries(model)})
    pred = model.predict(x, batch_size=len(x), verbose=0)
    return {"id": "conv2d_flatten_dense/SGD",
            "model": "Input(8, 8, 1) -> Conv2D(3, 3, relu) -> Flatten -> Dense(2)",
            "optimizer": optimizer_config(opt), "loss": "mse",
            "x": tensor(x), "y": tensor(y),
            "initial_weights": initial, "steps": steps,
            "predict_after": tensor(pred)}


def main():
    cases = [case(i, cid, make, shape) for i, (cid, make, shape) in enumerate(CASES)]
    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "seed": SEED,
        "cases": cases,
        "training": [training_case()],
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(cases), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
