"""Keras 3 reference values for the layer types of issue 20 (normalization,
Embedding, preprocessing, activations, merging), for Lamina's runtime tests.

Writes runtime/src/test/resources/keras/layers.json:

    {"keras_version", "tensorflow_version", "numpy_version", "python_version",
     "seed", "notes": [...],
     "activation_names": {name: what Activation(name).get_config() writes},
     "cases": [{
        "id":            "<ClassName>/<what the case checks>",
        "class_name":    layer.__class__.__name__,
        "config":        layer.get_config() after the layer was called (built),
        "config_unbuilt": get_config() before the first call, ONLY when it differs,
        "inputs":        [tensor, ...]       # one per layer input
        "input_masks":   [tensor|null, ...]  # only when masks were passed
        "weights":       [weight, ...]       # layer.weights order, as used for "inference"
        "outputs":       {"inference": [tensor], "training": [tensor]}   # training=False / True
        "weights_after_training_call": [weight, ...]  # only where training=True changes state
        "mask":          tensor|null         # layer.compute_mask(inputs, input_masks), where relevant
        "error":         "Type: message"     # instead of outputs, when Keras refuses the call
     }],
     "function_cases": [{"function", "kwargs", "input", "output"}],  # keras.activations.* called directly
     "training": [...]}                      # see below

    tensor = {"shape", "dtype", "values" (flat, row-major)}
    weight = {"name", "path", "shape", "dtype", "trainable", "values"}

float32 values are written as float(np.float32(v)) (the shortest repr of the
double holding the float32 value), like tools/keras_training_fixtures.py:
parsing the number as a double and narrowing it to float gives the float32
back exactly. Integer tensors (int32 inputs, bool masks as 0/1, int64
counters) are written as JSON integers.

"outputs.inference" is layer(x, training=False). "outputs.training" is
layer(x, training=True), recorded only where training changes the result
(BatchNormalization); that call also updates BatchNormalization's moving
statistics, recorded as "weights_after_training_call". The inference call
is made first, on the weights in "weights".

"training": small models trained with three train_on_batch steps on one
fixed batch (loss mse, SGD(learning_rate=0.1) and Adam(learning_rate=0.01),
jit_compile=False), each with the initial weights, per step the loss
train_on_batch returned (the loss BEFORE that step's update) and all
weights (trainable and not) after the step, and model.predict after the
three steps. Plus a frozen-layer model (middle Dense trainable=False).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_layer_fixtures.py

Each run also recomputes BatchNormalization (inference, training output,
moving-statistics update), LayerNormalization and adapted Normalization in
NumPy from the recorded inputs and weights and stops if Keras disagrees by
more than 1e-5 (relative); the frozen-layer case asserts that only the frozen
layer's weights are unchanged after the three steps.

Deterministic: NumPy, Python, TF and Keras seeds are fixed per case
(keras.backend.clear_session() + keras.utils.set_random_seed), TF op
determinism is on; two runs write the same bytes.
"""

import json
import os
import random
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import keras
from keras import layers
from keras.src import backend as kbackend  # set_keras_mask / get_keras_mask: no public API

SEED = 20261207
STEPS = 3
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "layers.json",
)


# --- helpers -----------------------------------------------------------------

def fresh(offset=0):
    """Same layer names and random streams for every case."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + offset)
    random.seed(SEED + offset)


def values_of(a):
    a = np.asarray(a)
    if a.dtype == np.bool_:
        return [int(v) for v in a.reshape(-1)]
    if a.dtype.kind in "iu":
        return [int(v) for v in a.reshape(-1)]
    if a.dtype != np.float32:
        raise TypeError("unexpected dtype %s" % a.dtype)
    return [float(v) for v in a.reshape(-1)]


def tensor(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "values": values_of(a)}


def weight_entries(layer_or_model):
    return [{"name": v.name, "path": v.path, "shape": list(v.shape),
             "dtype": str(v.dtype), "trainable": bool(v.trainable),
             "values": values_of(np.asarray(v))}
            for v in layer_or_model.weights]


def plain(obj):
    """get_config() made JSON-ready (tuples -> lists, NumPy scalars -> Python)."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return plain(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def as_np(t):
    return None if t is None else np.asarray(t)


def err(e):
    msg = str(e)
    if "\x1b[1m" in msg:  # Keras wraps the original message in bold between its own lines
        msg = msg.split("\x1b[1m", 1)[1].split("\x1b[0m", 1)[0]
    return "%s: %s" % (type(e).__name__, msg.strip().splitlines()[0][:200])


# --- fixed inputs --------------------------------------------------------------

RNG = np.random.default_rng(SEED)


def normal(*shape, scale=1.0):
    return (scale * RNG.normal(size=shape)).astype(np.float32)


