"""Times Keras 3 on Keras's simple MNIST convnet, for the benchmarks' `convnet` part (issue 21).

Model (keras.io/examples/vision/mnist_convnet, as benchmarks/ConvNet.java builds it):

    Input(28, 28, 1) -> Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu)
                     -> MaxPooling2D(2) -> Flatten -> Dropout(0.5) -> Dense(10, softmax)

The Java benchmarks drive it (benchmarks/README.md, `convnet` part), so that Keras's timing
alternates with Lamina's and the hand-written TensorFlow Java graph's in one run:

    /work/venv/bin/python tools/keras_convnet_timing.py PREDICT.npz FIT.npz [--sample-seconds S]

PREDICT.npz holds the six weights (kernel1 (3, 3, 1, 32), bias1 (32,), kernel2 (3, 3, 32, 64),
bias2 (64,), kernel3 (1600, 10), bias3 (10,): Keras's shapes), inputs x1, x32, x1024 of shape
(n, 28, 28, 1) and Lamina's outputs for them, y1, y32, y1024, which every Keras path must
reproduce (rtol 1e-4) before anything is timed; FIT.npz the six initial weights of the training
model and its data x (N, 28, 28, 1), y (N, 10) one-hot. Each .npy is little-endian float32 in
C order (NumPy's np.savez layout).

Predict paths: model.predict, the direct call model(x, training=False), tf.function and
tf.function(jit_compile=True), each call including NumPy -> tensor -> NumPy (as a Java predict
takes and returns arrays). Fit: model.fit compiled with Adam (Keras's defaults) and
categorical_crossentropy, without and with jit_compile=True, at batch 32 and 128, one epoch
per call (shuffled, verbose 0), the tracing epochs done before timing.

The script reads commands on standard input, one a line, and answers each with one line
"KERAS-JSON {...}" on standard output (the protocol of tools/keras_predict_timing.py --serve):

    predict      one round: every path at every batch size once, in a shuffled order;
                 seconds per call by "path@batch"
    fit E        one round: each fit path at batch 32 and 128, E one-epoch calls each, then
                 the bare training step ("train_step": a tf.function of GradientTape, loss
                 and Adam's apply on in-memory tensors, batches gathered from a shuffled
                 order; not fit, so not a candidate for Keras's fastest fit, but what the
                 step itself costs); samples/s by "path@batch"
    quit

Run only by the Java driver, by hand, never by CI.
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
from keras import layers  # noqa: E402

tf.get_logger().setLevel("ERROR")  # tf.function traces once per batch size, on purpose

SEED = 2021
BATCHES = (1, 32, 1024)
FIT_BATCHES = (32, 128)
NAMES = ("kernel1", "bias1", "kernel2", "bias2", "kernel3", "bias3")


def build():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ], name="mnist_convnet")


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("predict_npz")
    ap.add_argument("fit_npz")
    ap.add_argument("--sample-seconds", type=float, default=0.2)
    args = ap.parse_args()

    keras.utils.set_random_seed(SEED)
    order_rng = random.Random(SEED)
    with np.load(args.predict_npz) as f:
        weights = [np.asarray(f[n], dtype=np.float32) for n in NAMES]
        inputs = {b: np.asarray(f["x%d" % b], dtype=np.float32) for b in BATCHES}
        expected = {b: np.asarray(f["y%d" % b], dtype=np.float32) for b in BATCHES}
    model = build()
    model.set_weights(weights)

    def call(x):
        return model(x, training=False)

    graph_fn = tf.function(call)
    xla_fn = tf.function(call, jit_compile=True)
    methods = {
        "model.predict": lambda x: model.predict(x, batch_size=len(x), verbose=0),
        "model(x)": lambda x: call(tf.convert_to_tensor(x)).numpy(),
        "tf.function": lambda x: graph_fn(tf.convert_to_tensor(x)).numpy(),
        "tf.function(jit_compile=True)": lambda x: xla_fn(tf.convert_to_tensor(x)).numpy(),
    }
    for b, x in inputs.items():
        for name, fn in methods.items():
            np.testing.assert_allclose(fn(x), expected[b], rtol=1e-4, atol=1e-6,
                                       err_msg="%s at batch %d against Lamina" % (name, b))
    configs = [(m, b) for b in BATCHES for m in methods]
    calls = {}
    for m, b in configs:
        fn, x = methods[m], inputs[b]
        for _ in range(3):  # warm-up: tracing, XLA compilation, predict's first pipeline
            fn(x)
        calls[(m, b)] = calibrate(lambda: fn(x), args.sample_seconds)

    with np.load(args.fit_npz) as f:
        fit_weights = [np.asarray(f[n], dtype=np.float32) for n in NAMES]
        fit_x = np.asarray(f["x"], dtype=np.float32)
        fit_y = np.asarray(f["y"], dtype=np.float32)
    fit_models = {}
    for path, jit in (("fit", False), ("fit(jit_compile=True)", True)):
        m = build()
        m.set_weights(fit_weights)
        m.compile(optimizer=keras.optimizers.Adam(), loss="categorical_crossentropy",
                  jit_compile=jit)
        for b in FIT_BATCHES:
            m.fit(fit_x, fit_y, batch_size=b, epochs=1, verbose=0)  # traces the train step
        fit_models[path] = m

    # Not `fit`: Keras's model under a bare tf.function training step (GradientTape, the same
    # loss and Adam) on tensors already in memory, no tf.data, no callbacks: what the step
    # itself costs in TensorFlow, for telling Keras's fit overhead from the kernels' time.
    step_model = build()
    step_model.set_weights(fit_weights)
    step_optimizer = keras.optimizers.Adam()
    step_loss = keras.losses.CategoricalCrossentropy()
    step_x = tf.constant(fit_x)
    step_y = tf.constant(fit_y)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = step_loss(y, step_model(x, training=True))
        grads = tape.gradient(loss, step_model.trainable_variables)
        step_optimizer.apply(grads, step_model.trainable_variables)
        return loss

    def step_epoch(b):
        order = tf.random.shuffle(tf.range(len(fit_x)))
        for start in range(0, len(fit_x), b):
            index = order[start:start + b]
            train_step(tf.gather(step_x, index), tf.gather(step_y, index))

    for b in FIT_BATCHES:
        step_epoch(b)  # traces the step for both batch sizes and the last, shorter batch

    def reply(obj):
        sys.stdout.write("KERAS-JSON " + json.dumps(obj) + "\n")
        sys.stdout.flush()

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
                fn, x, n = methods[m], inputs[b], calls[(m, b)]
                t0 = time.perf_counter()
                for _ in range(n):
                    fn(x)
                out["%s@%d" % (m, b)] = (time.perf_counter() - t0) / n
            reply(out)
        elif words[0] == "fit":
            epochs = int(words[1])
            order = [(p, b) for p in fit_models for b in FIT_BATCHES]
            order_rng.shuffle(order)
            out = {}
            for p, b in order:
                t0 = time.perf_counter()
                for _ in range(epochs):
                    fit_models[p].fit(fit_x, fit_y, batch_size=b, epochs=1, verbose=0,
                                      shuffle=True)
                out["%s@%d" % (p, b)] = len(fit_x) * epochs / (time.perf_counter() - t0)
            for b in FIT_BATCHES:
                t0 = time.perf_counter()
                for _ in range(epochs):
                    step_epoch(b)
                out["train_step@%d" % b] = len(fit_x) * epochs / (time.perf_counter() - t0)
            reply(out)
        else:
            reply({"error": "unknown command " + words[0]})


if __name__ == "__main__":
    main()
