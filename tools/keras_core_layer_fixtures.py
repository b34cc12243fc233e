"""Keras 3 reference values for Identity, RMSNormalization and EinsumDense, for
Lamina's runtime tests.

Writes runtime/src/test/resources/keras/core_layers.json, with its own random
stream so that layers.json does not change:

    {"keras_version", "tensorflow_version", "numpy_version", "python_version",
     "seed",
     "cases": [...],      # the case format of layers.json
                          # (tools/keras_layer_fixtures.py): id, class_name,
                          # config (after build), config_unbuilt (if it
                          # differs), inputs, input_masks / mask (Identity),
                          # weights, outputs.inference
     "errors": [{"id", "class_name", "config", "input_shape", "error"}],
                          # what Keras refuses when it builds or calls a layer
     "training": [...]}   # three train_on_batch steps, the format of
                          # layers.json's "training": id, model, optimizer,
                          # loss, x, y, layer_config, initial_weights, per
                          # step returned_loss and every weight after it,
                          # predict_after

    tensor = {"shape", "dtype", "values" (flat, row-major)}
    weight = {"name", "path", "shape", "dtype", "trainable", "values"}

Layer cases run with random weights (RMSNormalization's scale in [0.5, 1.5],
EinsumDense's kernel and bias normal), never the initial ones, and with
non-default arguments. Training models (loss mse, SGD(learning_rate=0.1),
jit_compile=False, one fixed batch of 4):

    rms_norm:        Input(3, 4) -> RMSNormalization(epsilon=1e-3) -> Flatten
                     -> Dense(2)
    einsum_dense:    Input(3, 4) -> EinsumDense("abc,cde->abde", (3, 2, 5),
                     bias_axes="de", activation="tanh") -> Flatten -> Dense(2)
    einsum_ellipsis: Input(3, 4) -> EinsumDense("...b,bc->...c", 5,
                     bias_axes="c", kernel_regularizer=L2(0.01)) -> Flatten
                     -> Dense(2)
    einsum_sum:      Input(3, 4) -> EinsumDense("abc,cd->ad", 5, bias_axes="d")
                     (sums the label b away) -> Dense(2)

Each run also recomputes every RMSNormalization and EinsumDense case in NumPy
(float64, np.einsum) from the recorded inputs and weights and stops if Keras
disagrees by more than 1e-5.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_core_layer_fixtures.py

Deterministic: NumPy, Python, TF and Keras seeds are fixed per case; two runs
write the same bytes.
"""

import json
import os
import platform
import random
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402
from keras.src import backend as kbackend  # noqa: E402  set_keras_mask: no public API
# the same encodings as layers.json
from keras_layer_fixtures import tensor, plain, weight_entries, optimizer_config, err  # noqa: E402

SEED = 20271207
STEPS = 3
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "core_layers.json",
)


def fresh(offset):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + offset)
    random.seed(SEED + offset)


# --- Identity --------------------------------------------------------------------

def identity_case(index, case_id, x, mask=None):
    fresh(index)
    layer = layers.Identity()
    unbuilt = plain(layer.get_config())
    arg = tf.constant(x)
    if mask is not None:
        kbackend.set_keras_mask(arg, tf.constant(mask))
    y = layer(arg)
    case = {"id": "Identity/" + case_id, "class_name": "Identity",
            "config": plain(layer.get_config())}
    if unbuilt != case["config"]:
        case["config_unbuilt"] = unbuilt
    case["inputs"] = [tensor(x)]
    if mask is not None:
        case["input_masks"] = [tensor(mask)]
        out_mask = layer.compute_mask(arg, tf.constant(mask))
        case["mask"] = tensor(np.asarray(out_mask))
        assert np.array_equal(np.asarray(kbackend.get_keras_mask(y)), mask)
    case["weights"] = weight_entries(layer)
    case["outputs"] = {"inference": [tensor(np.asarray(y))]}
    return case


