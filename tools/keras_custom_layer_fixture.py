"""Keras 3 files with custom layer classes, for the layer registry's tests (issue 20).

Writes keras/src/test/resources/fixtures/custom_layer.keras and custom_layer.json
(the fixed inputs and Keras's predictions, as the other fixtures there), and
multi_output.keras / multi_output.json (a custom layer whose call returns two
tensors: Keras's inbound nodes then name them by tensor_index).

The model: Input(3) -> Dense(4) -> Scale(offset=0.5) -> Dense(2), where Scale is
a Python class registered with keras.saving.register_keras_serializable under
the package "lamina_test": y = x * kernel + offset, with one trainable weight
`kernel` of shape (features,). Lamina never runs its Python: the Java test
registers a layer type whose Keras class name is "lamina_test>Scale", and the
importer finds it by the file's registered_name.

The second model: Input(4) -> SplitHalves (lamina_test>SplitHalves, no weights:
[x[:, :2], x[:, 2:]]); the first half -> Dense(2); Add of that and the second
half; the model outputs [add, first half].

Run by hand from the repository root (never by CI), both or one of them:

    /work/venv/bin/python tools/keras_custom_layer_fixture.py [scale|multi_output]

Deterministic weights and values (seeded); the .keras zip's bytes differ per run
because Keras writes the save date into metadata.json.
"""

import json
import os
import platform

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import keras
from keras import layers

OUT_DIR = os.path.join("keras", "src", "test", "resources", "fixtures")


@keras.saving.register_keras_serializable(package="lamina_test")
class Scale(layers.Layer):
    """x * kernel + offset, the kernel one value per feature."""

    def __init__(self, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.offset = offset

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1],),
                                      initializer="ones", trainable=True)

    def call(self, x):
        return x * self.kernel + self.offset

    def get_config(self):
        return {**super().get_config(), "offset": self.offset}


@keras.saving.register_keras_serializable(package="lamina_test")
class SplitHalves(layers.Layer):
    """The two halves of the last axis: a layer whose call gives two outputs."""

    def call(self, x):
        half = x.shape[-1] // 2
        return [x[..., :half], x[..., half:]]

    def compute_output_shape(self, input_shape):
        half = input_shape[-1] // 2
        return [(*input_shape[:-1], half), (*input_shape[:-1], input_shape[-1] - half)]


def tensor_doc(name, values):
    return {"name": name, "shape": list(values.shape),
            "values": [float(v) for v in values.reshape(-1)]}


def multi_output():
    keras.utils.set_random_seed(2027)
    rng = np.random.default_rng(2027)
    inp = keras.Input(shape=(4,), name="input")
    first, second = SplitHalves(name="split")(inp)
    dense = layers.Dense(2, name="dense")(first)
    out = layers.Add(name="add")([dense, second])
    model = keras.Model(inp, [out, first])
    model.set_weights([(0.5 * rng.normal(size=w.shape)).astype(np.float32)
                       for w in model.get_weights()])
    x = rng.normal(size=(3, 4)).astype(np.float32)
    ys = model.predict(x, verbose=0)
    path = os.path.join(OUT_DIR, "multi_output.keras")
    model.save(path)
    again = keras.saving.load_model(path).predict(x, verbose=0)
    for y, y2 in zip(ys, again):
        np.testing.assert_allclose(y, y2, rtol=1e-6, atol=1e-7)
    doc = {
        "keras_version": keras.__version__, "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__, "python_version": platform.python_version(),
        "model": "Input(4) -> SplitHalves (lamina_test>SplitHalves, two outputs); the first "
                 "half -> Dense(2); Add(dense, second half); outputs [add, first half]",
        "keras_file": "multi_output.keras",
        "inputs": [tensor_doc("input", x)],
        "outputs": [tensor_doc("add", ys[0]), tensor_doc("split", ys[1])],
    }
    with open(os.path.join(OUT_DIR, "multi_output.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("multi_output.keras: reload ok")


def main():
    keras.utils.set_random_seed(2026)
    rng = np.random.default_rng(2026)
    inp = keras.Input(shape=(3,), name="input")
    h = layers.Dense(4, name="dense")(inp)
    h = Scale(offset=0.5, name="scale")(h)
    out = layers.Dense(2, name="dense_1")(h)
    model = keras.Model(inp, out)
    model.set_weights([(0.5 * rng.normal(size=w.shape)).astype(np.float32)
                       for w in model.get_weights()])
    model.get_layer("scale").set_weights([np.array([1.5, -2.0, 0.25, 3.0], np.float32)])
    x = rng.normal(size=(3, 3)).astype(np.float32)
    y = model.predict(x, verbose=0)
    path = os.path.join(OUT_DIR, "custom_layer.keras")
    model.save(path)
    again = keras.saving.load_model(path).predict(x, verbose=0)
    np.testing.assert_allclose(y, again, rtol=1e-6, atol=1e-7)
    doc = {
        "keras_version": keras.__version__, "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__, "python_version": platform.python_version(),
        "model": "Input(3) -> Dense(4) -> Scale(offset=0.5), a custom class registered as "
                 "lamina_test>Scale with kernel [1.5, -2, 0.25, 3] -> Dense(2)",
        "keras_file": "custom_layer.keras",
        "inputs": [{"name": "input", "shape": list(x.shape),
                    "values": [float(v) for v in x.reshape(-1)]}],
        "outputs": [{"name": "dense_1", "shape": list(y.shape),
                     "values": [float(v) for v in y.reshape(-1)]}],
    }
    with open(os.path.join(OUT_DIR, "custom_layer.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("custom_layer.keras: reload ok")


if __name__ == "__main__":
    import sys
    which = sys.argv[1:] or ["scale", "multi_output"]
    if "scale" in which:
        main()
    if "multi_output" in which:
        multi_output()
