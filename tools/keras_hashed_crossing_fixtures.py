"""Keras 3 reference values for Lamina's HashedCrossing (runtime HashedCrossingTest) and a
small .keras model using it (keras HashedCrossingImportTest).

Writes runtime/src/test/resources/keras/hashed_crossing.json:

    {"keras_version", "tensorflow_version",
     "cases": [{"id", "config", "inputs": [tensor, ...], "output": tensor}]}

with tensor = {"dtype", "shape", "values" (flat, row-major)}; "config" is the layer's
get_config(). Each case is layer(inputs) in eager mode.

And keras/src/test/resources/fixtures/hashed_crossing.{keras,json} (the format of
tools/keras_import_fixtures.py): Inputs a (int32, 1) and b (int64, 1) ->
HashedCrossing(9, one_hot) -> Dense(2), trained 3 epochs in Keras.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_hashed_crossing_fixtures.py
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

import keras_import_fixtures as fx  # noqa: E402
from keras_layer_fixtures import plain  # noqa: E402

SEED = 20270302
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "src",
                   "test", "resources", "keras", "hashed_crossing.json")


def tensor(a):
    a = np.asarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "values": [v.item() for v in a.reshape(-1)]}


def cases():
    rng = np.random.default_rng(SEED)
    big = np.array([[0], [-1], [2**31 - 1], [-(2**31)], [7], [123456]], dtype=np.int32)
    wide = np.array([[2**40], [-(2**62)], [0], [5], [-9], [1]], dtype=np.int64)
    third = rng.integers(-50, 50, size=(6, 1)).astype(np.int32)
    flat_a = rng.integers(0, 20, size=(5,)).astype(np.int32)
    flat_b = rng.integers(0, 20, size=(5,)).astype(np.int32)
    specs = [
        ("int_two_int32_int64", dict(num_bins=5), [big, wide]),
        ("int_three_inputs", dict(num_bins=1000), [big, wide, third]),
        ("int_rank1", dict(num_bins=17), [flat_a, flat_b]),
        ("int_one_bin", dict(num_bins=1), [flat_a, flat_b]),
        ("one_hot_rank2", dict(num_bins=6, output_mode="one_hot"), [big, third]),
        ("one_hot_rank1", dict(num_bins=4, output_mode="one_hot"), [flat_a, flat_b]),
    ]
    out = []
    for case_id, kwargs, inputs in specs:
        layer = layers.HashedCrossing(**kwargs)
        y = np.asarray(layer(inputs))
        out.append({"id": case_id, "config": plain(layer.get_config()),
                    "inputs": [tensor(x) for x in inputs], "output": tensor(y)})
    return out


def import_model(rng):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + 1)
    a = keras.Input((1,), dtype="int32", name="a")
    b = keras.Input((1,), dtype="int64", name="b")
    h = layers.HashedCrossing(9, output_mode="one_hot")([a, b])
    model = keras.Model([a, b], layers.Dense(2)(h))
    xa = rng.integers(0, 30, size=(16, 1)).astype(np.int32)
    xb = rng.integers(-5, 5, size=(16, 1)).astype(np.int64)
    y = rng.normal(size=(16, 2)).astype(np.float32)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit([xa, xb], y, epochs=3, batch_size=8, verbose=0)
    return model, [xa[:6], xb[:6]], ("Inputs a (int32, 1), b (int64, 1) -> "
                                     "HashedCrossing(9, one_hot) -> Dense(2), trained 3 epochs")


def main():
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "cases": cases()}
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    fx.save_fixture("hashed_crossing", import_model, np.random.default_rng(SEED + 2), {})
    # keras_import_fixtures writes every tensor as float32; the int inputs say so (Fixtures.input).
    path = os.path.join(fx.OUT_DIR, "hashed_crossing.json")
    with open(path) as f:
        saved = json.load(f)
    for entry in saved["inputs"]:
        entry["dtype"] = {"a": "int32", "b": "int64"}[entry["name"]]
        entry["values"] = [int(v) for v in entry["values"]]
    with open(path, "w") as f:
        json.dump(saved, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %d cases to %s" % (len(doc["cases"]), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
