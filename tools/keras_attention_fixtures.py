"""Keras 3 reference values for Lamina's attention layers and Masking (issue 22,
items 1 and 3): MultiHeadAttention, Attention, AdditiveAttention, Masking.

Writes runtime/src/test/resources/keras/attention.json:

    {"keras_version", "tensorflow_version", "numpy_version", "seed",
     "cases": [{
        "id":          "<ClassName>/<what the case checks>",
        "class_name":  layer.__class__.__name__,
        "config":      layer.get_config() after the call (built),
        "call":        the call's keyword options that are not tensors
                       (use_causal_mask, return_attention_scores), as given,
        "inputs":      {"query", "value", "key", "attention_mask"} for
                       MultiHeadAttention (key and attention_mask only when
                       given), [query, value(, key)] for Attention and
                       AdditiveAttention, [x] for Masking: tensors,
        "masks":       Keras masks attached to the inputs (what a functional
                       model does between layers), same structure, null where
                       none; absent when no input has one,
        "weights":     [weight, ...] in layer.weights order, set before the call,
        "outputs":     [tensor, ...]: the output, and the scores when returned,
        "output_mask": the Keras mask of the (first) output, or null
     }],
     "training": [{"id", "model", "optimizer", "loss", "x": [tensor, ...],
                   "y", "initial_weights", "steps": [{"returned_loss",
                   "weights"}], "predict_after": tensor}]}

    tensor = {"shape", "dtype", "values" (flat, row-major)}; bool as 0/1
    weight = {"name", "path", "shape", "dtype", "trainable", "values"}

Forward cases call the layer eagerly with training=False on constant tensors
whose Keras masks are attached with backend.set_keras_mask, so the layer sees
query/value/key masks as in a functional model. MultiHeadAttention takes
Keras's fused path (ops.dot_product_attention) without dropout, scores and
with rank-3 inputs, and its explicit path (Softmax with mask) otherwise; the
two differ for a query step that may attend nowhere (the values' mean vs 0),
and both are recorded.

"training": three train_on_batch steps (loss mse, jit_compile=False) of small
models with a MultiHeadAttention (dropout 0.25, seed 7: Keras draws step k's
dropout from the stateless seed [7, k]), an Attention(use_scale=True,
dropout 0.2, seed 3) on two inputs, and a Masking + AdditiveAttention +
masked GlobalAveragePooling1D; initial weights, the loss each step returned
(before that step's update), every weight after each step, and
model.predict after the three steps.

Run by hand from the repository root (never by CI):

    /work/venv/bin/python tools/keras_attention_fixtures.py

Deterministic (seeds fixed per case, TF op determinism on): a rerun writes
the same bytes.
"""

import json
import os
import random

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np
import tensorflow as tf
import keras
from keras import layers
from keras.src import backend as kbackend  # set_keras_mask / get_keras_mask: no public API

SEED = 20260522
STEPS = 3
OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "runtime", "src", "test", "resources", "keras", "attention.json",
)

RNG = np.random.default_rng(SEED)


def fresh(offset=0):
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + offset)
    random.seed(SEED + offset)


def normal(*shape, scale=1.0):
    return (scale * RNG.normal(size=shape)).astype(np.float32)


def values_of(a):
    a = np.asarray(a)
    if a.dtype == np.bool_ or a.dtype.kind in "iu":
        return [int(v) for v in a.reshape(-1)]
    if a.dtype != np.float32:
        raise TypeError("unexpected dtype %s" % a.dtype)
    # float32's shortest round-trip decimal: lossless, half the digits of float64's repr
    return [float(str(v)) for v in a.reshape(-1)]


def tensor(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "values": values_of(a)}


def opt_tensor(a):
    return None if a is None else tensor(np.asarray(a))


def weight_entries(obj):
    return [{"name": v.name, "path": v.path, "shape": list(v.shape),
             "dtype": str(v.dtype), "trainable": bool(v.trainable),
             "values": values_of(np.asarray(v))}
            for v in obj.weights]


