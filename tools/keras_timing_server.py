"""What the Keras timing scripts share when the Java benchmarks drive them.

tools/keras_predict_timing.py --serve (the benchmarks' `keras` part),
tools/keras_convnet_timing.py (the `convnet` part) and tools/keras_sequence_timing.py (the
`sequence` part) each build their model, then use this
module to load the .npz files the Java side wrote, check every predict path against Lamina's
outputs, calibrate the paths, compile the fit models and serve timing rounds. Importing it sets
TF_CPP_MIN_LOG_LEVEL=2 and KERAS_BACKEND=tensorflow unless they are set, so import it before
TensorFlow.

Files (NumPy's np.savez layout: each .npy little-endian float32 in C order):

    PREDICT.npz  the weights (by default the six kernel1, bias1, kernel2, bias2, kernel3,
                 bias3; Keras's shapes), inputs x1, x32, x1024 (by default) and Lamina's
                 outputs for them, y1, y32, y1024, which every Keras path must reproduce
                 (rtol 1e-4)
    FIT.npz      the initial weights of the training model and its data x, y

Protocol: the script reads commands on standard input, one a line, and answers each with one
line "KERAS-JSON {...}" on standard output (the first, unasked, says it is ready and gives the
versions and the calls per predict sample):

    predict      one round: every path at every batch size once, in a shuffled order;
                 seconds per call by "path@batch"
    fit E        one round: each fit path at each fit batch size, E one-epoch calls each
                 (shuffled, verbose 0), in a shuffled order; samples/s by "path@batch"
                 (a script may add its own entries)
    quit

An unknown command gets {"error": ...}, which the Java side reports.
"""

import argparse
import json
import os
import platform
import random
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

NAMES = ("kernel1", "bias1", "kernel2", "bias2", "kernel3", "bias3")
BATCHES = (1, 32, 1024)
FIT_PATHS = (("fit", False), ("fit(jit_compile=True)", True))


def arguments(doc, models=None):
    """The command line of a script the Java side starts: [MODEL] PREDICT.npz FIT.npz
    [--sample-seconds S], MODEL one of `models` if given; doc's first line describes it."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    if models:
        ap.add_argument("model", choices=sorted(models))
    ap.add_argument("predict_npz")
    ap.add_argument("fit_npz")
    ap.add_argument("--sample-seconds", type=float, default=0.2)
    return ap.parse_args()


def seeded(seed):
    """Seeds Keras (and so NumPy, TensorFlow, Python); returns the rounds' order generator."""
    keras.utils.set_random_seed(seed)
    return random.Random(seed)


