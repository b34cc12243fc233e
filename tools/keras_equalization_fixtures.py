"""Keras 3 reference values for Lamina's Equalization (runtime EqualizationTest).

Writes runtime/src/test/resources/keras/equalization.json:

    {"keras_version", "tensorflow_version",
     "cases": [{"id", "config", "x": tensor, "training": tensor, "inference": tensor}],
     "fits": [{"id", "config", "x", "y", "equalized", "initial", "steps"}]}

with tensor = {"dtype", "shape", "values" (flat, row-major)}. "training" is
layer(x, training=True), "inference" layer(x, training=False) (Keras's
transform_images returns the images unchanged then).

"fits": Keras 3.15.1 cannot build a functional or Sequential model holding
Equalization (its compute_output_spec returns the input tensor itself, which
Keras's graph builder calls a cycle), so there is no Keras fit through the layer
to record. Each fit case trains Keras's Flatten -> Dense(1) (SGD 0.1, mse, three
train_on_batch steps) on "equalized" = layer(x, training=True): what a fit of
Equalization -> Flatten -> Dense(1) computes, the layer having no weights and no
randomness. Lamina trains Input -> Equalization -> Flatten -> Dense(1) on x and
must take the same steps.

And keras/src/test/resources/fixtures/equalization.{keras,json} (the format of
tools/keras_import_fixtures.py): a Sequential Input (6, 5, 3) -> Equalization(
value_range=(0, 1), bins=64) -> Flatten -> Dense(2), fitted 2 epochs in Keras
(Sequential models run, fit and save with the layer) and its predictions
(Equalization passes the images through in inference). Keras 3.15.1 itself
cannot load this file back (the same cycle error), so it is written without
tools/keras_import_fixtures.py's reload check.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_equalization_fixtures.py
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

from keras_layer_fixtures import plain  # noqa: E402
import keras_import_fixtures as fx  # noqa: E402

SEED = 20270303
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "src",
                   "test", "resources", "keras", "equalization.json")


def tensor(a):
    a = np.asarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "values": [v.item() for v in a.reshape(-1)]}


def images():
    rng = np.random.default_rng(SEED)
    skewed = (rng.beta(2, 8, size=(2, 6, 5, 3)) * 255).astype(np.float32)
    ints = rng.integers(0, 256, size=(3, 4, 4, 1)).astype(np.float32)
    outside = rng.uniform(-40, 300, size=(2, 5, 5, 2)).astype(np.float32)
    unit = rng.uniform(0, 1, size=(2, 4, 6, 3)).astype(np.float32)
    signed = rng.uniform(-1, 1, size=(1, 7, 7, 1)).astype(np.float32)
    constant = np.stack([np.full((2, 3, 3), 17.0), rng.integers(0, 9, size=(2, 3, 3)) * 30.0],
                        axis=-1).astype(np.float32)  # channel 0 one bin: kept
    two = np.where(rng.uniform(size=(2, 4, 4, 1)) < 0.5, 10.0, 200.0).astype(np.float32)
    return [
        ("defaults_skewed_rgb", {}, skewed),
        ("defaults_integers", {}, ints),
        ("outside_range", {}, outside),
        ("unit_range_bins_64", {"value_range": (0, 1), "bins": 64}, unit),
        ("signed_range_reversed", {"value_range": (1, -1), "bins": 32}, signed),
        ("one_bin_channel_kept", {}, constant),
        ("two_values", {"bins": 16}, two),
        ("bins_one", {"bins": 1}, ints),
    ]


def fit_case(case_id, kwargs, x, index):
    layer = layers.Equalization(**kwargs)
    equalized = np.asarray(layer(x, training=True))
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + index)
    rng = np.random.default_rng(SEED + 100 + index)
    model = keras.Sequential([keras.Input(x.shape[1:]), layers.Flatten(),
                              layers.Dense(1, name="dense")])
    initial = [(0.01 * rng.normal(size=w.shape)).astype(np.float32)
               for w in model.get_weights()]
    model.set_weights(initial)
    y = rng.normal(size=(x.shape[0], 1)).astype(np.float32)
    model.compile(optimizer=keras.optimizers.SGD(0.1 / 255.0 ** 2), loss="mse")
    steps = []
    for _ in range(3):
        loss = model.train_on_batch(equalized, y)
        steps.append({"loss": float(np.float32(loss)),
                      "weights": [tensor(w) for w in model.get_weights()]})
    return {"id": case_id, "config": plain(layer.get_config()), "x": tensor(x),
            "y": tensor(y), "equalized": tensor(equalized),
            "learning_rate": 0.1 / 255.0 ** 2,
            "initial": [tensor(w) for w in initial], "steps": steps}


def write_import_fixture():
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + 50)
    rng = np.random.default_rng(SEED + 51)
    model = keras.Sequential([keras.Input((6, 5, 3), name="images"),
                              layers.Equalization(value_range=(0, 1), bins=64),
                              layers.Flatten(), layers.Dense(2)])
    x = rng.uniform(0, 1, size=(8, 6, 5, 3)).astype(np.float32)
    y = rng.normal(size=(8, 2)).astype(np.float32)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, shuffle=False)
    out = model.predict(x[:4], verbose=0)
    model.save(os.path.join(fx.OUT_DIR, "equalization.keras"))
    doc = dict(fx.VERSIONS)
    doc["model"] = ("Sequential Input images (6, 5, 3) -> Equalization(value_range=(0, 1), "
                    "bins=64) -> Flatten -> Dense(2), fitted 2 epochs")
    doc["keras_file"] = "equalization.keras"
    doc["inputs"] = fx.tensor_entries(["images"], [x[:4]])
    doc["outputs"] = fx.tensor_entries(["dense"], [out])
    with open(os.path.join(fx.OUT_DIR, "equalization.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


def main():
    cases = []
    fits = []
    for i, (case_id, kwargs, x) in enumerate(images()):
        layer = layers.Equalization(**kwargs)
        cases.append({"id": case_id, "config": plain(layer.get_config()), "x": tensor(x),
                      "training": tensor(np.asarray(layer(x, training=True))),
                      "inference": tensor(np.asarray(layer(x, training=False)))})
        fits.append(fit_case(case_id, kwargs, x, i))
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "cases": cases, "fits": fits}
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    write_import_fixture()
    print("wrote %d cases, %d fits to %s" % (len(cases), len(fits), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
