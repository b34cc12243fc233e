"""Runs Lamina's SavedModel exports through Python's TensorFlow, TensorFlow Lite and ONNX Runtime,
and compares each with Lamina's own predictions.

Run by hand (not by CI), after the export tests have left their material:

    mvn -B -q verify -pl annotations,runtime,processor,samples \
        -Dtest=SavedModelExportTest -Dsurefire.failIfNoSpecifiedTests=false
    python tools/check_savedmodel.py [DIR ...]

DIR defaults to samples/target/savedmodel-check and runtime/target/savedmodel-check (those that
exist). Each model directory there holds:
    model/1/             the SavedModel that Model.exportSavedModel wrote
    inputs/<key>.npy     the inputs the Java test fed, one file per signature input
    expected/<key>.npy   Lamina's model.predict on them, one file per signature output

For each model this script
  - loads model/1 with tf.saved_model.load, calls signatures["serving_default"] with the inputs
    as keyword arguments, and compares every output with Lamina's: bit for bit, and if not, the
    largest difference in units in the last place (at most MAX_ULPS);
  - converts model/1 with TensorFlow Lite (tf.lite.TFLiteConverter.from_saved_model, defaults:
    float32, no optimizations), runs the .tflite with tf.lite.Interpreter's signature runner for
    serving_default, and compares (largest absolute difference at most TOLERANCE);
  - converts model/1 with tf2onnx, as its command line does
    (python -m tf2onnx.convert --saved-model model/1 --output model.onnx; with
    --use-graph-names when a signature key names both an input and an output, which an ONNX
    graph cannot), runs the .onnx with ONNX Runtime's CPU provider, and compares the same way.
It also prints, for the first two samples, the TensorFlow Serving REST request for the inputs
({"instances": [...]}) and the response the server builds from these outputs
({"predictions": [...]}), in the row format of TensorFlow Serving's REST API.

A model passes when all three agree with Lamina. Prints one line per model and tool and, last,
"N passed, N failed"; exits 1 if any model failed. The converted files are written next to each
export (DIR/<model>/converted/).
"""

import json
import os
import sys

# Quiet TensorFlow's start-up logging and the TensorFlow Lite converter's progress notes; they
# change no result.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import subprocess  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf2onnx  # noqa: E402
from tensorflow.core.protobuf import saved_model_pb2  # noqa: E402

# tf.lite.Interpreter warns, on every construction, that it moves to the ai_edge_litert package;
# it is still TensorFlow's own interpreter in 2.21 and the one this check means to run.
warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")

# Python's TensorFlow runs the same ops as TensorFlow Java, but may pick other kernels (oneDNN
# on x86): allow a few float32 ulps before calling it a mismatch, and report what was seen.
MAX_ULPS = 4
# How many samples the printed REST request and response show.
REST_SAMPLES = 2
# TensorFlow Lite and ONNX Runtime run their own kernels (and fold or fuse ops): allow this
# largest absolute difference from Lamina's predictions.
TOLERANCE = 1e-5


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


def readable(values):
    """Floats rounded to 6 digits for reading; integers as they are."""
    if values.dtype.kind == "i":
        return values
    return np.round(values.astype(np.float64), 6)


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
    print(f"== {name}: {export}")
    ok = check_tf(export, inputs, expected)
    converted = os.path.join(model_dir, "converted")
    os.makedirs(converted, exist_ok=True)
    ok = check_tflite(export, converted, inputs, expected) and ok
    ok = check_onnx(export, converted, inputs, expected) and ok
    return ok


def compare(tool, outputs, expected):
    """One line for a converted model: every output within TOLERANCE of Lamina's."""
    parts = []
    ok = True
    for key, want in expected.items():
        if key not in outputs:
            parts.append(f"{key} MISSING (outputs {sorted(outputs)})")
            ok = False
            continue
        got = np.asarray(outputs[key])
        if got.shape != want.shape or got.dtype != want.dtype:
            parts.append(f"{key} shape/dtype {got.shape} {got.dtype}, Lamina {want.shape} "
                         f"{want.dtype}")
            ok = False
            continue
        diff = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))) \
            if got.size else 0.0
        within = diff <= TOLERANCE
        ok = ok and within
        parts.append(f"{key} {got.shape} max |diff| {diff:.3g}"
                     + ("" if within else f" BEYOND {TOLERANCE:g}"))
    print(f"   {tool}: {'ok' if ok else 'FAILED'}: " + "; ".join(parts))
    return ok


def check_tflite(export, converted, inputs, expected):
    """Converts with TensorFlow Lite, runs serving_default with its signature runner."""
    try:
        converter = tf.lite.TFLiteConverter.from_saved_model(export)
        flatbuffer = converter.convert()
    except Exception as e:  # the converter's own error, shown as it is
        # Its first lines say what; the rest is the MLIR function it was importing.
        first = " ".join(str(e).strip().splitlines()[:2])
        print(f"   TFLite: FAILED to convert: {type(e).__name__}: {first}")
        return False
    path = os.path.join(converted, "model.tflite")
    with open(path, "wb") as f:
        f.write(flatbuffer)
    interpreter = tf.lite.Interpreter(model_path=path)
    runner = interpreter.get_signature_runner("serving_default")
    outputs = runner(**inputs)
    return compare(f"TFLite ({len(flatbuffer)} bytes)", outputs, expected)


