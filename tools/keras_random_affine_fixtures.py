"""Keras 3 reference values for Lamina's RandomRotation, RandomZoom and
RandomTranslation (the affine image augmentation layers), for the runtime's
tests (RandomAffineLayersTest).

Writes runtime/src/test/resources/keras/random_affine.json in the format of
tools/keras_image_preprocessing_fixtures.py:

    {"keras_version", "tensorflow_version", "seed",
     "cases": [{"id", "class_name", "config", "inputs": [tensor], "weights": [],
                "outputs": {"inference": [tensor]}}],
     "training": [{"id", "layer": {"class_name", "config"},
                   "x", "first_call": tensor, "y", "initial", "steps"}]}

"cases" are layer(x, training=False): the identity. "training": a fresh layer
with seed=s called once as layer(x, training=True) (its first draws: stateless
seeds [s, 0] (and [s, 1] for a second draw) in Keras's TensorFlow backend), and
the model Input(5, 7, 2) -> layer(seed=s) -> Flatten -> Dense(1) (fixed
weights) trained with train_on_batch, SGD(0.1), mse for three steps: each
step's loss and the weights after it. The Dense's kernel gradient is the
transformed batch, so matching the weights means transforming as Keras does
at each step (seeds [s, k] for one draw a step, [s, 2k] and [s, 2k + 1] for
two). Images are 5 x 7 (not square); the cases cover the four fill modes and
both interpolations.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_random_affine_fixtures.py

Deterministic: every input comes from a NumPy generator with a fixed seed; two
runs write the same bytes.
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import keras
from keras import layers
from keras_layer_fixtures import tensor, plain  # the same encoding as layers.json

SEED = 20261208
SHAPE = (5, 7, 2)
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "random_affine.json",
)

CASES = [
    ("inference", lambda: layers.RandomRotation(0.2, seed=3), (2, 5, 7, 2)),
    ("inference", lambda: layers.RandomZoom(0.2, (-0.1, 0.3), seed=3), (2, 5, 7, 2)),
    ("inference", lambda: layers.RandomTranslation(0.2, 0.1, seed=3), (2, 5, 7, 2)),
]

TRAINING = [
    ("bilinear_reflect", lambda s: layers.RandomRotation(0.2, seed=s, name="aug"), 1337),
    ("nearest_constant", lambda s: layers.RandomRotation(
        (-0.1, 0.3), fill_mode="constant", interpolation="nearest", fill_value=0.5,
        seed=s, name="aug"), 42),
    ("bilinear_wrap", lambda s: layers.RandomRotation(
        0.25, fill_mode="wrap", seed=s, name="aug"), 7),
    ("bilinear_nearest", lambda s: layers.RandomRotation(
        0.15, fill_mode="nearest", seed=s, name="aug"), 11),
    ("bilinear_reflect", lambda s: layers.RandomZoom(0.3, seed=s, name="aug"), 5),
    ("nearest_constant", lambda s: layers.RandomZoom(
        (-0.2, 0.3), (0.1, 0.4), fill_mode="constant", interpolation="nearest",
        fill_value=-1.0, seed=s, name="aug"), 9),
    ("bilinear_wrap", lambda s: layers.RandomZoom(
        0.2, 0.3, fill_mode="wrap", seed=s, name="aug"), 13),
    ("bilinear_reflect", lambda s: layers.RandomTranslation(0.2, 0.3, seed=s, name="aug"), 3),
    ("nearest_constant", lambda s: layers.RandomTranslation(
        (-0.1, 0.3), 0.2, fill_mode="constant", interpolation="nearest", fill_value=0.25,
        seed=s, name="aug"), 17),
    ("bilinear_nearest", lambda s: layers.RandomTranslation(
        0.3, (-0.2, 0.1), fill_mode="nearest", seed=s, name="aug"), 19),
]


def case(index, case_id, make, shape):
    keras.backend.clear_session()
    x = np.random.default_rng(SEED + index).normal(size=shape).astype(np.float32)
    layer = make()
    y = layer(x, training=False)
    return {
        "id": "%s/%s" % (layer.__class__.__name__, case_id),
        "class_name": layer.__class__.__name__,
        "config": plain(layer.get_config()),
        "inputs": [tensor(x)],
        "weights": [],
        "outputs": {"inference": [tensor(np.asarray(y))]},
    }


def training(index, case_id, make, seed):
    rng = np.random.default_rng(SEED + 100 + index)
    x = rng.normal(size=(4,) + SHAPE).astype(np.float32)
    y = rng.normal(size=(4, 1)).astype(np.float32)
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    first = make(seed)(x, training=True)
    keras.backend.clear_session()
    inp = keras.Input(shape=SHAPE, name="input")
    aug = make(seed)
    out = layers.Dense(1, name="dense")(layers.Flatten(name="flatten")(aug(inp)))
    model = keras.Model(inp, out)
    model.set_weights([(0.3 * rng.normal(size=w.shape)).astype("float32")
                       for w in model.get_weights()])
    initial = [{"shape": list(w.shape), "values": w.reshape(-1).tolist()}
               for w in model.get_weights()]
    model.compile(keras.optimizers.SGD(0.1), "mse")
    steps = []
    for _ in range(3):
        loss = model.train_on_batch(x, y)
        steps.append({"loss": float(loss),
                      "weights": [w.reshape(-1).tolist() for w in model.get_weights()]})
    name = aug.__class__.__name__
    return {"id": name + "/training_" + case_id,
            "layer": {"class_name": name, "config": plain(aug.get_config())},
            "x": tensor(x), "first_call": tensor(np.asarray(first)), "y": tensor(y),
            "initial": initial, "steps": steps}


def main():
    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "seed": SEED,
        "cases": [case(i, *c) for i, c in enumerate(CASES)],
        "training": [training(i, *t) for i, t in enumerate(TRAINING)],
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print("wrote %s (%d bytes)" % (os.path.normpath(OUT), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