def identity_cases():
    rng = np.random.default_rng(SEED)
    x3 = rng.normal(size=(2, 3, 4)).astype(np.float32)
    ids = rng.integers(-5, 6, size=(3, 4)).astype(np.int32)
    mask = np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)
    return [identity_case(0, "float_3d", x3),
            identity_case(1, "int32", ids),
            identity_case(2, "masked", x3, mask)]


# --- RMSNormalization ------------------------------------------------------------

def numpy_rms_norm(x, layer, scale):
    """Keras's ops.rms_normalization, in float64."""
    axis = tuple(layer.axis)
    xd = x.astype(np.float64)
    rrms = 1.0 / np.sqrt(np.mean(xd ** 2, axis=axis, keepdims=True) + layer.epsilon)
    return xd * rrms * scale.astype(np.float64)


def rms_case(index, case_id, make, shape):
    fresh(10 + index)
    rng = np.random.default_rng(SEED + 10 + index)
    x = (2.0 * rng.normal(size=shape) + 0.5).astype(np.float32)
    layer = make()
    unbuilt = plain(layer.get_config())
    layer.build(x.shape)
    layer.set_weights([rng.uniform(0.5, 1.5, size=tuple(v.shape)).astype(np.float32)
                       for v in layer.weights])
    weights = [np.asarray(v) for v in layer.weights]
    y = np.asarray(layer(x))
    expected = numpy_rms_norm(x, layer, weights[0])
    assert np.abs(y - expected).max() <= 1e-5 * max(1e-6, float(np.abs(expected).max())), case_id
    config = plain(layer.get_config())
    case = {"id": "RMSNormalization/" + case_id, "class_name": "RMSNormalization",
            "config": config}
    if unbuilt != config:
        case["config_unbuilt"] = unbuilt
    case["inputs"] = [tensor(x)]
    case["weights"] = weight_entries(layer)
    case["outputs"] = {"inference": [tensor(y)]}
    return case


RMS_CASES = [
    ("defaults", lambda: layers.RMSNormalization(), (3, 5)),
    ("epsilon_rank3", lambda: layers.RMSNormalization(epsilon=0.1), (2, 3, 4)),
    ("axis_1_2", lambda: layers.RMSNormalization(axis=[1, 2], epsilon=1e-4), (2, 3, 4)),
    ("axis_-2_-1_rank4", lambda: layers.RMSNormalization(axis=[-2, -1]), (2, 2, 3, 4)),
    # Keras multiplies scale (4,) against the LAST axis, though it normalised axis 1
    ("axis_1_square", lambda: layers.RMSNormalization(axis=1, epsilon=1e-3), (2, 4, 4)),
]

RMS_ERRORS = [
    # scale (3,) does not broadcast against the last axis (4)
    ("axis_1_not_last", lambda: layers.RMSNormalization(axis=1), (2, 3, 4)),
]


def rms_error_case(case_id, make, shape):
    fresh(0)
    layer = make()
    try:
        layer(np.zeros(shape, dtype=np.float32))
        raise AssertionError("Keras accepted " + case_id)
    except Exception as e:  # noqa: BLE001 - TF's InvalidArgumentError from the multiply
        return {"id": "RMSNormalization/" + case_id, "class_name": "RMSNormalization",
                "config": plain(layer.get_config()), "input_shape": list(shape[1:]),
                "error": err(e)}


# --- EinsumDense -----------------------------------------------------------------

def numpy_einsum_dense(x, layer, weights):
    """einsum + bias + activation, in float64 (the activations used here)."""
    y = np.einsum(layer.equation, x.astype(np.float64), weights[0].astype(np.float64))
    if layer.bias_axes:
        y = y + weights[1].astype(np.float64)
    name = keras.activations.serialize(layer.activation)
    if name == "relu":
        y = np.maximum(y, 0)
    elif name == "tanh":
        y = np.tanh(y)
    else:
        assert name == "linear", name
    return y


