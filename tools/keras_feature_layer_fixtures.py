"""Keras 3 reference values for Lamina's CategoryEncoding, Discretization and
Hashing (runtime FeatureLayersTest), and a small .keras tabular model using
them (keras FeatureLayersImportTest).

Writes runtime/src/test/resources/keras/feature_layers.json:

    {"keras_version", "tensorflow_version",
     "cases": [{"id", "class_name", "config", "input": tensor, "output": tensor}],
     "adapt": [{"id", "config", "data": tensor, "bin_boundaries": [...]}]}

with tensor = {"dtype", "shape", "values" (flat, row-major)}; "config" is the
layer's get_config(). Each case is layer(input) in eager mode. "adapt" is
Discretization(**config).adapt(data) on one NumPy array and the boundaries
Keras found.

And keras/src/test/resources/fixtures/feature_layers.{keras,json} (the format
of tools/keras_import_fixtures.py): Inputs cat (int32, 1), tokens (int32, 3)
and num (float32, 2) -> Hashing(10, salt=5) -> Embedding(10, 2) -> Flatten,
Hashing(7, mask_value=0, one_hot),
CategoryEncoding(6, count), Discretization(num_bins=4, adapted, multi_hot)
-> Concatenate -> Dense(3, softmax), trained 3 epochs in Keras.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_feature_layer_fixtures.py

Deterministic: inputs from NumPy generators with fixed seeds.
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

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "src",
                   "test", "resources", "keras", "feature_layers.json")


def tensor(a):
    a = np.asarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "values": [v.item() for v in a.reshape(-1)]}


def cases():
    tok2 = np.array([[0, 1, 3], [2, 2, 2], [3, 0, 7], [1, 9, 1]], dtype=np.int32)  # 7, 9 >= 4
    tok1 = np.array([[3], [0], [5], [-1], [2]], dtype=np.int64)  # out of range both sides
    vec = np.array([2, 0, 1, 1, 6], dtype=np.int32)
    x = np.array([[-1.5, -0.5, 0.0], [0.25, 0.5, 1.0], [1.5, 2.0, 9.0]], dtype=np.float32)
    x1 = np.array([[-2.0], [0.0], [0.5], [3.0]], dtype=np.float32)
    ints = np.array([[0, 1, 2], [42, -7, 0], [123456789, 5, 1]], dtype=np.int64)
    ints1 = np.array([[0], [1], [42], [-7], [99]], dtype=np.int32)
    out = []
    for mode in ("one_hot", "multi_hot", "count"):
        for name, t in (("rank2", tok2 if mode != "one_hot" else tok1.astype(np.int32)),
                        ("rank1", vec), ("col", tok1 if mode == "one_hot" else tok1[tok1 >= 0].reshape(-1, 1))):
            out.append((f"category_{mode}_{name}", layers.CategoryEncoding(4 if mode != "one_hot" or name != "rank1" else 7, output_mode=mode), t))
    out.append(("category_one_hot_rank2_many", layers.CategoryEncoding(4, output_mode="one_hot"), tok2))
    for mode in ("int", "one_hot", "multi_hot", "count"):
        out.append((f"discretization_{mode}",
                    layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.5, 2.0], output_mode=mode),
                    x1 if mode == "one_hot" else x))
    out.append(("discretization_int_col", layers.Discretization(bin_boundaries=[0.1, 0.3]), x1))
    for mode in ("int", "one_hot", "multi_hot", "count"):
        t = ints1 if mode == "one_hot" else ints
        out.append((f"hashing_{mode}", layers.Hashing(5, output_mode=mode), t))
        out.append((f"hashing_{mode}_mask", layers.Hashing(5, mask_value=0, output_mode=mode), t))
    out.append(("hashing_salt_pair", layers.Hashing(11, salt=[133, 137]), ints))
    out.append(("hashing_salt_one", layers.Hashing(11, salt=133, mask_value=42), ints))
    out.append(("hashing_one_bin_mask", layers.Hashing(1, mask_value=0), ints))
    out.append(("hashing_int32", layers.Hashing(1000), ints1))
    return out


def adapt_cases():
    rng = np.random.default_rng(20261207)
    out = []
    for cid, config, data in (
            ("normal_4", {"num_bins": 4}, rng.normal(size=(50, 2))),
            ("normal_10_many", {"num_bins": 10}, rng.normal(size=(1000, 3)) * 5),
            ("uniform_3_eps", {"num_bins": 3, "epsilon": 0.05}, rng.uniform(-1, 1, size=(37,))),
            ("ties_5", {"num_bins": 5}, rng.integers(0, 4, size=(300, 1))),
            ("small_4", {"num_bins": 4}, np.array([[3.0], [1.0], [2.0]])),
            ("exp_7", {"num_bins": 7, "epsilon": 0.001}, rng.exponential(size=(5000,)))):
        data = data.astype(np.float32)
        layer = layers.Discretization(**config)
        layer.adapt(data)
        out.append({"id": cid, "config": layer.get_config(), "data": tensor(data),
                    "bin_boundaries": list(layer.bin_boundaries)})
    return out


def feature_model(rng):
    n = 240
    cat = rng.integers(0, 20, size=(n, 1)).astype(np.int32)
    tokens = rng.integers(0, 6, size=(n, 3)).astype(np.int32)
    num = rng.normal(size=(n, 2)).astype(np.float32)
    y = ((cat[:, 0] % 3) + (num[:, 0] > 0)).astype(np.int32) % 3

    disc = layers.Discretization(num_bins=4, output_mode="multi_hot", name="bins")
    disc.adapt(num)
    i_cat = keras.Input(shape=(1,), dtype="int32", name="cat")
    i_tok = keras.Input(shape=(3,), dtype="int32", name="tokens")
    i_num = keras.Input(shape=(2,), name="num")
    embedded = layers.Embedding(10, 2, name="embed")(
        layers.Hashing(10, salt=5, name="hash_int")(i_cat))  # int64 bins, dtype policy int64
    h = layers.Concatenate(name="features")([
        layers.Flatten(name="flat")(embedded),
        layers.Hashing(7, mask_value=0, output_mode="one_hot", name="hash")(i_cat),
        layers.CategoryEncoding(6, output_mode="count", name="counts")(i_tok),
        disc(i_num)])
    out = layers.Dense(3, activation="softmax", name="probs")(h)
    model = keras.Model([i_cat, i_tok, i_num], out, name="feature_layers")
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    model.fit([cat, tokens, num], y, batch_size=40, epochs=3, shuffle=False, verbose=0)
    xs = [np.array([[0], [3], [17], [5]], dtype=np.int32),
          np.array([[0, 0, 1], [5, 5, 5], [2, 3, 4], [1, 0, 0]], dtype=np.int32),
          np.array([[-1.0, 0.3], [0.0, 0.0], [2.0, -0.7], [0.1, 1.5]], dtype=np.float32)]
    return model, xs, ("Inputs cat (int32, 1), tokens (int32, 3), num (float32, 2) -> "
                       "Hashing(10, salt=5) -> Embedding(10, 2) -> Flatten, "
                       "Hashing(7, mask_value=0, one_hot), CategoryEncoding(6, count), "
                       "Discretization(num_bins=4, adapted on 240 rows, multi_hot) -> "
                       "Concatenate -> Dense(3, softmax); Adam(0.05), 3 epochs, batch 40")


def main():
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "cases": [], "adapt": adapt_cases()}
    for cid, layer, x in cases():
        y = np.asarray(layer(x))
        doc["cases"].append({"id": cid, "class_name": type(layer).__name__,
                             "config": layer.get_config(), "input": tensor(x),
                             "output": tensor(y)})
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(len(doc["cases"]), "cases,", len(doc["adapt"]), "adapt cases")
    fx.save_fixture("feature_layers", feature_model, np.random.default_rng(20261208), {})
    # keras_import_fixtures writes every tensor as float32; the int inputs say so (Fixtures.input).
    path = os.path.join(fx.OUT_DIR, "feature_layers.json")
    with open(path) as f:
        saved = json.load(f)
    for entry in saved["inputs"]:
        if entry["name"] in ("cat", "tokens"):
            entry["dtype"] = "int32"
            entry["values"] = [int(v) for v in entry["values"]]
    with open(path, "w") as f:
        json.dump(saved, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