# (3, 4) with the interesting points of the piecewise activations in the first
# two rows (-3, -1, 0, 1, 3 are kinks of hard_sigmoid, hard_tanh, sparse_plus, ...).
ACT_X = np.array([[-4.0, -3.0, -1.0, -0.5],
                  [0.0, 0.5, 1.0, 3.0],
                  [0.0, 0.0, 0.0, 0.0]], dtype=np.float32)
ACT_X[2] = normal(4, scale=2.0)


# --- one layer case ------------------------------------------------------------

def layer_case(case_id, make_layer, inputs, *, set_weights=None, training=False,
               masks=None, record_mask=False, notes=None, keras_masks=None):
    """Build the layer on `inputs`, optionally set weights, record everything.

    masks: passed as call(..., mask=...). keras_masks: attached to the input
    tensors as Keras masks (what a functional model does between layers), for
    layers whose call has no mask argument (the merging layers)."""
    fresh()
    layer = make_layer()
    config_unbuilt = plain(layer.get_config())
    single = len(inputs) == 1
    arg = inputs[0] if single else list(inputs)
    case = {"id": case_id, "class_name": type(layer).__name__}
    try:
        if not layer.built:
            layer.build(inputs[0].shape if single else [x.shape for x in inputs])
        if set_weights is not None:
            layer.set_weights(set_weights(layer))
        weights = weight_entries(layer)
        kwargs = {}
        if keras_masks is not None:
            arg = [tf.constant(x) for x in inputs]
            for t, m in zip(arg, keras_masks):
                if m is not None:
                    kbackend.set_keras_mask(t, tf.constant(m))
        if masks is not None:
            kwargs["mask"] = masks[0] if single else list(masks)
        out = layer(arg, training=False, **kwargs)
        outputs = {"inference": [tensor(out)]}
        out_keras_mask = kbackend.get_keras_mask(out)
        if training:
            outputs["training"] = [tensor(layer(arg, training=True, **kwargs))]
    except Exception as e:  # noqa: BLE001 - we record what Keras says
        case["config"] = plain(layer.get_config())
        case["inputs"] = [tensor(x) for x in inputs]
        case["error"] = err(e)
        return case
    config = plain(layer.get_config())
    case["config"] = config
    if config_unbuilt != config:
        case["config_unbuilt"] = config_unbuilt
    case["inputs"] = [tensor(x) for x in inputs]
    if masks is not None or keras_masks is not None:
        case["input_masks"] = [None if m is None else tensor(m) for m in (masks or keras_masks)]
    if keras_masks is not None:
        case["output_keras_mask"] = None if out_keras_mask is None else tensor(as_np(out_keras_mask))
    case["weights"] = weights
    case["outputs"] = outputs
    if training:
        case["weights_after_training_call"] = weight_entries(layer)
    if record_mask:
        given = masks if masks is not None else keras_masks
        given = None if given is None else (given[0] if single else [
            None if g is None else tf.constant(g) for g in given])
        m = layer.compute_mask(arg, given)
        case["mask"] = None if m is None else tensor(as_np(m))
    if notes:
        case["notes"] = notes
    return case


def random_bn_weights(layer):
    """Non-trivial gamma / beta / moving_mean / moving_variance (variance > 0)."""
    ws = []
    for v in layer.weights:
        shape = tuple(v.shape)
        if v.name == "moving_variance":
            ws.append(RNG.uniform(0.5, 2.0, size=shape).astype(np.float32))
        elif v.name == "gamma":
            ws.append(RNG.uniform(0.5, 1.5, size=shape).astype(np.float32))
        else:
            ws.append(normal(*shape, scale=0.5))
    return ws


def random_gamma_beta(layer):
    return [RNG.uniform(0.5, 1.5, size=tuple(v.shape)).astype(np.float32) if v.name == "gamma"
            else normal(*tuple(v.shape), scale=0.5) for v in layer.weights]


# --- the cases -----------------------------------------------------------------

