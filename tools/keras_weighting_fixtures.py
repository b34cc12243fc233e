"""Keras 3 reference values for compile/fit weighting (issue 24 items 2 and 7): per-output
losses and loss_weights, per-output metrics, weighted_metrics, sample_weight (one array, one
per output, temporal) and class_weight, for Lamina's runtime test
runtime/src/test/java/dev/lamina/runtime/train/KerasWeightingTest.java.

Writes runtime/src/test/resources/keras/weighting.json:

    {"keras_version", "tensorflow_version", "notes": [...],
     "multi_output": {                         # scenario 1
        "layers": [{"name", "units", "activation"}],  # hidden, price, kind (price, kind = outputs
                                                       # in this order: Model(inp, [price, kind]))
        "output_names": ["price", "kind"],
        "initial_weights": {layer: [array, ...]},     # array = {"shape", "values"} row-major;
                                                       # Keras's order per layer: kernel, bias
        "weight_order": [layer, ...],                  # the layers of model.get_weights() in order
        "x", "y": {"price", "kind"} (kind: integer class ids),
        "sample_weight": {"price", "kind", "both",     # (10,) arrays
                          "validation_price", "validation_kind"},
        "loss": {output: name}, "loss_weights": {output: w},
        "metrics": {output: [names]}, "weighted_metrics": {output: [names]},
        "optimizer": "SGD(0.1)",
        "cases": [{
           "label", "op": "fit" | "fit_source" | "evaluate" | "test_on_batch" | "train_on_batch",
                                                # fit_source: fit on a PyDataset of the same
                                                # batches yielding (x, y, sample_weight)
           "sample_weight": null | "per_output" | "both" | "both_column",
                              # per_output: [price, kind]; both: one array passed once for
                              # every output; both_column: that array as shape (10, 1)
           "validation": "validation_per_output" (optional: validation_data=(x, [price, kind],
                         [validation_price, validation_kind])),
           "batch_size", "epochs" (fit),
           "history": {key: [per epoch]} (fit), "logs": {key: value} (evaluate),
           "steps": [{"from", "to", "logs", "weights"}] (train_on_batch: one call per row range,
                                                         in order, on one model),
           "weights": {layer: [array]} after training (fit)}]},
     "class_weight": [{                         # scenario 2: Input(4) -> Dense(units, activation)
        "label", "units", "activation", "loss", "targets": "sparse" | "onehot" | "binary",
        "class_weight": {"class id": weight}, "metrics", "weighted_metrics",
        "kernel", "bias", "x", "y", "batch_size", "epochs", "history", "weights"}],
     "weighted_metrics": [{                     # scenario 3: evaluate of a fixed Dense model
        "label", "units", "activation", "loss", "targets": "dense" | "sparse",
        "metrics", "weighted_metrics" (compile strings, or {"class_name", "config"}),
        "kernel", "bias", "x", "y", "sample_weight", "batch_size", "logs"}],
     "temporal": {                              # scenario 4: Input((3, 2)) -> Dense(2), mse
        "kernel", "bias", "x", "y", "sample_weight" (shape (8, 3)), "batch_size", "epochs",
        "history", "weights", "weighted_metrics", "evaluate": logs of evaluate(x, y, sw) after fit},
     "errors": [{"label", "raises": true}]}    # scenario 5: fit must raise

float32 values are written as float(np.float32(v)); logs and weights after training are rounded
to 8 significant digits. Everywhere: SGD(0.1), shuffle=False, jit_compile=False, batch_size 4 on
10 samples (batches 4, 4, 2: uneven, which the notes show matters), verbose=0.

Run by hand from the repository root: /work/venv/bin/python tools/keras_weighting_fixtures.py
Deterministic: fixed NumPy seed, no randomness in Keras; two runs write the same bytes.
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import keras
import tensorflow as tf

OUT = "runtime/src/test/resources/keras/weighting.json"
N = 10
BATCH = 4
EPOCHS = 2
M = keras.metrics


def f32(v):
    return float(np.float32(v))


def r8(v):
    return float("%.8g" % float(v))


def round32(a, decimals=4):
    # Values exactly representable in a short decimal: the fixture stays small and exact.
    return np.round(a, decimals).astype(np.float32)


def array(a):
    a = np.asarray(a)
    if a.dtype.kind in "iu":
        return {"shape": list(a.shape), "values": [int(v) for v in a.reshape(-1)]}
    return {"shape": list(a.shape), "values": [f32(v) for v in a.reshape(-1)]}


def result_array(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "values": [r8(v) for v in a.reshape(-1)]}


def logs(d):
    return {k: r8(v) for k, v in sorted(d.items())}


def history(h):
    return {k: [r8(v) for v in vs] for k, vs in sorted(h.history.items())}


def layer_weights(model, names):
    return {n: [result_array(w) for w in model.get_layer(n).get_weights()] for n in names}


def sample_weights(rng, n=N):
    # Two decimals in [0, 2], with one zero: a sample that must count for nothing.
    w = round32(rng.uniform(0.1, 2.0, size=n), 2)
    w[3] = 0.0
    return w


def metric(spec):
    return spec if isinstance(spec, str) else M.deserialize(spec)


class Batches(keras.utils.PyDataset):
    """Batches of BATCH rows in order, as a PyDataset: (x, y) or (x, y, sample_weight)."""

    def __init__(self, x, y, sw=None):
        super().__init__()
        self.x, self.y, self.sw = x, y, sw

    def __len__(self):
        return -(-len(self.x) // BATCH)

    def __getitem__(self, i):
        rows = slice(BATCH * i, min(BATCH * (i + 1), len(self.x)))
        cut = (lambda a: tuple(v[rows] for v in a)) if isinstance(self.y, list) else \
            (lambda a: a[rows])
        if self.sw is None:
            return self.x[rows], cut(self.y)
        return self.x[rows], cut(self.y), cut(self.sw)


# ---- scenario 1: two outputs ----------------------------------------------------------------

MO_LAYERS = [("hidden", 3, "tanh"), ("price", 1, None), ("kind", 3, "softmax")]
MO_LOSS = {"price": "mse", "kind": "sparse_categorical_crossentropy"}
MO_LOSS_WEIGHTS = {"price": 1.0, "kind": 0.2}
MO_METRICS = {"price": ["mae"], "kind": ["accuracy"]}
MO_WEIGHTED = {"kind": ["accuracy"]}


def mo_data():
    rng = np.random.RandomState(2401)
    x = round32(rng.randn(N, 4))
    price = round32(x[:, :1] - 0.5 * x[:, 1:2] + 0.3 * rng.randn(N, 1))
    init = {}
    fan_in = 4
    for name, units, _ in MO_LAYERS:
        init[name] = [round32(0.6 * rng.randn(fan_in, units)), round32(0.1 * rng.randn(units))]
        fan_in = 3
    # Classes the initial model mostly gets right (argmax of its kind head), four changed: the
    # accuracies are neither 0 nor 1 and the weighted ones differ from the unweighted.
    hidden = np.tanh(x @ init["hidden"][0] + init["hidden"][1])
    kind = np.argmax(hidden @ init["kind"][0] + init["kind"][1], axis=-1).astype(np.int64)
    kind[[1, 4, 6, 9]] = (kind[[1, 4, 6, 9]] + 1) % 3
    sw = {"price": sample_weights(rng), "kind": sample_weights(rng),
          "both": sample_weights(rng)}
    sw["validation_price"] = sample_weights(rng)
    sw["validation_kind"] = sample_weights(rng)
    return x, {"price": price, "kind": kind}, init, sw


def mo_model(init, dict_outputs=False):
    keras.backend.clear_session()
    inp = keras.Input((4,), name="x")
    h = keras.layers.Dense(3, activation="tanh", name="hidden")(inp)
    price = keras.layers.Dense(1, name="price")(h)
    kind = keras.layers.Dense(3, activation="softmax", name="kind")(h)
    model = keras.Model(inp, {"price": price, "kind": kind} if dict_outputs else [price, kind])
    for name, ws in init.items():
        model.get_layer(name).set_weights(ws)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=dict(MO_LOSS),
                  loss_weights=dict(MO_LOSS_WEIGHTS),
                  metrics={k: list(v) for k, v in MO_METRICS.items()},
                  weighted_metrics={k: list(v) for k, v in MO_WEIGHTED.items()},
                  jit_compile=False)
    return model


def mo_sample_weight(kind, sw, dict_outputs=False):
    if kind is None:
        return None
    if kind == "both":
        return sw["both"]
    if kind == "both_column":
        return sw["both"][:, None]
    if dict_outputs:
        return {"price": sw["price"], "kind": sw["kind"]}
    return [sw["price"], sw["kind"]]


def multi_output():
    x, y, init, sw = mo_data()
    ylist = [y["price"], y["kind"]]
    ydict = {"price": y["price"], "kind": y["kind"]}
    names = [n for n, _, _ in MO_LAYERS]
    cases = []
    for weighting in (None, "per_output", "both"):
        model = mo_model(init)
        h = model.fit(x, ylist, sample_weight=mo_sample_weight(weighting, sw), batch_size=BATCH,
                      epochs=EPOCHS, shuffle=False, verbose=0)
        case = {"label": "fit_" + (weighting or "unweighted"), "op": "fit",
                "sample_weight": weighting, "batch_size": BATCH, "epochs": EPOCHS,
                "history": history(h), "weights": layer_weights(model, names)}
        # The same fit with dict outputs, targets and weights by name gives the same numbers.
        model = mo_model(init, dict_outputs=True)
        h2 = model.fit(x, ydict, sample_weight=mo_sample_weight(weighting, sw, True),
                       batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
        assert history(h2) == case["history"], (history(h2), case["history"])
        cases.append(case)
    # Validation data with weights of their own (the same x and y), per output.
    model = mo_model(init)
    h = model.fit(x, ylist, sample_weight=mo_sample_weight("per_output", sw), batch_size=BATCH,
                  epochs=EPOCHS, shuffle=False, verbose=0,
                  validation_data=(x, ylist, [sw["validation_price"], sw["validation_kind"]]))
    cases.append({"label": "fit_per_output_validation", "op": "fit",
                  "sample_weight": "per_output", "validation": "validation_per_output",
                  "batch_size": BATCH, "epochs": EPOCHS, "history": history(h),
                  "weights": layer_weights(model, names)})
    # The same batches from a PyDataset yielding (x, y, sample_weight): Keras's numbers are
    # those of the arrays (checked), so Lamina's BatchSource must give them too.
    model = mo_model(init)
    h = model.fit(Batches(x, ylist, [sw["price"], sw["kind"]]), epochs=EPOCHS, shuffle=False,
                  verbose=0)
    assert history(h) == cases[1]["history"], (history(h), cases[1]["history"])
    cases.append({"label": "fit_source_per_output", "op": "fit_source",
                  "sample_weight": "per_output", "batch_size": BATCH, "epochs": EPOCHS,
                  "history": history(h), "weights": layer_weights(model, names)})
    for weighting in ("both", "both_column", "per_output"):
        model = mo_model(init)
        e = model.evaluate(x, ylist, sample_weight=mo_sample_weight(weighting, sw),
                           batch_size=BATCH, verbose=0, return_dict=True)
        cases.append({"label": "evaluate_" + weighting, "op": "evaluate",
                      "sample_weight": weighting, "batch_size": BATCH, "logs": logs(e)})
    model = mo_model(init)
    out = model.test_on_batch(x, ylist, sample_weight=sw["both"], return_dict=True)
    cases.append({"label": "test_on_batch_both", "op": "test_on_batch", "sample_weight": "both",
                  "logs": logs(out)})
    model = mo_model(init)
    steps = []
    for start, end in ((0, 4), (4, 8), (8, 10)):
        out = model.train_on_batch(x[start:end], [y["price"][start:end], y["kind"][start:end]],
                                   sample_weight=[sw["price"][start:end],
                                                  sw["kind"][start:end]],
                                   return_dict=True)
        steps.append({"from": start, "to": end, "logs": logs(out),
                      "weights": layer_weights(model, names)})
    cases.append({"label": "train_on_batch_per_output", "op": "train_on_batch",
                  "sample_weight": "per_output", "steps": steps})
    model = mo_model(init)
    return {"layers": [{"name": n, "units": u, "activation": a} for n, u, a in MO_LAYERS],
            "output_names": list(model.output_names),
            "weight_order": [w.path.split("/")[0] for w in model.weights][::2],
            "initial_weights": {n: [array(w) for w in ws] for n, ws in init.items()},
            "x": array(x), "y": {k: array(v) for k, v in y.items()},
            "sample_weight": {k: array(v) for k, v in sw.items()},
            "loss": MO_LOSS, "loss_weights": MO_LOSS_WEIGHTS, "metrics": MO_METRICS,
            "weighted_metrics": MO_WEIGHTED, "optimizer": "SGD(0.1)", "cases": cases}


# ---- scenario 2: class_weight ----------------------------------------------------------------

CLASS_WEIGHT_CASES = [
    ("sparse", 3, "softmax", "sparse_categorical_crossentropy", {0: 1.0, 1: 2.0, 2: 0.5}),
    ("onehot", 3, "softmax", "categorical_crossentropy", {0: 1.0, 1: 2.0, 2: 0.5}),
    ("binary", 1, "sigmoid", "binary_crossentropy", {0: 1.0, 1: 3.0}),
]


def dense_model(units, activation, kernel, bias, shape=(4,)):
    keras.backend.clear_session()
    inp = keras.Input(shape)
    model = keras.Model(inp, keras.layers.Dense(units, activation=activation, name="dense")(inp))
    model.get_layer("dense").set_weights([kernel, bias])
    return model


def class_weight_case(targets, units, activation, loss, class_weight):
    rng = np.random.RandomState(2402)
    x = round32(rng.randn(N, 4))
    kernel = round32(0.5 * rng.randn(4, units))
    bias = round32(0.1 * rng.randn(units))
    if targets == "binary":
        y = (x[:, :1] - 0.4 * x[:, 1:2] > 0).astype(np.float32)
        y[[2, 7]] = 1 - y[[2, 7]]
    else:
        idx = np.array([0, 1, 2, 1, 1, 0, 2, 1, 0, 1], dtype=np.int64)
        y = idx if targets == "sparse" else np.eye(units, dtype=np.float32)[idx]
    model = dense_model(units, activation, kernel, bias)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss, metrics=["accuracy"],
                  weighted_metrics=["accuracy"], jit_compile=False)
    h = model.fit(x, y, class_weight=class_weight, batch_size=BATCH, epochs=EPOCHS,
                  shuffle=False, verbose=0)
    # From a PyDataset of the same batches, class_weight weighs the same (checked).
    source = dense_model(units, activation, kernel, bias)
    source.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss, metrics=["accuracy"],
                   weighted_metrics=["accuracy"], jit_compile=False)
    h2 = source.fit(Batches(x, y), class_weight=class_weight, epochs=EPOCHS, shuffle=False,
                    verbose=0)
    assert history(h2) == history(h), (history(h2), history(h))
    return {"label": targets, "units": units, "activation": activation, "loss": loss,
            "targets": targets, "class_weight": {str(k): v for k, v in class_weight.items()},
            "metrics": ["accuracy"], "weighted_metrics": ["accuracy"],
            "kernel": array(kernel), "bias": array(bias), "x": array(x), "y": array(y),
            "batch_size": BATCH, "epochs": EPOCHS, "history": history(h),
            "weights": [result_array(w) for w in model.get_layer("dense").get_weights()]}


# ---- scenario 3: weighted metrics on a fixed model ---------------------------------------------

def obj(class_name, **config):
    return {"class_name": class_name, "config": config}


WEIGHTED_METRIC_CASES = [
    ("regression", 2, None, "mse", "dense", ["mae"],
     ["mae", "mse", obj("RootMeanSquaredError", name="rmse"), "mape",
      obj("R2Score", name="r2")]),
    ("binary", 1, "sigmoid", "binary_crossentropy", "dense", ["accuracy"],
     ["accuracy", obj("AUC", name="roc_auc"), obj("AUC", name="pr_auc", curve="PR"),
      obj("Precision", name="precision"), obj("Recall", name="recall"),
      obj("BinaryCrossentropy", name="bce")]),
    ("categorical", 4, "softmax", "categorical_crossentropy", "onehot", [],
     [obj("TopKCategoricalAccuracy", name="top2", k=2),
      obj("CategoricalCrossentropy", name="cce"), "accuracy"]),
    ("sparse", 4, "softmax", "sparse_categorical_crossentropy", "sparse", [],
     [obj("SparseTopKCategoricalAccuracy", name="sparse_top2", k=2), "accuracy"]),
]


def weighted_metrics_case(label, units, activation, loss, targets, metrics, weighted):
    rng = np.random.RandomState(2403)
    x = round32(rng.randn(N, 4))
    kernel = round32(0.7 * rng.randn(4, units))
    bias = round32(0.1 * rng.randn(units))
    if targets == "dense" and units == 1:
        y = (x[:, :1] + 0.5 * x[:, 2:3] > 0).astype(np.float32)
        y[[0, 5]] = 1 - y[[0, 5]]
    elif targets == "dense":
        y = round32(x[:, :2] * np.array([1.0, -0.5]) + np.array([1.5, 2.0])
                    + 0.3 * rng.randn(N, 2))
    else:
        idx = np.array([0, 3, 1, 2, 2, 0, 1, 3, 1, 0], dtype=np.int64)
        y = idx if targets == "sparse" else np.eye(units, dtype=np.float32)[idx]
    sw = sample_weights(rng)
    model = dense_model(units, activation, kernel, bias)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss,
                  metrics=[metric(m) for m in metrics],
                  weighted_metrics=[metric(m) for m in weighted], jit_compile=False)
    e = model.evaluate(x, y, sample_weight=sw, batch_size=BATCH, verbose=0, return_dict=True)
    return {"label": label, "units": units, "activation": activation, "loss": loss,
            "targets": targets, "metrics": metrics, "weighted_metrics": weighted,
            "kernel": array(kernel), "bias": array(bias), "x": array(x), "y": array(y),
            "sample_weight": array(sw), "batch_size": BATCH, "logs": logs(e)}


# ---- scenario 4: temporal sample weights --------------------------------------------------------

def temporal():
    rng = np.random.RandomState(2404)
    samples = 10
    x = round32(rng.randn(samples, 3, 2))
    y = round32(x @ np.array([[1.0, -0.5], [0.5, 1.0]]) + 0.2 * rng.randn(samples, 3, 2))
    kernel = round32(0.5 * rng.randn(2, 2))
    bias = round32(0.1 * rng.randn(2))
    sw = round32(rng.uniform(0.0, 2.0, size=(samples, 3)), 2)
    sw[2, 1] = 0.0
    model = dense_model(2, None, kernel, bias, shape=(3, 2))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", weighted_metrics=["mae"],
                  jit_compile=False)
    h = model.fit(x, y, sample_weight=sw, batch_size=BATCH, epochs=EPOCHS, shuffle=False,
                  verbose=0)
    e = model.evaluate(x, y, sample_weight=sw, batch_size=BATCH, verbose=0, return_dict=True)
    return {"kernel": array(kernel), "bias": array(bias), "x": array(x), "y": array(y),
            "sample_weight": array(sw), "loss": "mse", "weighted_metrics": ["mae"],
            "batch_size": BATCH, "epochs": EPOCHS, "history": history(h),
            "weights": [result_array(w) for w in model.get_layer("dense").get_weights()],
            "evaluate": logs(e)}


# ---- scenario 5: errors --------------------------------------------------------------------------

def raises(fn):
    try:
        fn()
    except ValueError:
        return True
    return False


def errors():
    x, y, init, sw = mo_data()
    out = []
    model = mo_model(init)
    assert raises(lambda: model.fit(x, [y["price"], y["kind"]], class_weight={0: 1.0, 1: 2.0},
                                    batch_size=BATCH, epochs=1, verbose=0))
    out.append({"label": "class_weight_with_two_outputs", "raises": True})
    rng = np.random.RandomState(2405)
    single = dense_model(3, "softmax", round32(rng.randn(4, 3)), np.zeros(3, np.float32))
    single.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                   jit_compile=False)
    assert raises(lambda: single.fit(x, y["kind"], sample_weight=sw["both"],
                                     class_weight={0: 1.0, 1: 2.0}, batch_size=BATCH,
                                     epochs=1, verbose=0))
    out.append({"label": "sample_weight_and_class_weight", "raises": True})
    return out


NOTES = [
    "Per-output loss logs (price_loss, kind_loss) are NOT weighted by batch size in Keras 3: "
    "CompileLoss updates each output's Mean tracker with sample_weight=y_pred.shape[0], the static "
    "batch dimension, which is None inside the traced train/test function, so each batch counts "
    "once. With batches 4, 4, 2 they are the plain mean of the three batch losses, while 'loss' "
    "is weighted by batch size (tf.shape, dynamic). So loss != price_loss + 0.2 * kind_loss "
    "over an epoch; for one batch (train_on_batch) it is equal.",
    "Each output's loss of a batch is sum(sample_weight * per-sample loss) / batch size (Keras's "
    "sum_over_batch_size); 'loss' = sum over outputs of loss_weight * that.",
    "Unweighted metrics (metrics=) ignore sample_weight and class_weight; weighted_metrics= use "
    "them as Mean weights (sum(w * v) / sum(w)). A weighted metric whose name clashes with an "
    "unweighted one is logged with 'weighted_' put before the metric name ('kind_weighted_accuracy', "
    "'weighted_accuracy', 'weighted_mae').",
    "sample_weight='both' passes one (10,) array, applied to every output.",
    "per_output: the model's outputs are a list [price, kind], so y and sample_weight are lists "
    "in that order; the script checks that a model with dict outputs fitted with dicts of "
    "targets and sample weights by name gives the same history. (Keras 3.15 refuses a dict of "
    "sample weights when the model's outputs are a list: KeyError.)",
    "class_weight becomes a sample weight per sample from its class: the integer label, the "
    "argmax of a one-hot row, or round(y) of a (n, 1) binary target; a class without an entry "
    "weighs 1.",
    "train_on_batch resets the metrics at each call: its logs are those of the one batch.",
    "temporal: mse gives a (batch, 3) loss; sample_weight (batch, 3) multiplies it elementwise "
    "and sum_over_batch_size divides by batch * 3.",
]


def main():
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "notes": NOTES,
           "multi_output": multi_output(),
           "class_weight": [class_weight_case(*c) for c in CLASS_WEIGHT_CASES],
           "weighted_metrics": [weighted_metrics_case(*c) for c in WEIGHTED_METRIC_CASES],
           "temporal": temporal(),
           "errors": errors()}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("{\n")
        items = list(doc.items())
        for i, (key, value) in enumerate(items):
            f.write(json.dumps(key) + ": ")
            if isinstance(value, list):
                f.write("[\n")
                for j, entry in enumerate(value):
                    f.write("  " + json.dumps(entry, separators=(",", ":")))
                    f.write(",\n" if j + 1 < len(value) else "\n")
                f.write("]")
            else:
                f.write(json.dumps(value, separators=(",", ":")))
            f.write(",\n" if i + 1 < len(items) else "\n")
        f.write("}\n")


if __name__ == "__main__":
    main()
