"""A Keras 3 file with a custom layer class, for the layer registry's test (issue 20, item 1).

Writes keras/src/test/resources/fixtures/custom_layer.keras and custom_layer.json
(the fixed inputs and Keras's predictions, as the other fixtures there).

The model: Input(3) -> Dense(4) -> Scale(offset=0.5) -> Dense(2), where Scale is
a Python class registered with keras.saving.register_keras_serializable under
the package "lamina_test": y = x * kernel + offset, with one trainable weight
`kernel` of shape (features,). Lamina never runs its Python: the Java test
registers a layer type whose Keras class name is "lamina_test>Scale", and the
importer finds it by the file's registered_name.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_custom_layer_fixture.py

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
    main()
