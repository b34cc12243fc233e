"""Times Keras 3 on Keras's simple MNIST convnet, for the benchmarks' `convnet` part (issue 21).

Model (keras.io/examples/vision/mnist_convnet, as benchmarks/ConvNet.java builds it):

    Input(28, 28, 1) -> Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu)
                     -> MaxPooling2D(2) -> Flatten -> Dropout(0.5) -> Dense(10, softmax)

The Java benchmarks drive it (benchmarks/README.md, `convnet` part), so that Keras's timing
alternates with Lamina's and the hand-written TensorFlow Java graph's in one run:

    python3 tools/keras_convnet_timing.py PREDICT.npz FIT.npz [--sample-seconds S]

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
"KERAS-JSON {...}" on standard output (tools/keras_timing_server.py, which
tools/keras_predict_timing.py --serve shares):

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

import time

import keras_timing_server as server  # first: it sets TensorFlow's environment

import tensorflow as tf
import keras
from keras import layers

tf.get_logger().setLevel("ERROR")  # tf.function traces once per batch size, on purpose

SEED = 2021
FIT_BATCHES = (32, 128)


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


def main():
    args = server.arguments(__doc__)
    order_rng = server.seeded(SEED)
    weights, inputs, expected = server.load_predict(args.predict_npz)
    methods, configs, calls = server.checked_paths(build(), weights, inputs, expected,
                                                   args.sample_seconds, warmups=3)

    fit_weights, fit_x, fit_y = server.load_fit(args.fit_npz)
    fit_models = server.fit_models(build, fit_weights, keras.optimizers.Adam, fit_x, fit_y,
                                   FIT_BATCHES)

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

    def time_train_step(epochs, out):
        for b in FIT_BATCHES:
            t0 = time.perf_counter()
            for _ in range(epochs):
                step_epoch(b)
            out["train_step@%d" % b] = len(fit_x) * epochs / (time.perf_counter() - t0)

    server.serve(order_rng, methods, inputs, configs, calls, fit_models, fit_x, fit_y,
                 FIT_BATCHES, more_fit=time_train_step)


if __name__ == "__main__":
    main()