def einsum_case(index, case_id, make, shape):
    fresh(30 + index)
    rng = np.random.default_rng(SEED + 30 + index)
    x = rng.normal(size=shape).astype(np.float32)
    layer = make()
    unbuilt = plain(layer.get_config())
    layer.build(x.shape)
    layer.set_weights([(0.5 * rng.normal(size=tuple(v.shape))).astype(np.float32)
                       for v in layer.weights])
    weights = [np.asarray(v) for v in layer.weights]
    y = np.asarray(layer(x))
    expected = numpy_einsum_dense(x, layer, weights)
    assert y.shape == expected.shape, (case_id, y.shape, expected.shape)
    assert np.abs(y - expected).max() <= 1e-5 * max(1.0, float(np.abs(expected).max())), case_id
    config = plain(layer.get_config())
    case = {"id": "EinsumDense/" + case_id, "class_name": "EinsumDense", "config": config}
    if unbuilt != config:
        case["config_unbuilt"] = unbuilt
    case["inputs"] = [tensor(x)]
    case["weights"] = weight_entries(layer)
    case["outputs"] = {"inference": [tensor(y)]}
    return case


EINSUM_CASES = [
    ("dense_relu", lambda: layers.EinsumDense("ab,bc->ac", 5, bias_axes="c",
                                              activation="relu"), (3, 4)),
    ("sequence_none", lambda: layers.EinsumDense("abc,cd->abd", (None, 6), bias_axes="d",
                                                 activation="tanh"), (2, 3, 4)),
    ("heads_abc_cde_abde", lambda: layers.EinsumDense("abc,cde->abde", (3, 2, 5),
                                                      bias_axes="de"), (2, 3, 4)),
    ("output_abcd_cde_abe", lambda: layers.EinsumDense("abcd,cde->abe", (3, 6), bias_axes="e"),
     (2, 3, 2, 4)),
    ("mha_rank4_abcd_def_abcef", lambda: layers.EinsumDense(
        "abcd,def->abcef", (None, None, 2, 3), bias_axes="ef"), (2, 3, 2, 4)),
    ("left_ellipsis", lambda: layers.EinsumDense("...b,bc->...c", 5, bias_axes="c"),
     (2, 3, 4)),
    ("left_ellipsis_rank2", lambda: layers.EinsumDense("...x,xy->...y", 3, activation="tanh"),
     (3, 4)),
    ("right_ellipsis", lambda: layers.EinsumDense("ab...,bc->ac...", 5, bias_axes="c"),
     (2, 4, 3)),
    ("bias_not_last", lambda: layers.EinsumDense("abc,cd->abd", (3, 2), bias_axes="b"),
     (2, 3, 4)),
    ("sums_a_label", lambda: layers.EinsumDense("abc,cd->ad", 6, bias_axes="d"), (2, 3, 4)),
]

EINSUM_ERRORS = [
    ("not_a_form", lambda: layers.EinsumDense("ab,bc", 4), (2, 3)),
    ("shared_label_differs", lambda: layers.EinsumDense("abc,cd->abd", (5, 6)), (2, 3, 4)),
    ("bias_label_not_in_output", lambda: layers.EinsumDense("ab,bc->ac", 4, bias_axes="x"),
     (2, 3)),
    ("kernel_label_unmatched", lambda: layers.EinsumDense("ab,bcx->ac", 4), (2, 3)),
    ("output_label_unmatched", lambda: layers.EinsumDense("ab,bc->ay", 4), (2, 3)),
]


def einsum_error_case(case_id, make, shape):
    fresh(0)
    layer = make()
    try:
        layer.build(shape)
        raise AssertionError("Keras accepted " + case_id)
    except ValueError as e:
        return {"id": "EinsumDense/" + case_id, "class_name": "EinsumDense",
                "config": plain(layer.get_config()), "input_shape": list(shape[1:]),
                "error": err(e)}


