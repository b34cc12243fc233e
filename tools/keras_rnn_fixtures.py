"""Keras 3 reference values for Lamina's recurrent layers (issue 22, item 2).

Writes runtime/src/test/resources/keras/rnn.json:

    {"keras_version", "tensorflow_version", "numpy_version", "python_version", "notes",
     "cases": [{
        "id":           "<ClassName>/<what the case checks>",
        "class_name":   the layer's class,
        "config":       layer.get_config() after the call,
        "ids":          int32 (batch, time) tensor, 0 is padding   # masked cases only
        "embedding":    {"input_dim", "output_dim", "values"}      # masked cases only:
                        Embedding(mask_zero=True) before the layer
        "x":            float32 (batch, time, features)            # unmasked cases
        "states":       [float32 (batch, units), ...]              # initial_state, if given
        "weights":      [{"name", "path", "shape", "values"}]       # layer.weights order
        "outputs":      [tensor, ...]                              # the layer's outputs, in order
        "output_masks": [tensor|null, ...]                         # Keras's mask of each output
     }],
     "training": [{"id", "model", "optimizer", "loss", "x", "y", "initial_weights",
                   "steps": [{"returned_loss", "weights"}], "predict_after"}]}

    tensor = {"shape", "dtype", "values" (flat, row-major)}

The layer's outputs come from an eager call: Embedding(mask_zero=True)(ids) gives a tensor
carrying its mask, and the layer takes it from there, as in a functional model. Training cases
are three train_on_batch steps (SGD(0.1) or Adam(0.01), mse, jit_compile=False) of small models,
then model.predict; their models are described in "model" and built alike in the Java tests.

It also writes keras/src/test/resources/fixtures/bidirectional_gru.keras (+ .json): Embedding
(mask_zero) -> Bidirectional(GRU, return_sequences) -> TimeDistributed(Dense) ->
Bidirectional(GRU(reset_after=False), merge_mode="ave") -> Dense, trained three steps; and
keras/src/test/resources/fixtures/masked_lstm.keras (+ .json): Input(int32, None)
-> Embedding(mask_zero=True) -> Lambda(scale, mask=keep_mask) -> LSTM -> Dense, trained three
steps, and what its model.predict gives (the .keras zip holds a save date, so it differs from
run to run; the JSON does not).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_rnn_fixtures.py

Deterministic: NumPy, Python, TF and Keras seeds are fixed per case, TF op determinism is on;
two runs write the same rnn.json and masked_lstm.json bytes.
"""

import json
import os
import random
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import keras
from keras import layers
from keras.src import backend as kbackend

SEED = 20261222
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "runtime", "src", "test", "resources", "keras", "rnn.json")
FIXTURES = os.path.join(ROOT, "keras", "src", "test", "resources", "fixtures")

tf.config.experimental.enable_op_determinism()


def fresh(offset=0):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + offset)
    random.seed(SEED + offset)


def values_of(a):
    a = np.asarray(a)
    if a.dtype == np.bool_ or a.dtype.kind in "iu":
        return [int(v) for v in a.reshape(-1)]
    if a.dtype != np.float32:
        raise TypeError("unexpected dtype %s" % a.dtype)
    return [float(v) for v in a.reshape(-1)]


def tensor(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "values": values_of(a)}


def plain(obj):
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def weight_entries(obj):
    return [{"name": v.name, "path": v.path, "shape": list(v.shape),
             "values": values_of(np.asarray(v))} for v in obj.weights]


RNG = np.random.default_rng(SEED)
BATCH, TIME, FEATURES, UNITS = 3, 5, 4, 3
VOCAB = 7

X = RNG.normal(size=(BATCH, TIME, FEATURES)).astype(np.float32)
# Padded (trailing zeros), padded in the middle, unpadded; Keras masks every 0.
IDS = np.array([[3, 1, 4, 0, 0],
                [2, 0, 5, 6, 0],
                [1, 5, 2, 6, 3]], dtype=np.int32)
EMBEDDING = RNG.normal(size=(VOCAB, FEATURES)).astype(np.float32)


