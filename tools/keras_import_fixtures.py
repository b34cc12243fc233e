"""Keras 3 `.keras` files for Lamina's Keras importer tests (issue 14, item 3).

Writes into keras/src/test/resources/fixtures/:

  slice.keras, slice.json                  the tutorial's slice model: a named
                                           function with `arguments`
  square.keras, square.json                x -> x ** 2 as a Python lambda
  antirectifier.keras, antirectifier.json  the antirectifier classifier,
                                           trained a few steps
  two_inputs.keras, two_inputs.json        two inputs, a shared Dense, Add,
                                           Multiply, Concatenate, two outputs
  hostile_lambda.keras                     the square model whose lambda
                                           bytecode runs a shell command
  README.md                                what each file is, how Keras had
                                           to be told to load them, versions

Each JSON is {"keras_version", "tensorflow_version", "numpy_version",
"python_version", "model", "inputs": [{"name", "shape", "values"}],
"outputs": [{"name", "shape", "values"}]}: fixed inputs and what Keras's
model.predict returned for them, values flat in row-major order, shapes with
the batch dimension.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_import_fixtures.py

It also reloads every file with keras.saving.load_model and checks that the
reloaded model predicts the same, and it proves in a throwaway subprocess
that Keras with safe_mode=False runs the hostile file's command (the marker
/tmp/lamina-pwned-marker appears), then deletes the marker. It refuses to
start if the marker already exists.

The JSON and the weights are deterministic (all seeds fixed); the .keras
zips are not byte-identical across runs because Keras writes the save date
into metadata.json. The lambda bytecode inside square.keras and
hostile_lambda.keras is CPython-version specific (marshal format): Keras
can load them only on the Python minor version recorded in the JSON.
"""

import base64
import json
import marshal
import os
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import keras
from keras import layers

SEED = 1998
MARKER = "/tmp/lamina-pwned-marker"
OUT_DIR = os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "keras", "src", "test", "resources", "fixtures",
))
VERSIONS = {
    "keras_version": keras.__version__,
    "tensorflow_version": tf.__version__,
    "numpy_version": np.__version__,
    "python_version": "%d.%d.%d" % sys.version_info[:3],
}


# --- the lambdas, as the tutorial writes them -------------------------------

def slice(x, index):  # noqa: A001 - the tutorial's name, kept: it is what the file records
    return x[:, :, index]


def antirectifier(x):
    # The same ops as Lamina's Java antirectifier (and tools/keras_training_fixtures.py).
    x = x - tf.reduce_mean(x, axis=1, keepdims=True)
    x = x * tf.math.rsqrt(
        tf.maximum(tf.reduce_sum(tf.square(x), axis=1, keepdims=True), 1e-12)
    )
    return tf.concat([tf.nn.relu(x), tf.nn.relu(-x)], axis=1)


def antirectifier_output_shape(input_shape):
    shape = list(input_shape)
    assert len(shape) == 2  # only valid for 2D tensors
    shape[-1] *= 2
    return tuple(shape)


CUSTOM_OBJECTS = {
    "slice": slice,
    "antirectifier": antirectifier,
    "antirectifier_output_shape": antirectifier_output_shape,
}


