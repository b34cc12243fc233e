"""Keras 3 reference values for the convolutional layers of issue 21 (Conv1D,
Conv2D; and in a second file Conv3D, Conv1DTranspose, Conv2DTranspose,
DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D), for
Lamina's runtime tests.

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

The other layers' cases go to runtime/src/test/resources/keras/conv_more.json
(so that conv.json stays as it was), in the same format; their seeds are
SEED + 100 + the index in MORE_CASES. Its "training" holds one case per
layer type: Input -> the layer (strides, dilation, same padding,
output_padding or depth_multiplier > 1) -> Flatten -> Dense(2), three
train_on_batch steps (mse) of SGD(0.05) or Adam(0.01), from recorded initial
weights (non-zero biases), with the layer's class name and config under
"layer" so that a test builds it as the importer does.

Conv3DTranspose's cases go to runtime/src/test/resources/keras/conv3d_transpose.json
(so that conv_more.json stays as it was), in the same format; their seeds are
SEED + 200 + the index in CONV3D_TRANSPOSE_CASES, and its "training" cases'
SEED + 3000 + the index in CONV3D_TRANSPOSE_TRAINING.

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
OUT_MORE = os.path.join(os.path.dirname(OUT), "conv_more.json")
OUT_CONV3D_TRANSPOSE = os.path.join(os.path.dirname(OUT), "conv3d_transpose.json")


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
    for i, v in enumerate(layer.weights):
        if v.name == "bias":  # weights[1] of Conv1D/Conv2D, the last of SeparableConv
            weights[i] = (0.1 * rng.normal(size=weights[i].shape)).astype(np.float32)
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


MORE_CASES = [
    ("default", lambda: layers.Conv3D(3, 2), (2, 4, 5, 6, 2)),
    ("strides_2x1x2_same_odd", lambda: layers.Conv3D(2, 3, strides=(2, 1, 2), padding="same"), (2, 5, 6, 7, 2)),
    ("strides3_valid_rect", lambda: layers.Conv3D(2, (3, 1, 2), strides=3, use_bias=False), (1, 7, 5, 8, 3)),
    ("dilation_2x1x2_valid", lambda: layers.Conv3D(3, 2, dilation_rate=(2, 1, 2), activation="relu"), (2, 5, 4, 6, 2)),
    ("dilation2_same", lambda: layers.Conv3D(2, (2, 3, 2), padding="same", dilation_rate=2), (1, 5, 6, 5, 2)),
    ("groups2_same_strides2", lambda: layers.Conv3D(4, 2, strides=2, padding="same", groups=2), (2, 5, 4, 5, 4)),
    ("long_sum", lambda: layers.Conv3D(2, 3, padding="same"), (1, 4, 4, 4, 16)),
    ("default", lambda: layers.Conv1DTranspose(3, 3), (2, 5, 2)),
    ("strides2_same", lambda: layers.Conv1DTranspose(2, 3, strides=2, padding="same", activation="tanh"), (2, 5, 3)),
    ("strides2_same_even_kernel", lambda: layers.Conv1DTranspose(2, 4, strides=2, padding="same"), (2, 5, 2)),
    ("strides3_valid_output_padding2", lambda: layers.Conv1DTranspose(3, 2, strides=3, output_padding=2), (2, 4, 2)),
    ("strides3_same_output_padding1", lambda: layers.Conv1DTranspose(2, 3, strides=3, padding="same", output_padding=1), (2, 4, 3)),
    ("kernel_below_stride", lambda: layers.Conv1DTranspose(2, 2, strides=3), (2, 4, 2)),
    ("dilation2_valid", lambda: layers.Conv1DTranspose(2, 3, dilation_rate=2, use_bias=False), (2, 6, 3)),
    ("dilation3_same", lambda: layers.Conv1DTranspose(3, 2, padding="same", dilation_rate=3), (2, 7, 2)),
    ("default", lambda: layers.Conv2DTranspose(2, 3), (2, 4, 5, 3)),
    ("strides_2x3_same", lambda: layers.Conv2DTranspose(3, 3, strides=(2, 3), padding="same", activation="relu"), (2, 3, 4, 2)),
    ("strides2_valid_output_padding_1x0", lambda: layers.Conv2DTranspose(2, (3, 2), strides=2, output_padding=(1, 0)), (2, 3, 4, 2)),
    ("strides2_same_output_padding1_kernel4", lambda: layers.Conv2DTranspose(2, 4, strides=2, padding="same", output_padding=1), (1, 3, 3, 3)),
    ("kernel1_strides2", lambda: layers.Conv2DTranspose(2, 1, strides=2, use_bias=False), (2, 3, 2, 2)),
    ("dilation_2x1_same", lambda: layers.Conv2DTranspose(2, 3, padding="same", dilation_rate=(2, 1)), (2, 5, 4, 2)),
    ("dilation2_valid_odd", lambda: layers.Conv2DTranspose(3, (2, 3), dilation_rate=2), (1, 3, 5, 2)),
    ("long_sum", lambda: layers.Conv2DTranspose(2, 5, padding="same"), (1, 5, 5, 16)),
    ("default", lambda: layers.DepthwiseConv1D(3), (2, 9, 3)),
    ("multiplier2_strides2_same", lambda: layers.DepthwiseConv1D(4, strides=2, padding="same", depth_multiplier=2), (2, 9, 2)),
    ("dilation3_valid", lambda: layers.DepthwiseConv1D(2, dilation_rate=3, activation="relu"), (2, 10, 3)),
    ("strides2_dilation2_same", lambda: layers.DepthwiseConv1D(3, strides=2, dilation_rate=2, padding="same", depth_multiplier=3, use_bias=False), (2, 11, 2)),
    ("default", lambda: layers.DepthwiseConv2D(3), (2, 6, 7, 3)),
    ("multiplier2_strides2_same", lambda: layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2), (2, 7, 6, 2)),
    ("multiplier3_dilation2_valid", lambda: layers.DepthwiseConv2D(2, dilation_rate=2, depth_multiplier=3, activation="tanh"), (2, 6, 5, 2)),
    ("rect_strides_1x2_no_bias", lambda: layers.DepthwiseConv2D((2, 3), strides=(1, 2), use_bias=False), (2, 5, 7, 4)),
    ("strides2_dilation2_same", lambda: layers.DepthwiseConv2D(3, strides=2, dilation_rate=2, padding="same"), (2, 9, 8, 2)),
    ("default", lambda: layers.SeparableConv1D(4, 3), (2, 9, 3)),
    ("multiplier2_strides2_same", lambda: layers.SeparableConv1D(3, 3, strides=2, padding="same", depth_multiplier=2), (2, 9, 2)),
    ("dilation2_valid_tanh", lambda: layers.SeparableConv1D(2, 3, dilation_rate=2, activation="tanh", use_bias=False), (2, 10, 3)),
    ("default", lambda: layers.SeparableConv2D(4, 3), (2, 6, 7, 3)),
    ("multiplier2_strides_2x1_same", lambda: layers.SeparableConv2D(3, 3, strides=(2, 1), padding="same", depth_multiplier=2), (2, 7, 6, 2)),
    ("dilation2_valid_no_bias", lambda: layers.SeparableConv2D(2, (2, 3), dilation_rate=2, use_bias=False, activation="relu"), (2, 7, 8, 3)),
    ("strides2_dilation2_same", lambda: layers.SeparableConv2D(3, 3, strides=2, dilation_rate=2, padding="same", depth_multiplier=2), (2, 9, 8, 2)),
    ("long_sum", lambda: layers.SeparableConv2D(3, 5, padding="same", depth_multiplier=2), (1, 6, 6, 16)),
]

CONV3D_TRANSPOSE_CASES = [
    ("default", lambda: layers.Conv3DTranspose(2, 2), (2, 3, 3, 4, 2)),
    ("strides_2x1x2_same", lambda: layers.Conv3DTranspose(2, 3, strides=(2, 1, 2), padding="same", activation="tanh"), (2, 3, 4, 3, 2)),
    ("strides2_valid_output_padding_1x0x1", lambda: layers.Conv3DTranspose(3, (3, 2, 2), strides=2, output_padding=(1, 0, 1)), (1, 3, 3, 2, 2)),
    ("strides_3x2x3_same_output_padding_2x1x1", lambda: layers.Conv3DTranspose(2, (2, 3, 3), strides=(3, 2, 3), padding="same", output_padding=(2, 1, 1)), (1, 2, 3, 2, 2)),
    ("strides2_same_even_kernel_output_padding1", lambda: layers.Conv3DTranspose(2, 4, strides=2, padding="same", output_padding=1), (1, 2, 3, 2, 3)),
    ("kernel_below_stride", lambda: layers.Conv3DTranspose(2, (1, 2, 1), strides=(2, 3, 2), use_bias=False), (2, 2, 3, 2, 2)),
    ("dilation_2x1x2_valid", lambda: layers.Conv3DTranspose(2, 2, dilation_rate=(2, 1, 2), activation="relu"), (2, 3, 4, 3, 2)),
    ("dilation_3x2x1_same", lambda: layers.Conv3DTranspose(3, (2, 3, 2), padding="same", dilation_rate=(3, 2, 1)), (1, 4, 3, 4, 2)),
    ("long_sum", lambda: layers.Conv3DTranspose(2, 3, padding="same"), (1, 3, 3, 3, 16)),
]

CONV3D_TRANSPOSE_TRAINING = [
    ("conv3d_transpose_strides2_same_output_padding", lambda: layers.Conv3DTranspose(2, 3, strides=(2, 1, 2), padding="same", output_padding=(1, 0, 0), activation="tanh"), (3, 2, 2, 2), "SGD"),
    ("conv3d_transpose_dilation2", lambda: layers.Conv3DTranspose(2, (2, 2, 3), dilation_rate=2, activation="relu"), (2, 2, 1, 2), "Adam"),
    ("conv3d_transpose_strides_3x2x2_valid_output_padding", lambda: layers.Conv3DTranspose(2, 2, strides=(3, 2, 2), output_padding=(2, 1, 0)), (2, 1, 2, 3), "SGD"),
]

# One training case per layer type: (id, the layer, the input's per-sample shape, optimizer).
MORE_TRAINING = [
    ("conv3d_strides2_same", lambda: layers.Conv3D(3, 2, strides=(2, 1, 2), padding="same", activation="relu"), (5, 4, 5, 2), "SGD"),
    ("conv3d_groups2_dilation2", lambda: layers.Conv3D(4, 2, dilation_rate=(1, 2, 2), groups=2), (4, 5, 5, 2), "Adam"),
    ("conv1d_transpose_strides3_output_padding", lambda: layers.Conv1DTranspose(2, 3, strides=3, output_padding=1, activation="tanh"), (4, 3), "SGD"),
    ("conv2d_transpose_strides2_same", lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="same"), (3, 4, 2), "Adam"),
    ("conv2d_transpose_dilation2", lambda: layers.Conv2DTranspose(2, (2, 3), dilation_rate=2, activation="relu"), (3, 3, 2), "SGD"),
    ("depthwise_conv1d_multiplier2_strides2", lambda: layers.DepthwiseConv1D(3, strides=2, padding="same", depth_multiplier=2), (7, 3), "Adam"),
    ("depthwise_conv2d_multiplier2_dilation2", lambda: layers.DepthwiseConv2D(2, dilation_rate=2, depth_multiplier=2, activation="relu"), (5, 6, 2), "SGD"),
    ("separable_conv1d_multiplier2_dilation2", lambda: layers.SeparableConv1D(3, 2, dilation_rate=2, depth_multiplier=2), (7, 2), "SGD"),
    ("separable_conv2d_multiplier2_strides2_same", lambda: layers.SeparableConv2D(3, 3, strides=2, padding="same", depth_multiplier=2, activation="tanh"), (5, 6, 2), "Adam"),
]


def more_training_case(index, case_id, make, shape, optimizer, base=2000):
    fresh(base + index)
    rng = np.random.default_rng(SEED + base + index)
    x = rng.normal(size=(3,) + shape).astype(np.float32)
    y = rng.normal(size=(3, 2)).astype(np.float32)
    inp = keras.Input(shape=shape, name="input")
    layer = make()
    h = layers.Flatten(name="flatten")(layer(inp))
    model = keras.Model(inp, layers.Dense(2, name="dense")(h), name=case_id)
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
            "model": "Input%s -> %s -> Flatten -> Dense(2)" % (shape, layer.__class__.__name__),
            "layer": {"class_name": layer.__class__.__name__,
                      "config": plain(layer.get_config())},
            "optimizer": optimizer_config(opt), "loss": "mse",
            "x": tensor(x), "y": tensor(y),
            "initial_weights": initial, "steps": steps,
            "predict_after": tensor(pred)}


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
    more = [case(100 + i, cid, make, shape) for i, (cid, make, shape) in enumerate(MORE_CASES)]
    doc = dict(doc, cases=more,
               training=[more_training_case(i, *t) for i, t in enumerate(MORE_TRAINING)])
    with open(OUT_MORE, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(more), os.path.normpath(OUT_MORE)))
    transpose3d = [case(200 + i, cid, make, shape)
                   for i, (cid, make, shape) in enumerate(CONV3D_TRANSPOSE_CASES)]
    doc = dict(doc, cases=transpose3d,
               training=[more_training_case(i, *t, base=3000)
                         for i, t in enumerate(CONV3D_TRANSPOSE_TRAINING)])
    with open(OUT_CONV3D_TRANSPOSE, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(transpose3d), os.path.normpath(OUT_CONV3D_TRANSPOSE)))


if __name__ == "__main__":
    main()