def random_weights(layer, scale=0.5):
    return [(scale * RNG.normal(size=tuple(v.shape))).astype(np.float32) for v in layer.weights]


def case(case_id, make, masked=False, states=None):
    fresh()
    layer = make()
    entry = {"id": case_id, "class_name": type(layer).__name__}
    if masked:
        emb = layers.Embedding(VOCAB, FEATURES, mask_zero=True)
        emb.build((None, TIME))
        emb.set_weights([EMBEDDING])
        x = emb(tf.constant(IDS))
    else:
        x = tf.constant(X)
    initial = None
    if states is not None:
        initial = [tf.constant(RNG.normal(size=(BATCH, s)).astype(np.float32)) for s in states]
    layer(x, initial_state=initial) if initial is not None else layer(x)  # builds
    layer.set_weights(random_weights(layer))
    out = layer(x, initial_state=initial) if initial is not None else layer(x)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    entry["config"] = plain(layer.get_config())
    if masked:
        entry["ids"] = tensor(IDS)
        entry["embedding"] = {"input_dim": VOCAB, "output_dim": FEATURES,
                              "values": values_of(EMBEDDING)}
    else:
        entry["x"] = tensor(X)
    if initial is not None:
        entry["states"] = [tensor(np.asarray(s)) for s in initial]
    entry["weights"] = weight_entries(layer)
    entry["outputs"] = [tensor(np.asarray(o)) for o in outs]
    masks = [kbackend.get_keras_mask(o) for o in outs]
    entry["output_masks"] = [None if m is None else tensor(np.asarray(m)) for m in masks]
    return entry


def cases():
    c = []
    rnns = {"SimpleRNN": layers.SimpleRNN, "LSTM": layers.LSTM, "GRU": layers.GRU}
    for name, cls in rnns.items():
        c.append(case(name + "/defaults", lambda: cls(UNITS)))
        c.append(case(name + "/return_sequences", lambda: cls(UNITS, return_sequences=True)))
        c.append(case(name + "/go_backwards_sequences",
                      lambda: cls(UNITS, go_backwards=True, return_sequences=True)))
        c.append(case(name + "/return_state", lambda: cls(UNITS, return_state=True)))
        c.append(case(name + "/masked", lambda: cls(UNITS), masked=True))
        c.append(case(name + "/masked_sequences_state",
                      lambda: cls(UNITS, return_sequences=True, return_state=True), masked=True))
        c.append(case(name + "/masked_backwards",
                      lambda: cls(UNITS, go_backwards=True, return_sequences=True), masked=True))
        c.append(case(name + "/masked_zero_output",
                      lambda: cls(UNITS, return_sequences=True, zero_output_for_mask=True),
                      masked=True))
        n_states = 2 if name == "LSTM" else 1
        c.append(case(name + "/initial_state",
                      lambda: cls(UNITS, return_sequences=True, return_state=True),
                      states=[UNITS] * n_states))
        c.append(case(name + "/no_bias_unrolled",
                      lambda: cls(UNITS, use_bias=False, unroll=True, activation="relu")))
    c.append(case("LSTM/no_unit_forget_bias_hard_sigmoid",
                  lambda: layers.LSTM(UNITS, unit_forget_bias=False,
                                      recurrent_activation="hard_sigmoid")))
    c.append(case("GRU/reset_before", lambda: layers.GRU(UNITS, reset_after=False)))
    c.append(case("GRU/reset_before_masked_sequences",
                  lambda: layers.GRU(UNITS, reset_after=False, return_sequences=True),
                  masked=True))
    for mode in ["concat", "sum", "mul", "ave", None]:
        c.append(case("Bidirectional/lstm_%s" % mode,
                      lambda: layers.Bidirectional(layers.LSTM(UNITS), merge_mode=mode)))
        c.append(case("Bidirectional/gru_sequences_masked_%s" % mode,
                      lambda: layers.Bidirectional(layers.GRU(UNITS, return_sequences=True),
                                                   merge_mode=mode), masked=True))
    c.append(case("Bidirectional/simple_rnn_state",
                  lambda: layers.Bidirectional(layers.SimpleRNN(UNITS, return_state=True))))
    c.append(case("Bidirectional/lstm_masked_state",
                  lambda: layers.Bidirectional(layers.LSTM(UNITS, return_state=True)),
                  masked=True))
    c.append(case("Bidirectional/backward_layer",
                  lambda: layers.Bidirectional(
                      layers.LSTM(UNITS, return_sequences=True),
                      backward_layer=layers.GRU(2, return_sequences=True, go_backwards=True))))
    c.append(case("TimeDistributed/dense",
                  lambda: layers.TimeDistributed(layers.Dense(2, activation="tanh"))))
    c.append(case("TimeDistributed/dense_masked",
                  lambda: layers.TimeDistributed(layers.Dense(2)), masked=True))
    return c


