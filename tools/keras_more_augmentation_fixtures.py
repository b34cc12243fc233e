"""Keras 3 reference values for Lamina's RandomGrayscale, RandomInvert,
Solarization, RandomPosterization, AutoContrast and RandomColorDegeneration,
for the runtime's tests (MoreAugmentationLayersTest).

Writes runtime/src/test/resources/keras/more_augmentation.json in the format
of tools/keras_random_color_crop_fixtures.py:

    {"keras_version", "tensorflow_version", "seed",
     "cases": [{"id", "class_name", "config", "inputs": [tensor], "weights": [],
                "outputs": {"inference": [tensor]}}],
     "training": [{"id", "layer": {"class_name", "config"}, "learning_rate",
                   "x", "first_call": tensor, "y", "initial", "steps"}]}

RandomGrayscale's get_config does not write its seed; its training cases'
config has the seed added (see training()).

"cases" are layer(x, training=False): the identity for the random layers,
the stretched images for AutoContrast (which applies in inference too).

"training": a fresh layer with seed=s called once as layer(x, training=True)
(its first draws), and the model Input(shape) -> layer(seed=s) -> Flatten ->
Dense(1) (fixed weights) trained with train_on_batch, SGD(learning_rate), mse
for three steps: each step's loss and the weights after it. The Dense's kernel
gradient is the transformed batch, so matching the weights means transforming
as Keras does at each step. Images in [0, 255] train with a small learning
rate.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_more_augmentation_fixtures.py

Deterministic: every input comes from a NumPy generator with a fixed seed; two
runs write the same bytes.
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import keras
from keras import layers
from keras_layer_fixtures import tensor, plain  # the same encoding as layers.json

SEED = 20261209
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "more_augmentation.json",
)

# (id, make, input shape, value scale)
CASES = [
    ("inference", lambda: layers.RandomGrayscale(0.7, seed=3), (2, 5, 7, 3), 255),
    ("inference", lambda: layers.RandomInvert(seed=3), (2, 5, 7, 3), 255),
    ("inference", lambda: layers.Solarization(0.3, 0.5, seed=3), (2, 5, 7, 3), 255),
    ("inference", lambda: layers.RandomPosterization(3, seed=3), (2, 5, 7, 3), 255),
    ("default_range", lambda: layers.AutoContrast(), (2, 5, 7, 3), 255),
    ("unit_range", lambda: layers.AutoContrast(value_range=(0, 1)), (2, 5, 7, 2), 1),
    ("reversed_range", lambda: layers.AutoContrast(value_range=[2, -1]), (2, 5, 7, 3), 1),
    ("constant_channel", lambda: layers.AutoContrast(), "constant", 255),
    ("inference", lambda: layers.RandomColorDegeneration(0.5, seed=3), (2, 5, 7, 3), 255),
]

# (id, make(seed), seed, input shape, value scale, learning rate)
TRAINING = [
    ("default", lambda s: layers.RandomGrayscale(seed=s, name="aug"), 1337,
     (5, 7, 3), 255, 1e-6),
    ("factor_high_unit", lambda s: layers.RandomGrayscale(0.8, seed=s, name="aug"), 42,
     (5, 7, 3), 1, 0.1),
    ("default", lambda s: layers.RandomInvert(seed=s, name="aug"), 5,
     (5, 7, 2), 255, 1e-6),
    ("pair_unit_range", lambda s: layers.RandomInvert(
        (0.3, 0.9), value_range=(0, 1), seed=s, name="aug"), 9, (5, 7, 3), 1, 0.1),
    ("number_shifted_range", lambda s: layers.RandomInvert(
        0.8, value_range=[-1.0, 2.0], seed=s, name="aug"), 13, (5, 7, 1), 1, 0.1),
    ("default", lambda s: layers.Solarization(seed=s, name="aug"), 3,
     (5, 7, 3), 255, 1e-6),
    ("numbers", lambda s: layers.Solarization(0.2, 0.6, seed=s, name="aug"), 17,
     (5, 7, 3), 255, 1e-6),
    ("pairs_unit_range", lambda s: layers.Solarization(
        (0.1, 0.3), (0.6, 0.2), value_range=(0, 1), seed=s, name="aug"), 19,
     (5, 7, 2), 1, 0.1),
    ("reversed_range", lambda s: layers.Solarization(
        0.1, (0.3, 0.7), value_range=(2, -1), seed=s, name="aug"), 23, (5, 7, 3), 1, 0.1),
    ("default_range", lambda s: layers.RandomPosterization(3, seed=s, name="aug"), 29,
     (5, 7, 3), 255, 1e-6),
    ("pair_unit_range", lambda s: layers.RandomPosterization(
        (6, 2), value_range=(0, 1), seed=s, name="aug"), 31, (5, 7, 2), 1, 0.1),
    ("equal_reversed_range", lambda s: layers.RandomPosterization(
        (4, 4), value_range=(2, -1), seed=s, name="aug"), 37, (5, 7, 3), 1, 0.1),
    ("beyond_eight", lambda s: layers.RandomPosterization((6, 11), seed=s, name="aug"), 41,
     (5, 7, 3), 255, 1e-6),
    ("applies_in_training", lambda s: layers.AutoContrast(value_range=(0, 1), name="aug"), 43,
     (5, 7, 3), 1, 0.1),
    ("default_range", lambda s: layers.RandomColorDegeneration(0.5, seed=s, name="aug"), 47,
     (5, 7, 3), 255, 1e-6),
    ("pair_unit_range", lambda s: layers.RandomColorDegeneration(
        (0.8, -0.3), value_range=(0, 1), seed=s, name="aug"), 53, (5, 7, 3), 1, 0.1),
    ("clipped_range", lambda s: layers.RandomColorDegeneration(
        1.0, value_range=(0.7, 0.2), seed=s, name="aug"), 59, (5, 7, 3), 1, 0.1),
]


def images(rng, shape, scale):
    return (rng.uniform(size=shape) * scale).astype(np.float32)


def inference(layer, x):
    return layer(x, training=False)


def case(index, case_id, make, shape, scale):
    keras.backend.clear_session()
    if shape == "constant":
        # image 0's channel 1 and image 1's channels 0 and 2 hold one value each: Keras's
        # 0 * inf or inf - inf, NaN, keeps the input there
        x = images(np.random.default_rng(SEED + index), (2, 5, 7, 3), scale)
        x[0, :, :, 1] = 0.0
        x[1, :, :, 0] = 17.0
        x[1, :, :, 2] = 255.0
    else:
        x = images(np.random.default_rng(SEED + index), shape, scale)
    layer = make()
    y = inference(layer, x)
    return {
        "id": "%s/%s" % (layer.__class__.__name__, case_id),
        "class_name": layer.__class__.__name__,
        "config": plain(layer.get_config()),
        "inputs": [tensor(x)],
        "weights": [],
        "outputs": {"inference": [tensor(np.asarray(y))]},
    }


def training(index, case_id, make, seed, shape, scale, lr):
    rng = np.random.default_rng(SEED + 100 + index)
    x = images(rng, (4,) + shape, scale)
    y = rng.normal(size=(4, 1)).astype(np.float32)
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    first = make(seed)(x, training=True)
    keras.backend.clear_session()
    inp = keras.Input(shape=shape, name="input")
    aug = make(seed)
    out = layers.Dense(1, name="dense")(layers.Flatten(name="flatten")(aug(inp)))
    model = keras.Model(inp, out)
    model.set_weights([(0.3 * rng.normal(size=w.shape)).astype("float32")
                       for w in model.get_weights()])
    initial = [{"shape": list(w.shape), "values": w.reshape(-1).tolist()}
               for w in model.get_weights()]
    model.compile(keras.optimizers.SGD(lr), "mse")
    steps = []
    for _ in range(3):
        loss = model.train_on_batch(x, y)
        steps.append({"loss": float(loss),
                      "weights": [w.reshape(-1).tolist() for w in model.get_weights()]})
    name = aug.__class__.__name__
    config = plain(aug.get_config())
    # RandomGrayscale's get_config leaves its seed out (Keras 3.15.1): the case's config adds
    # the seed the Keras layer was made with, so Lamina's layer draws as it did
    if name == "RandomGrayscale":
        config.setdefault("seed", seed)
    return {"id": name + "/training_" + case_id,
            "layer": {"class_name": name, "config": config},
            "learning_rate": lr,
            "x": tensor(x), "first_call": tensor(np.asarray(first)), "y": tensor(y),
            "initial": initial, "steps": steps}


def main():
    doc = {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "seed": SEED,
        "cases": [case(i, *c) for i, c in enumerate(CASES)],
        "training": [training(i, *t) for i, t in enumerate(TRAINING)],
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print("wrote %s (%d bytes)" % (os.path.normpath(OUT), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
