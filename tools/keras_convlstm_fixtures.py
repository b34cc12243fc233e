"""Keras 3 reference values for Lamina's ConvLSTM1D / ConvLSTM2D (issue 22) and ConvLSTM3D.

Writes runtime/src/test/resources/keras/convlstm.json:

    {"keras_version", "tensorflow_version", "numpy_version", "notes",
     "cases": [{
        "id":           "<ClassName>/<what the case checks>",
        "class_name":   the layer's class,
        "config":       layer.get_config() after the call,
        "x":            float32 (batch, time, spatial..., channels)
        "mask":         int32 (batch, time), 1 = kept                # masked cases only
        "weights":      [{"name", "path", "shape", "values"}]       # layer.weights order
        "outputs":      [tensor, ...]                              # the layer's outputs
        "output_masks": [tensor|null, ...]                         # Keras's mask of each output
     }],
     "training": [{"id", "model", "optimizer", "loss", "x", "y", "initial_weights",
                   "steps": [{"returned_loss", "weights"}], "predict_after"}]}

    tensor = {"shape", "dtype", "values" (flat, row-major)}

Masked cases call the layer with mask=... (a (batch, time) bool tensor, False in the middle of a
sample too). Training cases are three train_on_batch steps (SGD(0.1), mse, jit_compile=False).
Values are rounded to 7 significant digits (the tests compare to 1e-5).

It also writes keras/src/test/resources/fixtures/conv_lstm1d_stacked.keras and conv_lstm2d.keras
(+ .json with what model.predict gives), trained three Adam steps, for the importer's tests.

ConvLSTM3D's cases and training go to runtime/src/test/resources/keras/convlstm3d.json (the same
format; so that convlstm.json stays as it was), and its import fixture to conv_lstm3d.keras (+
.json); they draw from the same RNG after everything above, so they come last.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_convlstm_fixtures.py

Deterministic: seeds fixed per case, TF op determinism on; two runs write the same bytes.
"""

import json
import os
import random

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import keras
from keras import layers
from keras.src import backend as kbackend

SEED = 20261207
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "runtime", "src", "test", "resources", "keras", "convlstm.json")
OUT_3D = os.path.join(os.path.dirname(OUT), "convlstm3d.json")

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
    return [float("%.7g" % v) for v in a.reshape(-1)]


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
BATCH, TIME, CHANNELS, FILTERS = 2, 4, 2, 3
X1 = RNG.normal(size=(BATCH, TIME, 6, CHANNELS)).astype(np.float32)
X2 = RNG.normal(size=(BATCH, TIME, 4, 5, CHANNELS)).astype(np.float32)
MASK = np.array([[1, 1, 0, 0],
                 [1, 0, 1, 1]], dtype=np.int32)


def random_weights(layer, scale=0.5):
    return [(scale * RNG.normal(size=tuple(v.shape))).astype(np.float32) for v in layer.weights]


def case(case_id, make, x, masked=False, state_shape=None):
    fresh()
    layer = make()
    entry = {"id": case_id, "class_name": type(layer).__name__}
    xt = tf.constant(x)
    kwargs = {"mask": tf.constant(MASK.astype(bool))} if masked else {}
    if state_shape is not None:
        states = [RNG.normal(size=state_shape).astype(np.float32) for _ in range(2)]
        kwargs["initial_state"] = [tf.constant(s) for s in states]
        entry["states"] = [tensor(s) for s in states]
    layer(xt, **kwargs)  # builds
    layer.set_weights(random_weights(layer))
    out = layer(xt, **kwargs)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    entry["config"] = plain(layer.get_config())
    entry["x"] = tensor(x)
    if masked:
        entry["mask"] = tensor(MASK)
    entry["weights"] = weight_entries(layer)
    entry["outputs"] = [tensor(np.asarray(o)) for o in outs]
    masks = [kbackend.get_keras_mask(o) for o in outs]
    if masked and layer.return_sequences:
        # An eager call with mask= does not attach the mask; compute_mask is Keras's rule.
        computed = layer.compute_mask(xt, tf.constant(MASK.astype(bool)))
        computed = list(computed) if isinstance(computed, (list, tuple)) else [computed]
        masks = computed
    entry["output_masks"] = [None if m is None else tensor(np.asarray(m)) for m in masks]
    return entry