# --- training ------------------------------------------------------------------------------

def optimizer_config(opt):
    cfg = {"class": type(opt).__name__}
    for k, v in opt.get_config().items():
        if k != "name":
            cfg[k] = plain(v)
    return cfg


TRAIN_IDS = np.array([[3, 1, 4, 0, 0, 0],
                      [2, 5, 6, 1, 3, 2],
                      [5, 0, 0, 0, 0, 0],
                      [1, 2, 3, 4, 0, 0]], dtype=np.int32)
TRAIN_X = RNG.normal(size=(4, 6, 3)).astype(np.float32)
TRAIN_Y = RNG.normal(size=(4, 2)).astype(np.float32)


def masked_model(rnn):
    inp = keras.Input(shape=(None,), dtype="int32", name="ids")
    h = layers.Embedding(VOCAB, 3, mask_zero=True, name="embedding")(inp)
    h = rnn(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h))


def classifier_model(rnn):
    inp = keras.Input(shape=(None,), dtype="int32", name="ids")
    h = layers.Embedding(VOCAB, 3, mask_zero=True, name="embedding")(inp)
    h = rnn(h)
    return keras.Model(inp, layers.Dense(3, activation="softmax", name="dense")(h))


TRAIN_LABELS = np.array([0, 2, 1, 2], dtype=np.int32)


def float_model(rnn, time):
    inp = keras.Input(shape=(time, 3), name="x")
    return keras.Model(inp, layers.Dense(2, name="dense")(rnn(inp)))


TRAINING = [
    ("lstm_masked", "Input(int32, None) -> Embedding(7, 3, mask_zero) -> LSTM(4) -> Dense(2)",
     lambda: masked_model(layers.LSTM(4, name="lstm")), "ids",
     lambda: keras.optimizers.Adam(learning_rate=0.01)),
    ("gru_unknown_length", "Input((None, 3)) -> GRU(4) -> Dense(2)",
     lambda: float_model(layers.GRU(4, name="gru"), None), "x",
     lambda: keras.optimizers.SGD(learning_rate=0.1)),
    ("gru_reset_before", "Input((6, 3)) -> GRU(4, reset_after=False) -> Dense(2)",
     lambda: float_model(layers.GRU(4, reset_after=False, name="gru"), 6), "x",
     lambda: keras.optimizers.SGD(learning_rate=0.1)),
    ("simple_rnn_masked", "Input(int32, None) -> Embedding(7, 3, mask_zero) -> "
     "SimpleRNN(4, go_backwards=True) -> Dense(2)",
     lambda: masked_model(layers.SimpleRNN(4, go_backwards=True, name="simple_rnn")), "ids",
     lambda: keras.optimizers.SGD(learning_rate=0.1)),
    ("bidirectional_lstm_masked", "Input(int32, None) -> Embedding(7, 3, mask_zero) -> "
     "Bidirectional(LSTM(3)) -> Dense(2)",
     lambda: masked_model(layers.Bidirectional(layers.LSTM(3), name="bidirectional")), "ids",
     lambda: keras.optimizers.Adam(learning_rate=0.01)),
    ("lstm_dropout_seeded", "Input((6, 3)) -> LSTM(4, dropout=0.3, recurrent_dropout=0.25, "
     "seed=1234) -> Dense(2)",
     lambda: float_model(layers.LSTM(4, dropout=0.3, recurrent_dropout=0.25, seed=1234,
                                     name="lstm"), 6), "x",
     lambda: keras.optimizers.SGD(learning_rate=0.1)),
    ("gru_input_dropout_seeded", "Input((6, 3)) -> GRU(4, dropout=0.4, seed=99) -> Dense(2)",
     lambda: float_model(layers.GRU(4, dropout=0.4, seed=99, name="gru"), 6), "x",
     lambda: keras.optimizers.SGD(learning_rate=0.1)),
    ("simple_rnn_recurrent_dropout_seeded",
     "Input((6, 3)) -> SimpleRNN(4, dropout=0.2, recurrent_dropout=0.3, seed=5) -> Dense(2)",
     lambda: float_model(layers.SimpleRNN(4, dropout=0.2, recurrent_dropout=0.3, seed=5,
                                          name="simple_rnn"), 6), "x",
     lambda: keras.optimizers.SGD(learning_rate=0.1)),
    ("gru_masked_sparse_cce", "Input(int32, None) -> Embedding(7, 3, mask_zero) -> GRU(4) -> "
     "Dense(3, softmax), sparse_categorical_crossentropy",
     lambda: classifier_model(layers.GRU(4, name="gru")), "ids",
     lambda: keras.optimizers.Adam(learning_rate=0.01), "sparse_categorical_crossentropy"),
    ("bidirectional_gru_dropout_seeded", "Input((6, 3)) -> Bidirectional(GRU(3, dropout=0.3, "
     "recurrent_dropout=0.2, seed=7)) -> Dense(2)",
     lambda: float_model(layers.Bidirectional(layers.GRU(3, dropout=0.3, recurrent_dropout=0.2,
                                                         seed=7), name="bidirectional"), 6),
     "x", lambda: keras.optimizers.SGD(learning_rate=0.1)),
]