def calibrate(fn, target_s):
    """Calls per sample so that one sample lasts about target_s (at least 1)."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= target_s / 4 or n >= 1 << 16:
            return max(1, int(round(n * target_s / max(dt, 1e-9))))
        n *= 4


def load_predict(path, names=NAMES, batches=BATCHES):
    """PREDICT.npz: the weights (in names' order), and inputs and Lamina's outputs by batch."""
    with np.load(path) as f:
        weights = [np.asarray(f[n], dtype=np.float32) for n in names]
        inputs = {b: np.asarray(f["x%d" % b], dtype=np.float32) for b in batches}
        expected = {b: np.asarray(f["y%d" % b], dtype=np.float32) for b in batches}
    return weights, inputs, expected


def load_fit(path, names=NAMES):
    """FIT.npz: the initial weights (in names' order), the inputs x and the targets y."""
    with np.load(path) as f:
        weights = [np.asarray(f[n], dtype=np.float32) for n in names]
        x = np.asarray(f["x"], dtype=np.float32)
        y = np.asarray(f["y"], dtype=np.float32)
    return weights, x, y


def predict_paths(model):
    """Keras's ways to predict, each from a NumPy array to a NumPy array (as a Java predict)."""

    def call(x):
        return model(x, training=False)

    graph_fn = tf.function(call)
    xla_fn = tf.function(call, jit_compile=True)
    return {
        "model.predict": lambda x: model.predict(x, batch_size=len(x), verbose=0),
        "model(x)": lambda x: call(tf.convert_to_tensor(x)).numpy(),
        "tf.function": lambda x: graph_fn(tf.convert_to_tensor(x)).numpy(),
        "tf.function(jit_compile=True)": lambda x: xla_fn(tf.convert_to_tensor(x)).numpy(),
    }


def check_against_lamina(methods, inputs, expected):
    """Every path reproduces Lamina's outputs before anything is timed."""
    for b, x in inputs.items():
        for name, fn in methods.items():
            np.testing.assert_allclose(fn(x), expected[b], rtol=1e-4, atol=1e-6,
                                       err_msg="%s at batch %d against Lamina" % (name, b))


def calibrate_paths(methods, inputs, sample_seconds, warmups):
    """(path, batch) configurations, for each of inputs' batch sizes, and calls per sample,
    after `warmups` calls of each."""
    configs = [(m, b) for b in inputs for m in methods]
    calls = {}
    for m, b in configs:
        fn, x = methods[m], inputs[b]
        for _ in range(warmups):  # tracing, XLA compilation, predict's first pipeline
            fn(x)
        calls[(m, b)] = calibrate(lambda: fn(x), sample_seconds)
    return configs, calls


def checked_paths(model, weights, inputs, expected, sample_seconds, warmups):
    """Sets model's weights, checks every predict path against Lamina's outputs, calibrates
    them: (paths by name, (path, batch) configurations, calls per sample)."""
    model.set_weights(weights)
    methods = predict_paths(model)
    check_against_lamina(methods, inputs, expected)
    configs, calls = calibrate_paths(methods, inputs, sample_seconds, warmups)
    return methods, configs, calls


def fit_models(build, weights, optimizer, x, y, batches, loss="categorical_crossentropy"):
    """A model per fit path (without and with jit_compile), compiled with optimizer() and
    `loss`, from `weights`, its train step traced at every batch size."""
    models = {}
    for path, jit in FIT_PATHS:
        m = build()
        m.set_weights(weights)
        m.compile(optimizer=optimizer(), loss=loss, jit_compile=jit)
        for b in batches:
            m.fit(x, y, batch_size=b, epochs=1, verbose=0)  # traces the train step
        models[path] = m
    return models


def reply(obj):
    sys.stdout.write("KERAS-JSON " + json.dumps(obj) + "\n")
    sys.stdout.flush()


def serve(order_rng, methods, inputs, configs, calls, models, x, y, batches, more_fit=None):
    """Says ready, then answers commands until quit or the end of input. more_fit(epochs, out),
    if given, adds the script's own entries to each fit round's answer."""
    reply({"ready": True, "keras": keras.__version__, "tensorflow": tf.__version__,
           "numpy": np.__version__, "python": platform.python_version(), "cpus": os.cpu_count(),
           "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"),
           "calls": {"%s@%d" % c: n for c, n in calls.items()}})
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "predict":
            order = configs[:]
            order_rng.shuffle(order)
            out = {}
            for m, b in order:
                fn, xb, n = methods[m], inputs[b], calls[(m, b)]
                t0 = time.perf_counter()
                for _ in range(n):
                    fn(xb)
                out["%s@%d" % (m, b)] = (time.perf_counter() - t0) / n
            reply(out)
        elif words[0] == "fit":
            epochs = int(words[1])
            order = [(p, b) for p in models for b in batches]
            order_rng.shuffle(order)
            out = {}
            for p, b in order:
                t0 = time.perf_counter()
                for _ in range(epochs):
                    models[p].fit(x, y, batch_size=b, epochs=1, verbose=0, shuffle=True)
                out["%s@%d" % (p, b)] = len(x) * epochs / (time.perf_counter() - t0)
            if more_fit is not None:
                more_fit(epochs, out)
            reply(out)
        else:
            reply({"error": "unknown command " + words[0]})