def plain(obj):
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return plain(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def masked(x, m):
    t = tf.constant(x)
    if m is not None:
        kbackend.set_keras_mask(t, tf.constant(m))
    return t


def random_weights(layer):
    """Non-trivial weights of every shape (biases too), so that each one matters."""
    return [normal(*tuple(v.shape), scale=0.5) for v in layer.weights]


# --- forward cases ---------------------------------------------------------------

def mha_case(case_id, make, query, value, key=None, attention_mask=None, masks=None,
             call=None):
    """masks: {"query": m, "value": m, "key": m} of Keras masks (None where absent)."""
    fresh()
    layer = make()
    call = dict(call or {})
    masks = masks or {}
    q = masked(query, masks.get("query"))
    v = masked(value, masks.get("value"))
    kwargs = dict(call)
    if key is not None:
        kwargs["key"] = masked(key, masks.get("key"))
    if attention_mask is not None:
        kwargs["attention_mask"] = tf.constant(attention_mask)
    layer.build(query.shape, value.shape, None if key is None else key.shape)
    layer.set_weights(random_weights(layer))
    weights = weight_entries(layer)
    out = layer(q, v, training=False, **kwargs)
    outs = list(out) if isinstance(out, tuple) else [out]
    inputs = {"query": tensor(query), "value": tensor(value)}
    if key is not None:
        inputs["key"] = tensor(key)
    if attention_mask is not None:
        inputs["attention_mask"] = tensor(attention_mask)
    case = {"id": case_id, "class_name": type(layer).__name__,
            "config": plain(layer.get_config()), "call": call, "inputs": inputs}
    if masks:
        case["masks"] = {k: opt_tensor(masks.get(k)) for k in ("query", "value", "key")
                         if k in inputs}
    case["weights"] = weights
    case["outputs"] = [tensor(np.asarray(o)) for o in outs]
    case["output_mask"] = opt_tensor(kbackend.get_keras_mask(outs[0]))
    return case


def list_case(case_id, make, inputs, masks=None, call=None, set_weights=True):
    """Attention / AdditiveAttention ([query, value(, key)]) and Masking ([x])."""
    fresh()
    layer = make()
    call = dict(call or {})
    args = [masked(x, None if masks is None else masks[i]) for i, x in enumerate(inputs)]
    arg = args[0] if len(args) == 1 else args
    layer.build(inputs[0].shape if len(inputs) == 1 else [x.shape for x in inputs])
    if set_weights and layer.weights:
        layer.set_weights(random_weights(layer))
    weights = weight_entries(layer)
    out = layer(arg, training=False, **call)
    outs = list(out) if isinstance(out, tuple) else [out]
    case = {"id": case_id, "class_name": type(layer).__name__,
            "config": plain(layer.get_config()), "call": call,
            "inputs": [tensor(x) for x in inputs]}
    if masks is not None:
        case["masks"] = [opt_tensor(m) for m in masks]
    case["weights"] = weights
    case["outputs"] = [tensor(np.asarray(o)) for o in outs]
    case["output_mask"] = opt_tensor(kbackend.get_keras_mask(outs[0]))
    return case


def lengths_mask(lengths, steps):
    return np.arange(steps)[None, :] < np.asarray(lengths)[:, None]


def mha_cases():
    c = []
    MHA = layers.MultiHeadAttention
    q = normal(2, 4, 5)
    v = normal(2, 6, 3)
    k = normal(2, 6, 7)
    c.append(mha_case("MultiHeadAttention/self", lambda: MHA(2, 3), q, q))
    c.append(mha_case("MultiHeadAttention/cross_lengths_value_dim",
                      lambda: MHA(3, 2, value_dim=4), q, v))
    c.append(mha_case("MultiHeadAttention/key_given",
                      lambda: MHA(2, 3, value_dim=2), q, v, key=k))
    c.append(mha_case("MultiHeadAttention/output_shape_no_bias",
                      lambda: MHA(2, 3, use_bias=False, output_shape=(2, 3)), q, v, key=k))
    c.append(mha_case("MultiHeadAttention/output_shape_int",
                      lambda: MHA(1, 4, output_shape=6), q, v))
    qm = lengths_mask([3, 4], 4)
    qm[0, 0] = False  # a masked query step before unmasked ones
    vm = lengths_mask([5, 2], 6)
    c.append(mha_case("MultiHeadAttention/query_value_masks_fused",
                      lambda: MHA(2, 3), q, v, masks={"query": qm, "value": vm}))
    c.append(mha_case("MultiHeadAttention/query_value_masks_scores",
                      lambda: MHA(2, 3), q, v, masks={"query": qm, "value": vm},
                      call={"return_attention_scores": True}))
    km = lengths_mask([6, 3], 6)
    c.append(mha_case("MultiHeadAttention/key_mask",
                      lambda: MHA(2, 3), q, v, key=k, masks={"value": vm, "key": km}))
    c.append(mha_case("MultiHeadAttention/causal_self",
                      lambda: MHA(2, 3), q, q, call={"use_causal_mask": True}))
    c.append(mha_case("MultiHeadAttention/causal_cross_lengths",
                      lambda: MHA(2, 3), q, v, call={"use_causal_mask": True}))
    c.append(mha_case("MultiHeadAttention/causal_query_mask_scores",
                      lambda: MHA(2, 3), q, q, masks={"query": qm, "value": qm},
                      call={"use_causal_mask": True, "return_attention_scores": True}))
    am = RNG.uniform(size=(2, 4, 6)) > 0.3
    am[1, 2, :] = False  # a query step that may attend nowhere
    c.append(mha_case("MultiHeadAttention/attention_mask",
                      lambda: MHA(2, 3), q, v, attention_mask=am))
    c.append(mha_case("MultiHeadAttention/attention_mask_key_scores",
                      lambda: MHA(2, 3), q, v, key=k, attention_mask=am,
                      call={"return_attention_scores": True}))
    c.append(mha_case("MultiHeadAttention/attention_mask_causal",
                      lambda: MHA(2, 3), q, v, attention_mask=am, masks={"value": vm},
                      call={"use_causal_mask": True}))
    amf = (RNG.uniform(size=(2, 1, 6)) > 0.3).astype(np.float32)  # numbers, broadcast over T
    c.append(mha_case("MultiHeadAttention/attention_mask_numbers_broadcast",
                      lambda: MHA(2, 3), q, v, attention_mask=amf))
    c.append(mha_case("MultiHeadAttention/dropout_inference_explicit_path",
                      lambda: MHA(2, 3, dropout=0.3, seed=5), q, v,
                      masks={"query": qm, "value": vm}))
    q4 = normal(2, 3, 4, 5)
    v4 = normal(2, 3, 2, 5)
    c.append(mha_case("MultiHeadAttention/rank4_all_axes",
                      lambda: MHA(2, 3), q4, v4, call={"return_attention_scores": True}))
    c.append(mha_case("MultiHeadAttention/rank4_axis_2",
                      lambda: MHA(2, 3, attention_axes=(2,)), q4, v4,
                      call={"return_attention_scores": True}))
    v4b = normal(2, 5, 4, 5)
    c.append(mha_case("MultiHeadAttention/rank4_axis_-3_output_shape",
                      lambda: MHA(1, 2, attention_axes=-3, output_shape=(4,)), q4, v4b))
    return c


def attention_cases():
    c = []
    q = normal(2, 4, 3)
    v = normal(2, 5, 3)
    k = normal(2, 5, 3)
    v2 = normal(2, 5, 2)
    A = layers.Attention
    c.append(list_case("Attention/dot", lambda: A(), [q, v]))
    c.append(list_case("Attention/dot_scale_key", lambda: A(use_scale=True), [q, v2, k]))
    c.append(list_case("Attention/concat", lambda: A(score_mode="concat"), [q, v]))
    c.append(list_case("Attention/concat_scale_key",
                       lambda: A(use_scale=True, score_mode="concat"), [q, v2, k]))
    qm = lengths_mask([3, 4], 4)
    vm = lengths_mask([5, 2], 5)
    c.append(list_case("Attention/masks", lambda: A(use_scale=True), [q, v], masks=[qm, vm]))
    c.append(list_case("Attention/masks_scores", lambda: A(), [q, v], masks=[qm, vm],
                       call={"return_attention_scores": True}))
    c.append(list_case("Attention/causal", lambda: A(), [q, v],
                       call={"use_causal_mask": True}))
    c.append(list_case("Attention/causal_masks_scores_concat",
                       lambda: A(score_mode="concat", use_scale=True), [q, v2, k],
                       masks=[qm, vm, None],
                       call={"use_causal_mask": True, "return_attention_scores": True}))
    c.append(list_case("Attention/dropout_inference", lambda: A(dropout=0.5, seed=1),
                       [q, v]))
    AA = layers.AdditiveAttention
    c.append(list_case("AdditiveAttention/default", lambda: AA(), [q, v]))
    c.append(list_case("AdditiveAttention/no_scale_key", lambda: AA(use_scale=False),
                       [q, v2, k]))
    c.append(list_case("AdditiveAttention/masks", lambda: AA(), [q, v], masks=[qm, vm]))
    c.append(list_case("AdditiveAttention/causal_scores", lambda: AA(), [q, v2, k],
                       masks=[None, vm, None],
                       call={"use_causal_mask": True, "return_attention_scores": True}))
    return c


def masking_cases():
    c = []
    x = normal(2, 5, 3)
    x[0, 1] = 0.0
    x[1, 3:] = 0.0
    x[1, 0, 0] = 0.0  # one zero feature does not mask a step
    c.append(list_case("Masking/default", layers.Masking, [x]))
    y = normal(2, 4, 3)
    y[0, 2] = 2.5
    y[1, 0] = 2.5
    y[1, 1, 1] = 2.5
    c.append(list_case("Masking/mask_value", lambda: layers.Masking(mask_value=2.5), [y]))
    z = normal(2, 3, 2, 2)
    z[1, 1, 0] = 0.0  # rank 4: the mask is over the first three axes
    c.append(list_case("Masking/rank4", layers.Masking, [z]))
    return c


# --- training ----------------------------------------------------------------------

def optimizer_config(opt):
    cfg = {"class": type(opt).__name__}
    for k, v in opt.get_config().items():
        if k == "name":
            continue
        cfg[k] = plain(v)
    return cfg


def model_mha():
    inp = keras.Input(shape=(4, 6), name="x")
    h = layers.MultiHeadAttention(2, 3, dropout=0.25, seed=7, name="mha")(inp, inp)
    h = layers.GlobalAveragePooling1D(name="pool")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="mha_block")