def normalization_cases():
    c = []
    x2 = normal(3, 5, scale=2.0) + 1.0
    x3 = normal(3, 4, 2, scale=2.0) - 0.5
    c.append(layer_case("BatchNormalization/defaults_2d", layers.BatchNormalization, [x2],
                        training=True))
    c.append(layer_case("BatchNormalization/momentum_epsilon_2d",
                        lambda: layers.BatchNormalization(momentum=0.8, epsilon=0.01), [x2],
                        set_weights=random_bn_weights, training=True))
    c.append(layer_case("BatchNormalization/axis_1_3d",
                        lambda: layers.BatchNormalization(axis=1, momentum=0.9), [x3],
                        set_weights=random_bn_weights, training=True))
    c.append(layer_case("BatchNormalization/axis_-1_3d",
                        lambda: layers.BatchNormalization(axis=-1, epsilon=0.1), [x3],
                        set_weights=random_bn_weights, training=True))
    c.append(layer_case("BatchNormalization/center_false",
                        lambda: layers.BatchNormalization(center=False, momentum=0.5), [x2],
                        set_weights=random_bn_weights, training=True))
    c.append(layer_case("BatchNormalization/scale_false",
                        lambda: layers.BatchNormalization(scale=False, momentum=0.5), [x2],
                        set_weights=random_bn_weights, training=True))
    c.append(layer_case("BatchNormalization/center_false_scale_false",
                        lambda: layers.BatchNormalization(center=False, scale=False), [x2],
                        set_weights=random_bn_weights, training=True))
    c.append(layer_case("BatchNormalization/non_default_initializers",
                        lambda: layers.BatchNormalization(
                            gamma_initializer=keras.initializers.Constant(2.0),
                            beta_initializer=keras.initializers.Constant(-1.0),
                            moving_mean_initializer=keras.initializers.Constant(0.5),
                            moving_variance_initializer=keras.initializers.Constant(4.0)),
                        [x2], training=True))

    c.append(layer_case("LayerNormalization/defaults", layers.LayerNormalization, [x2]))
    c.append(layer_case("LayerNormalization/epsilon_gamma_beta",
                        lambda: layers.LayerNormalization(epsilon=0.1), [x2],
                        set_weights=random_gamma_beta))
    c.append(layer_case("LayerNormalization/axis_1_3d",
                        lambda: layers.LayerNormalization(axis=1), [x3],
                        set_weights=random_gamma_beta))
    c.append(layer_case("LayerNormalization/axis_1_2_3d",
                        lambda: layers.LayerNormalization(axis=[1, 2]), [x3],
                        set_weights=random_gamma_beta))
    c.append(layer_case("LayerNormalization/center_false",
                        lambda: layers.LayerNormalization(center=False), [x2],
                        set_weights=random_gamma_beta))
    c.append(layer_case("LayerNormalization/scale_false",
                        lambda: layers.LayerNormalization(scale=False, epsilon=1e-5), [x2],
                        set_weights=random_gamma_beta))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rms_scaling=True is deprecated in 3.15 and warns
        c.append(layer_case("LayerNormalization/rms_scaling_deprecated",
                            lambda: layers.LayerNormalization(rms_scaling=True), [x2],
                            set_weights=random_gamma_beta,
                            notes=["rms_scaling=True is deprecated (warns): it computes "
                                   "x * rsqrt(var(x) + epsilon) * gamma, i.e. divides by the "
                                   "standard deviation, NOT the root mean square, does not "
                                   "subtract the mean, and has no beta."]))

    xz = normal(3, 5)
    xz[1] = 0.0  # an all-zero row: L2 norm 0 -> output 0 (rsqrt clamped at 1/1e-12)
    c.append(layer_case("UnitNormalization/defaults_zero_row", layers.UnitNormalization, [xz]))
    c.append(layer_case("UnitNormalization/axis_1_3d",
                        lambda: layers.UnitNormalization(axis=1), [x3]))
    c.append(layer_case("UnitNormalization/axis_1_2_3d",
                        lambda: layers.UnitNormalization(axis=[1, 2]), [x3]))
    return c


def core_cases():
    c = []
    ids = np.array([[1, 2, 3, 4, 5], [9, 0, 0, 7, 0], [0, 0, 0, 0, 0]], dtype=np.int32)
    c.append(layer_case("Embedding/defaults", lambda: layers.Embedding(10, 4), [ids],
                        record_mask=True))
    c.append(layer_case("Embedding/mask_zero",
                        lambda: layers.Embedding(input_dim=10, output_dim=3, mask_zero=True,
                                                 embeddings_initializer=keras.initializers.RandomNormal(
                                                     stddev=1.0, seed=7)),
                        [ids], record_mask=True))
    ids3 = np.array([[[1, 0], [2, 3]], [[0, 0], [4, 1]], [[5, 5], [0, 2]]], dtype=np.int32)
    c.append(layer_case("Embedding/mask_zero_3d_ids",
                        lambda: layers.Embedding(6, 2, mask_zero=True), [ids3], record_mask=True))
    neg = np.array([[-1, 0, 1], [-10, 9, 2], [3, 4, -5]], dtype=np.int32)
    c.append(layer_case("Embedding/negative_ids_wrap",
                        lambda: layers.Embedding(10, 2), [neg],
                        notes=["Keras's TF backend ops.take maps a negative id i to i + input_dim "
                               "(-1 -> row 9, -10 -> row 0) before tf.gather; ids >= input_dim are "
                               "an error on CPU."]))
    return c


