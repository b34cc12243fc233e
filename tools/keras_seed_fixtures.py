"""Keras 3 fixtures for Lamina's seed stream (issue 20, item 2): random layers
with a seed of their own draw what Keras draws.

Writes runtime/src/test/resources/keras/seeded.json: for each case a model
Input(shape) -> Dense(units) (fixed weights, on the last axis) -> <random
layer, seeded> -> Dense(1) (fixed weights), a fixed batch of 4, and for three
`train_on_batch` steps with SGD(0.05) and mse the loss each step returned and
every weight after the step. The input's rank is the random layer's: 3-D for
SpatialDropout1D, 4-D for SpatialDropout2D, 5-D for SpatialDropout3D, so that
the Dense acts on the channels. Keras's TensorFlow backend draws step k of a
layer with seed s from the stateless seed [s, k] (its SeedGenerator counts its
draws from 0); matching the weights means Lamina drew the same masks (or
noise).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_seed_fixtures.py
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import keras
from keras import layers

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "seeded.json",
)

# name -> (the random layer, the input's shape per sample, the first Dense's units)
CASES = {
    "dropout": (lambda: layers.Dropout(0.5, seed=1337, name="random"), (6,), 5),
    "spatial_dropout_1d": (
        lambda: layers.SpatialDropout1D(0.4, seed=1337, name="random"), (3, 4), 5),
    "spatial_dropout_2d": (
        lambda: layers.SpatialDropout2D(0.5, seed=42, name="random"), (3, 2, 4), 5),
    "spatial_dropout_3d": (
        lambda: layers.SpatialDropout3D(0.5, seed=7, name="random"), (2, 2, 3, 3), 4),
    "gaussian_noise": (
        lambda: layers.GaussianNoise(0.3, seed=1337, name="random"), (6,), 5),
    "gaussian_noise_3d": (
        lambda: layers.GaussianNoise(0.8, seed=21, name="random"), (3, 4), 5),
    "gaussian_dropout": (
        lambda: layers.GaussianDropout(0.4, seed=99, name="random"), (6,), 5),
    # Keras's TensorFlow backend takes a seed modulo 2^31 - 2: one past int32
    "gaussian_dropout_big_seed": (
        lambda: layers.GaussianDropout(0.2, seed=2**33 + 17, name="random"), (6,), 5),
    "alpha_dropout": (
        lambda: layers.AlphaDropout(0.3, seed=5, name="random"), (6,), 5),
    "alpha_dropout_noise_shape": (
        lambda: layers.AlphaDropout(0.5, noise_shape=(None, 1, 5), seed=11, name="random"),
        (3, 4), 5),
}


def case(name, spec):
    make, shape, units = spec
    keras.utils.set_random_seed(5)
    rng = np.random.default_rng(11)
    x = rng.normal(size=(4,) + shape).astype("float32")
    y = rng.normal(size=(4,) + shape[:-1] + (1,)).astype("float32")
    inp = keras.Input(shape=shape, name="input")
    h = layers.Dense(units, name="dense")(inp)
    h = make()(h)
    out = layers.Dense(1, name="dense_1")(h)
    model = keras.Model(inp, out)
    model.set_weights([(0.5 * rng.normal(size=w.shape)).astype("float32")
                       for w in model.get_weights()])
    initial = [{"shape": list(w.shape), "values": w.reshape(-1).tolist()}
               for w in model.get_weights()]
    model.compile(keras.optimizers.SGD(0.05), "mse")
    steps = []
    for _ in range(3):
        loss = model.train_on_batch(x, y)
        steps.append({"loss": float(loss),
                      "weights": [w.reshape(-1).tolist() for w in model.get_weights()]})
    random = model.get_layer("random")
    return {"layer": {"class_name": type(random).__name__, "config": random.get_config()},
            "x": x.tolist(), "y": y.tolist(), "initial": initial, "steps": steps}


def main():
    doc = {"keras_version": keras.__version__,
           "cases": {name: case(name, spec) for name, spec in CASES.items()}}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
