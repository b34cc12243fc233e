"""Keras 3 fixtures for Lamina's optimizers and learning-rate schedules (issue 24, item 3).

Writes runtime/src/test/resources/keras/optimizers.json: a fixed batch, fixed
initial weights of

    inp = Input(shape=(3,), name="input")
    h = Dense(4, name="dense")(inp)
    out = Dense(2, name="dense_1")(h)

and, for each case (an optimizer with its defaults and with other options,
each gradient clipping option, weight_decay, each learning-rate schedule), the
optimizer as keras.optimizers.serialize writes it, and for 5 train_on_batch
steps (loss "mse") the loss each step returned and every weight after it.
"schedules" holds each schedule's serialized form and its value at steps
0..9 (keras.optimizers.schedules.*(step), float32).

"embedding_cases" train Input((4,), int32) -> Embedding(6, 2) -> Flatten ->
Dense(1) the same way (3 steps) on indices that repeat within and across
samples: Keras's TensorFlow backend hands the embedding's gradient to the
optimizer as IndexedSlices, and square, abs and the clips apply slice by slice.

A case may name "exclude_from_weight_decay" (the var_names given to the
optimizer's exclude_from_weight_decay before the first step; Keras's config
does not keep them).

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_optimizer_fixtures.py

Deterministic: the weights and batch are fixed and no op draws random
numbers; two runs write the same bytes.
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import keras
from keras import layers, optimizers
from keras.optimizers import schedules

STEPS = 5
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "optimizers.json",
)

X = np.array([[0.5, -1.0, 2.0],
              [1.5, 0.5, -0.5],
              [-1.0, 1.0, 0.75],
              [0.2, -0.3, -1.2],
              [2.0, 0.1, 0.3],
              [-0.6, 0.8, 1.1]], dtype="float32")
Y = np.array([[0.3, -0.2], [1.0, 0.5], [-0.4, 0.8], [0.0, 0.1],
              [0.6, -0.9], [-0.5, 0.4]], dtype="float32")
K1 = np.array([[0.6, -0.4, 0.2, 0.1],
               [-0.3, 0.5, -0.7, 0.4],
               [0.4, 0.1, 0.3, -0.5]], dtype="float32")
B1 = np.array([0.1, -0.2, 0.05, 0.0], dtype="float32")
K2 = np.array([[0.7, -0.3],
               [-0.5, 0.4],
               [0.2, 0.6],
               [-0.1, -0.8]], dtype="float32")
B2 = np.array([0.0, 0.1], dtype="float32")


def schedule_cases():
    return [
        ("ExponentialDecay", schedules.ExponentialDecay(0.1, 2, 0.5)),
        ("ExponentialDecay staircase",
         schedules.ExponentialDecay(0.1, 2, 0.5, staircase=True)),
        ("PiecewiseConstantDecay",
         schedules.PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01])),
        ("CosineDecay", schedules.CosineDecay(0.1, 4, alpha=0.1)),
        ("CosineDecay warmup",
         schedules.CosineDecay(0.0, 3, warmup_target=0.1, warmup_steps=2)),
        ("CosineDecayRestarts",
         schedules.CosineDecayRestarts(0.1, 2, t_mul=2.0, m_mul=0.9, alpha=0.05)),
        ("CosineDecayRestarts t_mul 1",
         schedules.CosineDecayRestarts(0.1, 2, t_mul=1.0, m_mul=0.8)),
        ("InverseTimeDecay", schedules.InverseTimeDecay(0.1, 2, 0.5)),
        ("InverseTimeDecay staircase",
         schedules.InverseTimeDecay(0.1, 2, 0.5, staircase=True)),
        ("PolynomialDecay", schedules.PolynomialDecay(0.1, 3, 0.01, power=2.0)),
        ("PolynomialDecay cycle",
         schedules.PolynomialDecay(0.1, 3, 0.01, power=0.5, cycle=True)),
    ]


def optimizer_cases():
    o = optimizers
    cases = [
        ("SGD clipnorm", lambda: o.SGD(0.1, clipnorm=0.5)),
        ("SGD momentum clipvalue", lambda: o.SGD(0.1, momentum=0.9, clipvalue=0.05)),
        ("Adam global_clipnorm", lambda: o.Adam(0.05, global_clipnorm=0.3)),
        ("Adam amsgrad", lambda: o.Adam(0.05, amsgrad=True)),
        ("RMSprop weight_decay", lambda: o.RMSprop(0.01, weight_decay=0.1)),
        ("Adagrad weight_decay clipnorm",
         lambda: o.Adagrad(0.1, weight_decay=0.2, clipnorm=0.4)),
        ("SGD weight_decay", lambda: o.SGD(0.1, weight_decay=0.3)),
        ("AdamW", lambda: o.AdamW()),
        ("AdamW options",
         lambda: o.AdamW(0.01, weight_decay=0.1, beta_1=0.8, beta_2=0.99,
                         epsilon=1e-6, amsgrad=True)),
        ("AdamW exclude bias", lambda: o.AdamW(0.01, weight_decay=0.5)),
        ("Nadam", lambda: o.Nadam()),
        ("Nadam options", lambda: o.Nadam(0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-6)),
        ("Adamax", lambda: o.Adamax()),
        ("Adamax options", lambda: o.Adamax(0.02, beta_1=0.8, beta_2=0.95, epsilon=1e-6)),
        ("Adadelta", lambda: o.Adadelta()),
        ("Adadelta options", lambda: o.Adadelta(1.0, rho=0.9, epsilon=1e-6)),
        ("Ftrl", lambda: o.Ftrl()),
        ("Ftrl options",
         lambda: o.Ftrl(0.1, learning_rate_power=-0.7, initial_accumulator_value=0.2,
                        l1_regularization_strength=0.01,
                        l2_regularization_strength=0.02,
                        l2_shrinkage_regularization_strength=0.05, beta=0.1)),
        ("Lion", lambda: o.Lion()),
        ("Lion options", lambda: o.Lion(0.01, beta_1=0.8, beta_2=0.95)),
        ("Lamb", lambda: o.Lamb()),
        ("Lamb options weight_decay",
         lambda: o.Lamb(0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-6, weight_decay=0.1)),
        ("Adafactor", lambda: o.Adafactor()),
        ("Adafactor options",
         lambda: o.Adafactor(0.01, beta_2_decay=-0.7, epsilon_1=1e-20, epsilon_2=1e-2,
                             clip_threshold=0.5, relative_step=False)),
        ("AdamW schedule",
         lambda: o.AdamW(schedules.ExponentialDecay(0.05, 2, 0.5), weight_decay=0.2)),
        ("Nadam global_clipnorm schedule",
         lambda: o.Nadam(schedules.CosineDecay(0.05, 4, alpha=0.1), global_clipnorm=0.2)),
    ]
    for label, schedule in schedule_cases():
        cases.append(("SGD " + label, lambda s=schedule: o.SGD(s)))
    return cases


E_X = np.array([[1, 2, 1, 0], [3, 1, 3, 3], [5, 0, 2, 2]], dtype="int32")
E_Y = np.array([[0.5], [-1.0], [0.25]], dtype="float32")
E_EMB = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.2], [0.05, -0.3],
                  [0.6, 0.1], [-0.1, 0.35]], dtype="float32")
E_K = np.array([[0.4], [-0.3], [0.2], [0.5], [-0.6], [0.1], [0.3], [-0.2]],
               dtype="float32")
E_B = np.array([0.05], dtype="float32")
E_STEPS = 3


def embedding_cases():
    o = optimizers
    return [
        ("Embedding SGD momentum", lambda: o.SGD(0.1, momentum=0.9)),
        ("Embedding SGD clipnorm", lambda: o.SGD(0.5, clipnorm=0.2)),
        ("Embedding SGD clipvalue", lambda: o.SGD(0.5, clipvalue=0.1)),
        ("Embedding Adam", lambda: o.Adam(0.05)),
        ("Embedding Adam global_clipnorm", lambda: o.Adam(0.05, global_clipnorm=0.1)),
        ("Embedding AdamW amsgrad", lambda: o.AdamW(0.05, weight_decay=0.1, amsgrad=True)),
        ("Embedding RMSprop centered",
         lambda: o.RMSprop(0.05, momentum=0.5, centered=True)),
        ("Embedding Adagrad", lambda: o.Adagrad(0.1)),
        ("Embedding Nadam", lambda: o.Nadam(0.05)),
        ("Embedding Adamax", lambda: o.Adamax(0.05)),
        ("Embedding Adadelta", lambda: o.Adadelta(1.0)),
        ("Embedding Ftrl",
         lambda: o.Ftrl(0.1, l1_regularization_strength=0.01,
                        l2_shrinkage_regularization_strength=0.05)),
        ("Embedding Lion", lambda: o.Lion(0.01)),
        ("Embedding Lamb", lambda: o.Lamb(0.05)),
        ("Embedding Adafactor", lambda: o.Adafactor(0.05)),
    ]


def run_embedding_case(make):
    inp = keras.Input(shape=(4,), dtype="int32", name="input")
    e = layers.Embedding(6, 2, name="embedding")(inp)
    out = layers.Dense(1, name="dense")(layers.Flatten(name="flatten")(e))
    model = keras.Model(inp, out)
    model.set_weights([E_EMB, E_K, E_B])
    optimizer = make()
    model.compile(optimizer=optimizer, loss="mse", jit_compile=False)
    steps = []
    for _ in range(E_STEPS):
        loss = model.train_on_batch(E_X, E_Y)
        steps.append({
            "loss": f32(loss),
            "weights": [[f32(v) for v in w.reshape(-1)] for w in model.get_weights()],
        })
    return optimizers.serialize(optimizer), steps


def f32(value):
    """The shortest decimal that reads back as the same float32."""
    return float(str(np.float32(value)))


def to_json(value):
    """Keras's config as JSON: Python floats and ints, lists for tuples."""
    return json.loads(json.dumps(value))