def preprocessing_cases():
    c = []
    x2 = normal(3, 5, scale=3.0) + 2.0
    x3 = normal(3, 2, 4, scale=3.0) + 2.0
    c.append(layer_case("Rescaling/scale_only", lambda: layers.Rescaling(0.5), [x2]))
    c.append(layer_case("Rescaling/scale_offset",
                        lambda: layers.Rescaling(scale=1.0 / 127.5, offset=-1.0),
                        [np.array([[0, 127.5, 255, 64, 1]] * 3, dtype=np.float32) + x2 * 0]))

    adapt2 = normal(8, 5, scale=2.0) * np.arange(1, 6, dtype=np.float32) + 3.0
    adapt3 = normal(6, 2, 4, scale=2.0) + 1.0

    def adapted(data, **kw):
        def make():
            layer = layers.Normalization(**kw)
            layer.adapt(data)
            return layer
        return make

    adapt_note = ["adapt(data) with data a NumPy array: mean = np.mean(data, reduce axes), "
                  "variance = np.var(data, reduce axes) (population variance, ddof=0), computed "
                  "in float64 by NumPy, then stored into the float32 weights; 'count' stays 0."]
    for cid, make, x, data in [
        ("Normalization/adapt_axis_-1", adapted(adapt2), x2, adapt2),
        ("Normalization/adapt_axis_-1_3d", adapted(adapt3), x3, adapt3),
        ("Normalization/adapt_axis_1_2_3d", adapted(adapt3, axis=(1, 2)), x3, adapt3),
        ("Normalization/adapt_axis_none", adapted(adapt2, axis=None), x2, adapt2),
        ("Normalization/adapt_invert", adapted(adapt2, invert=True), x2, adapt2),
    ]:
        case = layer_case(cid, make, [x], notes=adapt_note)
        case["adapt_data"] = tensor(data)
        c.append(case)

    mean = [1.0, -2.0, 0.5, 3.0, 0.0]
    var = [4.0, 0.25, 1.0, 9.0, 0.0]  # a zero variance: divides by max(sqrt(0), 1e-7)
    c.append(layer_case("Normalization/given_mean_variance_zero_var",
                        lambda: layers.Normalization(mean=mean, variance=var), [x2]))
    c.append(layer_case("Normalization/given_mean_variance_invert",
                        lambda: layers.Normalization(mean=mean, variance=var, invert=True), [x2]))
    c.append(layer_case("Normalization/given_scalar_mean_variance",
                        lambda: layers.Normalization(mean=2.0, variance=3.0, axis=None), [x2]))
    c.append(layer_case("Normalization/given_axis_1_3d",
                        lambda: layers.Normalization(axis=1, mean=[1.0, -1.0],
                                                     variance=[2.0, 0.5]), [x3]))
    return c


def activation_layer_cases():
    c = []
    x = ACT_X
    c.append(layer_case("ReLU/defaults", layers.ReLU, [x]))
    c.append(layer_case("ReLU/max_value", lambda: layers.ReLU(max_value=2.5), [x]))
    c.append(layer_case("ReLU/negative_slope", lambda: layers.ReLU(negative_slope=0.1), [x]))
    c.append(layer_case("ReLU/threshold", lambda: layers.ReLU(threshold=0.5), [x]))
    c.append(layer_case("ReLU/max_value_negative_slope",
                        lambda: layers.ReLU(max_value=2.0, negative_slope=0.2), [x]))
    c.append(layer_case("ReLU/negative_slope_threshold",
                        lambda: layers.ReLU(negative_slope=0.2, threshold=1.0), [x]))
    c.append(layer_case("ReLU/all_three",
                        lambda: layers.ReLU(max_value=2.0, negative_slope=0.25, threshold=0.5), [x]))
    c.append(layer_case("ReLU/max_value_6", lambda: layers.ReLU(max_value=6.0),
                        [x * 3.0]))
    c.append(layer_case("LeakyReLU/defaults", layers.LeakyReLU, [x]))
    c.append(layer_case("LeakyReLU/negative_slope", lambda: layers.LeakyReLU(negative_slope=0.05), [x]))
    x3 = normal(3, 2, 4, scale=2.0)
    c.append(layer_case("PReLU/defaults", layers.PReLU, [x]))
    c.append(layer_case("PReLU/constant_alpha",
                        lambda: layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25)), [x]))
    c.append(layer_case("PReLU/random_alpha_3d",
                        lambda: layers.PReLU(alpha_initializer=keras.initializers.RandomUniform(
                            0.1, 0.9, seed=3)), [x3]))
    c.append(layer_case("PReLU/shared_axes_1",
                        lambda: layers.PReLU(alpha_initializer=keras.initializers.RandomUniform(
                            0.1, 0.9, seed=4), shared_axes=[1]), [x3]))
    c.append(layer_case("PReLU/shared_axes_1_2",
                        lambda: layers.PReLU(alpha_initializer=keras.initializers.Constant(0.3),
                                             shared_axes=[1, 2]), [x3]))
    c.append(layer_case("ELU/defaults", layers.ELU, [x]))
    c.append(layer_case("ELU/alpha", lambda: layers.ELU(alpha=0.5), [x],
                        notes=["ELU has no get_config of its own: alpha is in the config through "
                               "Layer's automatic config (the constructor's arguments)."]))
    c.append(layer_case("Softmax/defaults", layers.Softmax, [x]))
    c.append(layer_case("Softmax/axis_0", lambda: layers.Softmax(axis=0), [x]))
    c.append(layer_case("Softmax/axis_1_3d", lambda: layers.Softmax(axis=1), [x3]))
    c.append(layer_case("Softmax/axis_1_2_3d", lambda: layers.Softmax(axis=[1, 2]), [x3]))
    m = np.array([[True, True, False, True], [False, False, False, False],
                  [True, False, True, True]])
    c.append(layer_case("Softmax/mask", layers.Softmax, [x], masks=[m],
                        notes=["masked positions get -1e9 before the softmax and 0 after; an "
                               "all-masked row gives all zeros"]))
    mb = np.array([[[True, False, True, True]], [[True, True, True, True]],
                   [[False, False, True, False]]])  # (3, 1, 4): broadcast over axis 1
    c.append(layer_case("Softmax/mask_broadcast_3d", layers.Softmax, [x3], masks=[mb]))
    return c