def cases():
    c1, c2 = layers.ConvLSTM1D, layers.ConvLSTM2D
    c = [
        case("ConvLSTM1D/defaults", lambda: c1(FILTERS, 3), X1),
        case("ConvLSTM1D/same_sequences", lambda: c1(FILTERS, 3, padding="same",
                                                     return_sequences=True), X1),
        case("ConvLSTM1D/strides_state", lambda: c1(FILTERS, 2, strides=2, return_state=True),
             X1),
        case("ConvLSTM1D/dilation_backwards", lambda: c1(FILTERS, 2, dilation_rate=2,
                                                         go_backwards=True,
                                                         return_sequences=True), X1),
        case("ConvLSTM1D/masked", lambda: c1(FILTERS, 3, padding="same"), X1, masked=True),
        case("ConvLSTM1D/masked_sequences_state",
             lambda: c1(FILTERS, 3, return_sequences=True, return_state=True), X1, masked=True),
        case("ConvLSTM1D/masked_zero_output",
             lambda: c1(FILTERS, 3, return_sequences=True, zero_output_for_mask=True), X1,
             masked=True),
        case("ConvLSTM1D/no_bias_relu_hard_sigmoid",
             lambda: c1(FILTERS, 3, use_bias=False, activation="relu",
                        recurrent_activation="hard_sigmoid", unit_forget_bias=False), X1),
        case("ConvLSTM2D/defaults", lambda: c2(FILTERS, (2, 3)), X2),
        case("ConvLSTM2D/same_strides_sequences",
             lambda: c2(FILTERS, 3, padding="same", strides=(2, 1), return_sequences=True), X2),
        case("ConvLSTM2D/masked_state", lambda: c2(FILTERS, 2, return_state=True), X2,
             masked=True),
    ]
    # After the cases above, so that their random weights stay as they were.
    c.append(case("ConvLSTM1D/initial_state",
                  lambda: c1(FILTERS, 3, padding="same", return_sequences=True,
                             return_state=True), X1, state_shape=(BATCH, 6, FILTERS)))
    c.append(case("ConvLSTM2D/initial_state_masked",
                  lambda: c2(FILTERS, 2, return_state=True), X2, masked=True,
                  state_shape=(BATCH, 3, 4, FILTERS)))
    return c


TRAIN_X = RNG.normal(size=(3, 3, 5, 2)).astype(np.float32)
TRAIN_Y = RNG.normal(size=(3, 2)).astype(np.float32)


def training_case(case_id, description, build, x, y):
    fresh(1)
    model = build()
    init = []
    for v, w in zip(model.weights, model.get_weights()):
        if "bias" in v.name:
            w = (w + 0.1 * RNG.normal(size=w.shape)).astype(np.float32)
        init.append(w)
    model.set_weights(init)
    initial = weight_entries(model)
    opt = keras.optimizers.SGD(learning_rate=0.1)
    model.compile(optimizer=opt, loss="mse", jit_compile=False)
    steps = []
    for _ in range(3):
        returned = model.train_on_batch(x, y)
        steps.append({"returned_loss": float(np.float32(np.asarray(returned).reshape(-1)[0])),
                      "weights": weight_entries(model)})
    pred = model.predict(x, batch_size=len(x), verbose=0)
    cfg = {"class": "SGD"}
    for k, v in opt.get_config().items():
        if k != "name":
            cfg[k] = plain(v)
    return {"id": case_id, "model": description, "optimizer": cfg, "loss": "mse",
            "x": tensor(x), "y": tensor(y), "initial_weights": initial, "steps": steps,
            "predict_after": tensor(pred)}


def conv_lstm1d_model():
    inp = keras.Input(shape=(3, 5, 2), name="x")
    h = layers.ConvLSTM1D(2, 3, padding="same", name="conv_lstm1d")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h))


FIXTURES = os.path.join(ROOT, "keras", "src", "test", "resources", "fixtures")