def model_attention():
    q = keras.Input(shape=(4, 3), name="q")
    v = keras.Input(shape=(5, 3), name="v")
    h = layers.Attention(use_scale=True, dropout=0.2, seed=3, name="attention")([q, v])
    h = layers.Flatten(name="flatten")(h)
    return keras.Model([q, v], layers.Dense(2, name="dense")(h), name="attention_block")


def model_additive():
    inp = keras.Input(shape=(5, 3), name="x")
    h = layers.Masking(name="masking")(inp)
    h = layers.AdditiveAttention(name="additive")([h, h])
    h = layers.GlobalAveragePooling1D(name="pool")(h)
    return keras.Model(inp, layers.Dense(2, name="dense")(h), name="additive_block")


def training_case(case_id, description, build, x, y, make_opt):
    fresh(1)
    model = build()
    init = [w if v.name != "bias" else (0.1 * RNG.normal(size=w.shape)).astype(w.dtype)
            for v, w in zip(model.weights, model.get_weights())]
    model.set_weights(init)
    initial = weight_entries(model)
    opt = make_opt()
    model.compile(optimizer=opt, loss="mse", jit_compile=False)
    steps = []
    for _ in range(STEPS):
        returned = model.train_on_batch(x, y)
        steps.append({"returned_loss": float(np.float32(np.asarray(returned).reshape(-1)[0])),
                      "weights": weight_entries(model)})
    pred = model.predict(x, batch_size=len(y), verbose=0)
    return {"id": case_id, "model": description, "optimizer": optimizer_config(opt),
            "loss": "mse", "x": [tensor(a) for a in (x if isinstance(x, list) else [x])],
            "y": tensor(y), "initial_weights": initial, "steps": steps,
            "predict_after": tensor(pred)}


