"""Keras 3 fixtures for Lamina's seed stream (issue 20, item 2): random layers
with a seed of their own draw what Keras draws.

Writes runtime/src/test/resources/keras/seeded.json: for each case a model
Input -> Dense (fixed weights) -> <random layer, seeded> -> Dense(1) (fixed
weights), a fixed batch, and for three `train_on_batch` steps with SGD(0.05)
and mse the loss each step returned and every weight after the step. Keras's
TensorFlow backend draws step k of a layer with seed s from the stateless
seed [s, k] (its SeedGenerator counts its draws from 0); matching the weights
means Lamina drew the same masks.

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

# name -> the random layer, applied to the (batch, 5) output of the first Dense
CASES = {
    "dropout": lambda: layers.Dropout(0.5, seed=1337, name="random"),
}


def case(name, make):
    keras.utils.set_random_seed(5)
    rng = np.random.default_rng(11)
    x = rng.normal(size=(4, 6)).astype("float32")
    y = rng.normal(size=(4, 1)).astype("float32")
    inp = keras.Input(shape=(6,), name="input")
    h = layers.Dense(5, name="dense")(inp)
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
           "cases": {name: case(name, make) for name, make in CASES.items()}}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
