"""Keras 3 reference values for GroupNormalization, and BatchNormalization over
the channel axis of 4-D inputs (issue 21), for Lamina's runtime tests.

Writes runtime/src/test/resources/keras/group_norm.json, with its own random
stream so that layers.json does not change:

    {"keras_version", "tensorflow_version", "numpy_version", "python_version",
     "seed",
     "cases": [...],      # GroupNormalization, the case format of layers.json
                          # (tools/keras_layer_fixtures.py): id, class_name,
                          # config (after build), config_unbuilt (if it
                          # differs), inputs, weights, outputs.inference
     "errors": [{"id", "class_name", "config", "input_shape", "error"}],
                          # what Keras refuses when it builds the layer
     "training": [...]}   # three train_on_batch steps, the format of
                          # layers.json's "training" (initial_weights, per
                          # step returned_loss and every weight after it,
                          # predict_after), plus "evaluate_after"

    tensor = {"shape", "dtype", "values" (flat, row-major)}
    weight = {"name", "path", "shape", "dtype", "trainable", "values"}

Cases with "weights" random (gamma in [0.5, 1.5], beta normal) run with them;
"initializers" keeps Keras's initial weights from non-default initializers.
Training models (loss mse, jit_compile=False, one fixed batch):

    group_norm:     Input(4, 4, 6) -> GroupNormalization(3,
                    gamma_regularizer=L2(0.01), beta_regularizer=L1(0.02))
                    -> Flatten -> Dense(2)
    bn_4d_axis_-1:  Input(3, 4, 5) -> BatchNormalization(axis=-1, momentum=0.9)
                    -> Flatten -> Dense(2)
    bn_4d_axis_1:   Input(3, 4, 5) -> BatchNormalization(axis=1, momentum=0.8,
                    epsilon=0.01) -> Flatten -> Dense(2)

each with SGD(learning_rate=0.1) and Adam(learning_rate=0.01), from the same
initial weights (non-zero beta and bias, non-trivial moving statistics for
BatchNormalization); the moving statistics after each step are among the
weights.

Each run also recomputes GroupNormalization's inference in NumPy from the
recorded inputs and weights and stops if Keras disagrees by more than 1e-5.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_group_norm_fixtures.py

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
from keras import layers, regularizers, constraints, initializers
# the same encodings as layers.json
from keras_layer_fixtures import tensor, plain, weight_entries, optimizer_config, err

SEED = 20270111
STEPS = 3
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "group_norm.json",
)


def fresh(offset):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + offset)
    random.seed(SEED + offset)


def numpy_group_norm(x, layer, weights):
    """Keras's _apply_normalization, in float64."""
    axis = layer.axis % x.ndim
    groups = layer.groups
    shape = list(x.shape)
    grouped = shape[:axis] + [groups, shape[axis] // groups] + shape[axis + 1:]
    xr = x.astype(np.float64).reshape(grouped)
    reduce = tuple(i for i in range(1, xr.ndim) if i != axis)
    mean = xr.mean(axis=reduce, keepdims=True)
    var = ((xr - mean) ** 2).mean(axis=reduce, keepdims=True)
    y = (xr - mean) / np.sqrt(var + layer.epsilon)
    bshape = [1] * x.ndim
    bshape[axis] = shape[axis]
    w = {v.name: a for v, a in zip(layer.weights, weights)}
    y = y.reshape(shape)
    if layer.scale:
        y = y * w["gamma"].astype(np.float64).reshape(bshape)
    if layer.center:
        y = y + w["beta"].astype(np.float64).reshape(bshape)
    return y


def group_norm_case(index, case_id, make, shape, random_weights=True):
    fresh(index)
    rng = np.random.default_rng(SEED + index)
    x = (2.0 * rng.normal(size=shape) + 0.5).astype(np.float32)
    layer = make()
    unbuilt = plain(layer.get_config())
    layer.build(x.shape)
    if random_weights:
        layer.set_weights([rng.uniform(0.5, 1.5, size=tuple(v.shape)).astype(np.float32)
                           if v.name == "gamma" else
                           (0.5 * rng.normal(size=tuple(v.shape))).astype(np.float32)
                           for v in layer.weights])
    weights = [np.asarray(v) for v in layer.weights]
    y = np.asarray(layer(x, training=False))
    expected = numpy_group_norm(x, layer, weights)
    scale = max(1e-6, float(np.abs(expected).max()))
    assert np.abs(y - expected).max() <= 1e-5 * scale, (case_id, np.abs(y - expected).max())
    config = plain(layer.get_config())
    case = {"id": "GroupNormalization/" + case_id, "class_name": "GroupNormalization",
            "config": config}
    if unbuilt != config:
        case["config_unbuilt"] = unbuilt
    case["inputs"] = [tensor(x)]
    case["weights"] = weight_entries(layer)
    case["outputs"] = {"inference": [tensor(y)]}
    return case


CASES = [
    ("groups2", lambda: layers.GroupNormalization(groups=2), (2, 4, 5, 6)),
    ("instance", lambda: layers.GroupNormalization(groups=-1), (2, 3, 4, 4)),
    ("groups1_rank3", lambda: layers.GroupNormalization(groups=1), (2, 5, 3)),
    ("axis1_center_false", lambda: layers.GroupNormalization(groups=3, axis=1, center=False),
     (2, 6, 3, 4)),
    ("rank5_scale_false_epsilon", lambda: layers.GroupNormalization(
        groups=4, scale=False, epsilon=0.1), (3, 2, 2, 2, 8)),
    ("rank2", lambda: layers.GroupNormalization(groups=3), (4, 6)),
    ("axis-2", lambda: layers.GroupNormalization(groups=2, axis=-2), (2, 3, 6, 2)),
    ("groups_equal_channels", lambda: layers.GroupNormalization(groups=4, epsilon=1e-5),
     (3, 5, 4)),
]

INITIALIZER_CASE = ("initializers", lambda: layers.GroupNormalization(
    groups=2, gamma_initializer=initializers.Constant(2.0), beta_initializer="ones",
    gamma_regularizer=regularizers.L2(0.01), beta_regularizer=regularizers.L1L2(0.1, 0.2),
    gamma_constraint=constraints.NonNeg(), beta_constraint=constraints.MaxNorm(2.0)),
    (2, 3, 4))

ERRORS = [
    ("too_many_groups", lambda: layers.GroupNormalization(groups=8), (2, 3, 6)),
    ("not_a_multiple", lambda: layers.GroupNormalization(groups=4), (2, 3, 6)),
]


def error_case(case_id, make, shape):
    fresh(0)
    layer = make()
    try:
        layer.build(shape)
        raise AssertionError("Keras accepted " + case_id)
    except ValueError as e:
        return {"id": "GroupNormalization/" + case_id, "class_name": "GroupNormalization",
                "config": plain(layer.get_config()), "input_shape": list(shape[1:]),
                "error": err(e)}


# --- training --------------------------------------------------------------------

def model_group_norm():
    inp = keras.Input(shape=(4, 4, 6), name="input")
    h = layers.GroupNormalization(groups=3, gamma_regularizer=regularizers.L2(0.01),
                                  beta_regularizer=regularizers.L1(0.02),
                                  name="group_normalization")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="group_norm")