def training_case(case_id, description, build, input_kind, make_opt, loss="mse"):
    fresh(1)
    model = build()
    init = []
    for v, w in zip(model.weights, model.get_weights()):
        if "bias" in v.name:
            w = (w + 0.1 * RNG.normal(size=w.shape)).astype(np.float32)
        init.append(w)
    model.set_weights(init)
    initial = weight_entries(model)
    x = TRAIN_IDS if input_kind == "ids" else TRAIN_X
    opt = make_opt()
    model.compile(optimizer=opt, loss=loss, jit_compile=False)
    y = TRAIN_Y if loss == "mse" else TRAIN_LABELS
    steps = []
    for _ in range(3):
        returned = model.train_on_batch(x, y)
        steps.append({"returned_loss": float(np.float32(np.asarray(returned).reshape(-1)[0])),
                      "weights": weight_entries(model)})
    pred = model.predict(x, batch_size=len(x), verbose=0)
    return {"id": case_id, "model": description, "optimizer": optimizer_config(opt),
            "loss": loss, "x": tensor(x), "y": tensor(y), "initial_weights": initial,
            "steps": steps, "predict_after": tensor(pred)}


# --- the .keras file of a masked LSTM with a Lambda ------------------------------------------

def scale(x):
    return x * 2.0


def keep_mask(inputs, mask):
    return mask


