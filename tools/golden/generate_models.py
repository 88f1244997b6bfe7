#!/usr/bin/env python3
"""Golden data for issue 6 from real Keras (TensorFlow backend): accuracy metrics, loss gradients, compiled models.

Writes
  xent-core/src/test/resources/golden-accuracy/accuracy.json     accuracy metrics and functions
  xent-core/src/test/resources/golden-gradients/gradients.json   d(loss)/d(y_pred) from tf.GradientTape
  xent-keras/src/test/resources/models/*.keras                   identity models compiled with losses/metrics
  xent-keras/src/test/resources/models/evaluate.json             model.evaluate(..., return_dict=True) on them

Run from the repository root with the Keras venv (see tools/golden/README.md):
  TF_CPP_MIN_LOG_LEVEL=3 /work/venv/bin/python tools/golden/generate_models.py [--check] [--only accuracy|gradients|models]
The default Maven build only reads these files. Inputs come from seeded numpy generators, so reruns with the same
Keras/TensorFlow/numpy give the same JSON (the .keras zips carry timestamps; --check compares their config.json).
"""
import argparse
import io
import json
import os
import sys
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

GENERATOR = "tools/golden/generate_models.py"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ACC_FILE = "xent-core/src/test/resources/golden-accuracy/accuracy.json"
GRAD_FILE = "xent-core/src/test/resources/golden-gradients/gradients.json"
MODEL_DIR = "xent-keras/src/test/resources/models"


# ------------------------------------------------------------------------------------------------------------
# JSON encoding (the format of tools/golden/generate.py: ARR = {"dtype", "shape", "data"}; NaN/inf as strings)
# ------------------------------------------------------------------------------------------------------------

def enc_num(x, dtype):
    if np.issubdtype(np.dtype(dtype), np.integer):
        return int(x)
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if np.dtype(dtype) == np.float32:
        f32 = np.float32(x)
        out = float(str(f32))
        assert np.float32(out).tobytes() == f32.tobytes(), (x, out)
        return out
    return x


def arr(a):
    a = np.asarray(a)
    dtype = str(a.dtype)
    assert dtype in ("float32", "float64", "int32", "int64"), dtype
    return {"dtype": dtype, "shape": list(a.shape), "data": [enc_num(v, dtype) for v in a.reshape(-1)]}


def arr_or_none(a):
    return None if a is None else arr(a)


def num(x):
    a = np.asarray(x)
    return enc_num(a, a.dtype if a.dtype in (np.float32, np.float64) else np.float64)


def versions():
    return {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
            "numpy_version": np.__version__, "backend": keras.backend.backend(), "generator": GENERATOR}


def sig(x, digits=5):
    x = np.asarray(x, dtype="float64")
    return np.array([float(f"{v:.{digits - 1}e}") for v in x.reshape(-1)]).reshape(x.shape)


def error_text(e):
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {msg}"[:200]


# ------------------------------------------------------------------------------------------------------------
# Accuracy metrics
# ------------------------------------------------------------------------------------------------------------

def scores(rng, rows, classes, dtype, flavour):
    """Scores with the awkward cases: ties (coarse values), NaN, infinities, signed zeros, subnormals."""
    if flavour == "ties":
        x = rng.integers(0, 3, size=(rows, classes)) / 2.0
    elif flavour == "logits":
        x = sig(rng.normal(size=(rows, classes)) * 3)
    else:
        x = rng.random(size=(rows, classes))
        x = sig(x / x.sum(axis=1, keepdims=True))
    x = x.astype(dtype)
    if flavour == "special":
        specials = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-45 if dtype == "float32" else 5e-324,
                    -1e-45 if dtype == "float32" else -5e-324]
        for r in range(rows):
            if rng.random() < 0.7:
                c = rng.integers(classes)
                x[r, c] = specials[rng.integers(len(specials))]
    return x


def weights_for(rng, kind, shape):
    if kind is None:
        return None
    if kind == "scalar":
        return np.array(0.75, dtype="float32")
    if kind == "per_sample":
        return sig(rng.random(size=(shape[0],))).astype("float32")
    if kind == "per_sample_1":
        return sig(rng.random(size=(shape[0], 1))).astype("float32")
    if kind == "per_element":
        return sig(rng.random(size=shape)).astype("float32")
    raise ValueError(kind)


def metric_case(case_id, metric, calls):
    m = metric
    values = []
    encoded = []
    for yt, yp, sw in calls:
        fn_values = m._fn(yt, yp, **m._fn_kwargs)
        values.append(arr(np.asarray(fn_values)))
        m.update_state(yt, yp, sample_weight=sw)
        encoded.append({"y_true": arr(yt), "y_pred": arr(yp), "sample_weight": arr_or_none(sw)})
    return {"id": case_id, "class_name": type(m).__name__, "config": m.get_config(),
            "serialized": keras.saving.serialize_keras_object(m), "calls": encoded, "values": values,
            "expected": {"result": num(m.result()), "total": num(m.variables[0]), "count": num(m.variables[1])}}