def training_cases():
    t = []
    x = normal(3, 4, 6)
    y = normal(3, 2)
    # SGD, not Adam: the key bias's gradient is rounding noise (a bias added to every key
    # shifts a query's scores alike, which the softmax ignores), and Adam divides it by its own
    # size, so Adam's steps of it would compare float rounding, not the layer.
    t.append(training_case("MultiHeadAttention", "Input(4, 6) -> MultiHeadAttention(2, 3, "
                           "dropout=0.25, seed=7)(x, x) -> GlobalAveragePooling1D -> Dense(2)",
                           model_mha, x, y, lambda: keras.optimizers.SGD(learning_rate=0.1)))
    q = normal(3, 4, 3)
    v = normal(3, 5, 3)
    t.append(training_case("Attention", "[Input(4, 3), Input(5, 3)] -> Attention(use_scale="
                           "True, dropout=0.2, seed=3) -> Flatten -> Dense(2)",
                           model_attention, [q, v], y,
                           lambda: keras.optimizers.SGD(learning_rate=0.1)))
    xm = normal(3, 5, 3)
    xm[0, 3:] = 0.0
    xm[2, 1] = 0.0
    t.append(training_case("AdditiveAttention", "Input(5, 3) -> Masking -> AdditiveAttention("
                           "[x, x]) -> GlobalAveragePooling1D (masked) -> Dense(2)",
                           model_additive, xm, y, lambda: keras.optimizers.SGD(learning_rate=0.1)))
    return t


def main():
    tf.config.experimental.enable_op_determinism()
    doc = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "numpy_version": np.__version__, "seed": SEED,
           "cases": mha_cases() + attention_cases() + masking_cases(),
           "training": training_cases()}
    with open(OUT, "w") as f:
        # one case per line: small, and a regenerated case shows as one changed line
        f.write("{\n")
        keys = list(doc)
        for i, key in enumerate(keys):
            f.write(" %s: " % json.dumps(key))
            value = doc[key]
            if isinstance(value, list):
                f.write("[\n")
                for j, item in enumerate(value):
                    f.write("  " + json.dumps(item, separators=(",", ":"))
                            + ("," if j + 1 < len(value) else "") + "\n")
                f.write(" ]")
            else:
                f.write(json.dumps(value))
            f.write(",\n" if i + 1 < len(keys) else "\n")
        f.write("}\n")
    print("wrote", OUT, len(doc["cases"]), "cases,", len(doc["training"]), "training")


if __name__ == "__main__":
    main()