def run_case(make, exclude):
    inp = keras.Input(shape=(3,), name="input")
    h = layers.Dense(4, name="dense")(inp)
    out = layers.Dense(2, name="dense_1")(h)
    model = keras.Model(inp, out)
    model.set_weights([K1, B1, K2, B2])
    optimizer = make()
    if exclude:
        optimizer.exclude_from_weight_decay(var_names=exclude)
    model.compile(optimizer=optimizer, loss="mse", jit_compile=False)
    steps = []
    for _ in range(STEPS):
        loss = model.train_on_batch(X, Y)
        steps.append({
            "loss": f32(loss),
            "weights": [[f32(v) for v in w.reshape(-1)] for w in model.get_weights()],
        })
    iterations = int(model.optimizer.iterations.numpy())
    assert iterations == STEPS, iterations
    return optimizers.serialize(optimizer), steps


def main():
    keras.utils.set_random_seed(24)
    cases = []
    for label, make in optimizer_cases():
        exclude = ["bias"] if label == "AdamW exclude bias" else None
        serialized, steps = run_case(make, exclude)
        case = {"label": label, "optimizer": to_json(serialized), "steps": steps}
        if exclude:
            case["exclude_from_weight_decay"] = exclude
        cases.append(case)
    embedding = []
    for label, make in embedding_cases():
        serialized, steps = run_embedding_case(make)
        embedding.append({"label": label, "optimizer": to_json(serialized), "steps": steps})
    schedule_values = []
    for label, schedule in schedule_cases():
        schedule_values.append({
            "label": label,
            "schedule": to_json(schedules.serialize(schedule)),
            "values": [f32(schedule(step)) for step in range(10)],
        })
    doc = {
        "keras_version": keras.__version__,
        "x": [[f32(v) for v in row] for row in X],
        "y": [[f32(v) for v in row] for row in Y],
        "shapes": [list(K1.shape), list(B1.shape), list(K2.shape), list(B2.shape)],
        "initial_weights": [[f32(v) for v in w.reshape(-1)] for w in (K1, B1, K2, B2)],
        "cases": cases,
        "schedules": schedule_values,
        "embedding": {
            "x": E_X.tolist(),
            "y": [[f32(v) for v in row] for row in E_Y],
            "initial_weights": [[f32(v) for v in w.reshape(-1)] for w in (E_EMB, E_K, E_B)],
        },
        "embedding_cases": embedding,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # One line per case and per step: readable diffs, a small file.
    with open(OUT, "w") as f:
        f.write("{\n")
        items = list(doc.items())
        for i, (key, value) in enumerate(items):
            f.write(json.dumps(key) + ": ")
            if key in ("cases", "schedules", "embedding_cases"):
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
