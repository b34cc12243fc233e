"""Keras 3 reference values for Lamina's SpectralNormalization (runtime
SpectralNormalizationTest) and a small .keras model using it (keras
SpectralNormalizationImportTest).

Writes runtime/src/test/resources/keras/spectral_normalization.json:

    {"keras_version", "tensorflow_version",
     "inference": [{"id", "config", "weights", "x", "output"}],
     "training": [...]}  # the format of layers.json's "training"

Weights are listed in Lamina's order: the wrapped layer's weights, then
vector_u (Keras's model.weights puts vector_u right after the kernel); each
entry keeps Keras's name and path. "inference" is model.predict (training
False: the kernel as it is). "training" is three train_on_batch steps.

And keras/src/test/resources/fixtures/spectral_normalization.{keras,json}
(the format of tools/keras_import_fixtures.py): Input (6,) ->
SpectralNormalization(Dense(4, tanh), power_iterations=2) -> Dense(2),
trained 3 steps in Keras (so the saved kernel is no longer its first value).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_spectral_normalization_fixtures.py
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

from keras_layer_fixtures import tensor, plain, optimizer_config, values_of  # noqa: E402
import keras_import_fixtures as fx  # noqa: E402

SEED = 20270301
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "src",
                   "test", "resources", "keras", "spectral_normalization.json")


def lamina_order(model):
    out = []
    for layer in model.layers:
        if isinstance(layer, layers.SpectralNormalization):
            out.extend(layer.layer.weights)
            out.append(layer.vector_u)
        else:
            out.extend(layer.weights)
    return out


def entries(model):
    return [{"name": v.name, "path": v.path, "shape": list(v.shape),
             "dtype": str(v.dtype), "trainable": bool(v.trainable),
             "values": values_of(np.asarray(v))} for v in lamina_order(model)]


def dense_model():
    inp = keras.Input((5,))
    return keras.Model(inp, layers.SpectralNormalization(layers.Dense(3))(inp))


def conv_model():
    inp = keras.Input((5, 5, 2))
    h = layers.SpectralNormalization(layers.Conv2D(3, 2, activation="relu"),
                                     power_iterations=2)(inp)
    return keras.Model(inp, layers.Dense(3)(layers.Flatten()(h)))


MODELS = [("dense", "Input(5) -> SpectralNormalization(Dense(3))", dense_model, (5,)),
          ("conv2d", "Input(5,5,2) -> SpectralNormalization(Conv2D(3, 2, relu), "
           "power_iterations=2) -> Flatten -> Dense(3)", conv_model, (5, 5, 2))]


def training_case(index, model_id, description, build, shape, make_opt):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + index)
    rng = np.random.default_rng(SEED + index)
    x = rng.normal(size=(4,) + shape).astype(np.float32)
    y = rng.normal(size=(4, 3)).astype(np.float32)
    model = build()
    initial = entries(model)
    pred_before = model.predict(x, batch_size=4, verbose=0)
    opt = make_opt()
    model.compile(optimizer=opt, loss="mse", jit_compile=False)
    steps = []
    for _ in range(3):
        returned = model.train_on_batch(x, y)
        steps.append({"returned_loss": float(np.float32(np.asarray(returned).reshape(-1)[0])),
                      "weights": entries(model)})
    pred = model.predict(x, batch_size=4, verbose=0)
    sn = [l for l in model.layers if isinstance(l, layers.SpectralNormalization)][0]
    return {"id": "%s/%s" % (model_id, type(opt).__name__), "model": description,
            "optimizer": optimizer_config(opt), "loss": "mse",
            "x": tensor(x), "y": tensor(y), "layer_config": plain(sn.get_config()),
            "initial_weights": initial, "predict_before": tensor(pred_before),
            "steps": steps, "predict_after": tensor(pred)}


def import_model(rng):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + 50)
    inp = keras.Input((6,), name="x")
    h = layers.SpectralNormalization(layers.Dense(4, activation="tanh"),
                                     power_iterations=2)(inp)
    model = keras.Model(inp, layers.Dense(2)(h))
    x = rng.normal(size=(8, 6)).astype(np.float32)
    y = rng.normal(size=(8, 2)).astype(np.float32)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    for _ in range(3):
        model.train_on_batch(x, y)
    return model, [x], ("Input x (6,) -> SpectralNormalization(Dense(4, tanh), "
                        "power_iterations=2) -> Dense(2), trained 3 steps")


def main():
    training = []
    for i, (mid, desc, build, shape) in enumerate(MODELS):
        for j, make_opt in enumerate((lambda: keras.optimizers.SGD(learning_rate=0.1),
                                      lambda: keras.optimizers.Adam(learning_rate=0.01))):
            training.append(training_case(2 * i + j, mid, desc, build, shape, make_opt))
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "seed": SEED, "training": training}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    fx.save_fixture("spectral_normalization", import_model,
                    np.random.default_rng(SEED + 60), {})
    print("wrote %d training runs to %s" % (len(training), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