def activation_names():
    from keras.src.activations import ALL_OBJECTS_DICT
    return sorted(ALL_OBJECTS_DICT)


def activation_cases(names):
    c = []
    x = ACT_X
    for name in names:
        c.append(layer_case("Activation/%s" % name, lambda n=name: layers.Activation(n), [x]))
    x3 = normal(3, 2, 4)
    c.append(layer_case("Activation/softmax_3d", lambda: layers.Activation("softmax"), [x3]))
    return c


def function_cases():
    """keras.activations.* with arguments an Activation(name) cannot pass."""
    A = keras.activations
    x = ACT_X
    calls = [
        ("gelu", {"approximate": True}), ("gelu", {"approximate": False}),
        ("relu", {"negative_slope": 0.1, "max_value": 2.0, "threshold": 0.5}),
        ("leaky_relu", {"negative_slope": 0.3}), ("elu", {"alpha": 0.5}),
        ("celu", {"alpha": 2.0}), ("hard_shrink", {"threshold": 1.0}),
        ("soft_shrink", {"threshold": 1.0}), ("squareplus", {"b": 1.0}),
        ("threshold", {"threshold": 0.5, "default_value": -1.0}),
        ("softmax", {"axis": 0}), ("log_softmax", {"axis": 0}),
        ("glu", {"axis": 0}), ("sparsemax", {"axis": 0}),
    ]
    out = []
    for fname, kw in calls:
        xin = x[:2] if fname == "glu" else x  # glu halves the axis: needs an even size
        try:
            y = getattr(A, fname)(tf.constant(xin), **kw)
            out.append({"function": fname, "kwargs": kw, "input": tensor(xin),
                        "output": tensor(as_np(y))})
        except Exception as e:  # noqa: BLE001
            out.append({"function": fname, "kwargs": kw, "input": tensor(xin), "error": err(e)})
    return out


def merging_cases():
    c = []
    a, b, d = normal(3, 4), normal(3, 4), normal(3, 4)
    c.append(layer_case("Add/two", layers.Add, [a, b]))
    c.append(layer_case("Add/three", layers.Add, [a, b, d]))
    c.append(layer_case("Add/broadcast_3x1", layers.Add, [a, normal(3, 1)]))
    c.append(layer_case("Subtract/defaults", layers.Subtract, [a, b]))
    c.append(layer_case("Multiply/three", layers.Multiply, [a, b, d]))
    c.append(layer_case("Average/three", layers.Average, [a, b, d]))
    c.append(layer_case("Maximum/three", layers.Maximum, [a, b, d]))
    c.append(layer_case("Minimum/three", layers.Minimum, [a, b, d]))
    c.append(layer_case("Concatenate/defaults", layers.Concatenate, [a, normal(3, 2)]))
    p, q = normal(3, 2, 4), normal(3, 3, 4)
    c.append(layer_case("Concatenate/axis_1_3d", lambda: layers.Concatenate(axis=1), [p, q]))
    c.append(layer_case("Concatenate/axis_-1_3d", lambda: layers.Concatenate(axis=-1),
                        [p, normal(3, 2, 1), normal(3, 2, 3)]))
    c.append(layer_case("Dot/axes_1", lambda: layers.Dot(axes=1), [a, b]))
    c.append(layer_case("Dot/axes_-1_normalize", lambda: layers.Dot(axes=-1, normalize=True), [a, b]))
    u, v = normal(3, 4, 2), normal(3, 3, 4)
    c.append(layer_case("Dot/axes_pair_1_2", lambda: layers.Dot(axes=(1, 2)), [u, v]))
    c.append(layer_case("Dot/axes_pair_1_2_normalize", lambda: layers.Dot(axes=[1, 2], normalize=True),
                        [u, v]))
    c.append(layer_case("Dot/axes_2_3d", lambda: layers.Dot(axes=2), [normal(3, 2, 4), normal(3, 5, 4)]))
    c += merging_mask_cases()
    return c


