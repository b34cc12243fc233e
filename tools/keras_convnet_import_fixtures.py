"""Keras 3 image models with a Lambda layer each, for Lamina's Keras importer tests (issue 21,
item 6).

Writes into keras/src/test/resources/fixtures/ (same JSON layout as
tools/keras_import_fixtures.py, whose save_fixture it reuses):

  convnet.keras, convnet.json
      Input(8, 8, 1) -> Lambda(standardize) -> Conv2D(8, 3, same, no bias)
      -> BatchNormalization(momentum=0.9) -> Activation(relu) -> MaxPooling2D(2)
      -> Conv2D(16, 3, valid) -> BatchNormalization -> ReLU -> Flatten
      -> Dense(10, softmax)
  residual_block.keras, residual_block.json
      Input(8, 8, 3) -> Conv2D(8, 3, same) -> BatchNormalization -> ReLU -> [
      Conv2D(8, 3, same) -> BatchNormalization -> Activation(relu)
      -> Conv2D(8, 3, same) -> BatchNormalization ] + shortcut (Add) -> ReLU
      -> Lambda(scaled_swish, arguments={"beta": 1.5}) -> GlobalAveragePooling2D
      -> Dense(4, softmax)
  unet.keras, unet.json
      a small U-Net on Input(16, 16, 2): Lambda(center_channels), two
      Conv2D + MaxPooling2D levels down, a Conv2D bottleneck, two
      UpSampling2D (nearest, then bilinear) + Concatenate with the skip
      + Conv2D levels up, Conv2D(1, 1, sigmoid)
  convnet_training.keras, convnet_training.json
      the initial weights of Input(6, 6, 2) -> Conv2D(4, 3, no bias) -> BatchNormalization
      -> Lambda(scaled_swish, arguments={"beta": 1.5}) -> MaxPooling2D(2)
      -> Flatten -> Dense(3, softmax), and three model.train_on_batch steps
      of Adam(0.01) + sparse_categorical_crossentropy on three fixed batches:
      the loss train_on_batch returned and every weight (the moving
      statistics too) after each step, by layer and weight name:
      {"model", versions..., "optimizer": Keras's Adam config, "loss",
       "steps": [{"x": tensor, "y": tensor, "returned_loss",
                  "weights": {layer: {weight: tensor}}}]}

The first three are trained a few steps of Adam on generated data before
saving, so that BatchNormalization's moving statistics (and every other
weight) are far from their initial values; the script asserts it.

The lambdas are named Python functions, so config.json records only their
names and `arguments`; Keras loads the files with custom_objects:

  standardize(x)             tf.image.per_image_standardization(x)
  scaled_swish(x, beta)      x * sigmoid(beta * x)
  center_channels(x)         x - reduce_mean(x, axis=[1, 2], keepdims=True)

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_convnet_import_fixtures.py

The JSON is deterministic (seeds fixed, op determinism on); the .keras zips
are not byte-identical across runs (Keras writes the save date into
metadata.json).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import keras_import_fixtures as fx  # noqa: E402


def standardize(x):
    return tf.image.per_image_standardization(x)


def scaled_swish(x, beta):
    return x * tf.sigmoid(beta * x)


def center_channels(x):
    return x - tf.reduce_mean(x, axis=[1, 2], keepdims=True)


CUSTOM_OBJECTS = {"standardize": standardize, "scaled_swish": scaled_swish,
                  "center_channels": center_channels}


def moved(model, *names):
    """Asserts that each BatchNormalization's moving statistics left their 0 / 1 start (the
    mean of bn1 stays near 0: its conv has no bias and sees standardised images)."""
    for name in names:
        bn = model.get_layer(name)
        mm, mv = np.asarray(bn.moving_mean), np.asarray(bn.moving_variance)
        assert max(np.abs(mm).max(), np.abs(mv - 1.0).max()) > 0.05, (name, mm, mv)


def convnet_model(rng):
    inp = keras.Input(shape=(8, 8, 1), name="image")
    h = layers.Lambda(standardize, name="standardize")(inp)
    h = layers.Conv2D(8, 3, padding="same", use_bias=False, name="conv1")(h)
    h = layers.BatchNormalization(momentum=0.9, name="bn1")(h)
    h = layers.Activation("relu", name="relu1")(h)
    h = layers.MaxPooling2D(2, name="pool1")(h)
    h = layers.Conv2D(16, 3, name="conv2")(h)
    h = layers.BatchNormalization(name="bn2")(h)
    h = layers.ReLU(name="relu2")(h)
    h = layers.Flatten(name="flatten")(h)
    out = layers.Dense(10, activation="softmax", name="probs")(h)
    model = keras.Model(inp, out, name="convnet")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", jit_compile=False)
    x_train = rng.uniform(0, 16, size=(256, 8, 8, 1)).astype(np.float32)
    y_train = rng.integers(0, 10, size=(256,)).astype(np.int32)
    model.fit(x_train, y_train, batch_size=32, epochs=5, shuffle=False, verbose=0)  # 40 steps
    moved(model, "bn1", "bn2")
    x = rng.uniform(0, 16, size=(5, 8, 8, 1)).astype(np.float32)
    x[4] = 3.0  # a blank image: per_image_standardization's floor on the deviation
    return model, [x], "Input(8,8,1) -> Lambda(standardize) -> Conv2D(8, 3, same, no bias) -> " \
                       "BatchNormalization(momentum=0.9) -> Activation(relu) -> MaxPooling2D(2) -> " \
                       "Conv2D(16, 3) -> BatchNormalization -> ReLU -> Flatten -> Dense(10, softmax); " \
                       "Adam(0.01), fit 5 epochs of 256 generated images, batch 32 (40 steps)"


def residual_model(rng):
    inp = keras.Input(shape=(8, 8, 3), name="image")
    h = layers.Conv2D(8, 3, padding="same", name="stem")(inp)
    h = layers.BatchNormalization(name="stem_bn")(h)
    shortcut = layers.ReLU(name="stem_relu")(h)
    h = layers.Conv2D(8, 3, padding="same", name="block_conv1")(shortcut)
    h = layers.BatchNormalization(name="block_bn1")(h)
    h = layers.Activation("relu", name="block_relu1")(h)
    h = layers.Conv2D(8, 3, padding="same", name="block_conv2")(h)
    h = layers.BatchNormalization(name="block_bn2")(h)
    h = layers.Add(name="add")([shortcut, h])
    h = layers.ReLU(name="block_relu2")(h)
    h = layers.Lambda(scaled_swish, arguments={"beta": 1.5}, name="swish")(h)
    h = layers.GlobalAveragePooling2D(name="gap")(h)
    out = layers.Dense(4, activation="softmax", name="probs")(h)
    model = keras.Model(inp, out, name="residual_block")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", jit_compile=False)
    x_train = (rng.normal(size=(192, 8, 8, 3)) * 2.0 + 1.0).astype(np.float32)
    y_train = rng.integers(0, 4, size=(192,)).astype(np.int32)
    model.fit(x_train, y_train, batch_size=32, epochs=5, shuffle=False, verbose=0)  # 30 steps
    moved(model, "stem_bn", "block_bn1", "block_bn2")
    x = (rng.normal(size=(4, 8, 8, 3)) * 2.0 + 1.0).astype(np.float32)
    return model, [x], "Input(8,8,3) -> Conv2D(8, 3, same) -> BatchNormalization -> ReLU -> " \
                       "[Conv2D(8, 3, same) -> BatchNormalization -> Activation(relu) -> " \
                       "Conv2D(8, 3, same) -> BatchNormalization] + shortcut (Add) -> ReLU -> " \
                       "Lambda(scaled_swish, arguments={'beta': 1.5}) -> GlobalAveragePooling2D -> " \
                       "Dense(4, softmax); Adam(0.01), fit 5 epochs of 192 generated images, batch 32 " \
                       "(30 steps)"


def unet_model(rng):
    inp = keras.Input(shape=(16, 16, 2), name="image")
    h = layers.Lambda(center_channels, name="center")(inp)
    c1 = layers.Conv2D(8, 3, padding="same", activation="relu", name="down1")(h)
    p1 = layers.MaxPooling2D(2, name="pool1")(c1)
    c2 = layers.Conv2D(16, 3, padding="same", activation="relu", name="down2")(p1)
    p2 = layers.MaxPooling2D(2, name="pool2")(c2)
    b = layers.Conv2D(32, 3, padding="same", activation="relu", name="bottleneck")(p2)
    u2 = layers.UpSampling2D(2, name="up2")(b)
    d2 = layers.Concatenate(name="skip2")([u2, c2])
    d2 = layers.Conv2D(16, 3, padding="same", activation="relu", name="up_conv2")(d2)
    u1 = layers.UpSampling2D(2, interpolation="bilinear", name="up1")(d2)
    d1 = layers.Concatenate(name="skip1")([u1, c1])
    d1 = layers.Conv2D(8, 3, padding="same", activation="relu", name="up_conv1")(d1)
    out = layers.Conv2D(1, 1, activation="sigmoid", name="mask")(d1)
    model = keras.Model(inp, out, name="unet")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="binary_crossentropy", jit_compile=False)
    x_train = rng.normal(size=(64, 16, 16, 2)).astype(np.float32)
    y_train = (x_train[..., :1] + x_train[..., 1:] > 0.5).astype(np.float32)
    model.fit(x_train, y_train, batch_size=16, epochs=3, shuffle=False, verbose=0)  # 12 steps
    x = rng.normal(size=(3, 16, 16, 2)).astype(np.float32)
    return model, [x], "U-Net on Input(16,16,2): Lambda(center_channels) -> Conv2D(8, relu) -> " \
                       "MaxPooling2D -> Conv2D(16, relu) -> MaxPooling2D -> Conv2D(32, relu) -> " \
                       "UpSampling2D(nearest) -> Concatenate(skip) -> Conv2D(16, relu) -> " \
                       "UpSampling2D(bilinear) -> Concatenate(skip) -> Conv2D(8, relu) -> " \
                       "Conv2D(1, 1, sigmoid); Adam(0.01) + binary_crossentropy, fit 3 epochs of 64 " \
                       "generated images, batch 16 (12 steps)"


def training_fixture():
    """Three train_on_batch steps of a small convnet with BatchNormalization."""
    fx.fresh()
    rng = np.random.default_rng(fx.SEED + 21)
    inp = keras.Input(shape=(6, 6, 2), name="image")
    # No bias before BatchNormalization, as usual: the batch mean cancels it, so its gradient is
    # float32 rounding noise, which Adam would scale up to a full step of either sign.
    h = layers.Conv2D(4, 3, use_bias=False, name="conv")(inp)
    h = layers.BatchNormalization(name="bn")(h)
    h = layers.Lambda(scaled_swish, arguments={"beta": 1.5}, name="swish")(h)
    h = layers.MaxPooling2D(2, name="pool")(h)
    h = layers.Flatten(name="flatten")(h)
    out = layers.Dense(3, activation="softmax", name="probs")(h)
    model = keras.Model(inp, out, name="convnet_training")
    # Non-zero biases and BatchNormalization weights away from 1 / 0, so that they matter.
    weights = model.get_weights()
    for i, w in enumerate(model.weights):
        if w.path.endswith("bias") or w.path.endswith("beta"):
            weights[i] = (0.1 * rng.normal(size=w.shape)).astype(np.float32)
        elif w.path.endswith("gamma"):
            weights[i] = (1.0 + 0.2 * rng.normal(size=w.shape)).astype(np.float32)
    model.set_weights(weights)
    optimizer = keras.optimizers.Adam(learning_rate=0.01)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", jit_compile=False)
    path = os.path.join(fx.OUT_DIR, "convnet_training.keras")
    model.save(path)

    steps = []
    for step in range(3):
        x = (rng.normal(size=(8, 6, 6, 2)) + 0.5).astype(np.float32)
        y = rng.integers(0, 3, size=(8,)).astype(np.int32)
        returned = float(model.train_on_batch(x, y))
        after = {}
        for layer in model.layers:
            if layer.weights:
                after[layer.name] = {w.name: fx.tensor_entries([w.name], [np.asarray(w)])[0]
                                     for w in layer.weights}
        steps.append({"x": fx.tensor_entries(["x"], [x])[0],
                      "y": {"name": "y", "shape": list(y.shape), "values": [int(v) for v in y]},
                      "returned_loss": returned, "weights": after})
    config = optimizer.get_config()
    doc = dict(fx.VERSIONS)
    doc["model"] = "Input(6,6,2) -> Conv2D(4, 3, no bias) -> BatchNormalization -> Lambda(scaled_swish, " \
                   "arguments={'beta': 1.5}) -> MaxPooling2D(2) -> Flatten -> Dense(3, softmax); " \
                   "random non-zero biases, beta and gamma; three train_on_batch steps"
    doc["keras_file"] = "convnet_training.keras"
    doc["optimizer"] = {k: config[k] for k in ("name", "learning_rate", "beta_1", "beta_2",
                                                 "epsilon", "amsgrad")}
    doc["loss"] = "sparse_categorical_crossentropy"
    doc["steps"] = steps
    with open(os.path.join(fx.OUT_DIR, "convnet_training.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    bn = model.get_layer("bn")
    print("convnet_training.keras    3 steps, losses %s, moving_mean %s"
          % ([s["returned_loss"] for s in steps], np.asarray(bn.moving_mean)))


def main():
    tf.config.experimental.enable_op_determinism()
    loads = {"custom_objects": CUSTOM_OBJECTS}
    for stem, build, offset in (("convnet", convnet_model, 11), ("residual_block", residual_model, 12),
                                ("unet", unet_model, 13)):
        info = fx.save_fixture(stem, build, np.random.default_rng(fx.SEED + offset), loads)
        print("  plain load_model:", info["plain_load"])
        print("  lambda configs:", [lam["config"] for lam in info["lambdas"]])
    training_fixture()
    for name in ("convnet", "residual_block", "unet", "convnet_training"):
        for ext in (".keras", ".json"):
            path = os.path.join(fx.OUT_DIR, name + ext)
            print("%8d  %s" % (os.path.getsize(path), name + ext))


if __name__ == "__main__":
    main()
