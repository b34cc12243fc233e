"""Keras 3 fixture for Lamina's regularizers and constraints (issue 20, item 5).

Writes runtime/src/test/resources/keras/regularization.json: a fixed batch,
fixed initial weights, and for three `train_on_batch` steps with SGD(0.1)
and mse the loss each step returned (which includes the regularization
terms: Keras adds `model.losses` to the loss) and every weight after the
step (after the optimizer applied the constraints).

    inp = Input(shape=(4,))
    h = Dense(3, kernel_regularizer=L2(0.01), bias_regularizer=L1(0.02),
              activity_regularizer=L2(0.005), kernel_constraint=MaxNorm(0.5))(inp)
    out = Dense(2, kernel_constraint=NonNeg())(h)

The initial kernels have columns of norm above 0.5 and negative entries, so
both constraints bite. Also records Keras's serialized form of every
initializer, regularizer and constraint Lamina reads ("serialized"), and the evaluate() loss after the last step
(Keras includes the regularization terms there too) and Keras's serialized
config of each option.

"activity_regularization_layer": the same batch and initial weights through
Dense(3) -> ActivityRegularization(l1=0.01, l2=0.02) -> Dense(2), three
SGD(0.1) steps, evaluate and predict (see activity_regularization_layer).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_regularization_fixture.py
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import keras
from keras import layers, regularizers, constraints

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "regularization.json",
)


def main():
    keras.utils.set_random_seed(5)
    x = np.array([[0.5, -1.0, 2.0, 0.25],
                  [1.5, 0.5, -0.5, -2.0],
                  [-1.0, 1.0, 0.75, 0.5],
                  [0.2, -0.3, -1.2, 1.1],
                  [2.0, 0.1, 0.3, -0.7]], dtype="float32")
    y = np.array([[0.3, -0.2], [1.0, 0.5], [-0.4, 0.8], [0.0, 0.1],
                  [0.6, -0.9]], dtype="float32")
    k1 = np.array([[0.6, -0.4, 0.2],
                   [-0.3, 0.5, -0.7],
                   [0.4, 0.1, 0.3],
                   [-0.2, -0.6, 0.5]], dtype="float32")
    b1 = np.array([0.1, -0.2, 0.05], dtype="float32")
    k2 = np.array([[0.7, -0.3],
                   [-0.5, 0.4],
                   [0.2, 0.6]], dtype="float32")
    b2 = np.array([0.0, 0.1], dtype="float32")

    inp = keras.Input(shape=(4,), name="input")
    h = layers.Dense(3, name="dense",
                     kernel_regularizer=regularizers.L2(0.01),
                     bias_regularizer=regularizers.L1(0.02),
                     activity_regularizer=regularizers.L2(0.005),
                     kernel_constraint=constraints.MaxNorm(0.5))(inp)
    out = layers.Dense(2, name="dense_1",
                       kernel_constraint=constraints.NonNeg())(h)
    model = keras.Model(inp, out)
    model.layers[1].set_weights([k1, b1])
    model.layers[2].set_weights([k2, b2])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse",
                  jit_compile=False)

    steps = []
    for _ in range(3):
        loss = model.train_on_batch(x, y)
        steps.append({
            "returned_loss": float(loss),
            "weights": [w.tolist() for w in model.get_weights()],
        })
    eval_loss = model.evaluate(x, y, verbose=0)
    dense = model.layers[1].get_config()
    dense_1 = model.layers[2].get_config()
    doc = {
        "keras_version": keras.__version__,
        "x": x.tolist(), "y": y.tolist(),
        "initial_weights": [k1.tolist(), b1.tolist(), k2.tolist(), b2.tolist()],
        "steps": steps,
        "evaluate_loss_after": float(eval_loss),
        "configs": {
            key: dense[key] for key in ("kernel_initializer", "bias_initializer",
                                        "kernel_regularizer", "bias_regularizer",
                                        "activity_regularizer", "kernel_constraint")
        } | {"dense_1_kernel_constraint": dense_1["kernel_constraint"]},
    }
    ini = keras.initializers
    doc["serialized"] = {
        "initializers": [ini.serialize(i) for i in [
            ini.Zeros(), ini.Ones(), ini.Constant(0.3),
            ini.RandomNormal(0.1, 0.2, seed=1), ini.RandomUniform(-0.2, 0.3, seed=2),
            ini.TruncatedNormal(0.0, 0.5, seed=3),
            ini.VarianceScaling(2.0, "fan_out", "uniform", seed=4),
            ini.GlorotUniform(5), ini.GlorotNormal(6), ini.HeUniform(7), ini.HeNormal(8),
            ini.LecunUniform(9), ini.LecunNormal(10), ini.Orthogonal(1.5, seed=11),
            ini.HeNormal(seed=12, input_axes=[0], output_axes=[-1]),
        ]],
        "regularizers": [regularizers.serialize(r) for r in [
            regularizers.L1(0.3), regularizers.L2(0.4), regularizers.L1L2(0.1, 0.2),
        ]],
        "constraints": [constraints.serialize(c) for c in [
            constraints.MaxNorm(3.0, axis=1), constraints.NonNeg(), constraints.UnitNorm(axis=[0, 1]),
            constraints.MinMaxNorm(0.5, 2.0, rate=0.7, axis=0),
        ]],
    }
    doc["activity_regularization_layer"] = activity_regularization_layer(x, y, k1, b1, k2, b2)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def activity_regularization_layer(x, y, k1, b1, k2, b2):
    """Keras's ActivityRegularization layer between two Dense layers: the same
    batch and initial weights, three SGD(0.1) train_on_batch steps (the
    returned loss includes l1 * sum|h| + l2 * sum h^2 over the layer's output,
    divided by the batch size), evaluate after (includes it too), predict
    before and after (never includes it: the layer is the identity)."""
    keras.backend.clear_session()
    inp = keras.Input(shape=(4,), name="input")
    h = layers.Dense(3, name="dense")(inp)
    h = layers.ActivityRegularization(l1=0.01, l2=0.02, name="activity_regularization")(h)
    out = layers.Dense(2, name="dense_1")(h)
    model = keras.Model(inp, out)
    model.set_weights([k1, b1, k2, b2])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=False)
    before = model.predict(x, batch_size=len(x), verbose=0)
    steps = []
    for _ in range(3):
        loss = model.train_on_batch(x, y)
        steps.append({
            "returned_loss": float(loss),
            "weights": [w.tolist() for w in model.get_weights()],
        })
    return {
        "model": "Input(4) -> Dense(3, name=dense) -> ActivityRegularization(l1=0.01, "
                 "l2=0.02) -> Dense(2, name=dense_1); SGD(0.1), mse; x, y and initial "
                 "weights as above",
        "config": model.layers[2].get_config(),
        "predict_before": before.tolist(),
        "steps": steps,
        "evaluate_loss_after": float(model.evaluate(x, y, verbose=0)),
        "predict_after": model.predict(x, batch_size=len(x), verbose=0).tolist(),
    }


if __name__ == "__main__":
    main()
