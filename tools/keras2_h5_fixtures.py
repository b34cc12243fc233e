"""Keras 2 (tf.keras, the `tf_keras` package) legacy HDF5 `.h5` files for
Lamina's Keras importer tests (issue 25), and one `.h5` written by Keras 3's
legacy saver.

Writes into keras/src/test/resources/fixtures/h5/:

  slice.h5           the tutorial's slice model: a named function `slice` with
                     `arguments` and its wrong output_shape=(4, 1)
  square.h5          Sequential: Lambda(lambda x: x ** 2), the tutorial's first
  antirectifier.h5   the tutorial's Sequential antirectifier classifier
                     (Dense(input_shape=...) first, K.l2_normalize, an
                     output_shape function), trained a few steps
  dense_family.h5    Dense, Dropout, BatchNormalization, LayerNormalization,
                     UnitNormalization, Normalization (adapted), Rescaling and
                     the activation layers (ReLU, LeakyReLU, PReLU, ELU,
                     Softmax, Activation)
  embedding_conv1d.h5  Embedding (int32 ids) -> Conv1D, pooling 1D, global
                     pooling, reshaping 1D layers
  conv2d.h5          Conv2D (same/valid, strides, dilation), BatchNormalization,
                     pooling 2D, ZeroPadding2D, Cropping2D, UpSampling2D,
                     global pooling 2D
  merging.h5         two inputs: Add, Subtract, Multiply, Average, Maximum,
                     Minimum, Dot, Concatenate; Reshape, Permute, RepeatVector,
                     Flatten; a shared Dense
  keras3_legacy.h5   Keras 3's `model.save("x.h5")`: the slice Lambda, Dense,
                     BatchNormalization (Keras 3's config, legacy weights layout)
  keras3_legacy_sequential.h5  the same saver, a Sequential with a Python lambda
  X.json             fixed inputs and what Keras's model.predict returned
  variant_*.h5, bad_*.h5, wrong_*.h5
                     copies with an edited model_config or attributes, a
                     save_weights file and a plain HDF5 file: see README.md

Each JSON is {"keras_version", "tensorflow_version", "numpy_version",
"python_version", "model", "file", "inputs": [{"name", "shape", "dtype",
"values"}], "outputs": [{"name", "shape", "values"}]}, values flat in
row-major order, shapes with the batch dimension, float32 values written as
float(np.float32(v)).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras2_h5_fixtures.py

Every file is reloaded with its Keras's load_model (custom_objects for the
named functions; a Python lambda's bytecode is run by Keras 2 without any
safe_mode, by Keras 3 with safe_mode=False) and must predict the same. The
JSON is deterministic; the .h5 files embed the lambdas' bytecode, which holds
this script's path and is CPython-version specific.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import tf_keras as keras
from tf_keras import backend as K
from tf_keras import layers
import keras as keras3

SEED = 2017
OUT_DIR = os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "keras", "src", "test", "resources", "fixtures", "h5",
))
VERSIONS = {
    "keras_version": keras.__version__,
    "tensorflow_version": tf.__version__,
    "numpy_version": np.__version__,
    "python_version": "%d.%d.%d" % sys.version_info[:3],
}


# --- the tutorial's lambdas, as it writes them (Keras 2's backend K) ---------

def slice(x, index):  # noqa: A001 - the tutorial's name: it is what Lamina binds
    return x[:, :, index]


def antirectifier(x):
    x -= K.mean(x, axis=1, keepdims=True)
    x = K.l2_normalize(x, axis=1)
    pos = K.relu(x)
    neg = K.relu(-x)
    return K.concatenate([pos, neg], axis=1)


def antirectifier_output_shape(input_shape):
    shape = list(input_shape)
    assert len(shape) == 2  # only valid for 2D tensors
    shape[-1] *= 2
    return tuple(shape)


CUSTOM_OBJECTS = {"slice": slice, "antirectifier": antirectifier,
                  "antirectifier_output_shape": antirectifier_output_shape}


def fresh():
    keras.backend.clear_session()
    keras3.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    keras3.utils.set_random_seed(SEED)


def randomize(model, rng):
    """Non-zero weights everywhere (biases too), variances positive."""
    weights = []
    for w in model.weights:
        name = w.name.split("/")[-1].split(":")[0]
        shape = tuple(w.shape)
        dtype = w.dtype if isinstance(w.dtype, str) else w.dtype.name
        if name in ("moving_variance", "variance"):
            weights.append(rng.uniform(0.5, 1.5, size=shape).astype(dtype))
        elif name == "count":
            weights.append(np.asarray(w.numpy()))
        else:
            weights.append((0.5 * rng.normal(size=shape)).astype(dtype))
    model.set_weights(weights)


# --- the tutorial's three models ---------------------------------------------

def slice_model(rng):
    a = keras.Input(shape=(4, 2))
    x1 = layers.Lambda(slice, output_shape=(4, 1), arguments={"index": 0})(a)
    x2 = layers.Lambda(slice, output_shape=(4, 1), arguments={"index": 1})(a)
    x1 = layers.Reshape((4, 1, 1))(x1)
    x2 = layers.Reshape((4, 1, 1))(x2)
    output = layers.concatenate([x1, x2])
    model = keras.Model(a, output)
    x_test = np.array([[[1, 2], [2, 3], [3, 4], [4, 5]]], dtype=np.float32)  # the tutorial's
    x = np.concatenate([x_test, rng.normal(size=(2, 4, 2)).astype(np.float32)])
    return model, [x], "the tutorial's slice model: Input(4,2) -> 2x Lambda(slice, " \
                       "output_shape=(4,1), arguments={'index': 0|1}) -> Reshape((4,1,1)) each -> " \
                       "concatenate"


def square_model(rng):
    model = keras.Sequential()
    model.add(layers.Lambda(lambda x: x ** 2, input_shape=(3,)))
    x = rng.normal(size=(3, 3)).astype(np.float32)
    return model, [x], "Sequential: Lambda(lambda x: x ** 2, input_shape=(3,))"


def antirectifier_model(rng):
    model = keras.Sequential()
    model.add(layers.Dense(32, input_shape=(64,)))
    model.add(layers.Lambda(antirectifier, output_shape=antirectifier_output_shape))
    model.add(layers.Dropout(0.1))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    x_train = rng.uniform(0, 16, size=(64, 64)).astype(np.float32) / 16.0
    y_train = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=(64,))]
    model.fit(x_train, y_train, batch_size=16, epochs=1, shuffle=False, verbose=0)
    x = rng.uniform(0, 16, size=(4, 64)).astype(np.float32) / 16.0
    return model, [x], "Sequential: Dense(32, input_shape=(64,)) -> Lambda(antirectifier, " \
                       "output_shape=antirectifier_output_shape) -> Dropout(0.1) -> " \
                       "Dense(10, softmax); RMSprop, fit 1 epoch of 64 random samples (4 steps)"


# --- the other layer families -------------------------------------------------

def dense_family_model(rng):
    inp = keras.Input(shape=(6,), name="features")
    norm = layers.Normalization(name="norm")
    norm.adapt(rng.normal(loc=2.0, scale=3.0, size=(32, 6)).astype(np.float32))
    x = norm(inp)
    x = layers.Rescaling(0.5, offset=0.25, name="rescale")(x)
    x = layers.Dense(8, activation="relu", kernel_regularizer="l2", name="d1")(x)
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.Dropout(0.3, name="drop")(x)
    x = layers.Dense(8, use_bias=False, activation="tanh", name="d2")(x)
    x = layers.LayerNormalization(name="ln")(x)
    x = layers.LeakyReLU(alpha=0.2, name="leaky")(x)
    x = layers.Dense(8, activation="gelu", name="d3")(x)
    x = layers.PReLU(name="prelu")(x)
    x = layers.ELU(alpha=0.7, name="elu")(x)
    x = layers.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.05, name="relu")(x)
    x = layers.UnitNormalization(name="unit")(x)
    x = layers.Dense(8, activation="swish", name="d4")(x)
    x = layers.Activation("selu", name="act")(x)
    x = layers.Dense(4, name="d5")(x)
    out = layers.Softmax(name="softmax")(x)
    model = keras.Model(inp, out)
    randomize(model, rng)
    x = rng.normal(loc=2.0, scale=3.0, size=(5, 6)).astype(np.float32)
    return model, [x], "functional: Normalization (adapted) -> Rescaling -> Dense(relu, l2) -> " \
                       "BatchNormalization -> Dropout -> Dense(tanh, no bias) -> LayerNormalization " \
                       "-> LeakyReLU(alpha=0.2) -> Dense(gelu) -> PReLU -> ELU -> ReLU(max 2, slope " \
                       "0.1, threshold 0.05) -> UnitNormalization -> Dense(swish) -> " \
                       "Activation(selu) -> Dense -> Softmax; random weights"


def embedding_conv1d_model(rng):
    ids = keras.Input(shape=(12,), dtype="int32", name="ids")
    x = layers.Embedding(20, 6, name="embed")(ids)
    x = layers.Conv1D(8, 3, padding="same", activation="relu", name="conv_a")(x)
    x = layers.MaxPooling1D(2, name="max1")(x)
    x = layers.ZeroPadding1D((1, 2), name="pad1")(x)
    x = layers.Conv1D(6, 2, strides=2, dilation_rate=1, name="conv_b")(x)
    x = layers.UpSampling1D(2, name="up1")(x)
    x = layers.Cropping1D((1, 1), name="crop1")(x)
    x = layers.AveragePooling1D(2, padding="same", name="avg1")(x)
    g1 = layers.GlobalMaxPooling1D(name="gmax1")(x)
    g2 = layers.GlobalAveragePooling1D(name="gavg1")(x)
    x = layers.Concatenate(name="cat")([g1, g2])
    out = layers.Dense(3, activation="sigmoid", name="out")(x)
    model = keras.Model(ids, out)
    randomize(model, rng)
    x = rng.integers(0, 20, size=(4, 12)).astype(np.int32)
    return model, [x], "functional: int32 ids (12,) -> Embedding(20, 6) -> Conv1D(8, 3, same, " \
                       "relu) -> MaxPooling1D -> ZeroPadding1D((1, 2)) -> Conv1D(6, 2, strides 2) " \
                       "-> UpSampling1D -> Cropping1D -> AveragePooling1D(same) -> " \
                       "GlobalMax/GlobalAveragePooling1D -> Concatenate -> Dense(3, sigmoid)"


def conv2d_model(rng):
    img = keras.Input(shape=(10, 10, 3), name="image")
    x = layers.Conv2D(4, 3, padding="same", activation="relu", name="c1")(img)
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.MaxPooling2D((2, 2), name="max2")(x)
    x = layers.ZeroPadding2D(((1, 0), (0, 1)), name="pad2")(x)
    x = layers.Conv2D(5, (2, 3), strides=(1, 1), name="c2")(x)
    x = layers.Cropping2D(((1, 0), (0, 1)), name="crop2")(x)
    x = layers.UpSampling2D((2, 1), name="up2")(x)
    x = layers.Conv2D(3, 2, dilation_rate=2, padding="same", name="c3")(x)
    x = layers.AveragePooling2D((2, 2), strides=1, name="avg2")(x)
    g1 = layers.GlobalAveragePooling2D(name="gavg2")(x)
    g2 = layers.GlobalMaxPooling2D(name="gmax2")(x)
    x = layers.Concatenate(name="cat")([g1, g2])
    out = layers.Dense(2, name="out")(x)
    model = keras.Model(img, out)
    randomize(model, rng)
    x = rng.normal(size=(2, 10, 10, 3)).astype(np.float32)
    return model, [x], "functional: image (10,10,3) -> Conv2D(4, 3, same, relu) -> " \
                       "BatchNormalization -> MaxPooling2D -> ZeroPadding2D -> Conv2D(5, (2,3), " \
                       "strides 1) -> Cropping2D -> UpSampling2D((2,1)) -> Conv2D(3, 2, " \
                       "dilation 2, same) -> AveragePooling2D(2, strides 1) -> " \
                       "GlobalAverage/GlobalMaxPooling2D -> Concatenate -> Dense(2)"


def merging_model(rng):
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(4,), name="b")
    shared = layers.Dense(4, name="shared")
    sa, sb = shared(a), shared(b)
    merged = [
        layers.Add(name="add")([sa, sb]),
        layers.Subtract(name="sub")([sa, sb]),
        layers.Multiply(name="mul")([sa, sb]),
        layers.Average(name="avg")([sa, sb]),
        layers.Maximum(name="max")([sa, sb]),
        layers.Minimum(name="min")([sa, sb]),
    ]
    dot = layers.Dot(axes=1, normalize=True, name="dot")([sa, sb])
    cat = layers.Concatenate(name="cat")(merged + [dot])          # (25,)
    x = layers.RepeatVector(2, name="repeat")(cat)                 # (2, 25)
    x = layers.Permute((2, 1), name="permute")(x)                  # (25, 2)
    x = layers.Reshape((5, 10), name="reshape")(x)
    x = layers.Flatten(name="flatten")(x)
    out1 = layers.Dense(3, activation="softmax", name="probs")(x)
    out2 = layers.Dense(1, name="score")(cat)
    model = keras.Model([a, b], [out1, out2])
    randomize(model, rng)
    xa = rng.normal(size=(3, 4)).astype(np.float32)
    xb = rng.normal(size=(3, 4)).astype(np.float32)
    return model, [xa, xb], "functional: inputs a, b (4,) -> one Dense(4) 'shared' on both -> " \
                            "Add, Subtract, Multiply, Average, Maximum, Minimum, Dot(1, normalize) " \
                            "-> Concatenate -> RepeatVector(2) -> Permute((2,1)) -> Reshape((5,10)) " \
                            "-> Flatten -> Dense(3, softmax); second output Dense(1) of the " \
                            "concatenation"


def conv_more_model(rng):
    vol = keras.Input(shape=(6, 6, 6, 2), name="volume")
    v = layers.Conv3D(3, 2, padding="same", activation="relu", name="c3d")(vol)
    v = layers.ZeroPadding3D(((1, 0), (0, 1), (1, 1)), name="pad3")(v)
    v = layers.MaxPooling3D(2, name="max3")(v)
    v = layers.UpSampling3D((1, 2, 1), name="up3")(v)
    v = layers.Cropping3D(((0, 1), (1, 0), (0, 0)), name="crop3")(v)
    v = layers.AveragePooling3D(2, padding="same", name="avg3")(v)
    v1 = layers.GlobalMaxPooling3D(name="gmax3")(v)
    v2 = layers.GlobalAveragePooling3D(name="gavg3")(v)
    img = keras.Input(shape=(5, 5, 4), name="image")
    x = layers.Conv2DTranspose(4, 3, strides=2, name="t2d")(img)
    x = layers.DepthwiseConv2D(3, depth_multiplier=2, name="dw2d")(x)
    x = layers.SeparableConv2D(4, 2, strides=2, activation="tanh", name="sep2d")(x)
    x = layers.GroupNormalization(groups=2, name="gn")(x)
    x = layers.ActivityRegularization(l2=0.01, name="actreg")(x)
    x = layers.GlobalAveragePooling2D(name="gavg2")(x)
    seq = keras.Input(shape=(7, 3), name="sequence")
    s = layers.Conv1DTranspose(4, 3, strides=2, name="t1d")(seq)
    s = layers.DepthwiseConv1D(2, name="dw1d")(s)
    s = layers.SeparableConv1D(3, 3, padding="same", name="sep1d")(s)
    s = layers.GlobalMaxPooling1D(name="gmax1")(s)
    out = layers.Dense(3, name="out")(layers.Concatenate(name="cat")([v1, v2, x, s]))
    model = keras.Model([vol, img, seq], out)
    randomize(model, rng)
    inputs = [rng.normal(size=(2, 6, 6, 6, 2)).astype(np.float32),
              rng.normal(size=(2, 5, 5, 4)).astype(np.float32),
              rng.normal(size=(2, 7, 3)).astype(np.float32)]
    return model, inputs, "functional, three inputs: volume -> Conv3D -> ZeroPadding3D -> " \
                          "MaxPooling3D -> UpSampling3D -> Cropping3D -> AveragePooling3D -> " \
                          "GlobalMax/GlobalAveragePooling3D; image -> Conv2DTranspose -> " \
                          "DepthwiseConv2D -> SeparableConv2D -> GroupNormalization -> " \
                          "ActivityRegularization -> GlobalAveragePooling2D; sequence -> " \
                          "Conv1DTranspose -> DepthwiseConv1D -> SeparableConv1D -> " \
                          "GlobalMaxPooling1D; Concatenate -> Dense(3)"


# --- Keras 3's legacy saver -----------------------------------------------------

def keras3_legacy_model(rng):
    L = keras3.layers
    a = keras3.Input(shape=(4, 2))
    x1 = L.Lambda(slice3, output_shape=(4, 1), arguments={"index": 0})(a)
    x2 = L.Lambda(slice3, output_shape=(4, 1), arguments={"index": 1})(a)
    x = L.Concatenate()([L.Reshape((4, 1))(x1), L.Reshape((4, 1))(x2)])
    x = L.Flatten()(x)
    x = L.Dense(5, activation="relu")(x)
    x = L.BatchNormalization()(x)
    out = L.Dense(2)(x)
    model = keras3.Model(a, out)
    randomize(model, rng)
    x = rng.normal(size=(3, 4, 2)).astype(np.float32)
    return model, [x], "Keras 3, model.save('x.h5'): Input(4,2) -> 2x Lambda(slice, " \
                       "arguments={'index': 0|1}) -> Reshape((4,1)) each -> Concatenate -> " \
                       "Flatten -> Dense(5, relu) -> BatchNormalization -> Dense(2); random weights"


def keras3_legacy_sequential_model(rng):
    L = keras3.layers
    model = keras3.Sequential([keras3.Input(shape=(3,)), L.Dense(4), L.Lambda(lambda x: x ** 2),
                               L.Dense(2, activation="softmax")])
    randomize(model, rng)
    x = rng.normal(size=(3, 3)).astype(np.float32)
    return model, [x], "Keras 3 Sequential, model.save('x.h5'): Input(3) -> Dense(4) -> " \
                       "Lambda(lambda x: x ** 2) -> Dense(2, softmax); random weights"


def slice3(x, index):
    return x[:, :, index]


slice3.__name__ = "slice"  # the name the file records, as in the tutorial
slice3.__qualname__ = "slice"


# --- writing and checking ---------------------------------------------------------

def f32(v):
    return float(np.float32(v))


def tensor_entries(names, arrays):
    out = []
    for n, a in zip(names, arrays):
        a = np.asarray(a)
        entry = {"name": n, "shape": list(a.shape), "dtype": str(a.dtype)}
        if a.dtype.kind in "iu":
            entry["values"] = [int(v) for v in a.reshape(-1)]
        else:
            entry["values"] = [f32(v) for v in a.astype(np.float32).reshape(-1)]
        out.append(entry)
    return out


def lambda_configs(path):
    import h5py
    with h5py.File(path, "r") as f:
        cfg = json.loads(f.attrs["model_config"])
    return [layer["config"] for layer in cfg["config"]["layers"] if layer["class_name"] == "Lambda"]


def save_fixture(stem, build, rng, load, keras3_model=False):
    fresh()
    model, inputs, description = build(rng)
    feed = inputs if len(inputs) > 1 else inputs[0]
    outputs = model.predict(feed, verbose=0)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    path = os.path.join(OUT_DIR, stem + ".h5")
    if os.path.exists(path):
        os.remove(path)
    model.save(path)  # an .h5 path: the legacy HDF5 format, in both Keras versions
    doc = dict(VERSIONS)
    if keras3_model:
        doc["keras_version"] = keras3.__version__
    doc["model"] = description
    doc["file"] = stem + ".h5"
    doc["inputs"] = tensor_entries([t.name.split(":")[0] if not keras3_model
                                    else t._keras_history[0].name for t in model.inputs], inputs)
    doc["outputs"] = tensor_entries([t._keras_history[0].name for t in model.outputs], outputs)
    with open(os.path.join(OUT_DIR, stem + ".json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    fresh()
    reloaded = load(path)
    again = reloaded.predict(feed, verbose=0)
    if not isinstance(again, (list, tuple)):
        again = [again]
    for o, r in zip(outputs, again):
        np.testing.assert_allclose(o, r, rtol=1e-6, atol=1e-7)
    print("%-30s reloaded by Keras %s: same predictions" % (stem + ".h5",
                                                           doc["keras_version"]))
    return {"stem": stem, "description": description, "lambdas": lambda_configs(path)}


def load2(path):
    return keras.models.load_model(path, custom_objects=CUSTOM_OBJECTS)


def load3(path):
    return keras3.saving.load_model(path, custom_objects={"slice": slice3}, safe_mode=False)


def write_readme(infos, others):
    lines = ["# Keras 2 and legacy HDF5 fixtures", "",
             "Written by `tools/keras2_h5_fixtures.py` (run by hand: "
             "`/work/venv/bin/python tools/keras2_h5_fixtures.py`) with tf_keras %s, Keras %s, "
             "TensorFlow %s, NumPy %s, CPython %s. Each `X.h5` is `model.save(\"X.h5\")`: the "
             "legacy HDF5 format, whose root attributes `model_config` (JSON), `keras_version` "
             "and `backend` describe the model and whose group `model_weights` holds one group "
             "per layer with an attribute `weight_names` (paths of its datasets, in the layer's "
             "weights order). `X.json` holds fixed inputs and Keras's predictions, as in "
             "`../README.md`, with each input's `dtype`."
             % (keras.__version__, keras3.__version__, tf.__version__, np.__version__,
                VERSIONS["python_version"]), "",
             "| file | model |", "| --- | --- |"]
    for i in infos:
        lines.append("| `%s.h5` | %s |" % (i["stem"], i["description"]))
    lines += ["", "## Variants and wrong kinds of file", "",
              "Written by the same script with h5py (no predictions: the tests check how they "
              "load or what their error says):", "", "| file | what it is |", "| --- | --- |"]
    for name, note in others:
        lines.append("| `%s` | %s |" % (name, note))
    lines += ["", "## How Keras 2 writes a Lambda layer", ""]
    for i in infos:
        for c in i["lambdas"]:
            c = json.loads(json.dumps(c))
            for key in ("function", "output_shape", "mask"):
                v = c.get(key)
                if isinstance(v, list) and v and isinstance(v[0], str) and len(v) == 3:
                    v[0] = v[0][:16] + "... (base64 of marshal.dumps(code))"
                if isinstance(v, dict) and isinstance(v.get("config"), dict) and "code" in v["config"]:
                    v["config"]["code"] = v["config"]["code"][:16] + "..."
            c.pop("dtype", None)
            lines.append("- `%s.h5`, layer `%s`: `%s`" % (i["stem"], c["name"], json.dumps(c)))
    lines += ["",
              "Keras 2 writes every Python function, a `def` as well as a `lambda`, as "
              "`function_type: \"lambda\"` with `function: [code, defaults, closure]`, code being "
              "base64 of `marshal.dumps(fn.__code__)`: the function's name is only in the code "
              "object (`co_name`, `<lambda>` for a lambda). Lamina reads that name from the "
              "marshal data and never runs the code. `function_type: \"function\"` (a name) is "
              "what Keras 2 writes for callables that are not Python functions. `output_shape` "
              "is `output_shape_type: \"raw\"` with a list (batch excluded) or null, or a function "
              "like `function`.", "",
              "Keras 2's `inbound_nodes` are lists of nodes, each a list of `[layer, node, tensor, "
              "kwargs]`; an `InputLayer` has `batch_input_shape`; a Sequential model whose first "
              "layer was given `input_shape=` lists an `InputLayer` first. Layer configs carry "
              "`batch_input_shape` when built from `input_shape=`. Keras 3's legacy saver writes "
              "Keras 3's config (as in `config.json`) with weights under `model_weights` "
              "addressed by `weight_names` such as `sequential/dense_1/kernel` (no `:0`).", ""]
    with open(os.path.join(OUT_DIR, "README.md"), "w") as f:
        f.write("\n".join(lines))


# --- variants and wrong kinds of file, for the importer's error tests ---------------

def edited(src, dst, edit_config=None, attrs=None):
    """A copy of fixture `src` with its model_config edited (a function of the parsed JSON) and
    root attributes replaced; the weights are the same."""
    import h5py
    src_path, dst_path = os.path.join(OUT_DIR, src), os.path.join(OUT_DIR, dst)
    with h5py.File(src_path, "r") as f, h5py.File(dst_path, "w") as g:
        for key in f:
            f.copy(key, g)
        for key, value in f.attrs.items():
            g.attrs[key] = value
        if edit_config is not None:
            cfg = json.loads(f.attrs["model_config"])
            edit_config(cfg)
            g.attrs["model_config"] = json.dumps(cfg)
        for key, value in (attrs or {}).items():
            if value is None:
                del g.attrs[key]
            else:
                g.attrs[key] = value
    return dst


def layer(cfg, name):
    return next(l for l in cfg["config"]["layers"] if l["config"]["name"] == name)


def keras22_sequential(cfg):
    # Keras 2.0 to 2.2: a Sequential's config is its list of layers, no InputLayer; the first
    # layer carries batch_input_shape.
    layers_ = [l for l in cfg["config"]["layers"] if l["class_name"] != "InputLayer"]
    cfg["config"] = layers_


def named_function(cfg):
    for name in ("lambda", "lambda_1"):
        c = layer(cfg, name)["config"]
        c["function"], c["function_type"] = "slice", "function"


def hard_sigmoid(cfg):
    layer(cfg, "act")["config"]["activation"] = "hard_sigmoid"


def unknown_lambda_option(cfg):
    layer(cfg, "lambda")["config"]["output_shape_fn"] = None


def garbage_code(cfg):
    # The bytecode of `slice` replaced by garbage: no name can be read; bound by layer name.
    for name in ("lambda", "lambda_1"):
        layer(cfg, name)["config"]["function"][0] = "%%% not base64, not marshal %%%"


def constant_argument(cfg):
    layer(cfg, "concatenate")["inbound_nodes"][0][1] = ["_CONSTANT_VALUE", -1, [1.0], {}]


VARIANTS = [
    ("variant_keras22_sequential.h5", "square.h5", keras22_sequential,
     "square.h5's model_config as Keras 2.0-2.2 wrote a Sequential: a list of layers, no InputLayer"),
    ("variant_function_name.h5", "slice.h5", named_function,
     "slice.h5 with function_type 'function' and function 'slice' (a callable by name)"),
    ("variant_garbage_code.h5", "slice.h5", garbage_code,
     "slice.h5 with the bytecode of both Lambdas replaced by text that is not marshal data"),
    ("bad_hard_sigmoid.h5", "dense_family.h5", hard_sigmoid,
     "dense_family.h5 with Activation('hard_sigmoid'), Keras 2's, which is not Keras 3's"),
    ("bad_lambda_option.h5", "slice.h5", unknown_lambda_option,
     "slice.h5 with an option the Keras 2 Lambda does not have"),
    ("bad_constant_argument.h5", "slice.h5", constant_argument,
     "slice.h5 with a constant instead of a tensor in the concatenate's node"),
]


def wrong_kinds(rng):
    """Files that are not legacy .h5 models, for the message that says what they are."""
    import h5py
    fresh()
    model, _, _ = dense_family_model(rng)
    model.save_weights(os.path.join(OUT_DIR, "wrong_keras2_weights.h5"))
    with h5py.File(os.path.join(OUT_DIR, "wrong_plain.h5"), "w") as f:
        f.create_dataset("data", data=np.arange(6, dtype=np.float32).reshape(2, 3))
        f.attrs["title"] = "not a model"
    # Keras 2.0 to 2.2 wrote every string attribute as fixed-length bytes (str.encode('utf8')).
    dst = os.path.join(OUT_DIR, edited("antirectifier.h5", "variant_fixed_strings.h5"))
    with h5py.File(dst, "r+") as f:
        for key in ("model_config", "keras_version", "backend", "training_config"):
            f.attrs[key] = np.bytes_(f.attrs[key].encode("utf8"))
        g = f["model_weights"]
        g.attrs["layer_names"] = np.array([n.encode("utf8") for n in g.attrs["layer_names"]])
        for name in g:
            names = [n.encode("utf8") for n in g[name].attrs["weight_names"]]
            g[name].attrs["weight_names"] = np.array(names, dtype="S%d" % max(
                [len(n) for n in names] + [1]))
    # A layer whose weight_names lists thousands of names.
    dst = os.path.join(OUT_DIR, edited("square.h5", "bad_many_weight_names.h5"))
    with h5py.File(dst, "r+") as f:
        f["model_weights/lambda"].attrs["weight_names"] = ["w%d:0" % i for i in range(3000)]
    # What Lamina does not import from Keras 2: float ids into an Embedding, a TFOpLambda.
    fresh()
    model = keras.Sequential([layers.Embedding(20, 4, input_length=5), layers.Flatten(),
                              layers.Dense(2)])
    model.build((None, 5))
    model.save(os.path.join(OUT_DIR, "bad_embedding_float_ids.h5"))
    fresh()
    x = keras.Input(shape=(3,))
    keras.Model(x, layers.Dense(2)(x * 2.0)).save(os.path.join(OUT_DIR, "bad_tf_op_lambda.h5"))
    edited("square.h5", "wrong_keras1.h5", attrs={"keras_version": "1.2.2"})
    edited("square.h5", "wrong_theano.h5", attrs={"backend": "theano"})
    edited("square.h5", "wrong_no_version.h5", attrs={"keras_version": None})
    return [
        ("variant_fixed_strings.h5", "antirectifier.h5 with every string attribute as "
         "fixed-length bytes, as Keras 2.0-2.2 wrote them"),
        ("bad_many_weight_names.h5", "square.h5 whose Lambda lists 3000 weight_names"),
        ("bad_embedding_float_ids.h5", "Sequential: Embedding(20, 4, input_length=5) -> Flatten "
         "-> Dense(2): Keras 2 feeds the Embedding float32 ids, which it casts"),
        ("bad_tf_op_lambda.h5", "functional: x * 2.0 on a Keras tensor, which tf.keras records "
         "as a TFOpLambda layer"),
        ("wrong_keras2_weights.h5", "tf_keras model.save_weights('x.h5') of dense_family's model: "
         "weights without model_config"),
        ("wrong_plain.h5", "an HDF5 file of h5py with one dataset 'data', no Keras attributes"),
        ("wrong_keras1.h5", "square.h5 with keras_version 1.2.2"),
        ("wrong_theano.h5", "square.h5 with backend theano"),
        ("wrong_no_version.h5", "square.h5 without keras_version"),
    ]


def main():
    tf.config.experimental.enable_op_determinism()
    os.makedirs(OUT_DIR, exist_ok=True)
    rng = np.random.default_rng(SEED)
    infos = [
        save_fixture("slice", slice_model, rng, load2),
        save_fixture("square", square_model, rng, load2),
        save_fixture("antirectifier", antirectifier_model, rng, load2),
        save_fixture("dense_family", dense_family_model, rng, load2),
        save_fixture("embedding_conv1d", embedding_conv1d_model, rng, load2),
        save_fixture("conv2d", conv2d_model, rng, load2),
        save_fixture("merging", merging_model, rng, load2),
        save_fixture("conv_more", conv_more_model, rng, load2),
        save_fixture("keras3_legacy", keras3_legacy_model, rng, load3, keras3_model=True),
        save_fixture("keras3_legacy_sequential", keras3_legacy_sequential_model, rng, load3,
                     keras3_model=True),
    ]
    others = [(dst, note) for dst, src, edit, note in VARIANTS if edited(src, dst, edit)]
    others += wrong_kinds(rng)
    write_readme(infos, others)
    for n in sorted(os.listdir(OUT_DIR)):
        print("%8d  %s" % (os.path.getsize(os.path.join(OUT_DIR, n)), n))


if __name__ == "__main__":
    main()