def keras_file(name, description, build, x):
    """A trained .keras file and what its model.predict gives (the zip holds a save date, so it
    differs from run to run; the JSON does not)."""
    fresh(4)
    model = build()
    y = RNG.normal(size=(len(x), 2)).astype(np.float32)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", jit_compile=False)
    for _ in range(3):
        model.train_on_batch(x, y)
    path = os.path.join(FIXTURES, name + ".keras")
    model.save(path)
    pred = model.predict(x, verbose=0)
    again = keras.saving.load_model(path).predict(x, verbose=0)
    assert np.allclose(pred, again, atol=1e-6), "reloaded model predicts differently"
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "numpy_version": np.__version__, "model": description,
           "inputs": [{"name": model.inputs[0].name, "shape": list(x.shape), "dtype": "float32",
                       "values": values_of(x)}],
           "outputs": [{"name": "dense", "shape": list(pred.shape), "values": values_of(pred)}]}
    with open(os.path.join(FIXTURES, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def stacked_conv_lstm1d():
    inp = keras.Input(shape=(4, 6, 2), name="frames")
    h = layers.ConvLSTM1D(3, 3, padding="same", return_sequences=True, name="conv_lstm_a")(inp)
    h = layers.ConvLSTM1D(2, 2, strides=2, go_backwards=True, name="conv_lstm_b")(h)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="stacked_conv_lstm1d")


def conv_lstm2d():
    inp = keras.Input(shape=(3, 4, 5, 2), name="frames")
    h = layers.ConvLSTM2D(2, (2, 3), padding="same", name="conv_lstm2d")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="conv_lstm2d_model")


def conv_lstm1d_dropout_model():
    inp = keras.Input(shape=(3, 5, 2), name="x")
    h = layers.ConvLSTM1D(2, 3, padding="same", dropout=0.3, recurrent_dropout=0.25, seed=1234,
                          name="conv_lstm1d")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h))


def conv_lstm2d_dropout_model():
    inp = keras.Input(shape=(3, 3, 4, 2), name="x")
    h = layers.ConvLSTM2D(2, 2, dropout=0.4, seed=99, name="conv_lstm2d")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h))


TRAIN_X2 = RNG.normal(size=(3, 3, 3, 4, 2)).astype(np.float32)


def cases_3d(x3):
    c3 = layers.ConvLSTM3D
    return [
        case("ConvLSTM3D/defaults", lambda: c3(2, (2, 3, 2)), x3),
        case("ConvLSTM3D/same_strides_sequences",
             lambda: c3(2, 3, padding="same", strides=(2, 1, 2), return_sequences=True), x3),
        case("ConvLSTM3D/dilation_backwards_sequences_state",
             lambda: c3(2, 2, dilation_rate=(1, 2, 1), go_backwards=True, return_sequences=True,
                        return_state=True), x3),
        case("ConvLSTM3D/masked_zero_output",
             lambda: c3(2, 2, padding="same", return_sequences=True, zero_output_for_mask=True),
             x3, masked=True),
        case("ConvLSTM3D/no_bias_relu_hard_sigmoid_unroll",
             lambda: c3(2, 2, use_bias=False, activation="relu",
                        recurrent_activation="hard_sigmoid", unit_forget_bias=False,
                        unroll=True), x3),
        case("ConvLSTM3D/initial_state_masked",
             lambda: c3(2, 2, return_state=True), x3, masked=True,
             state_shape=(BATCH, 2, 3, 2, 2)),
    ]


def conv_lstm3d_same_model():
    inp = keras.Input(shape=(3, 2, 3, 3, 2), name="x")
    h = layers.ConvLSTM3D(2, 2, padding="same", strides=(1, 2, 1), name="conv_lstm3d")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h))


def conv_lstm3d_dropout_model():
    inp = keras.Input(shape=(3, 2, 3, 3, 2), name="x")
    h = layers.ConvLSTM3D(2, 2, dropout=0.3, recurrent_dropout=0.25, seed=7,
                          name="conv_lstm3d")(inp)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h))


