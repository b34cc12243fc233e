"""Loads Lamina's SavedModel exports in Python and compares them with Lamina's own predictions.

Run by hand (not by CI), after the samples' export tests have left their material:

    mvn -B -o verify -pl annotations,runtime,processor,samples \
        -Dtest=SavedModelExportTest -Dsurefire.failIfNoSpecifiedTests=false
    python tools/check_savedmodel.py [samples/target/savedmodel-check]

Each model directory there holds:
    model/1/             the SavedModel that Model.exportSavedModel wrote
    inputs/<key>.npy     the inputs the Java test fed, one file per signature input
    expected/<key>.npy   Lamina's model.predict on them, one file per signature output

For each model this script loads model/1 with tf.saved_model.load, calls
signatures["serving_default"] with the inputs as keyword arguments, and compares every output
with Lamina's: bit for bit, and if not, the largest difference in units in the last place.
It also prints, for the first two samples, the TensorFlow Serving REST request for the inputs
({"instances": [...]}) and the response the server builds from these outputs
({"predictions": [...]}), in the row format of TensorFlow Serving's REST API.

Exits 1 if an output differs by more than MAX_ULPS, a key is missing, or a shape or dtype differs.
"""

import json
import os
import sys

# Quiet TensorFlow's start-up logging; it changes no result.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

# Python's TensorFlow runs the same ops as TensorFlow Java, but may pick other kernels (oneDNN
# on x86): allow a few float32 ulps before calling it a mismatch, and report what was seen.
MAX_ULPS = 4
# How many samples the printed REST request and response show.
REST_SAMPLES = 2


def ulps(a, b):
    """Distance in float32 units in the last place, element-wise."""
    ia = a.astype(np.float32).view(np.int32).astype(np.int64)
    ib = b.astype(np.float32).view(np.int32).astype(np.int64)
    # Map the sign-magnitude bit patterns onto a monotonic integer line.
    ia = np.where(ia < 0, -(ia & 0x7FFFFFFF), ia)
    ib = np.where(ib < 0, -(ib & 0x7FFFFFFF), ib)
    return np.abs(ia - ib)


def load_dir(path):
    return {name[:-4]: np.load(os.path.join(path, name))
            for name in sorted(os.listdir(path)) if name.endswith(".npy")}


def rows(values):
    """TensorFlow Serving's row format: one JSON value (or object of named values) per sample."""
    keys = list(values)
    count = len(values[keys[0]])
    if len(keys) == 1:
        return [values[keys[0]][i].tolist() for i in range(count)]
    return [{key: values[key][i].tolist() for key in keys} for i in range(count)]


def check(model_dir):
    name = os.path.basename(os.path.normpath(model_dir))
    export = os.path.join(model_dir, "model", "1")
    inputs = load_dir(os.path.join(model_dir, "inputs"))
    expected = load_dir(os.path.join(model_dir, "expected"))

    loaded = tf.saved_model.load(export, tags=["serve"])
    serving = loaded.signatures["serving_default"]
    spec = serving.structured_input_signature[1]
    print(f"== {name}: {export}")
    print(f"   signature inputs:  "
          + ", ".join(f"{k} {v.dtype.name} {v.shape}" for k, v in sorted(spec.items())))
    print(f"   signature outputs: "
          + ", ".join(f"{k} {v.dtype.name} {v.shape}"
                      for k, v in sorted(serving.structured_outputs.items())))

    print(f"   variables: {len(loaded.variables)} "
          + str([tuple(v.shape.as_list()) for v in loaded.variables]))

    outputs = serving(**{key: tf.constant(value) for key, value in inputs.items()})
    ok = True
    for key, want in expected.items():
        if key not in outputs:
            print(f"   {key}: MISSING from the signature's outputs {sorted(outputs)}")
            ok = False
            continue
        got = outputs[key].numpy()
        if got.shape != want.shape or got.dtype != want.dtype:
            print(f"   {key}: shape/dtype {got.shape} {got.dtype}, Lamina {want.shape} {want.dtype}")
            ok = False
            continue
        if np.array_equal(got.view(np.uint32), want.view(np.uint32)):
            print(f"   {key}: {got.shape} {got.dtype}, bitwise equal to Lamina's predict "
                  f"({got.size} values)")
        else:
            distance = ulps(got, want)
            differ = int(np.count_nonzero(distance))
            worst = int(distance.max())
            abs_diff = float(np.max(np.abs(got.astype(np.float64) - want)))
            verdict = "within" if worst <= MAX_ULPS else "BEYOND"
            print(f"   {key}: {got.shape} {got.dtype}, {differ} of {got.size} values differ "
                  f"from Lamina's predict, by at most {worst} ulp (max |diff| {abs_diff:.3g}), "
                  f"{verdict} {MAX_ULPS} ulp")
            ok = ok and worst <= MAX_ULPS
    # The REST exchange for the first REST_SAMPLES samples, values rounded for reading.
    first = {k: np.round(v[:REST_SAMPLES].astype(np.float64), 6) for k, v in inputs.items()}
    served = {k: np.round(outputs[k].numpy()[:REST_SAMPLES].astype(np.float64), 6)
              for k in expected}
    request = {"instances": rows(first)}
    response = {"predictions": rows(served)}
    shown = min(REST_SAMPLES, len(next(iter(inputs.values()))))
    print(f"   REST request ({shown} of {len(next(iter(inputs.values())))} samples):  "
          + json.dumps(request))
    print("   REST response: " + json.dumps(response))
    return ok


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join("samples", "target", "savedmodel-check")
    if not os.path.isdir(root):
        print(f"{root}: no such directory; run the samples' SavedModelExportTest first")
        return 1
    print(f"TensorFlow {tf.__version__}, NumPy {np.__version__}, Python {sys.version.split()[0]}")
    models = sorted(os.path.join(root, d) for d in os.listdir(root)
                    if os.path.isdir(os.path.join(root, d, "model")))
    failed = [m for m in models if not check(m)]
    print(f"{len(models) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or not models else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
