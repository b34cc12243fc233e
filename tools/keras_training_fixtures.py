"""Keras 3 training fixtures for Lamina's training tests (issue 11, item 7).

Writes samples/src/test/resources/keras/training.json: a fixed batch, the
targets for five losses, one set of initial weights, and for every optimizer
x loss pair the value `train_on_batch` returned, the loss recomputed after
the step, and all weights after each of 3 steps on the same batch.

Run by hand from the repository root (never by CI):

    python3 -m venv /work/venv
    /work/venv/bin/pip install tensorflow-cpu keras h5py numpy scikit-learn
    /work/venv/bin/python tools/keras_training_fixtures.py

The model (functional, float32):

    inp = Input(shape=(4,), name="input")
    h = Dense(6, name="dense")(inp)
    h = Lambda(antirectifier, name="antirectifier")(h)   # (None, 12)
    out = Dense(3, activation=ACT, name="dense_1")(h)

with the antirectifier written with the same TensorFlow ops as Lamina's
Java. Keras's defaults everywhere (glorot_uniform kernels, zero biases, loss
reduction "sum_over_batch_size") except jit_compile=False, written into the
file: Keras's "auto" already means no XLA on a CPU-only machine, and the
fixture must not depend on the machine that writes it.

Findings this script checks each run and records under "notes":
- train_on_batch returns the loss of the batch computed in the forward pass
  of that step, i.e. with the weights BEFORE the update (Keras 3 resets its
  metrics at the start of each train_on_batch call, so it is not a running
  mean across calls). So steps[k].returned_loss == steps[k-1].loss_after
  (and == the case's initial_loss for k = 0), up to float32 rounding.
- loss_after is model.evaluate(x, y) after the step, which equals the loss
  function applied to model(x, training=False).

Deterministic: seeds are fixed (numpy, Python, TF and Keras through
keras.utils.set_random_seed) and TF op determinism is enabled; two runs
write the same bytes.
"""

import json
import os
import random
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import keras
from keras import layers

SEED = 20261127
STEPS = 3
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "samples", "src", "test", "resources", "keras", "training.json",
)


def antirectifier(x):
    x = x - tf.reduce_mean(x, axis=1, keepdims=True)
    x = x * tf.math.rsqrt(
        tf.maximum(tf.reduce_sum(tf.square(x), axis=1, keepdims=True), 1e-12)
    )
    return tf.concat([tf.nn.relu(x), tf.nn.relu(-x)], axis=1)


def build(activation):
    inp = keras.Input(shape=(4,), name="input", dtype="float32")
    h = layers.Dense(6, name="dense")(inp)
    h = layers.Lambda(antirectifier, name="antirectifier")(h)
    out = layers.Dense(3, activation=activation, name="dense_1")(h)
    return keras.Model(inp, out, name="training_fixture")


