"""Keras 3 reference values for Lamina's GroupQueryAttention (Keras's Python class
GroupedQueryAttention).

Writes runtime/src/test/resources/keras/group_query_attention.json in the format of
tools/keras_attention_fixtures.py (whose helpers it uses): forward "cases" called eagerly
with training=False on inputs carrying Keras masks, with random weights set in
layer.weights order, and one "training" case: three train_on_batch steps (SGD, mse) of
Input(4, 6) -> GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2,
dropout=0.25, seed=7)(x, x) -> GlobalAveragePooling1D -> Dense(2).

Without dropout and scores, Keras takes its fused path (ops.dot_product_attention, with
is_causal=True when the causal mask is the only mask); otherwise its explicit path (Softmax
with mask). Both are recorded.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_gqa_fixtures.py
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
                   "test", "resources", "keras", "group_query_attention.json")
normal = base.normal
lengths_mask = base.lengths_mask


def case(*args, **kwargs):
    """base.mha_case, with the class name Keras's files record (GroupQueryAttention), not the
    Python class's (GroupedQueryAttention)."""
    c = base.mha_case(*args, **kwargs)
    c["class_name"] = "GroupQueryAttention"
    return c


def gqa_cases():
    c = []
    G = layers.GroupQueryAttention
    q = normal(2, 4, 5)
    v = normal(2, 6, 3)
    k = normal(2, 6, 7)
    c.append(case("GroupQueryAttention/self", lambda: G(3, 4, 2), q, q))
    c.append(case("GroupQueryAttention/cross_multi_query", lambda: G(2, 3, 1), q, v))
    c.append(case("GroupQueryAttention/key_given", lambda: G(3, 4, 2), q, v, key=k))
    c.append(case("GroupQueryAttention/as_multi_head_no_bias",
                  lambda: G(3, 2, 2, use_bias=False), q, v, key=k))
    qm = lengths_mask([3, 4], 4)
    qm[0, 0] = False
    vm = lengths_mask([5, 2], 6)
    c.append(case("GroupQueryAttention/query_value_masks_fused", lambda: G(3, 4, 2), q, v,
                  masks={"query": qm, "value": vm}))
    c.append(case("GroupQueryAttention/query_value_masks_scores", lambda: G(3, 4, 2), q, v,
                  masks={"query": qm, "value": vm}, call={"return_attention_scores": True}))
    km = lengths_mask([6, 3], 6)
    c.append(case("GroupQueryAttention/key_mask", lambda: G(3, 4, 2), q, v, key=k,
                  masks={"value": vm, "key": km}))
    c.append(case("GroupQueryAttention/causal_self", lambda: G(3, 4, 2), q, q,
                  call={"use_causal_mask": True}))
    c.append(case("GroupQueryAttention/causal_cross_scores", lambda: G(3, 4, 2), q, v,
                  call={"use_causal_mask": True, "return_attention_scores": True}))
    c.append(case("GroupQueryAttention/causal_query_mask", lambda: G(3, 4, 2), q, q,
                  masks={"query": qm, "value": qm}, call={"use_causal_mask": True}))
    am = base.RNG.uniform(size=(2, 4, 6)) > 0.3
    am[1, 2, :] = False  # a query step that may attend nowhere
    c.append(case("GroupQueryAttention/attention_mask", lambda: G(3, 4, 2), q, v,
                  attention_mask=am))
    c.append(case("GroupQueryAttention/attention_mask_scores", lambda: G(3, 4, 2), q, v,
                  key=k, attention_mask=am, call={"return_attention_scores": True}))
    c.append(case("GroupQueryAttention/attention_mask_causal", lambda: G(3, 4, 2), q, v,
                  attention_mask=am, masks={"value": vm}, call={"use_causal_mask": True}))
    amf = (base.RNG.uniform(size=(2, 1, 6)) > 0.3).astype(np.float32)
    c.append(case("GroupQueryAttention/attention_mask_numbers_broadcast",
                  lambda: G(3, 4, 2), q, v, attention_mask=amf))
    c.append(case("GroupQueryAttention/gate", lambda: G(3, 4, 2, use_gate=True), q, v, key=k))
    q6 = normal(2, 6, 5)
    c.append(case("GroupQueryAttention/sliding_window_causal",
                  lambda: G(3, 4, 2, sliding_window=2), q6, q6,
                  call={"use_causal_mask": True}))
    c.append(case("GroupQueryAttention/sliding_window_scores",
                  lambda: G(3, 4, 1, sliding_window=3), q6, q6,
                  call={"return_attention_scores": True}))
    c.append(case("GroupQueryAttention/dropout_inference_explicit_path",
                  lambda: G(3, 4, 2, dropout=0.3, seed=5), q, v,
                  masks={"query": qm, "value": vm}))
    return c


def model_gqa():
    inp = keras.Input(shape=(4, 6), name="x")
    h = layers.GroupQueryAttention(3, 4, 2, dropout=0.25, seed=7, name="gqa")(inp, inp)
    h = layers.GlobalAveragePooling1D(name="pool")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="gqa_block")


def main():
    tf.config.experimental.enable_op_determinism()
    cases = gqa_cases()
    x = normal(3, 4, 6)
    y = normal(3, 2)
    training = [base.training_case(
        "GroupQueryAttention", "Input(4, 6) -> GroupQueryAttention(3, 4, 2, dropout=0.25, "
        "seed=7)(x, x) -> GlobalAveragePooling1D -> Dense(2)", model_gqa, x, y,
        lambda: keras.optimizers.SGD(learning_rate=0.1))]
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "numpy_version": np.__version__, "seed": base.SEED, "cases": cases,
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
    print("wrote", OUT, len(cases), "cases,", len(training), "training")


if __name__ == "__main__":
    main()