def accuracy_cases():
    rng = np.random.default_rng(6)
    cases = []
    flavours = ["probs", "logits", "ties", "special"]
    # Sparse and categorical accuracy, top-k with several k.
    for dtype in ["float32", "float64"]:
        for flavour in flavours:
            for classes in [1, 2, 3, 7]:
                for label_form in ["rank1", "trailing1", "int32", "float"]:
                    for wkind in [None, "per_sample", "per_sample_1", "scalar"]:
                        if rng.random() < 0.85:
                            continue  # a sample of the combinations keeps the file small
                        sizes = [int(s) for s in rng.choice([0, 1, 3, 6], size=rng.integers(1, 3))]
                        base = f"{dtype}.{flavour}.C{classes}.{label_form}.{wkind}"
                        metrics = [("sparse_categorical_accuracy", keras.metrics.SparseCategoricalAccuracy()),
                                   ("categorical_accuracy", keras.metrics.CategoricalAccuracy())]
                        if dtype == "float32":  # TF's in_top_k refuses float64 scores
                            k = int(rng.choice([1, 2, 5]))
                            metrics.append((f"sparse_top_k.k{k}", keras.metrics.SparseTopKCategoricalAccuracy(k=k)))
                            metrics.append((f"top_k.k{k}", keras.metrics.TopKCategoricalAccuracy(k=k)))
                        for mname, metric in metrics:
                            calls = []
                            for n in sizes:
                                yp = scores(rng, n, classes, dtype, flavour)
                                labels = rng.integers(0, classes, size=(n,))
                                sparse = not mname.startswith(("categorical", "top_k"))
                                if sparse:
                                    yt = labels.astype("int64")
                                    if label_form == "trailing1":
                                        yt = yt.reshape(n, 1)
                                    elif label_form == "int32":
                                        yt = yt.astype("int32")
                                    elif label_form == "float":
                                        yt = yt.astype("float32")
                                else:
                                    if flavour == "ties" and label_form == "float":
                                        yt = (rng.integers(0, 2, size=(n, classes))).astype("float32")  # tied targets
                                    else:
                                        yt = np.eye(classes, dtype="float32")[labels]
                                    if label_form == "int32":
                                        yt = yt.astype("int32")
                                sw = weights_for(rng, wkind, (n,))
                                calls.append((yt, yp, sw))
                            cases.append(metric_case(f"{mname}.{base}", metric, calls))
    # Rank-3 predictions (time steps), per-element weights.
    for mname, make in [("sparse_categorical_accuracy", lambda: keras.metrics.SparseCategoricalAccuracy()),
                        ("sparse_top_k.k2", lambda: keras.metrics.SparseTopKCategoricalAccuracy(k=2)),
                        ("categorical_accuracy", lambda: keras.metrics.CategoricalAccuracy()),
                        ("top_k.k2", lambda: keras.metrics.TopKCategoricalAccuracy(k=2))]:
        for wkind in [None, "per_sample", "per_element"]:
            yp = scores(rng, 12, 4, "float32", "ties").reshape(3, 4, 4)
            labels = rng.integers(0, 4, size=(3, 4))
            yt = labels if mname.startswith("sparse") else np.eye(4, dtype="float32")[labels]
            sw = None if wkind is None else (weights_for(rng, "per_sample", (3,)) if wkind == "per_sample"
                                             else weights_for(rng, "per_element", (3, 4)))
            cases.append(metric_case(f"{mname}.rank3.{wkind}", make(), [(yt, yp, sw)]))
    # Labels Keras does not reject: out of range, negative, fractional.
    yp = np.array([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.2, 0.6, 0.2], [0.3, 0.3, 0.4]], dtype="float32")
    for labels in [np.array([3, -1, 5, 2]), np.array([1.9, -0.5, 1.0, 2.5], dtype="float32")]:
        for mname, metric in [("sparse_categorical_accuracy", keras.metrics.SparseCategoricalAccuracy()),
                              ("sparse_top_k.k1", keras.metrics.SparseTopKCategoricalAccuracy(k=1)),
                              ("sparse_top_k.k2", keras.metrics.SparseTopKCategoricalAccuracy(k=2))]:
            cases.append(metric_case(f"{mname}.odd_labels.{labels.dtype}", metric, [(labels, yp, None)]))
    # from_sorted_ids: integer and float ids, k larger than N.
    for k in [1, 2, 4]:
        for dtype in ["int32", "float32"]:
            ids = np.array([[1, 0, 3], [1, 2, 3], [4, 4, 2], [0, 1, 2]], dtype=dtype)
            yt = np.array([2, 1, 4, 3])
            m = keras.metrics.SparseTopKCategoricalAccuracy(k=k, from_sorted_ids=True)
            cases.append(metric_case(f"sparse_top_k.sorted_ids.k{k}.{dtype}", m,
                                     [(yt, ids, np.array([0.7, 0.3, 1.0, 2.0], dtype="float32"))]))
    # Custom names and float64 state.
    cases.append(metric_case("sparse_categorical_accuracy.named_float64",
                             keras.metrics.SparseCategoricalAccuracy(name="acc", dtype="float64"),
                             [(np.array([0, 1]), np.array([[0.6, 0.4], [0.3, 0.7]], dtype="float32"), None)]))
    return {**versions(), "cases": cases}


# ------------------------------------------------------------------------------------------------------------

def write_json(path, data, check):
    text = json.dumps(data, separators=(",", ":"), allow_nan=False) + "\n"
    full = os.path.join(ROOT, path)
    if check:
        with open(full) as f:
            if f.read() != text:
                print(f"{path} differs from what Keras computes now", file=sys.stderr)
                return False
        return True
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)
    print(f"wrote {path} ({len(text) // 1024} KB, {len(data.get('cases', []))} cases)")
    return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--check", action="store_true")
    p.add_argument("--only", choices=["accuracy", "gradients", "models"])
    a = p.parse_args()
    ok = True
    if a.only in (None, "accuracy"):
        ok &= write_json(ACC_FILE, accuracy_cases(), a.check)
    if a.only in (None, "gradients"):
        ok &= write_json(GRAD_FILE, gradient_cases(), a.check)
    if a.only in (None, "models"):
        ok &= write_models(a.check)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