def model_bn(axis, momentum, epsilon):
    def build():
        inp = keras.Input(shape=(3, 4, 5), name="input")
        h = layers.BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon,
                                      name="batch_normalization")(inp)
        h = layers.Flatten(name="flatten")(h)
        return keras.Model(inp, layers.Dense(2, name="dense")(h), name="bn_4d")
    return build


TRAINING = [
    ("group_norm", "Input(4, 4, 6) -> GroupNormalization(groups=3, gamma_regularizer=L2(0.01), "
     "beta_regularizer=L1(0.02)) -> Flatten -> Dense(2)", model_group_norm, (4, 4, 6)),
    ("bn_4d_axis_-1", "Input(3, 4, 5) -> BatchNormalization(axis=-1, momentum=0.9) -> Flatten "
     "-> Dense(2)", model_bn(-1, 0.9, 1e-3), (3, 4, 5)),
    ("bn_4d_axis_1", "Input(3, 4, 5) -> BatchNormalization(axis=1, momentum=0.8, "
     "epsilon=0.01) -> Flatten -> Dense(2)", model_bn(1, 0.8, 0.01), (3, 4, 5)),
]


def training_case(index, model_id, description, build, shape, make_opt):
    fresh(100 + index)
    rng = np.random.default_rng(SEED + 100 + index)
    x = (1.5 * rng.normal(size=(4,) + shape) + 0.3).astype(np.float32)
    y = rng.normal(size=(4, 2)).astype(np.float32)
    model = build()
    init = []
    for v, w in zip(model.weights, model.get_weights()):
        if v.name in ("bias", "beta"):
            w = (0.1 * rng.normal(size=w.shape)).astype(np.float32)
        elif v.name == "gamma":
            w = rng.uniform(0.5, 1.5, size=w.shape).astype(np.float32)
        elif v.name == "moving_mean":
            w = (0.2 * rng.normal(size=w.shape)).astype(np.float32)
        elif v.name == "moving_variance":
            w = rng.uniform(0.5, 2.0, size=w.shape).astype(np.float32)
        init.append(w)
    model.set_weights(init)
    initial = weight_entries(model)
    opt = make_opt()
    model.compile(optimizer=opt, loss="mse", jit_compile=False)
    steps = []
    for _ in range(STEPS):
        returned = model.train_on_batch(x, y)
        steps.append({"returned_loss": float(np.float32(np.asarray(returned).reshape(-1)[0])),
                      "weights": weight_entries(model)})
    pred = model.predict(x, batch_size=len(x), verbose=0)
    evaluated = model.evaluate(x, y, batch_size=len(x), verbose=0)
    return {"id": "%s/%s" % (model_id, type(opt).__name__), "model": description,
            "optimizer": optimizer_config(opt), "loss": "mse",
            "x": tensor(x), "y": tensor(y),
            "layer_config": plain(model.layers[1].get_config()),
            "initial_weights": initial, "steps": steps,
            "predict_after": tensor(pred),
            "evaluate_after": float(np.float32(evaluated))}


def main():
    cases = [group_norm_case(i, *spec) for i, spec in enumerate(CASES)]
    cases.append(group_norm_case(len(CASES), *INITIALIZER_CASE, random_weights=False))
    training = []
    for i, (mid, desc, build, shape) in enumerate(TRAINING):
        for make_opt in (lambda: keras.optimizers.SGD(learning_rate=0.1),
                         lambda: keras.optimizers.Adam(learning_rate=0.01)):
            training.append(training_case(i, mid, desc, build, shape, make_opt))
    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "seed": SEED,
        "cases": cases,
        "errors": [error_case(*spec) for spec in ERRORS],
        "training": training,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %d cases, %d training runs to %s" % (len(cases), len(training),
                                                       os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
