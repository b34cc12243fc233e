"""Times Keras 3 on the digits antirectifier model, for the README's side-by-side table (issue 15).

Model (Keras's antirectifier example at the digits data set's sizes; --features 784
gives the MNIST sizes that benchmarks/AntirectifierNet.java uses):

    Input(F) -> Dense(256) -> antirectifier -> Dropout(0.1) -> Dense(256)
             -> antirectifier -> Dropout(0.1) -> Dense(10, softmax)

Predict: model.predict, the direct call model(x, training=False), tf.function and
tf.function(jit_compile=True), at batch 1, 32 and 1,024, each call including the
conversion of the NumPy input to a tensor and of the result back to NumPy (as a Java
predict takes and returns arrays). The configurations are measured in rounds, in a
different (seeded) order each round, so that machine noise spreads over all of them;
the table gives the median time per call over the rounds, the interquartile range and
rows per second. Fit: model.fit samples per second at batch 32 and 256 on random
1,797 x F data (RMSprop, categorical cross-entropy, Keras defaults otherwise), the
first (tracing) epoch left out.

Weights come from a file both sides can read, --weights (default
/tmp/lamina-antirectifier-weights-<F>.npz). If it does not exist the script writes
it first from Keras's default initialisers with a fixed seed. The format is NumPy's
.npz (np.savez: an uncompressed zip) with six entries, each a .npy v1.0 array of
little-endian float32 ('<f4') in C order:

    kernel1.npy (F, 256)   bias1.npy (256,)
    kernel2.npy (512, 256) bias2.npy (256,)
    kernel3.npy (512, 10)  bias3.npy (10,)

the names of benchmarks/AntirectifierNet.Weights' components; a Java writer of the
same file makes both sides time the same weights. Input rows are uniform in [0, 1)
from a fixed seed.

Run by hand (never by CI), on an otherwise idle machine:

    /work/venv/bin/python tools/keras_predict_timing.py [--features 64] [--rounds 15]
        [--weights PATH] [--json OUT.json]

It prints the versions used (Keras, TensorFlow, NumPy, Python, CPU count), and
Markdown tables; --json also writes the raw per-round times.

--serve PREDICT.npz FIT.npz is how the Java benchmarks drive it (`benchmarks`' `keras`
part; see benchmarks/README.md), so that Keras's timing alternates with Lamina's in one
run. PREDICT.npz holds the six weights (as above), inputs x1, x32, x1024 and Lamina's
outputs for them, y1, y32, y1024, which every Keras path must reproduce (rtol 1e-4);
FIT.npz the six weights of the 64-feature model and the training data x (N, 64), y
(N, 10) one-hot. The script then reads commands on standard input, one a line, and
answers each with one line "KERAS-JSON {...}" on standard output (the serving half,
shared with tools/keras_convnet_timing.py, is tools/keras_timing_server.py):

    predict      one round: every path at every batch size once, in a shuffled order;
                 seconds per call by "path@batch"
    fit E        one round: model.fit (and with jit_compile=True) at batch 32 and 256,
                 E calls of one epoch each (shuffled, verbose 0); samples/s by "path@batch"
    quit
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time

import keras_timing_server as server  # first: it sets TensorFlow's environment
from keras_timing_server import NAMES, BATCHES, calibrate

import numpy as np
import tensorflow as tf
import keras
from keras import layers

tf.get_logger().setLevel("ERROR")  # tf.function traces once per batch size, on purpose

SEED = 1797
HIDDEN = 256
CLASSES = 10
FIT_BATCHES = (32, 256)
FIT_ROWS = 1797


def antirectifier(x):
    # The same ops as Lamina's Java antirectifier.
    x = x - tf.reduce_mean(x, axis=1, keepdims=True)
    x = x * tf.math.rsqrt(
        tf.maximum(tf.reduce_sum(tf.square(x), axis=1, keepdims=True), 1e-12)
    )
    return tf.concat([tf.nn.relu(x), tf.nn.relu(-x)], axis=1)


def build(features):
    inp = keras.Input(shape=(features,), name="input")
    h = layers.Dense(HIDDEN, name="dense")(inp)
    h = layers.Lambda(antirectifier, name="antirectifier")(h)
    h = layers.Dropout(0.1, name="dropout")(h)
    h = layers.Dense(HIDDEN, name="dense_1")(h)
    h = layers.Lambda(antirectifier, name="antirectifier_1")(h)
    h = layers.Dropout(0.1, name="dropout_1")(h)
    out = layers.Dense(CLASSES, activation="softmax", name="dense_2")(h)
    return keras.Model(inp, out, name="antirectifier_digits")


def load_or_write_weights(model, path):
    if not os.path.exists(path):
        arrays = {n: np.asarray(w, dtype="<f4") for n, w in zip(NAMES, model.get_weights())}
        np.savez(path, **arrays)
        print("wrote seeded Keras-initialised weights to %s" % path)
    with np.load(path) as f:
        weights = [np.asarray(f[n], dtype=np.float32) for n in NAMES]
    model.set_weights(weights)
    return weights


def quartiles(xs):
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], statistics.median(xs), q[2]


def fmt_us(s):
    us = s * 1e6
    return "%.0f" % us if us >= 100 else "%.1f" % us


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--features", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--sample-seconds", type=float, default=0.2)
    ap.add_argument("--fit-epochs", type=int, default=3)
    ap.add_argument("--fit-rounds", type=int, default=5)
    ap.add_argument("--weights", default=None)
    ap.add_argument("--json", default=None)
    ap.add_argument("--serve", nargs=2, metavar=("PREDICT_NPZ", "FIT_NPZ"), default=None)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], args.sample_seconds)
        return
    features = args.features
    weights_path = args.weights or "/tmp/lamina-antirectifier-weights-%d.npz" % features

    keras.utils.set_random_seed(SEED)
    random.seed(SEED)
    rng = np.random.default_rng(SEED)
    model = build(features)
    weights = load_or_write_weights(model, weights_path)

    versions = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "processor": _cpu_name(),
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)"),
    }

    inputs = {b: rng.uniform(0.0, 1.0, size=(b, features)).astype(np.float32) for b in BATCHES}

    methods = server.predict_paths(model)

    # All paths compute the same function of the same weights.
    for b, x in inputs.items():
        ref = methods["model.predict"](x)
        for name, fn in methods.items():
            np.testing.assert_allclose(fn(x), ref, rtol=1e-4, atol=1e-6, err_msg=name)

    configs = [(m, b) for b in BATCHES for m in methods]
    calls = {}
    for m, b in configs:
        fn, x = methods[m], inputs[b]
        for _ in range(5):  # warm-up: tracing, XLA compilation, predict's first pipeline
            fn(x)
        calls[(m, b)] = calibrate(lambda: fn(x), args.sample_seconds)

    times = {c: [] for c in configs}
    order_rng = random.Random(SEED)
    for r in range(args.rounds):
        order = configs[:]
        order_rng.shuffle(order)
        for m, b in order:
            fn, x, n = methods[m], inputs[b], calls[(m, b)]
            t0 = time.perf_counter()
            for _ in range(n):
                fn(x)
            times[(m, b)].append((time.perf_counter() - t0) / n)
        print("round %d/%d done" % (r + 1, args.rounds), file=sys.stderr)

    # Fit throughput.
    fit_x = rng.uniform(0.0, 1.0, size=(FIT_ROWS, features)).astype(np.float32)
    fit_y = np.eye(CLASSES, dtype=np.float32)[rng.integers(0, CLASSES, size=(FIT_ROWS,))]
    fit_rates = {}
    fit_model = build(features)
    fit_model.compile(optimizer=keras.optimizers.RMSprop(), loss="categorical_crossentropy")
    jit = fit_model.jit_compile
    for b in FIT_BATCHES:
        fit_model.set_weights(weights)
        fit_model.fit(fit_x, fit_y, batch_size=b, epochs=1, verbose=0)  # traces the train step
        rates = []
        for _ in range(args.fit_rounds):
            t0 = time.perf_counter()
            fit_model.fit(fit_x, fit_y, batch_size=b, epochs=args.fit_epochs, verbose=0)
            rates.append(FIT_ROWS * args.fit_epochs / (time.perf_counter() - t0))
        fit_rates[b] = rates

    # Report.
    print()
    print("Keras %(keras_version)s, TensorFlow %(tensorflow_version)s, NumPy %(numpy_version)s, "
          "Python %(python_version)s; %(cpu_count)s CPUs (%(processor)s); TF threads intra/inter "
          "%(intra_op_threads)s/%(inter_op_threads)s (0 = TF's default); oneDNN %(onednn)s" % versions)
    print("Model: Input(%d) -> Dense(256) -> antirectifier -> Dropout(0.1) -> Dense(256) -> "
          "antirectifier -> Dropout(0.1) -> Dense(10, softmax); weights %s" % (features, weights_path))
    print("%d rounds, configurations in a shuffled order each round; a sample = the mean of "
          "enough calls to last ~%.2f s" % (args.rounds, args.sample_seconds))
    print()
    print("| batch | path | median µs/call | IQR µs | rows/s | vs fastest |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for b in BATCHES:
        med = {m: statistics.median(times[(m, b)]) for m in methods}
        best = min(med.values())
        for m in methods:
            q1, q2, q3 = quartiles(times[(m, b)])
            print("| %d | %s%s | %s | %s–%s | %s | %.2f× |" % (
                b, m, " **(fastest)**" if med[m] == best else "", fmt_us(q2), fmt_us(q1),
                fmt_us(q3), "{:,.0f}".format(b / q2), q2 / best))
    print()
    print("| fit batch | median samples/s | min–max samples/s | jit_compile |")
    print("| ---: | ---: | ---: | --- |")
    for b in FIT_BATCHES:
        print("| %d | %s | %s–%s | %s |" % (b, "{:,.0f}".format(statistics.median(fit_rates[b])),
                                         "{:,.0f}".format(min(fit_rates[b])),
                                         "{:,.0f}".format(max(fit_rates[b])), jit))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({**versions, "features": features, "weights": weights_path,
                       "predict_seconds_per_call": {"%s@%d" % c: v for c, v in times.items()},
                       "calls_per_sample": {"%s@%d" % c: v for c, v in calls.items()},
                       "fit_samples_per_second": {str(b): v for b, v in fit_rates.items()},
                       "fit_jit_compile": jit}, f, indent=1)


def serve(predict_npz, fit_npz, sample_seconds):
    """The Java driver's side: set up once, then one timing round per command."""
    order_rng = server.seeded(SEED)
    weights, inputs, expected = server.load_predict(predict_npz)
    methods, configs, calls = server.checked_paths(build(weights[0].shape[0]), weights, inputs,
                                                   expected, sample_seconds, warmups=5)

    fit_weights, fit_x, fit_y = server.load_fit(fit_npz)
    fit_models = server.fit_models(lambda: build(fit_weights[0].shape[0]), fit_weights,
                                   keras.optimizers.RMSprop, fit_x, fit_y, FIT_BATCHES)
    server.serve(order_rng, methods, inputs, configs, calls, fit_models, fit_x, fit_y,
                 FIT_BATCHES)


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()