def signature_names(export):
    """serving_default's input and output keys by graph tensor name, from saved_model.pb."""
    saved_model = saved_model_pb2.SavedModel()
    with open(os.path.join(export, "saved_model.pb"), "rb") as f:
        saved_model.ParseFromString(f.read())
    signature = saved_model.meta_graphs[0].signature_def["serving_default"]
    names = {info.name: key for key, info in signature.inputs.items()}
    names.update({info.name: key for key, info in signature.outputs.items()})
    return names


def check_onnx(export, converted, inputs, expected):
    """Converts with tf2onnx's command line, runs the .onnx with ONNX Runtime."""
    path = os.path.join(converted, "model.onnx")
    command = [sys.executable, "-m", "tf2onnx.convert", "--saved-model", export,
               "--output", path]
    # tf2onnx names the ONNX graph's inputs and outputs by signature key, but an ONNX graph
    # cannot have an input and an output of one name: when a key names both (a model giving an
    # input back as an output), keep TensorFlow's tensor names instead.
    both = sorted(set(inputs) & set(expected))
    if both:
        command.append("--use-graph-names")
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        tail = (run.stderr or run.stdout).strip().splitlines()[-5:]
        print(f"   ONNX: FAILED to convert (exit {run.returncode}): " + " | ".join(tail))
        return False
    model = onnx.load(path)
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    # tf2onnx names the ONNX inputs and outputs by signature key; map graph tensor names too.
    names = signature_names(export)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    feeds = {}
    for node in session.get_inputs():
        key = node.name if node.name in inputs else names.get(node.name, node.name)
        feeds[node.name] = inputs[key]
    fetched = session.run(None, feeds)
    outputs = {}
    for node, value in zip(session.get_outputs(), fetched):
        key = node.name if node.name in expected else names.get(node.name, node.name)
        outputs[key] = value
    flags = f", --use-graph-names: {', '.join(both)} names an input and an output" if both else ""
    return compare(f"ONNX (opset {opset}, ONNX Runtime{flags})", outputs, expected)


def check_tf(export, inputs, expected):
    loaded = tf.saved_model.load(export, tags=["serve"])
    serving = loaded.signatures["serving_default"]
    spec = serving.structured_input_signature[1]
    print(f"   signature inputs:  "
          + ", ".join(f"{k} {v.dtype.name} {v.shape}" for k, v in sorted(spec.items())))
    print(f"   signature outputs: "
          + ", ".join(f"{k} {v.dtype.name} {v.shape}"
                      for k, v in sorted(serving.structured_outputs.items())))

    print(f"   variables: {len(loaded.variables)} "
          + str([tuple(v.shape.as_list()) for v in loaded.variables]))
    if loaded.variables:
        keys = [key for key, _ in tf.train.list_variables(
            os.path.join(export, "variables", "variables"))]
        print(f"   checkpoint keys: {', '.join(keys)}")

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
        if want.dtype.kind == "i":
            same = np.array_equal(got, want)
            print(f"   {key}: {got.shape} {got.dtype}, "
                  + ("equal to" if same else "DIFFERENT from") + " Lamina's predict "
                  f"({got.size} values)")
            ok = ok and same
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
    first = {k: readable(v[:REST_SAMPLES]) for k, v in inputs.items()}
    served = {k: readable(outputs[k].numpy()[:REST_SAMPLES]) for k in expected}
    request = {"instances": rows(first)}
    response = {"predictions": rows(served)}
    shown = min(REST_SAMPLES, len(next(iter(inputs.values()))))
    print(f"   REST request ({shown} of {len(next(iter(inputs.values())))} samples):  "
          + json.dumps(request))
    print("   REST response: " + json.dumps(response))
    return ok


def main(argv):
    # Line by line even into a pipe, so that TensorFlow's own lines on stderr stay in place.
    sys.stdout.reconfigure(line_buffering=True)
    defaults = [os.path.join(module, "target", "savedmodel-check")
                for module in ("samples", "runtime")]
    roots = argv[1:] or [root for root in defaults if os.path.isdir(root)]
    missing = [root for root in roots if not os.path.isdir(root)]
    if not roots or missing:
        print(f"{', '.join(missing or defaults)}: no such directory; run the samples' and the "
              "runtime's SavedModelExportTest first")
        return 1
    print(f"TensorFlow {tf.__version__}, NumPy {np.__version__}, Python {sys.version.split()[0]}, "
          f"tf2onnx {tf2onnx.__version__}, ONNX {onnx.__version__}, "
          f"ONNX Runtime {onnxruntime.__version__}")
    models = [os.path.join(root, d) for root in roots for d in sorted(os.listdir(root))
              if os.path.isdir(os.path.join(root, d, "model"))]
    failed = [m for m in models if not check(m)]
    print(f"{len(models) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or not models else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