def flat(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


def optimizers():
    # Fresh instances per case; everything not given is Keras 3's default.
    return [
        lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
        lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
        lambda: keras.optimizers.Adam(learning_rate=0.01),
        lambda: keras.optimizers.RMSprop(learning_rate=0.01),
        lambda: keras.optimizers.Adagrad(learning_rate=0.1),
    ]


def optimizer_config(opt):
    cfg = {"class": type(opt).__name__}
    for k, v in opt.get_config().items():
        if k == "name":  # an auto-numbered Python name ("sgd_2"), not an option
            continue
        if isinstance(v, (np.floating, np.integer)):
            v = v.item()
        cfg[k] = v
    return cfg


def main():
    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    random.seed(SEED)
    rng = np.random.default_rng(SEED)

    x = rng.normal(size=(8, 4)).astype(np.float32)
    labels = rng.integers(0, 3, size=(8,)).astype(np.int32)
    targets = {
        "mse": rng.normal(size=(8, 3)).astype(np.float32),
        "mae": None,  # same as mse, set below
        "categorical_crossentropy": np.eye(3, dtype=np.float32)[labels],
        "sparse_categorical_crossentropy": labels,
        "binary_crossentropy": rng.integers(0, 2, size=(8, 3)).astype(np.float32),
    }
    targets["mae"] = targets["mse"]
    activations = {
        "mse": None,
        "mae": None,
        "categorical_crossentropy": "softmax",
        "sparse_categorical_crossentropy": "softmax",
        "binary_crossentropy": "sigmoid",
    }

    # One set of initial weights (Keras's default initializers, seeded);
    # the output activation has no weights, so one model's weights fit all.
    init_model = build(None)
    init_weights = [np.array(w) for w in init_model.get_weights()]
    names = [v.path for v in init_model.weights]

    cases = []
    notes_checks = {"returned_equals_previous_loss": True, "max_rel_diff": 0.0}
    for make_opt in optimizers():
        for loss_name in targets:
            y = targets[loss_name]
            model = build(activations[loss_name])
            model.set_weights(init_weights)
            opt = make_opt()
            model.compile(optimizer=opt, loss=loss_name, jit_compile=False)
            loss_fn = keras.losses.get(loss_name)
            initial_loss = float(model.evaluate(x, y, batch_size=8, verbose=0))
            previous = initial_loss
            steps = []
            for _ in range(STEPS):
                returned = model.train_on_batch(x, y)
                returned = float(np.asarray(returned).reshape(-1)[0])
                after = float(model.evaluate(x, y, batch_size=8, verbose=0))
                direct = float(np.mean(loss_fn(y, model(x, training=False))))
                assert abs(after - direct) <= 1e-6 * max(1.0, abs(after)), (after, direct)
                rel = abs(returned - previous) / max(abs(previous), 1e-12)
                notes_checks["max_rel_diff"] = max(notes_checks["max_rel_diff"], rel)
                if rel > 1e-5:
                    notes_checks["returned_equals_previous_loss"] = False
                steps.append({
                    "returned_loss": returned,
                    "loss_after": after,
                    "weights": [flat(w) for w in model.get_weights()],
                })
                previous = after
            cases.append({
                "optimizer": optimizer_config(opt),
                "loss": loss_name,
                "initial_loss": initial_loss,
                "steps": steps,
            })

    if not notes_checks["returned_equals_previous_loss"]:
        print("WARNING: train_on_batch did not return the pre-update loss", file=sys.stderr)

    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "seed": SEED,
        "model": "Input(4,name=input) -> Dense(6,name=dense) -> Lambda(antirectifier) (None,12)"
                 " -> Dense(3,activation=ACT,name=dense_1); float32",
        "compile": {"jit_compile": False, "loss_reduction": "sum_over_batch_size",
                    "steps": STEPS, "batch_size": 8, "shuffle": False},
        "notes": [
            "returned_loss is what model.train_on_batch(x, y) returned: the loss of the batch "
            "in that step's forward pass, i.e. with the weights BEFORE the update "
            "(steps[k].returned_loss == steps[k-1].loss_after, steps[0].returned_loss == initial_loss; "
            "max relative difference seen: %.3g)." % notes_checks["max_rel_diff"],
            "optimizer: get_config() of the Keras optimizer after training, 'name' left out; "
            "learning_rate is the value of Keras's float32 variable (0.1 -> 0.10000000149011612).",
            "loss_after and initial_loss are model.evaluate(x, y) (== loss(y, model(x, training=False))).",
            "Cross-entropies on softmax/sigmoid outputs: Keras computes them from the logits "
            "(softmax_cross_entropy_with_logits / sigmoid_cross_entropy_with_logits), not from clipped probabilities.",
        ],
        "update_rules": {
            # As Keras 3's optimizers/*.py compute them (g = gradient, t = step from 1).
            "SGD": "m = momentum*m - lr*g; var += m",
            "SGD_nesterov": "m = momentum*m - lr*g; var += momentum*m - lr*g",
            "Adam": "m += (g-m)*(1-beta_1); v += (g^2-v)*(1-beta_2); "
                    "var -= m * lr*sqrt(1-beta_2^t)/(1-beta_1^t) / (sqrt(v) + epsilon)",
            "RMSprop": "v = rho*v + (1-rho)*g^2; var -= lr*g / sqrt(v + epsilon)   (epsilon inside the sqrt)",
            "Adagrad": "acc starts at initial_accumulator_value; acc += g^2; "
                       "var -= lr*g / sqrt(acc + epsilon)   (epsilon inside the sqrt)",
        },
        "x": [flat(r) for r in x],
        "targets": {k: (v.tolist() if v.dtype.kind == "i" else [flat(r) for r in v])
                    for k, v in targets.items()},
        "activations": activations,
        "initial_weights": [
            {"name": n, "shape": list(w.shape), "values": flat(w)}
            for n, w in zip(names, init_weights)
        ],
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %s (%d bytes, %d cases)" % (os.path.normpath(OUT), os.path.getsize(OUT), len(cases)))


if __name__ == "__main__":
    main()
