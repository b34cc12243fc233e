"""Keras 3 files with the generic RNN layer around Keras's cells, for Lamina's import.

Writes, in keras/src/test/resources/fixtures/ (each .keras with a .json of Keras's inputs and
model.predict outputs, {"model", "inputs": [tensor], "outputs": [tensor]}):

  rnn_lstm_cell      Input((6, 3)) -> RNN(LSTMCell(4, kernel_regularizer=L2(0.01))) -> Dense(2),
                     saved untrained; its .json also has "training": three train_on_batch steps
                     (Adam(0.01), mse, jit_compile=False) on x, y: each step's returned loss and
                     the weights after it, {"layer": [tensor + "path", ...]} in
                     layer.weights order
  rnn_gru_cells      Input((5, 3)) -> RNN(GRUCell(3), return_sequences=True)
                     -> RNN(GRUCell(2, reset_after=False, recurrent_activation="hard_sigmoid"),
                     return_sequences=True)
  rnn_simple_cell    Input((5, 3)) -> RNN(SimpleRNNCell(3, activation="relu"), go_backwards=True,
                     return_state=True) -> [Dense(2)(output), state]
  rnn_masked_cells   Input(int32, None) -> Embedding(7, 4, mask_zero=True)
                     -> RNN(LSTMCell(4, unit_forget_bias=False), return_sequences=True,
                     zero_output_for_mask=True) -> RNN(GRUCell(3)) -> Dense(2)
  rnn_stacked_cells  Input((5, 3)) -> RNN(StackedRNNCells([GRUCell(3), GRUCell(2),
                     SimpleRNNCell(2)])) -> Dense(2), saved untrained, with "training" as
                     rnn_lstm_cell's
  rnn_stacked_masked Input(int32, None) -> Embedding(7, 4, mask_zero=True)
                     -> RNN(StackedRNNCells([LSTMCell(3), GRUCell(2, reset_after=False)]),
                     return_sequences=True, go_backwards=True, zero_output_for_mask=True)

tensor = {"name", "shape", "dtype" (int32 only), "values" (flat, row-major)}. Weights other than
the default initializers' are drawn from the seeded NumPy generator so that no weight is zero.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_rnn_cell_fixtures.py
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

SEED = 20261207
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIXTURES = os.path.join(ROOT, "keras", "src", "test", "resources", "fixtures")

tf.config.experimental.enable_op_determinism()


def fresh(offset):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + offset)
    random.seed(SEED + offset)
    return np.random.default_rng(SEED + offset)


def values_of(a):
    a = np.asarray(a)
    if a.dtype.kind in "iu":
        return [int(v) for v in a.reshape(-1)]
    if a.dtype != np.float32:
        raise TypeError("unexpected dtype %s" % a.dtype)
    return [float(v) for v in a.reshape(-1)]


def tensor(name, a):
    a = np.asarray(a)
    t = {"name": name, "shape": list(a.shape)}
    if a.dtype.kind in "iu":
        t["dtype"] = "int32"
    t["values"] = values_of(a)
    return t


def randomize(model, rng):
    for w in model.weights:
        w.assign(rng.uniform(-0.6, 0.6, size=w.shape).astype(np.float32))


def layer_weights(model):
    out = {}
    for layer in model.layers:
        if layer.weights:
            out[layer.name] = [dict(tensor(w.name, w.numpy()), path=w.path)
                               for w in layer.weights]
    return out


def write(model, name, description, inputs, extra=None):
    path = os.path.join(FIXTURES, name + ".keras")
    model.save(path)
    pred = model.predict(inputs, verbose=0)
    if not isinstance(pred, list):
        pred = [pred]
    again = keras.saving.load_model(path).predict(inputs, verbose=0)
    if not isinstance(again, list):
        again = [again]
    for p, a in zip(pred, again):
        assert np.allclose(p, a, atol=1e-6), "reloaded model predicts differently"
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "numpy_version": np.__version__, "python_version": "%d.%d.%d" % sys.version_info[:3],
           "model": description,
           "inputs": [tensor(i.name, x) for i, x in zip(model.inputs, [inputs])],
           "outputs": [tensor(o.name, p) for o, p in zip(model.outputs, pred)]}
    if extra:
        doc.update(extra)
    with open(os.path.join(FIXTURES, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def lstm_cell():
    rng = fresh(1)
    inp = keras.Input((6, 3), name="x")
    h = layers.RNN(layers.LSTMCell(4, kernel_regularizer=keras.regularizers.L2(0.01)),
                   name="rnn")(inp)
    out = layers.Dense(2, name="dense")(h)
    model = keras.Model(inp, out, name="rnn_lstm_cell")
    randomize(model, rng)
    x = rng.normal(size=(4, 6, 3)).astype(np.float32)
    y = rng.normal(size=(4, 2)).astype(np.float32)
    # Saved before training: Lamina trains the file's weights as Keras does below.
    write(model, "rnn_lstm_cell", "Input((6, 3)) -> RNN(LSTMCell(4, kernel_regularizer=L2(0.01)))"
          " -> Dense(2); training: Adam(0.01), mse, three train_on_batch steps on x, y", x)
    train(model, "rnn_lstm_cell", x, y)


def train(model, name, x, y):
    """Three train_on_batch steps, added to name.json as "training"."""
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", jit_compile=False)
    steps = []
    for _ in range(3):
        loss = model.train_on_batch(x, y)
        steps.append({"returned_loss": float(loss), "weights": layer_weights(model)})
    with open(os.path.join(FIXTURES, name + ".json")) as f:
        doc = json.load(f)
    doc["training"] = {"optimizer": "Adam", "learning_rate": 0.01, "loss": "mse",
                       "x": tensor("x", x), "y": tensor("y", y), "steps": steps}
    with open(os.path.join(FIXTURES, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def gru_cells():
    rng = fresh(2)
    inp = keras.Input((5, 3), name="x")
    h = layers.RNN(layers.GRUCell(3), return_sequences=True, name="rnn_after")(inp)
    out = layers.RNN(layers.GRUCell(2, reset_after=False, recurrent_activation="hard_sigmoid"),
                     return_sequences=True, name="rnn_before")(h)
    model = keras.Model(inp, out, name="rnn_gru_cells")
    randomize(model, rng)
    x = rng.normal(size=(3, 5, 3)).astype(np.float32)
    write(model, "rnn_gru_cells", "Input((5, 3)) -> RNN(GRUCell(3), return_sequences=True) -> "
          "RNN(GRUCell(2, reset_after=False, recurrent_activation='hard_sigmoid'), "
          "return_sequences=True)", x)


def simple_cell():
    rng = fresh(3)
    inp = keras.Input((5, 3), name="x")
    seq, state = layers.RNN(layers.SimpleRNNCell(3, activation="relu"), go_backwards=True,
                            return_state=True, name="rnn")(inp)
    out = layers.Dense(2, name="dense")(seq)
    model = keras.Model(inp, [out, state], name="rnn_simple_cell")
    randomize(model, rng)
    x = rng.normal(size=(3, 5, 3)).astype(np.float32)
    write(model, "rnn_simple_cell", "Input((5, 3)) -> RNN(SimpleRNNCell(3, relu), "
          "go_backwards=True, return_state=True) -> [Dense(2)(output), state]", x)


def masked_cells():
    rng = fresh(4)
    inp = keras.Input((None,), dtype="int32", name="tokens")
    h = layers.Embedding(7, 4, mask_zero=True, name="embedding")(inp)
    h = layers.RNN(layers.LSTMCell(4, unit_forget_bias=False), return_sequences=True,
                   zero_output_for_mask=True, name="rnn_lstm")(h)
    h = layers.RNN(layers.GRUCell(3), name="rnn_gru")(h)
    out = layers.Dense(2, name="dense")(h)
    model = keras.Model(inp, out, name="rnn_masked_cells")
    randomize(model, rng)
    ids = np.array([[3, 1, 4, 0, 0, 0],
                    [2, 5, 6, 1, 3, 2],
                    [5, 0, 0, 0, 0, 0],
                    [1, 0, 3, 4, 0, 0]], dtype=np.int32)
    short = model.predict(np.array([[3, 1, 4]], dtype=np.int32), verbose=0)
    assert np.allclose(short[0], model.predict(ids, verbose=0)[0], atol=1e-6), \
        "masking does not reach the RNN"
    write(model, "rnn_masked_cells", "Input(int32, None) -> Embedding(7, 4, mask_zero=True) -> "
          "RNN(LSTMCell(4, unit_forget_bias=False), return_sequences=True, "
          "zero_output_for_mask=True) -> RNN(GRUCell(3)) -> Dense(2)", ids)


def stacked_cells():
    rng = fresh(5)
    inp = keras.Input((5, 3), name="x")
    h = layers.RNN(layers.StackedRNNCells([layers.GRUCell(3), layers.GRUCell(2),
                                           layers.SimpleRNNCell(2)]), name="rnn")(inp)
    out = layers.Dense(2, name="dense")(h)
    model = keras.Model(inp, out, name="rnn_stacked_cells")
    randomize(model, rng)
    x = rng.normal(size=(3, 5, 3)).astype(np.float32)
    y = rng.normal(size=(3, 2)).astype(np.float32)
    write(model, "rnn_stacked_cells", "Input((5, 3)) -> RNN(StackedRNNCells([GRUCell(3), "
          "GRUCell(2), SimpleRNNCell(2)])) -> Dense(2); training: Adam(0.01), mse, three "
          "train_on_batch steps on x, y", x)
    train(model, "rnn_stacked_cells", x, y)


def stacked_masked_cells():
    rng = fresh(6)
    inp = keras.Input((None,), dtype="int32", name="tokens")
    h = layers.Embedding(7, 4, mask_zero=True, name="embedding")(inp)
    out = layers.RNN(layers.StackedRNNCells([layers.LSTMCell(3),
                                             layers.GRUCell(2, reset_after=False)]),
                     return_sequences=True, go_backwards=True, zero_output_for_mask=True,
                     name="rnn")(h)
    model = keras.Model(inp, out, name="rnn_stacked_masked")
    randomize(model, rng)
    ids = np.array([[3, 1, 4, 0, 0, 0],
                    [2, 5, 6, 1, 3, 2],
                    [5, 0, 0, 0, 0, 0],
                    [1, 0, 3, 4, 0, 0]], dtype=np.int32)
    write(model, "rnn_stacked_masked", "Input(int32, None) -> Embedding(7, 4, mask_zero=True) "
          "-> RNN(StackedRNNCells([LSTMCell(3), GRUCell(2, reset_after=False)]), "
          "return_sequences=True, go_backwards=True, zero_output_for_mask=True)", ids)


def main():
    lstm_cell()
    gru_cells()
    simple_cell()
    masked_cells()
    stacked_cells()
    stacked_masked_cells()
    print("wrote rnn_lstm_cell, rnn_gru_cells, rnn_simple_cell, rnn_masked_cells, "
          "rnn_stacked_cells, rnn_stacked_masked in %s" % os.path.normpath(FIXTURES))


if __name__ == "__main__":
    main()