def merging_mask_cases():
    """Sequence inputs (batch 3, steps 2, features 4) carrying Keras masks (batch, steps)."""
    c = []
    s1, s2, s3 = normal(3, 2, 4), normal(3, 2, 4), normal(3, 2, 4)
    m1 = np.array([[True, False], [True, True], [False, False]])
    m2 = np.array([[False, False], [True, False], [False, True]])
    note = ["Inputs carry Keras masks (backend.set_keras_mask), as between layers of a functional "
            "model. output_keras_mask is the mask Keras attaches to the output; mask is "
            "layer.compute_mask(inputs, input_masks)."]
    for cls in (layers.Add, layers.Subtract, layers.Multiply, layers.Average,
                layers.Maximum, layers.Minimum):
        c.append(layer_case("%s/keras_masks" % cls.__name__, cls, [s1, s2],
                            keras_masks=[m1, m2], record_mask=True, notes=note))
    c.append(layer_case("Maximum/keras_masks_one_missing", layers.Maximum, [s1, s2, s3],
                        keras_masks=[m1, None, m2], record_mask=True, notes=note))
    c.append(layer_case("Concatenate/keras_masks", layers.Concatenate, [s1, s2],
                        keras_masks=[m1, m2], record_mask=True, notes=note))
    c.append(layer_case("Concatenate/keras_masks_axis_1_one_missing",
                        lambda: layers.Concatenate(axis=1), [s1, s2],
                        keras_masks=[m1, None], record_mask=True, notes=note))
    c.append(layer_case("Dot/keras_masks", lambda: layers.Dot(axes=-1), [s1, s2],
                        keras_masks=[m1, m2], record_mask=True, notes=note))
    return c


# --- training -----------------------------------------------------------------

def model_dense_bn():
    inp = keras.Input(shape=(5,), name="input")
    h = layers.Dense(3, name="dense")(inp)
    h = layers.BatchNormalization(name="batch_normalization")(h)
    return keras.Model(inp, layers.Dense(2, name="dense_1")(h), name="dense_bn")


def model_dense_prelu():
    inp = keras.Input(shape=(5,), name="input")
    h = layers.Dense(3, name="dense")(inp)
    h = layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25), name="p_re_lu")(h)
    return keras.Model(inp, layers.Dense(2, name="dense_1")(h), name="dense_prelu")


def model_embedding():
    inp = keras.Input(shape=(5,), dtype="int32", name="input")
    h = layers.Embedding(10, 4, name="embedding")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="embedding_flatten")


def model_dense_ln():
    inp = keras.Input(shape=(5,), name="input")
    h = layers.Dense(4, name="dense")(inp)
    h = layers.LayerNormalization(name="layer_normalization")(h)
    return keras.Model(inp, layers.Dense(2, name="dense_1")(h), name="dense_layernorm")


ADAPT = None  # set in main: the data Normalization is adapted on


def model_normalization():
    inp = keras.Input(shape=(5,), name="input")
    norm = layers.Normalization(name="normalization")
    norm.adapt(ADAPT)
    h = norm(inp)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="normalization_dense")


def model_frozen():
    inp = keras.Input(shape=(5,), name="input")
    h = layers.Dense(4, activation="tanh", name="dense")(inp)
    h = layers.Dense(3, activation="tanh", name="frozen", trainable=False)(h)
    return keras.Model(inp, layers.Dense(2, name="dense_1")(h), name="frozen_middle")


def optimizer_config(opt):
    cfg = {"class": type(opt).__name__}
    for k, v in opt.get_config().items():
        if k == "name":
            continue
        cfg[k] = plain(v)
    return cfg


INITIAL = {}  # model id -> initial weights


def training_case(model_id, description, build, x, y, make_opt):
    fresh(1)
    model = build()
    # Recorded initial weights: Keras's seeded initializers, then non-zero
    # biases / betas so that their gradients matter from the first step.
    # Both optimizers of a model start from the same weights.
    if model_id not in INITIAL:
        init = []
        for v, w in zip(model.weights, model.get_weights()):
            if v.trainable and v.name in ("bias", "beta"):
                w = (0.1 * RNG.normal(size=w.shape)).astype(w.dtype)
            init.append(w)
        INITIAL[model_id] = init
    model.set_weights(INITIAL[model_id])
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
            "initial_weights": initial, "steps": steps,
            "predict_after": tensor(pred)}