# --- training --------------------------------------------------------------------

def model_rms_norm():
    inp = keras.Input(shape=(3, 4), name="input")
    h = layers.RMSNormalization(epsilon=1e-3, name="rms_normalization")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="rms_norm")


def model_einsum_dense():
    inp = keras.Input(shape=(3, 4), name="input")
    h = layers.EinsumDense("abc,cde->abde", (3, 2, 5), bias_axes="de", activation="tanh",
                           name="einsum_dense")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="einsum_dense")


def model_einsum_ellipsis():
    inp = keras.Input(shape=(3, 4), name="input")
    h = layers.EinsumDense("...b,bc->...c", 5, bias_axes="c",
                           kernel_regularizer=keras.regularizers.L2(0.01),
                           name="einsum_dense")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="einsum_ellipsis")


def model_einsum_sum():
    inp = keras.Input(shape=(3, 4), name="input")
    h = layers.EinsumDense("abc,cd->ad", 5, bias_axes="d", name="einsum_dense")(inp)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="einsum_sum")


TRAINING = [
    ("rms_norm", "Input(3, 4) -> RMSNormalization(epsilon=1e-3) -> Flatten -> Dense(2)",
     model_rms_norm, (3, 4)),
    ("einsum_dense", "Input(3, 4) -> EinsumDense(\"abc,cde->abde\", (3, 2, 5), bias_axes=\"de\", "
     "activation=\"tanh\") -> Flatten -> Dense(2)", model_einsum_dense, (3, 4)),
    ("einsum_ellipsis", "Input(3, 4) -> EinsumDense(\"...b,bc->...c\", 5, bias_axes=\"c\", "
     "kernel_regularizer=L2(0.01)) -> Flatten -> Dense(2)", model_einsum_ellipsis, (3, 4)),
    ("einsum_sum", "Input(3, 4) -> EinsumDense(\"abc,cd->ad\", 5, bias_axes=\"d\") -> Dense(2)",
     model_einsum_sum, (3, 4)),
]


def training_case(index, model_id, description, build, shape, make_opt):
    fresh(100 + index)
    rng = np.random.default_rng(SEED + 100 + index)
    x = (1.5 * rng.normal(size=(4,) + shape) + 0.3).astype(np.float32)
    y = rng.normal(size=(4, 2)).astype(np.float32)
    model = build()
    init = []
    for v, w in zip(model.weights, model.get_weights()):
        if v.name == "bias":  # Dense's and EinsumDense's
            w = (0.1 * rng.normal(size=w.shape)).astype(np.float32)
        elif v.name == "scale":
            w = rng.uniform(0.5, 1.5, size=w.shape).astype(np.float32)
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
    return {"id": "%s/%s" % (model_id, type(opt).__name__), "model": description,
            "optimizer": optimizer_config(opt), "loss": "mse",
            "x": tensor(x), "y": tensor(y),
            "layer_config": plain(model.layers[1].get_config()),
            "initial_weights": initial, "steps": steps,
            "predict_after": tensor(pred)}


def main():
    tf.config.experimental.enable_op_determinism()
    cases = identity_cases()
    cases += [rms_case(i, *spec) for i, spec in enumerate(RMS_CASES)]
    cases += [einsum_case(i, *spec) for i, spec in enumerate(EINSUM_CASES)]
    errors = [rms_error_case(*spec) for spec in RMS_ERRORS]
    errors += [einsum_error_case(*spec) for spec in EINSUM_ERRORS]
    training = [training_case(i, mid, desc, build, shape,
                              lambda: keras.optimizers.SGD(learning_rate=0.1))
                for i, (mid, desc, build, shape) in enumerate(TRAINING)]
    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "seed": SEED,
        "cases": cases,
        "errors": errors,
        "training": training,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %d cases, %d errors, %d training runs to %s" % (
        len(cases), len(errors), len(training), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