def conv_lstm3d():
    inp = keras.Input(shape=(3, 3, 4, 3, 2), name="frames")
    h = layers.ConvLSTM3D(2, (2, 3, 2), padding="same", return_sequences=True,
                          name="conv_lstm3d_a")(inp)
    h = layers.ConvLSTM3D(2, 2, go_backwards=True, name="conv_lstm3d_b")(h)
    h = layers.Flatten(name="flatten")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="conv_lstm3d_model")


def main_3d():
    x3 = RNG.normal(size=(BATCH, TIME, 3, 4, 3, 2)).astype(np.float32)
    train_x3 = RNG.normal(size=(3, 3, 2, 3, 3, 2)).astype(np.float32)
    train_y3 = RNG.normal(size=(3, 2)).astype(np.float32)
    fixture = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "notes": "tools/keras_convlstm_fixtures.py; ConvLSTM3D forward cases and three SGD steps",
        "cases": cases_3d(x3),
        "training": [training_case(
            "conv_lstm3d_same_strides",
            "Input((3, 2, 3, 3, 2)) -> ConvLSTM3D(2, 2, padding='same', strides=(1, 2, 1)) -> "
            "Flatten -> Dense(2)",
            conv_lstm3d_same_model, train_x3, train_y3),
            training_case(
            "conv_lstm3d_dropout_seeded",
            "Input((3, 2, 3, 3, 2)) -> ConvLSTM3D(2, 2, dropout=0.3, recurrent_dropout=0.25, "
            "seed=7) -> Flatten -> Dense(2)",
            conv_lstm3d_dropout_model, train_x3, train_y3)],
    }
    with open(OUT_3D, "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
        f.write("\n")
    keras_file("conv_lstm3d", "Input((3, 3, 4, 3, 2)) -> ConvLSTM3D(2, (2, 3, 2), "
               "padding='same', return_sequences=True) -> ConvLSTM3D(2, 2, go_backwards=True) "
               "-> Flatten -> Dense(2), Adam(0.01), mse, three train_on_batch steps",
               conv_lstm3d, RNG.normal(size=(2, 3, 3, 4, 3, 2)).astype(np.float32))
    print("wrote", OUT_3D, "and conv_lstm3d.keras")


def main():
    fixture = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "notes": "tools/keras_convlstm_fixtures.py; forward cases and three SGD steps",
        "cases": cases(),
        "training": [training_case(
            "conv_lstm1d_same",
            "Input((3, 5, 2)) -> ConvLSTM1D(2, 3, padding='same') -> Flatten -> Dense(2)",
            conv_lstm1d_model, TRAIN_X, TRAIN_Y),
            training_case(
            "conv_lstm1d_dropout_seeded",
            "Input((3, 5, 2)) -> ConvLSTM1D(2, 3, padding='same', dropout=0.3, "
            "recurrent_dropout=0.25, seed=1234) -> Flatten -> Dense(2)",
            conv_lstm1d_dropout_model, TRAIN_X, TRAIN_Y),
            training_case(
            "conv_lstm2d_dropout_seeded",
            "Input((3, 3, 4, 2)) -> ConvLSTM2D(2, 2, dropout=0.4, seed=99) -> Flatten -> "
            "Dense(2)",
            conv_lstm2d_dropout_model, TRAIN_X2, TRAIN_Y)],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
        f.write("\n")
    keras_file("conv_lstm1d_stacked", "Input((4, 6, 2)) -> ConvLSTM1D(3, 3, padding='same', "
               "return_sequences=True) -> ConvLSTM1D(2, 2, strides=2, go_backwards=True) -> "
               "Flatten -> Dense(2), Adam(0.01), mse, three train_on_batch steps",
               stacked_conv_lstm1d, RNG.normal(size=(2, 4, 6, 2)).astype(np.float32))
    keras_file("conv_lstm2d", "Input((3, 4, 5, 2)) -> ConvLSTM2D(2, (2, 3), padding='same') -> "
               "Flatten -> Dense(2), Adam(0.01), mse, three train_on_batch steps",
               conv_lstm2d, RNG.normal(size=(2, 3, 4, 5, 2)).astype(np.float32))
    print("wrote", OUT, "and conv_lstm1d_stacked.keras, conv_lstm2d.keras")
    main_3d()


if __name__ == "__main__":
    main()
