"""Keras 3 reference values for Lamina's image preprocessing layers (Resizing,
CenterCrop, RandomFlip), for the runtime's tests.

Writes runtime/src/test/resources/keras/image_preprocessing.json in the case
format of tools/keras_layer_fixtures.py (layers.json):

    {"keras_version", "tensorflow_version", "seed",
     "cases": [{"id", "class_name", "config", "inputs": [tensor], "weights": [],
                "outputs": {"inference": [tensor]}}],
     "random_flip_training": [{"id", "layer": {"class_name", "config"},
                "x", "first_call": tensor, "y", "initial", "steps"}]}

    tensor = {"shape", "dtype", "values" (flat, row-major)}

"cases" are layer(x, training=False) on float32 inputs of odd sizes (for
RandomFlip: the identity). "random_flip_training": a fresh RandomFlip(mode,
seed=s) called once as layer(x, training=True) (its first draw, stateless seed
[s, 0] in Keras's TensorFlow backend), and the model Input -> RandomFlip(seed=s)
-> Flatten -> Dense(1) (fixed weights) trained with train_on_batch, SGD(0.1),
mse for three steps: each step's loss and the weights after it. The Dense's
kernel gradient is the flipped batch, so matching the weights means drawing
Keras's flips at each step ([s, k] at step k).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_image_preprocessing_fixtures.py

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

SEED = 20261207
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "image_preprocessing.json",
)


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


CASES = [
    ("bilinear_up", lambda: layers.Resizing(7, 9), (2, 3, 4, 2)),
    ("bilinear_down", lambda: layers.Resizing(3, 5), (2, 7, 8, 3)),
    ("bilinear_mixed", lambda: layers.Resizing(5, 3), (1, 4, 7, 2)),
    ("nearest_up", lambda: layers.Resizing(7, 9, interpolation="nearest"), (2, 3, 4, 2)),
    ("nearest_down", lambda: layers.Resizing(3, 5, interpolation="nearest"), (2, 7, 8, 3)),
    ("crop_to_aspect_ratio", lambda: layers.Resizing(4, 4, crop_to_aspect_ratio=True),
     (2, 5, 9, 2)),
    ("crop_to_aspect_ratio_tall", lambda: layers.Resizing(3, 5, crop_to_aspect_ratio=True,
                                                          interpolation="nearest"),
     (1, 9, 4, 2)),
    ("pad_to_aspect_ratio", lambda: layers.Resizing(4, 4, pad_to_aspect_ratio=True,
                                                    fill_value=0.5), (2, 3, 6, 2)),
    ("pad_to_aspect_ratio_odd", lambda: layers.Resizing(6, 3, pad_to_aspect_ratio=True),
     (1, 5, 5, 2)),
    ("same_size", lambda: layers.Resizing(5, 6), (1, 5, 6, 1)),
    ("crop", lambda: layers.CenterCrop(3, 4), (2, 6, 7, 2)),
    ("crop_odd", lambda: layers.CenterCrop(2, 3), (2, 5, 6, 3)),
    ("same_size", lambda: layers.CenterCrop(4, 5), (1, 4, 5, 2)),
    ("smaller_resizes", lambda: layers.CenterCrop(6, 5), (2, 4, 3, 2)),
    ("one_side_smaller", lambda: layers.CenterCrop(3, 8), (2, 5, 6, 2)),
    ("inference", lambda: layers.RandomFlip(seed=3), (2, 3, 4, 2)),
    ("inference_horizontal", lambda: layers.RandomFlip("horizontal"), (2, 3, 4, 2)),
    # appended: the cases above keep their seeds
    ("bicubic_up", lambda: layers.Resizing(7, 9, interpolation="bicubic"), (2, 3, 4, 2)),
    ("bicubic_down", lambda: layers.Resizing(3, 5, interpolation="bicubic"), (1, 7, 8, 2)),
    ("area_down", lambda: layers.Resizing(3, 5, interpolation="area"), (2, 7, 8, 2)),
    ("area_up", lambda: layers.Resizing(5, 6, interpolation="area"), (1, 3, 4, 2)),
    ("lanczos3_down", lambda: layers.Resizing(3, 5, interpolation="lanczos3"), (1, 7, 8, 2)),
    ("lanczos3_up", lambda: layers.Resizing(7, 9, interpolation="lanczos3"), (1, 3, 4, 2)),
    ("lanczos5_mixed", lambda: layers.Resizing(5, 3, interpolation="lanczos5"), (1, 4, 7, 2)),
]

FLIPS = [
    ("horizontal_and_vertical", "horizontal_and_vertical", 1337),
    ("horizontal", "horizontal", 42),
    ("vertical", "vertical", 7),
]


def flip_training(index, case_id, mode, seed):
    rng = np.random.default_rng(SEED + 100 + index)
    x = rng.normal(size=(8, 3, 4, 2)).astype(np.float32)
    y = rng.normal(size=(8, 1)).astype(np.float32)
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    first = layers.RandomFlip(mode, seed=seed)(x, training=True)
    keras.backend.clear_session()
    inp = keras.Input(shape=(3, 4, 2), name="input")
    flip = layers.RandomFlip(mode, seed=seed, name="random_flip")
    out = layers.Dense(1, name="dense")(layers.Flatten(name="flatten")(flip(inp)))
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
    return {"id": "RandomFlip/training_" + case_id,
            "layer": {"class_name": "RandomFlip", "config": plain(flip.get_config())},
            "x": tensor(x), "first_call": tensor(np.asarray(first)), "y": tensor(y),
            "initial": initial, "steps": steps}


def main():
    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "seed": SEED,
        "cases": [case(i, *c) for i, c in enumerate(CASES)],
        "random_flip_training": [flip_training(i, *f) for i, f in enumerate(FLIPS)],
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print("wrote %s (%d bytes)" % (os.path.normpath(OUT), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
