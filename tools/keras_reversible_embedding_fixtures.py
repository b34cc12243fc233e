"""Keras 3 reference values for Lamina's ReversibleEmbedding.

Writes runtime/src/test/resources/keras/reversible_embedding.json in the format of
tools/keras_attention_fixtures.py (whose helpers it uses): forward "cases" (inputs a list of
one tensor, "call" the reverse option), and "training": three train_on_batch steps of
Input(5, int32) -> ReversibleEmbedding(12, 4) -> Dense(4, tanh) -> the same layer with
reverse=True (tied: SGD and Adam; untied with logit_soft_cap=3: SGD), loss mse.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_reversible_embedding_fixtures.py
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras_attention_fixtures as base  # noqa: E402  (sets the backend before keras loads)

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "src",
                   "test", "resources", "keras", "reversible_embedding.json")
normal = base.normal


def case(case_id, make, x, reverse):
    base.fresh()
    layer = make()
    layer.build(None)
    layer.set_weights(base.random_weights(layer))
    weights = base.weight_entries(layer)
    out = layer(tf.constant(x), reverse=reverse) if reverse else layer(tf.constant(x))
    return {"id": case_id, "class_name": "ReversibleEmbedding",
            "config": base.plain(layer.get_config()),
            "call": {"reverse": True} if reverse else {}, "inputs": [base.tensor(x)],
            "weights": weights, "outputs": [base.tensor(np.asarray(out))],
            "output_mask": base.opt_tensor(keras.src.backend.get_keras_mask(out))}


def cases():
    R = layers.ReversibleEmbedding
    ids = np.array([[1, 0, 5, 11, 3], [0, 0, 7, -1, 2]], dtype=np.int32)
    h = normal(2, 5, 4)
    return [
        case("ReversibleEmbedding/forward", lambda: R(12, 4), ids, False),
        case("ReversibleEmbedding/forward_mask_zero", lambda: R(12, 4, mask_zero=True), ids,
             False),
        case("ReversibleEmbedding/reverse_tied", lambda: R(12, 4), h, True),
        case("ReversibleEmbedding/reverse_untied", lambda: R(12, 4, tie_weights=False), h, True),
        case("ReversibleEmbedding/reverse_soft_cap",
             lambda: R(12, 4, logit_soft_cap=0.5), h, True),
        case("ReversibleEmbedding/reverse_rank2_untied_soft_cap",
             lambda: R(12, 4, tie_weights=False, logit_soft_cap=2.0), normal(3, 4), True),
    ]


def model(tie_weights, logit_soft_cap):
    def build():
        ids = keras.Input(shape=(5,), dtype="int32", name="ids")
        emb = layers.ReversibleEmbedding(12, 4, tie_weights=tie_weights,
                                         logit_soft_cap=logit_soft_cap, name="embedding")
        h = layers.Dense(4, activation="tanh", name="dense")(emb(ids))
        return keras.Model(ids, emb(h, reverse=True), name="tied_lm")
    return build


def main():
    tf.config.experimental.enable_op_determinism()
    cs = cases()
    x = np.array([[1, 2, 3, 2, 1], [4, 4, 0, 11, 5], [7, 8, 9, 10, 7]], dtype=np.int32)
    y = normal(3, 5, 12)
    sgd = lambda: keras.optimizers.SGD(learning_rate=0.1)  # noqa: E731
    training = [
        base.training_case("tied_sgd", "Input(5, int32) -> ReversibleEmbedding(12, 4) -> "
                           "Dense(4, tanh) -> the embedding, reverse=True; SGD(0.1)",
                           model(True, None), x, y, sgd),
        base.training_case("tied_adam", "as tied_sgd; Adam(0.01)", model(True, None), x, y,
                           lambda: keras.optimizers.Adam(learning_rate=0.01)),
        base.training_case("untied_soft_cap_sgd", "as tied_sgd, tie_weights=False, "
                           "logit_soft_cap=3.0", model(False, 3.0), x, y, sgd),
    ]
    for t in training:
        t["x"][0]["dtype"] = "int32"
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "numpy_version": np.__version__, "seed": base.SEED, "cases": cs,
           "training": training}
    with open(OUT, "w") as f:
        f.write("{\n")
        keys = list(doc)
        for i, key in enumerate(keys):
            f.write(" %s: " % json.dumps(key))
            value = doc[key]
            if isinstance(value, list):
                f.write("[\n")
                for j, item in enumerate(value):
                    f.write("  " + json.dumps(item, separators=(",", ":"))
                            + ("," if j + 1 < len(value) else "") + "\n")
                f.write(" ]")
            else:
                f.write(json.dumps(value))
            f.write(",\n" if i + 1 < len(keys) else "\n")
        f.write("}\n")
    print("wrote", OUT, len(cs), "cases,", len(training), "training")


if __name__ == "__main__":
    main()