def fresh():
    """Same layer names and the same random streams for every model."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    random.seed(SEED)


# --- the four models --------------------------------------------------------

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
    return model, [x], "tutorial slice model: Input(4,2) -> 2x Lambda(slice, output_shape=(4,1), " \
                        "arguments={'index': 0|1}) -> Reshape((4,1,1)) each -> concatenate"


def square_model(rng):
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Lambda(lambda x: x ** 2)])
    x = rng.normal(size=(3, 3)).astype(np.float32)
    return model, [x], "Sequential: Input(3) -> Lambda(lambda x: x ** 2)"


def antirectifier_model(rng):
    inp = keras.Input(shape=(64,))
    h = layers.Dense(32)(inp)
    h = layers.Lambda(antirectifier, output_shape=antirectifier_output_shape)(h)
    h = layers.Dropout(0.1)(h)
    out = layers.Dense(10, activation="softmax")(h)
    model = keras.Model(inp, out)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", jit_compile=False)
    x_train = rng.uniform(0, 16, size=(64, 64)).astype(np.float32) / 16.0
    y_train = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=(64,))]
    model.fit(x_train, y_train, batch_size=16, epochs=1, shuffle=False, verbose=0)  # 4 steps
    x = rng.uniform(0, 16, size=(4, 64)).astype(np.float32) / 16.0
    return model, [x], "Input(64) -> Dense(32) -> Lambda(antirectifier, output_shape=" \
                       "antirectifier_output_shape) -> Dropout(0.1) -> Dense(10, softmax); " \
                       "RMSprop + categorical_crossentropy, fit 1 epoch of 64 random samples, batch 16 (4 steps)"


def two_inputs_model(rng):
    a = keras.Input(shape=(6,), name="input_a")
    b = keras.Input(shape=(2, 3), name="input_b")
    fb = layers.Flatten(name="flatten_b")(b)
    shared = layers.Dense(4, name="shared_dense")
    sa = shared(a)
    sb = shared(fb)
    added = layers.Add(name="add")([sa, sb])
    multiplied = layers.Multiply(name="multiply")([sa, sb])
    cat = layers.Concatenate(name="concat")([added, multiplied])
    probs = layers.Dense(3, activation="softmax", name="probs")(cat)
    score = layers.Activation("tanh", name="score")(layers.Dense(1, name="score_dense")(cat))
    model = keras.Model([a, b], [probs, score])
    # Non-zero biases too, so that loading them is tested.
    model.set_weights([(0.5 * rng.normal(size=w.shape)).astype(np.float32)
                       for w in model.get_weights()])
    xa = rng.normal(size=(3, 6)).astype(np.float32)
    xb = rng.normal(size=(3, 2, 3)).astype(np.float32)
    return model, [xa, xb], "functional: input_a (6,) and input_b (2,3) -> Flatten; one Dense(4) " \
                            "'shared_dense' applied to both; Add and Multiply of the two; Concatenate; " \
                            "outputs probs = Dense(3, softmax) and score = Activation(tanh)(Dense(1))"


# --- writing and checking ---------------------------------------------------

def tensor_entries(names, arrays):
    return [{"name": n, "shape": list(a.shape),
             "values": [float(v) for v in np.asarray(a, dtype=np.float32).reshape(-1)]}
            for n, a in zip(names, arrays)]


def lambda_configs(path):
    with zipfile.ZipFile(path) as z:
        cfg = json.loads(z.read("config.json"))
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("class_name") == "Lambda":
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(cfg)
    return found


def try_load(path, **kwargs):
    try:
        keras.saving.load_model(path, **kwargs)
        return "loads"
    except Exception as e:  # noqa: BLE001 - we record what Keras says
        return "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:160])


def save_fixture(stem, build, rng, load_kwargs):
    fresh()
    model, inputs, description = build(rng)
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    keras_path = os.path.join(OUT_DIR, stem + ".keras")
    model.save(keras_path)
    doc = dict(VERSIONS)
    doc["model"] = description
    doc["keras_file"] = stem + ".keras"
    doc["inputs"] = tensor_entries([t._keras_history[0].name for t in model.inputs], inputs)  # InputLayer names
    doc["outputs"] = tensor_entries([t._keras_history[0].name for t in model.outputs], outputs)
    with open(os.path.join(OUT_DIR, stem + ".json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")

    # How Keras itself gets this file back, and that it predicts the same.
    plain = try_load(keras_path)
    fresh()
    reloaded = keras.saving.load_model(keras_path, **load_kwargs)
    again = reloaded.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    if not isinstance(again, (list, tuple)):
        again = [again]
    for o, r in zip(outputs, again):
        np.testing.assert_allclose(o, r, rtol=1e-6, atol=1e-7)
    print("%-24s %s" % (stem + ".keras", "reload ok"))
    return {"stem": stem, "plain_load": plain, "load_kwargs": load_kwargs,
            "lambdas": lambda_configs(keras_path), "description": description,
            "keras_shapes": {"inputs": [list(t.shape) for t in model.inputs],
                             "outputs": [list(t.shape) for t in model.outputs]}}


# Never called here: only its code object goes into hostile_lambda.keras.
HOSTILE = lambda x: (__import__("os").system("touch " + "/tmp/lamina-pwned-marker"), x ** 2)[1]  # noqa: E731


def write_hostile(square_path):
    """square.keras with the lambda's bytecode swapped for one that runs a shell command."""
    code = base64.encodebytes(marshal.dumps(HOSTILE.__code__)).decode("ascii")
    hostile_path = os.path.join(OUT_DIR, "hostile_lambda.keras")
    with zipfile.ZipFile(square_path) as src, \
            zipfile.ZipFile(hostile_path, "w", compression=zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "config.json":
                cfg = json.loads(data)
                n = 0
                for layer in cfg["config"]["layers"]:
                    if layer["class_name"] == "Lambda":
                        layer["config"]["function"]["config"]["code"] = code
                        n += 1
                assert n == 1
                data = json.dumps(cfg).encode("utf-8")
            dst.writestr(info, data)
    return hostile_path


VERIFY = r"""
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras
marker, path, safe = sys.argv[1], sys.argv[2], sys.argv[3] == "safe"
assert not os.path.exists(marker)
try:
    keras.saving.load_model(path, safe_mode=safe)
    print("loaded", os.path.exists(marker))
except Exception as e:
    print("refused", os.path.exists(marker), type(e).__name__)
"""


def verify_hostile(hostile_path):
    """Load the hostile file in a throwaway subprocess and temp dir; report whether the marker appeared."""
    results = {}
    for mode in ("safe", "unsafe"):
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "hostile_lambda.keras")
            shutil.copy(hostile_path, copy)
            out = subprocess.run([sys.executable, "-c", VERIFY, MARKER, copy, mode], cwd=tmp,
                                 capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        created = os.path.exists(MARKER)
        if created:
            os.remove(MARKER)
        results[mode] = (out, created)
    assert results["safe"][1] is False, results
    assert results["unsafe"][1] is True, results
    return results


# Written by tools/keras_import_sequential_fixture.py, tools/keras_import_tabular_fixture.py and
# tools/keras_import_volume_fixture.py and tools/keras_convnet_import_fixtures.py;
# listed here so that regenerating README.md keeps them.
OTHER_FIXTURES = [
    '## Fixtures written by their own scripts',
    '',
    'Same JSON layout, written with `save_fixture` of `tools/keras_import_fixtures.py` by separate scripts (run each by hand from the repository root), so that adding them does not rewrite the files above:',
    '',
    '| file | script | model | how Keras loads it back |',
    '| --- | --- | --- | --- |',
    '| `sequential_dense.keras` | `tools/keras_import_sequential_fixture.py` | Sequential: Input(2,3) -> Flatten -> Dense(4, relu) -> Reshape((2,2)) -> Flatten -> Dropout(0.25) -> Dense(3) -> Activation(sigmoid); random non-zero weights | `load_model(path)` |',
    '| `tabular.keras` | `tools/keras_import_tabular_fixture.py` | Input(5, name=features) -> Normalization (adapted) -> Dense(8, relu) -> BatchNormalization -> Lambda(clip_scale, arguments={\'limit\': 2.0}) -> Dense(3, softmax, name=probs); Adam(0.01), fit 5 epochs of 256 generated rows (40 steps) | `load_model(path, custom_objects={"clip_scale": clip_scale})` |',
    '| `volume.keras` | `tools/keras_import_volume_fixture.py` | Input(4,6,6,3) -> ZeroPadding3D -> Cropping3D -> GroupNormalization(3) -> BatchNormalization -> MaxPooling3D(2) -> UpSampling3D((1,2,1)) -> AveragePooling3D((2,2,3), strides=1, same) -> ActivityRegularization(0.01, 0.01) -> GlobalMaxPooling3D and GlobalAveragePooling3D(keepdims) -> Concatenate -> Dense(2); Adam(0.01), fit 3 epochs of 32 random samples (12 steps) | `load_model(path)` |',
    '| `convnet.keras` | `tools/keras_convnet_import_fixtures.py` | Input(8,8,1) -> Lambda(standardize) -> Conv2D(8, 3, same, no bias) -> BatchNormalization(momentum=0.9) -> Activation(relu) -> MaxPooling2D(2) -> Conv2D(16, 3) -> BatchNormalization -> ReLU -> Flatten -> Dense(10, softmax); Adam(0.01), fit 40 steps of generated images | `load_model(path, custom_objects={"standardize": standardize})` |',
    '| `residual_block.keras` | `tools/keras_convnet_import_fixtures.py` | Input(8,8,3) -> Conv2D -> BatchNormalization -> ReLU -> [Conv2D -> BatchNormalization -> Activation(relu) -> Conv2D -> BatchNormalization] + shortcut (Add) -> ReLU -> Lambda(scaled_swish, arguments={\'beta\': 1.5}) -> GlobalAveragePooling2D -> Dense(4, softmax); Adam(0.01), fit 30 steps | `load_model(path, custom_objects={"scaled_swish": scaled_swish})` |',
    '| `unet.keras` | `tools/keras_convnet_import_fixtures.py` | U-Net on Input(16,16,2): Lambda(center_channels), Conv2D + MaxPooling2D twice, a Conv2D bottleneck, UpSampling2D (nearest, then bilinear) + Concatenate with the skip + Conv2D twice, Conv2D(1, 1, sigmoid); Adam(0.01) + binary_crossentropy, fit 12 steps | `load_model(path, custom_objects={"center_channels": center_channels})` |',
    '| `convnet_training.keras` | `tools/keras_convnet_import_fixtures.py` | the initial weights of Input(6,6,2) -> Conv2D(4, 3, no bias) -> BatchNormalization -> Lambda(scaled_swish, arguments={\'beta\': 1.5}) -> MaxPooling2D(2) -> Flatten -> Dense(3, softmax); `convnet_training.json` holds three `train_on_batch` steps of Adam(0.01) + sparse_categorical_crossentropy: each batch, the loss returned and every weight after the step by layer and weight name | `load_model(path, custom_objects={"scaled_swish": scaled_swish})` |',
    '',
    '`clip_scale(x, limit)` is `tf.clip_by_value(x, -limit, limit) * 0.5`. In `tabular.keras`:',
    '',
    "- `Normalization` (adapted, so `mean`/`variance` are `null` in its config, `axis` is `[-1]`) stores `vars/0` mean (5,), `vars/1` variance (5,), `vars/2` count (int64 scalar, 0: Keras 3's `adapt` never updates it). Its `build_config.input_shape` is the shape of the adapt data, batch included (`[256, 5]`), not `[null, 5]`. The layer computes `(x - mean) / max(sqrt(variance), 1e-7)`.",
    '- `BatchNormalization` stores `vars/0` gamma, `vars/1` beta, `vars/2` moving_mean, `vars/3` moving_variance; inference uses `(x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta` with `epsilon` 0.001.',
    "- Every layer's `dtype` policy after the first (`normalization`) carries `\"shared_object_id\"` (a CPython `id()`, differs per run): Keras serializes the one float32 policy object they share once in full and then marks the repeats; a reader should ignore it.",
    '',
    'The image fixtures\' lambdas: `standardize(x)` is `tf.image.per_image_standardization(x)`, `scaled_swish(x, beta)` is `x * tf.sigmoid(beta * x)`, `center_channels(x)` is `x - tf.reduce_mean(x, axis=[1, 2], keepdims=True)`. In `convnet_training.json`, `optimizer` is Keras\'s Adam config (`learning_rate`, `beta_1`, `beta_2`, `epsilon`, `amsgrad`) and each step is `{"x", "y", "returned_loss", "weights": {layer: {weight: {"name", "shape", "values"}}}}`; BatchNormalization\'s weights are `gamma`, `beta`, `moving_mean`, `moving_variance`.',
]


def write_readme(infos, hostile):
    lines = []
    w = lines.append
    w("# Keras import fixtures")
    w("")
    w("Written by `tools/keras_import_fixtures.py` (run by hand: "
      "`/work/venv/bin/python tools/keras_import_fixtures.py`) with Keras %s, TensorFlow %s, "
      "NumPy %s, CPython %s." % (VERSIONS["keras_version"], VERSIONS["tensorflow_version"],
                                 VERSIONS["numpy_version"], VERSIONS["python_version"]))
    w("")
    w("Each `X.keras` is `model.save(...)` of a Keras 3 model (a zip of `config.json`, "
      "`metadata.json`, `model.weights.h5`); `X.json` holds fixed inputs and Keras's "
      "`model.predict` outputs for them:")
    w("")
    w("```")
    w('{"keras_version", "tensorflow_version", "numpy_version", "python_version", "model", "keras_file",')
    w(' "inputs":  [{"name", "shape" (batch first), "values" (flat, row-major)}, ...],   # model.inputs order')
    w(' "outputs": [{"name", "shape", "values"}, ...]}                                  # model.output_names order')
    w("```")
    w("")
    w("| file | model | how Keras loads it back |")
    w("| --- | --- | --- |")
    for i in infos:
        kw = ", ".join("%s=%s" % (k, "{...}" if k == "custom_objects" else v) for k, v in i["load_kwargs"].items())
        w("| `%s.keras` | %s | `load_model(path%s)`; plain `load_model(path)`: %s |"
          % (i["stem"], i["description"], (", " + kw) if kw else "", i["plain_load"].replace("|", "/")))
    w("")
    w("`custom_objects` names the Python functions: `slice`, `antirectifier`, "
      "`antirectifier_output_shape`. A Python `lambda` needs `safe_mode=False`, because Keras "
      "then runs the bytecode stored in the file.")
    w("")
    w("## How the Lambda layers are written in config.json")
    w("")
    for i in infos:
        for lam in i["lambdas"]:
            c = dict(lam["config"])
            fn = json.loads(json.dumps(c.get("function")))
            if isinstance(fn, dict) and fn.get("class_name") == "__lambda__":
                fn["config"]["code"] = fn["config"]["code"][:24] + "... (base64 of marshal.dumps(code object))"
            shown = {k: c[k] for k in ("name", "function", "output_shape", "arguments") if k in c}
            if isinstance(fn, dict) and "shared_object_id" in fn:
                fn["shared_object_id"] = "<a Python id(), differs per run>"
            shown["function"] = fn
            w("- `%s.keras`, layer `%s`: `%s`" % (i["stem"], c.get("name"), json.dumps(shown)))
    w("")
    w("Notes for a reader of these files:")
    w("")
    w("- A named Python function is written as `{\"module\": \"builtins\", \"class_name\": \"function\", "
      "\"config\": <the function's name>, \"registered_name\": \"function\"}`, even though the "
      "functions were defined in the script's `__main__` module: the file names the function, "
      "nothing more. Keras loads it only through `custom_objects` (or a registered serializable).")
    w("- When the same function object is serialized a second time (the second slice layer), "
      "Keras adds `\"shared_object_id\"`: a CPython `id()`, different on every run; the first "
      "occurrence does not carry it. A reader should ignore it for functions.")
    w("- A Python `lambda` is `{\"class_name\": \"__lambda__\", \"config\": {\"code\": "
      "base64(marshal.dumps(fn.__code__)) with a newline every 76 characters, \"defaults\": null, "
      "\"closure\": null}}`; no name of the function anywhere, only the layer's name (`lambda`).")
    w("- `output_shape` is written as given: a list (batch excluded) or a function reference. "
      "Keras trusts it without checking: in `slice.keras` the Lambda's recorded output tensor is "
      "`[null, 4, 1]` (from `output_shape=(4, 1)`) while `x[:, :, index]` really gives `(batch, 4)`; "
      "the following `Reshape((4, 1, 1))` hides the difference.")
    w("- `arguments` is a plain JSON object (`{\"index\": 0}`); it is `{}` when not given.")
    w("- `model.weights.h5` does not address layers by their names: a layer's weights are at "
      "`layers/<snake_case class name>[_<n>]/vars/<0, 1, ...>`, numbered per class in the order of "
      "`config.json`'s `layers` list (in `two_inputs.keras`: `layers/dense` = `shared_dense`, "
      "`layers/dense_1` = `score_dense`, `layers/dense_2` = `probs`, because the config lists "
      "`score_dense` before `probs`). Each `vars` group carries an HDF5 attribute `name` with the "
      "layer's name, which a reader can cross-check. Dense: `vars/0` kernel (in, out), `vars/1` bias.")
    w("- A shared layer's weights are stored once (`two_inputs.keras`: `shared_dense`). "
      "`antirectifier.keras` also holds the RMSprop state under `optimizer/vars/<n>` "
      "(`0` iterations int64, `1` learning rate, then one velocity per weight) because the model "
      "was compiled; a predicting reader ignores it.")
    w("- The lambda bytecode embeds the absolute path of the script that defined it "
      "(`co_filename`), e.g. `/work/wt-tools-fixtures/tools/keras_import_fixtures.py`.")
    w("")
    for line in OTHER_FIXTURES:
        w(line)
    w("")
    w("## hostile_lambda.keras")
    w("")
    w("`square.keras` with the Lambda layer's `__lambda__` bytecode replaced by that of")
    w("")
    w("```python")
    w('lambda x: (__import__("os").system("touch " + "/tmp/lamina-pwned-marker"), x ** 2)[1]')
    w("```")
    w("")
    w("(everything else unchanged: the layer is still named `lambda`, the weights file is the "
      "same). Checked by the script on every run, in a fresh subprocess and a temporary "
      "directory: `keras.saving.load_model(path, safe_mode=False)` %s — the marker file `%s` "
      "**is created** while loading (Keras calls the function to build the layer), and the script "
      "deleted it afterwards; with the default `safe_mode=True` Keras refuses the file (%s) and "
      "no marker appears. A Java test that loads this file through a Java binding for layer "
      "`lambda` can assert that `%s` never appears. The bytecode is CPython %s marshal data: "
      "other Python versions may fail to load it rather than run it."
      % ("loaded it" if hostile["unsafe"][0].startswith("loaded") else hostile["unsafe"][0],
         MARKER, hostile["safe"][0].split()[-1], MARKER, VERSIONS["python_version"].rsplit(".", 1)[0]))
    w("")
    with open(os.path.join(OUT_DIR, "README.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    if os.path.exists(MARKER):
        sys.exit("%s exists already; remove it first (the hostile-file check relies on it)" % MARKER)
    tf.config.experimental.enable_op_determinism()
    os.makedirs(OUT_DIR, exist_ok=True)
    rng = np.random.default_rng(SEED)
    infos = [
        save_fixture("slice", slice_model, rng, {"custom_objects": {"slice": slice}}),
        save_fixture("square", square_model, rng, {"safe_mode": False}),
        save_fixture("antirectifier", antirectifier_model, rng, {"custom_objects": {
            "antirectifier": antirectifier, "antirectifier_output_shape": antirectifier_output_shape}}),
        save_fixture("two_inputs", two_inputs_model, rng, {}),
    ]
    hostile_path = write_hostile(os.path.join(OUT_DIR, "square.keras"))
    hostile = verify_hostile(hostile_path)
    print("hostile_lambda.keras     safe_mode=True: %s; safe_mode=False: %s (marker deleted)"
          % (hostile["safe"][0], hostile["unsafe"][0]))
    write_readme(infos, hostile)
    for n in sorted(os.listdir(OUT_DIR)):
        print("%8d  %s" % (os.path.getsize(os.path.join(OUT_DIR, n)), n))


if __name__ == "__main__":
    main()
