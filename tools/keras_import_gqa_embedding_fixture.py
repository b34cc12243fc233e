"""Keras 3 GroupQueryAttention and ReversibleEmbedding models for Lamina's Keras importer tests.

Writes to keras/src/test/resources/fixtures/ (the JSON layout of
tools/keras_import_fixtures.py, whose helpers it reuses):

gqa_block.{keras,json}: a trained block

    Input(8, int32) -> Embedding(24, 8, mask_zero=True)
      -> GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2,
                             use_gate=True, sliding_window=3)(x, x, use_causal_mask=True)
      -> Add -> GlobalAveragePooling1D (masked) -> Dense(3, softmax)

fit 3 epochs (Adam 0.01, sparse_categorical_crossentropy, batch 16, no shuffling) on
64 padded sequences, so the padding mask, the causal mask, the window and the gate
all matter; and gqa_call.{keras,json}: an untrained GroupQueryAttention(3, 2, 1)
called with query=, value=, key=, attention_mask= by keyword and
return_attention_scores=True, its scores a second model output; and
tied_lm.{keras,json}: Input(6, int32) -> ReversibleEmbedding(24, 8, mask_zero=True,
logit_soft_cap=5.0) -> GroupQueryAttention(4, 2, 1)(x, x, use_causal_mask=True) -> the same
embedding called with reverse=True (tied logits), fit 3 epochs (Adam 0.01, mse on random
targets), so one layer is called both ways in the file.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_import_gqa_fixture.py
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import keras_import_fixtures as fx  # noqa: E402

STEPS, VOCAB = 8, 24


def sequences(rng, n):
    lengths = rng.integers(3, STEPS + 1, size=n)
    tokens = rng.integers(1, VOCAB, size=(n, STEPS)).astype(np.int32)
    tokens[np.arange(STEPS)[None, :] >= lengths[:, None]] = 0
    return tokens


def gqa_block(rng):
    x_train = sequences(rng, 64)
    y_train = (np.where(x_train > 0, x_train % 3, 0).sum(axis=1) % 3).astype(np.int32)
    tokens = keras.Input(shape=(STEPS,), dtype="int32", name="tokens")
    x = layers.Embedding(VOCAB, 8, mask_zero=True, name="embedding")(tokens)
    attn = layers.GroupQueryAttention(4, 4, 2, use_gate=True, sliding_window=3, name="gqa")(
        x, x, use_causal_mask=True)
    x = layers.Add(name="add")([x, attn])
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    out = layers.Dense(3, activation="softmax", name="probs")(x)
    model = keras.Model(tokens, out, name="gqa_block")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", jit_compile=False)
    model.fit(x_train, y_train, batch_size=16, epochs=3, shuffle=False, verbose=0)
    x = sequences(rng, 5)
    return model, [x], "Input(8, int32) -> Embedding(24, 8, mask_zero) -> GroupQueryAttention(" \
                       "4, 4, 2, use_gate=True, sliding_window=3)(x, x, use_causal_mask=True) " \
                       "-> Add -> GlobalAveragePooling1D -> Dense(3, softmax); Adam(0.01), fit " \
                       "3 epochs of 64 padded sequences, batch 16, no shuffle"


def gqa_call(rng):
    query = keras.Input(shape=(4, 6), name="query_in")
    value = keras.Input(shape=(5, 6), name="value_in")
    key = keras.Input(shape=(5, 3), name="key_in")
    mask = keras.Input(shape=(4, 5), name="mask_in")
    out, scores = layers.GroupQueryAttention(3, 2, 1, name="gqa")(
        query=query, value=value, key=key, attention_mask=mask, return_attention_scores=True)
    model = keras.Model([query, value, key, mask], [out, scores], name="gqa_call")
    q = rng.normal(size=(2, 4, 6)).astype(np.float32)
    v = rng.normal(size=(2, 5, 6)).astype(np.float32)
    k = rng.normal(size=(2, 5, 3)).astype(np.float32)
    m = (rng.random(size=(2, 4, 5)) < 0.6).astype(np.float32)
    m[0, 1, :] = 0
    return model, [q, v, k, m], "Inputs query (4, 6), value (5, 6), key (5, 3), attention " \
                                "mask (4, 5) -> GroupQueryAttention(3, 2, 1)(query=, value=, " \
                                "key=, attention_mask=, return_attention_scores=True) -> " \
                                "outputs [attention output, scores]; untrained"


def tied_lm(rng):
    x_train = sequences(rng, 32)[:, :6]
    y_train = rng.normal(size=(32, 6, 24)).astype(np.float32)
    tokens = keras.Input(shape=(6,), dtype="int32", name="tokens")
    emb = layers.ReversibleEmbedding(24, 8, mask_zero=True, logit_soft_cap=5.0, name="embedding")
    h = emb(tokens)
    h = layers.GroupQueryAttention(4, 2, 1, name="gqa")(h, h, use_causal_mask=True)
    model = keras.Model(tokens, emb(h, reverse=True), name="tied_lm")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse",
                  jit_compile=False)
    model.fit(x_train, y_train, batch_size=16, epochs=3, shuffle=False, verbose=0)
    x = sequences(rng, 4)[:, :6]
    return model, [x], "Input(6, int32) -> ReversibleEmbedding(24, 8, mask_zero=True, " \
                       "logit_soft_cap=5.0) -> GroupQueryAttention(4, 2, 1)(x, x, " \
                       "use_causal_mask=True) -> the embedding(reverse=True); Adam(0.01), mse, " \
                       "fit 3 epochs of 32 padded sequences"


def main():
    tf.config.experimental.enable_op_determinism()
    rng = np.random.default_rng(fx.SEED + 31)
    fx.save_fixture("gqa_block", gqa_block, rng, {})
    path = os.path.join(fx.OUT_DIR, "gqa_block.json")
    with open(path) as f:
        doc = json.load(f)
    doc["inputs"][0]["dtype"] = "int32"
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    fx.save_fixture("gqa_call", gqa_call, rng, {})
    fx.save_fixture("tied_lm", tied_lm, rng, {})
    path = os.path.join(fx.OUT_DIR, "tied_lm.json")
    with open(path) as f:
        doc = json.load(f)
    doc["inputs"][0]["dtype"] = "int32"
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