def training_cases():
    global ADAPT
    ADAPT = normal(16, 5, scale=2.0) + np.arange(5, dtype=np.float32)
    x = normal(4, 5)
    y = normal(4, 2)
    ids = np.array([[1, 2, 3, 0, 9], [4, 4, 5, 6, 7], [8, 0, 1, 2, 3], [9, 8, 7, 6, 5]], dtype=np.int32)
    models = [
        ("dense_bn", "Input(5) -> Dense(3, name=dense) -> BatchNormalization() -> Dense(2, name=dense_1)",
         model_dense_bn, x),
        ("dense_prelu", "Input(5) -> Dense(3) -> PReLU(alpha_initializer=Constant(0.25)) -> Dense(2)",
         model_dense_prelu, x),
        ("embedding_flatten", "Input(5, int32) -> Embedding(10, 4) -> Flatten -> Dense(2)",
         model_embedding, ids),
        ("dense_layernorm", "Input(5) -> Dense(4) -> LayerNormalization() -> Dense(2)",
         model_dense_ln, x),
        ("normalization_dense", "Input(5) -> Normalization() adapted on 'adapt_data' -> Dense(2)",
         model_normalization, x),
    ]
    out = []
    for mid, desc, build, xin in models:
        for make_opt in (lambda: keras.optimizers.SGD(learning_rate=0.1),
                         lambda: keras.optimizers.Adam(learning_rate=0.01)):
            case = training_case(mid, desc, build, xin, y, make_opt)
            if mid == "normalization_dense":
                case["adapt_data"] = tensor(ADAPT)
            out.append(case)
    # The optimizers that square a gradient, on an Embedding whose batch repeats indices: Keras
    # squares its sparse gradient slice by slice (IndexedSlices), which Lamina must follow.
    for make_opt in (lambda: keras.optimizers.RMSprop(learning_rate=0.01),
                     lambda: keras.optimizers.Adagrad(learning_rate=0.1)):
        out.append(training_case("embedding_flatten",
                                 "Input(5, int32) -> Embedding(10, 4) -> Flatten -> Dense(2)",
                                 model_embedding, ids, y, make_opt))
    frozen = training_case("frozen_middle",
                           "Input(5) -> Dense(4, tanh, name=dense) -> Dense(3, tanh, name=frozen, "
                           "trainable=False) -> Dense(2, name=dense_1)",
                           model_frozen, x, y, lambda: keras.optimizers.SGD(learning_rate=0.1))
    before = {w["path"]: w["values"] for w in frozen["initial_weights"]}
    after = {w["path"]: w["values"] for w in frozen["steps"][-1]["weights"]}
    frozen["unchanged_after_steps"] = sorted(p for p in before if before[p] == after[p])
    assert frozen["unchanged_after_steps"] == ["frozen/bias", "frozen/kernel"], frozen["unchanged_after_steps"]
    out.append(frozen)
    return out


# --- self-checks: the formulas docs/keras-layers-reference.md states -------------

def masked_normalization_cases():
    """BatchNormalization on inputs with a mask (Keras's call(x, mask=m)): in training, Keras 3
    computes the moments over the positions the mask keeps (_moments with a mask). Drawn from a
    stream of their own, so adding them changed no other case's values."""
    global RNG
    shared, RNG = RNG, np.random.default_rng(SEED + 1)
    try:
        return _masked_normalization_cases()
    finally:
        RNG = shared


def _masked_normalization_cases():
    c = []
    x3 = normal(3, 4, 2, scale=2.0) + 0.5
    m = np.array([[True, True, False, True],
                  [True, False, False, True],
                  [False, True, True, True]])
    c.append(layer_case("BatchNormalization/mask_axis_-1_3d",
                        lambda: layers.BatchNormalization(momentum=0.5), [x3],
                        set_weights=random_bn_weights, training=True, masks=[m],
                        record_mask=True, notes=["mask [batch, steps]: Keras expands it on the "
                                                 "last axis; the moments count only kept positions"]))
    c.append(layer_case("BatchNormalization/mask_axis_1_3d",
                        lambda: layers.BatchNormalization(axis=1, momentum=0.7, epsilon=0.01),
                        [x3], set_weights=random_bn_weights, training=True, masks=[m],
                        record_mask=True))
    return c


def _masked_moments(x, mask, red):
    """Keras 3's BatchNormalization._moments with a mask, in NumPy."""
    kept = np.broadcast_to(mask[..., None], x.shape).astype(np.float64)
    count = kept.sum(red, keepdims=True) + 1e-7  # backend.epsilon()
    mu = (x * kept).sum(red, keepdims=True) / count
    var = (((x - mu) * kept) ** 2).sum(red, keepdims=True) / count
    return mu, var


def _arr(t):
    return np.array(t["values"], dtype=np.float64).reshape(t["shape"])


