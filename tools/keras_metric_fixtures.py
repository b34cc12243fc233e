"""Keras 3 reference values for the metrics of issue 24 item 2, for Lamina's runtime tests
(runtime/src/test/java/dev/lamina/runtime/train/KerasMetricsTest.java).

Writes runtime/src/test/resources/keras/metrics.json:

    {"keras_version", "tensorflow_version",
     "data": {name: {"y_true", "y_pred"}},      # fixed targets and predictions, rows = samples
     "cases": [{
        "label", "data",                          # which data set
        "class_name", "config",                   # the metric as Keras serializes it
        "batches": [sizes],                       # update_state batch by batch, in order
        "value":   result() after one update_state on all rows,
        "accumulated": result() after update_state on each batch in turn,
        "batch_mean": the mean of each batch's own result() (what accumulating must NOT give
                      for the stateful metrics), weighted by batch size}],
     "fits": [{
        "label", "units", "activation", "loss", "metrics" (compile strings, or
        {"class_name", "config"}), "kernel", "bias", "x", "y", "batch_size", "epochs",
        "history": {name: [per epoch]}, "evaluate": {name: value}}]}

float32 values are written as float(np.float32(v)); metric values rounded to 8 significant
digits. fit: SGD(0.1), shuffle=False, jit_compile=False, a Dense model with fixed weights.

Run by hand from the repository root: /work/venv/bin/python tools/keras_metric_fixtures.py
Deterministic: fixed NumPy seed, no randomness in Keras; two runs write the same bytes.
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import keras
import tensorflow as tf

OUT = "runtime/src/test/resources/keras/metrics.json"
N = 12
BATCHES = [5, 5, 2]


def f32(v):
    return float(np.float32(v))


def r8(v):
    return float("%.8g" % float(v))


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def round32(a):
    # Values exactly representable in a short decimal: the fixture stays small and exact.
    return np.round(a, 4).astype(np.float32)


def data():
    rng = np.random.RandomState(24)
    d = {}
    yb = rng.randint(0, 2, size=(N, 1)).astype(np.float32)
    pb = round32(np.clip(0.35 * yb + 0.65 * rng.rand(N, 1), 0, 1))
    d["binary"] = (yb, pb)
    idx = rng.randint(0, 6, size=(N,))
    onehot = np.eye(6, dtype=np.float32)[idx]
    pc = round32(softmax(rng.randn(N, 6).astype(np.float32) + 1.2 * onehot))
    d["categorical"] = (onehot, pc)
    d["sparse"] = (idx.astype(np.float32).reshape(N, 1), pc)
    yr = round32(rng.randn(N, 2) + np.array([2.0, -1.0]))
    pr = round32(yr + 0.4 * rng.randn(N, 2))
    d["regression"] = (yr, pr)
    # Multi-label: several positives per row, for AUC/precision/recall flattening.
    ym = rng.randint(0, 2, size=(N, 3)).astype(np.float32)
    pm = round32(np.clip(0.3 * ym + 0.7 * rng.rand(N, 3), 0, 1))
    d["multilabel"] = (ym, pm)
    # Logits: unbounded predictions for the from_logits options.
    yl = rng.randint(0, 2, size=(N, 1)).astype(np.float32)
    d["logits"] = (yl, round32(2.0 * rng.randn(N, 1) + 1.5 * yl))
    d["categorical_logits"] = (onehot, round32(rng.randn(N, 6) + 1.5 * onehot))
    d["sparse_logits"] = (d["sparse"][0], d["categorical_logits"][1])
    return d


M = keras.metrics
CASES = [
    ("auc", "binary", lambda: M.get("auc")),
    ("AUC_pr", "binary", lambda: M.AUC(curve="PR")),
    ("AUC_pr_minoring", "binary", lambda: M.AUC(curve="PR", summation_method="minoring")),
    ("AUC_roc_majoring_100", "binary", lambda: M.AUC(num_thresholds=100,
                                                    summation_method="majoring")),
    ("AUC_roc_minoring", "binary", lambda: M.AUC(summation_method="minoring")),
    ("AUC_multilabel_flat", "multilabel", lambda: M.AUC()),
    ("AUC_pr_multilabel_10", "multilabel", lambda: M.AUC(curve="PR", num_thresholds=10)),
    ("AUC_multi_label", "multilabel", lambda: M.AUC(multi_label=True)),
    ("AUC_pr_multi_label_minoring", "multilabel", lambda: M.AUC(multi_label=True, curve="PR",
                                                               summation_method="minoring")),
    ("AUC_pr_multi_label", "multilabel", lambda: M.AUC(multi_label=True, curve="PR",
                                                      num_thresholds=30)),
    ("precision", "binary", lambda: M.get("precision")),
    ("Precision_0.3", "binary", lambda: M.Precision(thresholds=0.3)),
    ("recall", "binary", lambda: M.get("recall")),
    ("Recall_0.7", "binary", lambda: M.Recall(thresholds=0.7)),
    ("precision_multilabel", "multilabel", lambda: M.Precision()),
    ("Precision_top_k_2", "categorical", lambda: M.Precision(top_k=2)),
    ("Recall_top_k_2", "categorical", lambda: M.Recall(top_k=2)),
    ("Recall_class_id_1", "categorical", lambda: M.Recall(class_id=1, thresholds=0.2)),
    ("Precision_class_id_2_top_k_3", "categorical", lambda: M.Precision(class_id=2, top_k=3,
                                                                        thresholds=0.1)),
    ("top_k_categorical_accuracy", "categorical", lambda: M.TopKCategoricalAccuracy()),
    ("TopKCategoricalAccuracy_2", "categorical", lambda: M.TopKCategoricalAccuracy(k=2)),
    ("sparse_top_k_categorical_accuracy", "sparse", lambda: M.SparseTopKCategoricalAccuracy()),
    ("SparseTopKCategoricalAccuracy_2", "sparse", lambda: M.SparseTopKCategoricalAccuracy(k=2)),
    ("binary_crossentropy", "binary", lambda: M.BinaryCrossentropy()),
    ("AUC_from_logits", "logits", lambda: M.AUC(from_logits=True)),
    ("BinaryCrossentropy_from_logits", "logits", lambda: M.BinaryCrossentropy(from_logits=True)),
    ("CategoricalCrossentropy_from_logits", "categorical_logits",
     lambda: M.CategoricalCrossentropy(from_logits=True)),
    ("SparseCategoricalCrossentropy_from_logits", "sparse_logits",
     lambda: M.SparseCategoricalCrossentropy(from_logits=True)),
    ("categorical_crossentropy", "categorical", lambda: M.CategoricalCrossentropy()),
    ("sparse_categorical_crossentropy", "sparse", lambda: M.SparseCategoricalCrossentropy()),
    ("root_mean_squared_error", "regression", lambda: M.RootMeanSquaredError()),
    ("mape", "regression", lambda: M.get("mape")),
    ("r2_score", "regression", lambda: M.R2Score()),
    ("R2Score_variance_weighted", "regression",
     lambda: M.R2Score(class_aggregation="variance_weighted_average")),
    ("R2Score_num_regressors_3", "regression", lambda: M.R2Score(num_regressors=3)),
]


def result(metric):
    return r8(np.asarray(metric.result()))


def case(label, data_name, make, d):
    y, p = d[data_name]
    m = make()
    m.update_state(y, p)
    value = result(m)
    m = make()
    start = 0
    batch_values = []
    for size in BATCHES:
        m.update_state(y[start:start + size], p[start:start + size])
        fresh = make()
        fresh.update_state(y[start:start + size], p[start:start + size])
        batch_values.append(float(np.asarray(fresh.result())) * size)
        start += size
    cfg = m.get_config()
    cfg.pop("dtype", None)
    cfg.pop("name", None)  # Keras numbers fresh instances (auc_1, auc_6, ...)
    return {"label": label, "data": data_name, "class_name": m.__class__.__name__,
            "config": json.loads(json.dumps(cfg)), "batches": BATCHES, "value": value,
            "accumulated": result(m), "batch_mean": r8(sum(batch_values) / N)}


FITS = [
    ("binary", 1, "sigmoid", "binary_crossentropy",
     ["auc", "precision", "recall", "binary_crossentropy", "mse",
      {"class_name": "AUC", "config": {"name": "pr_auc", "curve": "PR", "num_thresholds": 50}},
      {"class_name": "Precision", "config": {"name": "precision_03", "thresholds": 0.3}}]),
    ("categorical", 5, "softmax", "categorical_crossentropy",
     ["top_k_categorical_accuracy", "categorical_crossentropy",
      {"class_name": "TopKCategoricalAccuracy", "config": {"name": "top2", "k": 2}},
      {"class_name": "Precision", "config": {"name": "precision_top2", "top_k": 2}},
      {"class_name": "Recall", "config": {"name": "recall_1", "class_id": 1,
                                          "thresholds": 0.2}},
      {"class_name": "AUC", "config": {"name": "label_auc", "multi_label": True}}]),
    ("sparse", 5, "softmax", "sparse_categorical_crossentropy",
     ["sparse_top_k_categorical_accuracy", "sparse_categorical_crossentropy",
      {"class_name": "SparseTopKCategoricalAccuracy", "config": {"name": "top2", "k": 2}}]),
    ("regression", 2, None, "mse",
     ["r2_score", "root_mean_squared_error", "mape", "mae"]),
]


def fit_case(label, units, activation, loss, metrics):
    rng = np.random.RandomState(7)
    samples, features = 20, 4
    x = round32(rng.randn(samples, features))
    kernel = round32(0.5 * rng.randn(features, units))
    bias = round32(0.1 * rng.randn(units))
    if label == "binary":
        y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype(np.float32)
        y[:3] = 1 - y[:3]
    elif label in ("categorical", "sparse"):
        idx = (np.argmax(x @ round32(rng.randn(features, units)), axis=-1) + np.arange(samples)
               % 2) % units
        y = np.eye(units, dtype=np.float32)[idx] if label == "categorical" \
            else idx.astype(np.int64)
    else:
        y = round32(x[:, :2] * np.array([1.5, -0.5]) + np.array([2.0, 3.0]) + 0.1 * rng.randn(
            samples, 2))
    keras.backend.clear_session()
    inputs = keras.Input((features,))
    outputs = keras.layers.Dense(units, activation=activation)(inputs)
    model = keras.Model(inputs, outputs)
    model.layers[1].set_weights([kernel, bias])
    compiled = [m if isinstance(m, str) else M.deserialize(m) for m in metrics]
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss, metrics=compiled,
                  jit_compile=False)
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    evaluated = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    return {"label": label, "units": units, "activation": activation, "loss": loss,
            "metrics": metrics, "kernel": [f32(v) for v in kernel.reshape(-1)],
            "bias": [f32(v) for v in bias], "x": [f32(v) for v in x.reshape(-1)],
            "y": [float(v) if label != "sparse" else int(v) for v in y.reshape(-1)],
            "batch_size": 8, "epochs": 2,
            "history": {k: [r8(v) for v in vs] for k, vs in history.history.items()},
            "evaluate": {k: r8(v) for k, v in evaluated.items()}}


def main():
    d = data()
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "data": {k: {"y_true": {"shape": list(y.shape),
                                   "values": [f32(v) for v in y.reshape(-1)]},
                        "y_pred": {"shape": list(p.shape),
                                   "values": [f32(v) for v in p.reshape(-1)]}}
                    for k, (y, p) in d.items()},
           "cases": [case(label, name, make, d) for label, name, make in CASES],
           "fits": [fit_case(*f) for f in FITS]}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("{\n")
        items = list(doc.items())
        for i, (key, value) in enumerate(items):
            f.write(json.dumps(key) + ": ")
            if key in ("cases", "fits"):
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
