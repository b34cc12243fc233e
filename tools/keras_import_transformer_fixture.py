"""A small Keras 3 transformer block for Lamina's Keras importer tests (issue 22).

Writes keras/src/test/resources/fixtures/transformer.keras and transformer.json
(same JSON layout as tools/keras_import_fixtures.py, whose helpers it reuses;
the int32 tokens are written as numbers, with "dtype": "int32"):

    Input(8, int32) -> Embedding(24, 8, mask_zero=True)
      -> MultiHeadAttention(2, 4)(x, x, key=x, use_causal_mask=True)
      -> Add -> LayerNormalization -> Dense(16, relu) -> Dense(8)
      -> Add -> LayerNormalization -> GlobalAveragePooling1D (masked)
      -> Lambda(scaled_tanh, arguments={"scale": 2.0}) -> Dense(3, softmax)

trained 4 epochs (Adam, sparse_categorical_crossentropy, batch 16, no
shuffling) on 128 generated sequences of 3 to 8 tokens padded with 0, so that
the padding mask matters: the Embedding's mask reaches the attention (query
and value masks, with the causal mask), the merging layers, the Dense layers
and the pooling. The attention call records a keyword tensor (key) and a call
option (use_causal_mask) in its inbound node's kwargs.

scaled_tanh is a named Python function: config.json records only its name and
`arguments`; Keras loads the file with custom_objects={"scaled_tanh": ...}.

It also writes attention_call.{keras,json}: an untrained MultiHeadAttention
called with every tensor by keyword (query=, value=, attention_mask=) and
return_attention_scores=True, whose scores are a second model output; and
masking_pool.{keras,json}: Masking -> Dense -> Attention -> GlobalAveragePooling1D,
whose mask Keras records as ConvertToTensor(Any(NotEqual(x, 0.5), axis=-1)) in
the pooling's node;
and transformer_training.{keras,json}: the block (without the Lambda) saved
before training, then three SGD train_on_batch steps in Keras: each step's
batch, returned loss and every weight after it (issue 22).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_import_transformer_fixture.py

The JSON is deterministic (seeds fixed); the .keras zip is not byte-identical
across runs (Keras writes the save date into metadata.json).
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


def scaled_tanh(x, scale):
    return tf.math.tanh(x) * scale


def sequences(rng, n):
    lengths = rng.integers(3, STEPS + 1, size=n)
    tokens = rng.integers(1, VOCAB, size=(n, STEPS)).astype(np.int32)
    tokens[np.arange(STEPS)[None, :] >= lengths[:, None]] = 0
    return tokens


def transformer_model(rng):
    x_train = sequences(rng, 128)
    # Three classes from a rule over the unpadded tokens.
    y_train = (np.where(x_train > 0, x_train % 3, 0).sum(axis=1) % 3).astype(np.int32)

    tokens = keras.Input(shape=(STEPS,), dtype="int32", name="tokens")
    x = layers.Embedding(VOCAB, 8, mask_zero=True, name="embedding")(tokens)
    attn = layers.MultiHeadAttention(2, 4, name="mha")(x, x, key=x, use_causal_mask=True)
    x = layers.LayerNormalization(epsilon=1e-6, name="norm_1")(layers.Add(name="add_1")([x, attn]))
    ff = layers.Dense(16, activation="relu", name="ff_1")(x)
    ff = layers.Dense(8, name="ff_2")(ff)
    x = layers.LayerNormalization(epsilon=1e-6, name="norm_2")(layers.Add(name="add_2")([x, ff]))
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    x = layers.Lambda(scaled_tanh, arguments={"scale": 2.0}, name="scaled_tanh")(x)
    out = layers.Dense(3, activation="softmax", name="probs")(x)
    model = keras.Model(tokens, out, name="transformer")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", jit_compile=False)
    model.fit(x_train, y_train, batch_size=16, epochs=4, shuffle=False, verbose=0)  # 32 steps

    x = sequences(rng, 5)
    x[0, :] = 0  # all padding: every step masked
    x[0, 0] = 5
    return model, [x], "Input(8, int32) -> Embedding(24, 8, mask_zero) -> MultiHeadAttention(2, 4)" \
                       "(x, x, key=x, use_causal_mask=True) -> Add -> LayerNormalization -> " \
                       "Dense(16, relu) -> Dense(8) -> Add -> LayerNormalization -> " \
                       "GlobalAveragePooling1D -> Lambda(scaled_tanh, arguments={'scale': 2.0}) -> " \
                       "Dense(3, softmax); Adam(0.01) + sparse_categorical_crossentropy, fit 4 " \
                       "epochs of 128 generated padded sequences, batch 16, no shuffle (32 steps)"


def attention_call_model(rng):
    """Every tensor by keyword, an attention mask input and the scores as a second output."""
    query = keras.Input(shape=(4, 6), name="query_in")
    value = keras.Input(shape=(5, 6), name="value_in")
    mask = keras.Input(shape=(4, 5), name="mask_in")  # 0/1 floats: Keras casts it to bool
    out, scores = layers.MultiHeadAttention(2, 3, value_dim=2, name="mha")(
        query=query, value=value, attention_mask=mask, return_attention_scores=True)
    out = layers.Dense(3, name="dense")(out)
    model = keras.Model([query, value, mask], [out, scores], name="attention_call")
    q = rng.normal(size=(2, 4, 6)).astype(np.float32)
    v = rng.normal(size=(2, 5, 6)).astype(np.float32)
    m = (rng.random(size=(2, 4, 5)) < 0.6).astype(np.float32)
    m[0, 1, :] = 0  # a query step that may attend nowhere
    return model, [q, v, m], "Inputs query (4, 6), value (5, 6), attention mask (4, 5) -> " \
                             "MultiHeadAttention(2, 3, value_dim=2)(query=query, value=value, " \
                             "attention_mask=mask, return_attention_scores=True) -> " \
                             "outputs [Dense(3)(attention output), scores]; untrained"


def masking_pool_model(rng):
    """Masking's mask reaches the pooling through Dense and Attention: Keras records
    ConvertToTensor(Any(NotEqual(x, 0.5), axis=-1))."""
    x = keras.Input(shape=(5, 3), name="steps")
    h = layers.Masking(0.5, name="masking")(x)
    h = layers.Dense(4, activation="tanh", name="dense")(h)
    h = layers.Attention(name="attention")([h, h])
    out = layers.GlobalAveragePooling1D(name="pool")(h)
    model = keras.Model(x, out, name="masking_pool")
    data = rng.normal(size=(3, 5, 3)).astype(np.float32)
    data[0, 3:, :] = 0.5
    data[1, 0, :] = 0.5
    data[2, 2, 1] = 0.5  # one feature only: the step stays
    return model, [data], "Input (5, 3) -> Masking(0.5) -> Dense(4, tanh) -> " \
                          "Attention([h, h]) -> GlobalAveragePooling1D (masked); untrained"


def short(a):
    """float32 values as their shortest round-trip decimals."""
    return [float(str(v)) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


def training_fixture(rng):
    """Three train_on_batch steps of the transformer block, from the file's initial weights."""
    fx.fresh()
    tokens = keras.Input(shape=(STEPS,), dtype="int32", name="tokens")
    x = layers.Embedding(VOCAB, 8, mask_zero=True, name="embedding")(tokens)
    attn = layers.MultiHeadAttention(2, 4, name="mha")(x, x, use_causal_mask=True)
    x = layers.LayerNormalization(epsilon=1e-6, name="norm_1")(layers.Add(name="add_1")([x, attn]))
    ff = layers.Dense(16, activation="relu", name="ff_1")(x)
    ff = layers.Dense(8, name="ff_2")(ff)
    x = layers.LayerNormalization(epsilon=1e-6, name="norm_2")(layers.Add(name="add_2")([x, ff]))
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    out = layers.Dense(3, activation="softmax", name="probs")(x)
    model = keras.Model(tokens, out, name="transformer_training")
    # Non-zero biases and normalization weights away from 1 / 0, so that they matter.
    weights = model.get_weights()
    for i, w in enumerate(model.weights):
        if w.path.endswith("bias") or w.path.endswith("beta"):
            weights[i] = (0.1 * rng.normal(size=w.shape)).astype(np.float32)
        elif w.path.endswith("gamma"):
            weights[i] = (1.0 + 0.2 * rng.normal(size=w.shape)).astype(np.float32)
    model.set_weights(weights)
    # SGD, not Adam: the key bias's gradient is float32 rounding noise (a bias added to every
    # key shifts a query's scores alike, which the softmax ignores), which Adam would scale up.
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", jit_compile=False)
    path = os.path.join(fx.OUT_DIR, "transformer_training.keras")
    model.save(path)
    steps = []
    for step in range(3):
        x = sequences(rng, 6)
        y = rng.integers(0, 3, size=(6,)).astype(np.int32)
        returned = float(model.train_on_batch(x, y))
        after = {}
        for layer in model.layers:
            if layer.weights:
                # by path within the layer: MultiHeadAttention's query/kernel, ...
                after[layer.name] = {w.path.split("/", 1)[1]: short(w) for w in layer.weights}
        steps.append({"x": {"name": "x", "shape": list(x.shape), "dtype": "int32",
                            "values": [int(v) for v in x.reshape(-1)]},
                      "y": [int(v) for v in y], "returned_loss": returned, "weights": after})
    doc = dict(fx.VERSIONS)
    doc["model"] = "Input(8, int32) -> Embedding(24, 8, mask_zero) -> MultiHeadAttention(2, 4)" \
                   "(x, x, use_causal_mask=True) -> Add -> LayerNormalization -> Dense(16, relu) " \
                   "-> Dense(8) -> Add -> LayerNormalization -> GlobalAveragePooling1D -> " \
                   "Dense(3, softmax); random non-zero biases, beta and gamma; SGD(0.1), three " \
                   "train_on_batch steps of 6 padded sequences"
    doc["keras_file"] = "transformer_training.keras"
    doc["optimizer"] = {"name": "SGD", "learning_rate": float(optimizer.learning_rate.numpy())}
    doc["loss"] = "sparse_categorical_crossentropy"
    doc["steps"] = steps
    with open(os.path.join(fx.OUT_DIR, "transformer_training.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("transformer_training.keras 3 steps, losses %s" % [s["returned_loss"] for s in steps])


def main():
    tf.config.experimental.enable_op_determinism()
    rng = np.random.default_rng(fx.SEED + 22)
    info = fx.save_fixture("transformer", transformer_model, rng,
                           {"custom_objects": {"scaled_tanh": scaled_tanh}})
    # The tokens are int32: Lamina's fixture reader takes "dtype" (float32 when absent).
    path = os.path.join(fx.OUT_DIR, "transformer.json")
    with open(path) as f:
        doc = json.load(f)
    doc["inputs"][0]["dtype"] = "int32"
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    fx.save_fixture("attention_call", attention_call_model, rng, {})
    fx.save_fixture("masking_pool", masking_pool_model, rng, {})
    training_fixture(rng)
    print("plain load_model:", info["plain_load"])
    print("lambda config:", info["lambdas"][0]["config"])
    for name in ("transformer.keras", "transformer.json", "attention_call.keras",
                 "attention_call.json", "masking_pool.keras", "masking_pool.json",
                 "transformer_training.keras", "transformer_training.json"):
        print("%8d  %s" % (os.path.getsize(os.path.join(fx.OUT_DIR, name)), name))


if __name__ == "__main__":
    main()