def self_check(cases):
    """Recompute BatchNormalization, LayerNormalization and Normalization in NumPy."""
    worst = 0.0
    for c in cases:
        if "error" in c:
            continue
        x = _arr(c["inputs"][0])
        w = {v["name"]: _arr(v) for v in c["weights"]}
        cfg = c["config"]
        got = _arr(c["outputs"]["inference"][0])
        if c["class_name"] == "BatchNormalization":
            ax = cfg["axis"] % x.ndim
            red = tuple(i for i in range(x.ndim) if i != ax)
            sh = [1] * x.ndim
            sh[ax] = x.shape[ax]
            g = w.get("gamma", np.ones(sh[ax])).reshape(sh)
            b = w.get("beta", np.zeros(sh[ax])).reshape(sh)
            want = (x - w["moving_mean"].reshape(sh)) / np.sqrt(
                w["moving_variance"].reshape(sh) + cfg["epsilon"]) * g + b
            if "input_masks" in c:
                mu, var = _masked_moments(x, _arr(c["input_masks"][0]) != 0, red)
            else:
                mu, var = x.mean(red, keepdims=True), x.var(red, keepdims=True)
            want_t = (x - mu) / np.sqrt(var + cfg["epsilon"]) * g + b
            after = {v["name"]: _arr(v) for v in c["weights_after_training_call"]}
            m = cfg["momentum"]
            diffs = [np.abs(_arr(c["outputs"]["training"][0]) - want_t).max(),
                     np.abs(after["moving_mean"] - (w["moving_mean"] * m + mu.reshape(-1) * (1 - m))).max(),
                     np.abs(after["moving_variance"] - (w["moving_variance"] * m + var.reshape(-1) * (1 - m))).max()]
        elif c["class_name"] == "LayerNormalization" and not cfg["rms_scaling"]:
            axes = tuple(a % x.ndim for a in cfg["axis"])
            sh = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]
            g = w.get("gamma", np.ones(sh)).reshape(sh)
            b = w.get("beta", np.zeros(sh)).reshape(sh)
            mu, var = x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
            want = (x - mu) / np.sqrt(var + cfg["epsilon"]) * g + b
            diffs = []
        elif c["class_name"] == "Normalization" and "adapt_data" in c:
            mean, var = w["mean"], w["variance"]
            keep = tuple(sorted(a % x.ndim for a in cfg["axis"]))
            sh = [x.shape[i] if i in keep else 1 for i in range(x.ndim)]
            mean, var = mean.reshape(sh), var.reshape(sh)
            d = _arr(c["adapt_data"])
            red = tuple(i for i in range(d.ndim) if i not in keep)
            diffs = [np.abs(mean - d.mean(red).reshape(sh)).max() / max(1.0, np.abs(mean).max()),
                     np.abs(var - d.var(red).reshape(sh)).max() / max(1.0, np.abs(var).max())]
            den = np.maximum(np.sqrt(var), 1e-7)
            want = mean + x * den if cfg["invert"] else (x - mean) / den
        else:
            continue
        diffs.append(np.abs(got - want).max() / max(1.0, np.abs(want).max()))
        worst = max(worst, max(diffs))
        assert max(diffs) < 1e-5, (c["id"], diffs)
    return worst


# --- main -----------------------------------------------------------------------

def main():
    tf.config.experimental.enable_op_determinism()
    names = activation_names()
    cases = []
    cases += normalization_cases()
    cases += core_cases()
    cases += preprocessing_cases()
    cases += activation_layer_cases()
    cases += activation_cases(names)
    cases += merging_cases()
    cases += masked_normalization_cases()
    worst = self_check(cases)
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"

    act_map = {}
    for n in names:
        fresh()
        act_map[n] = layers.Activation(n).get_config()["activation"]

    fresh()
    fcases = function_cases()
    train = training_cases()

    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "python_version": "%d.%d.%d" % sys.version_info[:3],
        "seed": SEED,
        "notes": [
            "Floats: float32 values written as the double that holds them; narrow to float.",
            "outputs.inference = layer(x, training=False); outputs.training = layer(x, training=True) "
            "(BatchNormalization only), called after the inference call; that call updates the moving "
            "statistics (weights_after_training_call).",
            "config is get_config() after the layer was built; config_unbuilt (only when different) "
            "is get_config() before (LayerNormalization writes axis as a list once built).",
            "activation_names: every key of keras.activations' name table (ALL_OBJECTS_DICT, incl. the "
            "aliases swish -> silu and hard_swish -> hard_silu) mapped to what Activation(name) "
            "writes into its config. Activation('gelu') is gelu(approximate=False).",
            "training: returned_loss is train_on_batch's value (loss of the forward pass BEFORE the "
            "step's update); weights are model.weights after each step, trainable and not.",
        ],
        "activation_names": act_map,
        "cases": cases,
        "function_cases": fcases,
        "training": train,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    errors = [c["id"] for c in cases if "error" in c]
    print("wrote %s (%d bytes, %d layer cases, %d function cases, %d training cases)"
          % (os.path.normpath(OUT), os.path.getsize(OUT), len(cases), len(fcases), len(train)))
    print("activation names (%d): %s" % (len(names), ", ".join(names)))
    print("self-check (BatchNormalization, LayerNormalization, Normalization vs NumPy): "
          "max relative difference %.3g" % worst)
    print("cases with an error: %s" % (", ".join(errors) or "none"))


if __name__ == "__main__":
    main()