def masked_lstm_file():
    fresh(2)
    inp = keras.Input(shape=(None,), dtype="int32", name="tokens")
    h = layers.Embedding(VOCAB, 4, mask_zero=True, name="embedding")(inp)
    h = layers.Lambda(scale, mask=keep_mask, name="scale")(h)
    h = layers.LSTM(5, name="lstm")(h)
    out = layers.Dense(2, name="dense")(h)
    model = keras.Model(inp, out, name="masked_lstm")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", jit_compile=False)
    for _ in range(3):
        model.train_on_batch(TRAIN_IDS, TRAIN_Y)
    path = os.path.join(FIXTURES, "masked_lstm.keras")
    model.save(path)
    pred = model.predict(TRAIN_IDS, verbose=0)
    reloaded = keras.saving.load_model(path, safe_mode=False,
                                       custom_objects={"scale": scale, "keep_mask": keep_mask})
    again = reloaded.predict(TRAIN_IDS, verbose=0)
    assert np.allclose(pred, again, atol=1e-6), "reloaded model predicts differently"
    # A padded sample predicts as its unpadded prefix: the mask reaches the LSTM.
    short = model.predict(np.array([[3, 1, 4]], dtype=np.int32), verbose=0)
    assert np.allclose(short[0], pred[0], atol=1e-6), "masking does not reach the LSTM"
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "numpy_version": np.__version__, "python_version": "%d.%d.%d" % sys.version_info[:3],
           "model": "Input(int32, None) -> Embedding(7, 4, mask_zero=True) -> "
                    "Lambda(scale: x * 2, mask=keep_mask: the input's mask) -> LSTM(5) -> "
                    "Dense(2), Adam(0.01), mse, three train_on_batch steps",
           "inputs": [{"name": "tokens", "shape": list(TRAIN_IDS.shape), "dtype": "int32",
                       "values": values_of(TRAIN_IDS)}],
           "outputs": [{"name": "dense", "shape": list(pred.shape), "values": values_of(pred)}]}
    with open(os.path.join(FIXTURES, "masked_lstm.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def bidirectional_gru_file():
    fresh(3)
    inp = keras.Input(shape=(None,), dtype="int32", name="tokens")
    h = layers.Embedding(VOCAB, 4, mask_zero=True, name="embedding")(inp)
    h = layers.Bidirectional(layers.GRU(3, return_sequences=True), name="bi_sequences")(h)
    h = layers.TimeDistributed(layers.Dense(3, activation="tanh"), name="per_step")(h)
    h = layers.Bidirectional(layers.GRU(2, reset_after=False), merge_mode="ave",
                             name="bi_last")(h)
    out = layers.Dense(2, name="dense")(h)
    model = keras.Model(inp, out, name="bidirectional_gru")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", jit_compile=False)
    for _ in range(3):
        model.train_on_batch(TRAIN_IDS, TRAIN_Y)
    path = os.path.join(FIXTURES, "bidirectional_gru.keras")
    model.save(path)
    pred = model.predict(TRAIN_IDS, verbose=0)
    again = keras.saving.load_model(path).predict(TRAIN_IDS, verbose=0)
    assert np.allclose(pred, again, atol=1e-6), "reloaded model predicts differently"
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "numpy_version": np.__version__, "python_version": "%d.%d.%d" % sys.version_info[:3],
           "model": "Input(int32, None) -> Embedding(7, 4, mask_zero=True) -> "
                    "Bidirectional(GRU(3, return_sequences=True)) -> "
                    "TimeDistributed(Dense(3, tanh)) -> "
                    "Bidirectional(GRU(2, reset_after=False), merge_mode='ave') -> Dense(2), "
                    "Adam(0.01), mse, three train_on_batch steps",
           "inputs": [{"name": "tokens", "shape": list(TRAIN_IDS.shape), "dtype": "int32",
                       "values": values_of(TRAIN_IDS)}],
           "outputs": [{"name": "dense", "shape": list(pred.shape), "values": values_of(pred)}]}
    with open(os.path.join(FIXTURES, "bidirectional_gru.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def main():
    c = cases()
    train = [training_case(*t) for t in TRAINING]
    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "python_version": "%d.%d.%d" % sys.version_info[:3],
        "seed": SEED,
        "notes": [
            "Floats: float32 values written as the double that holds them; narrow to float.",
            "Masked cases: ids -> Embedding(mask_zero=True) with the given matrix -> the layer; "
            "0 is padding, in the middle of a sample too.",
            "training: returned_loss is train_on_batch's value (the loss before the step's "
            "update); weights are model.weights after each step.",
            "Seeded dropout: Keras's SeedGenerator(seed) counts each draw: step k of a layer "
            "drawing n masks per call draws [seed, k * n + i].",
        ],
        "cases": c,
        "training": train,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    masked_lstm_file()
    bidirectional_gru_file()
    print("wrote %s (%d bytes, %d cases, %d training cases) and masked_lstm.keras"
          % (os.path.normpath(OUT), os.path.getsize(OUT), len(c), len(train)))


if __name__ == "__main__":
    main()
