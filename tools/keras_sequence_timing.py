"""Times Keras 3 on an LSTM text classifier or a transformer block, for the benchmarks' `sequence`
part (issue 22, item 6).

Models (as benchmarks/SequenceModels.java builds them with Lamina's layers), on token sequences
of length 40 from a vocabulary of 1,000:

    lstm         Input(40, int32) -> Embedding(1000, 32) -> LSTM(64) -> Dense(1, sigmoid)
    transformer  Input(40, int32) -> Embedding(1000, 32) -> x
                 x + MultiHeadAttention(num_heads=2, key_dim=16)(x, x) -> LayerNormalization -> x
                 x + Dense(32)(Dense(64, relu)(x)) -> LayerNormalization
                 -> GlobalAveragePooling1D -> Dense(1, sigmoid)

The Java benchmarks drive it (benchmarks/README.md, `sequence` part), so that Keras's timing
alternates with Lamina's in one run:

    python3 tools/keras_sequence_timing.py lstm|transformer PREDICT.npz FIT.npz
        [--sample-seconds S]

PREDICT.npz holds the model's weights w0, w1, ... in Keras's get_weights order and shapes,
inputs x1, x32, x256 of shape (n, 40) (token ids stored as float32, exact) and Lamina's outputs
for them, y1, y32, y256 of shape (n, 1), which every Keras path must reproduce (rtol 1e-4)
before anything is timed; FIT.npz the initial weights of the training model, w0, w1, ..., and
its data x (N, 40) token ids, y (N, 1) labels 0 or 1.

Predict paths: model.predict, the direct call model(x, training=False), tf.function and
tf.function(jit_compile=True), each call including NumPy -> tensor -> NumPy (as a Java predict
takes and returns arrays). Fit: model.fit compiled with Adam (Keras's defaults) and
binary_crossentropy, without and with jit_compile=True, at batch 32, one epoch per call
(shuffled, verbose 0), the tracing epoch done before timing.

Commands on standard input and answers on standard output as tools/keras_timing_server.py
describes (predict, fit E, quit). Run only by the Java driver, by hand, never by CI.
"""

import keras_timing_server as server  # first: it sets TensorFlow's environment

import numpy as np
import tensorflow as tf
import keras
from keras import layers

tf.get_logger().setLevel("ERROR")  # tf.function traces once per batch size, on purpose

SEED = 2022
LENGTH = 40
VOCABULARY = 1000
WIDTH = 32
BATCHES = (1, 32, 256)
FIT_BATCHES = (32,)


def lstm():
    return keras.Sequential([
        keras.Input(shape=(LENGTH,), dtype="int32"),
        layers.Embedding(VOCABULARY, WIDTH),
        layers.LSTM(64),
        layers.Dense(1, activation="sigmoid"),
    ], name="lstm_classifier")


def transformer():
    ids = keras.Input(shape=(LENGTH,), dtype="int32")
    x = layers.Embedding(VOCABULARY, WIDTH)(ids)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=16)(x, x)
    x = layers.LayerNormalization()(layers.Add()([x, attended]))
    fed = layers.Dense(WIDTH)(layers.Dense(64, activation="relu")(x))
    x = layers.LayerNormalization()(layers.Add()([x, fed]))
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(ids, layers.Dense(1, activation="sigmoid")(x), name="transformer_block")


MODELS = {"lstm": lstm, "transformer": transformer}


def main():
    args = server.arguments(__doc__, MODELS)
    order_rng = server.seeded(SEED)
    build = MODELS[args.model]
    model = build()
    names = ["w%d" % i for i in range(len(model.weights))]
    weights, inputs, expected = server.load_predict(args.predict_npz, names, BATCHES)
    inputs = {b: x.astype(np.int32) for b, x in inputs.items()}
    methods, configs, calls = server.checked_paths(model, weights, inputs, expected,
                                                   args.sample_seconds, warmups=3)

    fit_weights, fit_x, fit_y = server.load_fit(args.fit_npz, names)
    fit_x = fit_x.astype(np.int32)
    fit_models = server.fit_models(build, fit_weights, keras.optimizers.Adam, fit_x, fit_y,
                                   FIT_BATCHES, loss="binary_crossentropy")
    server.serve(order_rng, methods, inputs, configs, calls, fit_models, fit_x, fit_y,
                 FIT_BATCHES)


if __name__ == "__main__":
    main()
