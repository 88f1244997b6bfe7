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

# enc_num / arr / arr_or_none are generate.py's, so that every golden file encodes numbers the same way.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import arr, arr_or_none, enc_num  # noqa: E402


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
# Loss gradients: tf.GradientTape through the Keras loss
# ------------------------------------------------------------------------------------------------------------

LO32, HI32 = 1.0000000116860974e-07, 0.99999988079071044921875
EDGE_PROBS = [0.0, 1.0, LO32, HI32, 5e-8, 0.99999994, 2e-7, 0.9999997, 0.5]


def grad_preds(rng, shape, class_axis, mode, dtype):
    if mode == "logits":
        x = sig(rng.normal(size=shape) * 3)
        if rng.random() < 0.3:
            x.reshape(-1)[rng.integers(x.size)] = 40.0  # a saturated softmax
        if rng.random() < 0.3:
            x = np.round(x)  # ties
        return x.astype(dtype)
    x = rng.random(size=shape) + 0.05
    x = x / x.sum(axis=class_axis, keepdims=True)
    if mode == "unnormalized":
        x = x * rng.uniform(0.3, 3.0)
    x = sig(x)
    if mode == "edges":  # values at and around the clip bounds, exact zeros and ones
        flat = x.reshape(-1)
        for i in rng.choice(flat.size, size=max(1, flat.size // 3), replace=False):
            flat[i] = EDGE_PROBS[rng.integers(len(EDGE_PROBS))]
        # a row that is exactly one-hot, so its normalised values hit 1 and 0 exactly
        x = np.moveaxis(x, class_axis, -1).copy()
        x.reshape(-1, x.shape[-1])[0] = np.eye(x.shape[-1])[0]
        x = np.moveaxis(x, -1, class_axis)
    return np.ascontiguousarray(x).astype(dtype)


def grad_weights(rng, kind, value_shape):
    if kind is None:
        return None
    per_sample = (value_shape[0],) + (1,) * (len(value_shape) - 1)
    if kind == "scalar":
        return np.array(1.5, dtype="float32")
    if kind == "per_sample":
        return sig(rng.random(size=per_sample) * 2).astype("float32")
    if kind == "per_sample_1":
        return sig(rng.random(size=(value_shape[0], 1)) * 2).astype("float32")
    if kind == "per_element":
        return sig(rng.random(size=value_shape) * 2).astype("float32")
    if kind == "zeros":
        return np.zeros(per_sample, dtype="float32")
    if kind == "negative":
        return sig(rng.random(size=per_sample) * 2 - 1).astype("float32")
    raise ValueError(kind)


def tape_gradient(loss, y_true, y_pred, sw, axis, sparse):
    x = tf.Variable(y_pred)
    with tf.GradientTape() as tape:
        xp = x
        if sparse and axis != -1:  # TF only supports axis=-1: move the class axis last
            xp = tf.experimental.numpy.moveaxis(x, axis, -1)
        value = loss(y_true, xp, sample_weight=sw)
    grad = tape.gradient(value, x)
    if grad is None:
        grad = tf.zeros_like(x)
    return np.asarray(value), np.asarray(grad)


def gradient_cases():
    rng = np.random.default_rng(66)
    cases = []
    reductions = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]
    layouts = [((4, 3), -1), ((2, 3, 4), -1), ((3, 4, 2), 1), ((5, 1), -1), ((1, 6), -1)]
    for sparse in [True, False]:
        for mode in ["probs", "unnormalized", "edges", "logits"]:
            for shape, axis in layouts:
                for reduction in reductions:
                    for wkind in [None, "per_sample", "per_sample_1", "scalar", "per_element", "zeros", "negative"]:
                        if rng.random() < 0.82:
                            continue
                        dtype = "float64" if rng.random() < 0.2 else "float32"
                        ca = axis % len(shape)
                        classes = shape[ca]
                        value_shape = tuple(d for i, d in enumerate(shape) if i != ca)
                        if wkind == "per_sample_1" and len(value_shape) == 1:
                            wkind = "per_sample"
                        y_pred = grad_preds(rng, shape, ca, mode, dtype)
                        options = {"reduction": reduction, "from_logits": mode == "logits", "axis": axis,
                                   "dtype": dtype}
                        if sparse:
                            labels = rng.integers(0, classes, size=value_shape)
                            ignore = None
                            if rng.random() < 0.35:
                                ignore = int(rng.choice([-1, 0, 255]))
                                mask = rng.random(size=value_shape) < 0.3
                                labels = np.where(mask, ignore, labels)
                            y_true = labels.astype("int64") if rng.random() < 0.5 else labels.astype("float32")
                            if rng.random() < 0.3 and len(value_shape) >= 1 and axis == -1:
                                y_true = y_true.reshape(value_shape + (1,))  # a trailing 1 the loss squeezes
                            options["ignore_class"] = ignore
                            loss = keras.losses.SparseCategoricalCrossentropy(
                                from_logits=options["from_logits"], ignore_class=ignore, reduction=reduction,
                                dtype=dtype)
                        else:
                            labels = rng.integers(0, classes, size=value_shape)
                            y_true = np.moveaxis(np.eye(classes, dtype="float32")[labels], -1, ca)
                            if rng.random() < 0.3:  # soft targets
                                y_true = sig(np.moveaxis(rng.dirichlet(np.ones(classes), size=value_shape), -1, ca))
                            y_true = np.ascontiguousarray(y_true).astype("float32")
                            ls = float(rng.choice([0.0, 0.0, 0.1, 0.25]))
                            options["label_smoothing"] = ls
                            loss = keras.losses.CategoricalCrossentropy(
                                from_logits=options["from_logits"], label_smoothing=ls, axis=axis,
                                reduction=reduction, dtype=dtype)
                        sw = grad_weights(rng, wkind, value_shape)
                        value, grad = tape_gradient(loss, y_true, y_pred, sw, axis, sparse)
                        cases.append({
                            "id": f"{'sparse' if sparse else 'categorical'}.{mode}.{'x'.join(map(str, shape))}"
                                  f".axis{axis}.{reduction}.{wkind}.{dtype}",
                            "class_name": type(loss).__name__, "options": options,
                            "y_true": arr(y_true), "y_pred": arr(y_pred), "sample_weight": arr_or_none(sw),
                            "loss": arr(value.astype(dtype)), "gradient": arr(grad.astype(dtype))})
    # Hand-picked cases: NaN, perfect predictions, all ignored, empty batches, rank-1 predictions, many classes.
    def add(case_id, sparse, options, y_true, y_pred, sw=None):
        o = {"reduction": "sum_over_batch_size", "from_logits": False, "axis": -1, "dtype": "float32",
             "ignore_class": None, "label_smoothing": 0.0, **options}
        if sparse:
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=o["from_logits"],
                                                              ignore_class=o["ignore_class"],
                                                              reduction=o["reduction"], dtype=o["dtype"])
            del o["label_smoothing"]
        else:
            loss = keras.losses.CategoricalCrossentropy(from_logits=o["from_logits"],
                                                        label_smoothing=o["label_smoothing"], axis=o["axis"],
                                                        reduction=o["reduction"], dtype=o["dtype"])
            del o["ignore_class"]
        value, grad = tape_gradient(loss, y_true, y_pred, sw, o["axis"], sparse)
        cases.append({"id": "special." + case_id, "class_name": type(loss).__name__, "options": o,
                      "y_true": arr(y_true), "y_pred": arr(y_pred), "sample_weight": arr_or_none(sw),
                      "loss": arr(np.asarray(value).astype(o["dtype"])),
                      "gradient": arr(np.asarray(grad).astype(o["dtype"]))})

    f32 = lambda a: np.array(a, dtype="float32")  # noqa: E731
    add("sparse.bounds", True, {}, np.array([0, 0]), f32([[HI32, LO32, 0.5], [0.3, 0.0, 0.7]]))
    add("sparse.perfect", True, {}, np.array([0, 1]), f32([[1, 0, 0], [0, 1, 0]]))
    add("sparse.nan", True, {}, np.array([0, 1]), f32([[np.nan, 0.2, 0.3], [0.2, 0.5, 0.3]]))
    add("sparse.logits.nan", True, {"from_logits": True}, np.array([0, 1]), f32([[np.nan, 0.2, 0.3], [2, 5, 3]]))
    add("sparse.logits.huge", True, {"from_logits": True}, np.array([0, 1]), f32([[0, 1000, -1000], [-50, 50, 0]]))
    add("sparse.all_ignored", True, {"ignore_class": -1}, np.array([-1, -1]), f32([[0.2, 0.8], [0.5, 0.5]]))
    add("sparse.all_ignored.sum", True, {"ignore_class": -1, "reduction": "sum"}, np.array([-1, -1]),
        f32([[0.2, 0.8], [0.5, 0.5]]))
    add("sparse.ignored.weighted.mean_with_sample_weight", True,
        {"ignore_class": 255, "reduction": "mean_with_sample_weight"},
        np.array([1, 255, 0, 2]), f32([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1], [0.3, 0.3, 0.4]]),
        f32([0.5, 2.0, 1.0, 3.0]))
    add("sparse.empty", True, {}, np.zeros((0,), dtype="int64"), np.zeros((0, 3), dtype="float32"))
    add("sparse.empty.rank3", True, {}, np.zeros((0, 2), dtype="int64"), np.zeros((0, 2, 3), dtype="float32"))
    add("sparse.rank1", True, {}, np.array(1), f32([0.2, 0.5, 0.3]))
    add("categorical.rank1.weighted", False, {}, f32([0, 1, 0]), f32([0.2, 0.5, 0.3]), f32(2.0))
    add("categorical.perfect", False, {}, f32([[1, 0, 0], [0, 1, 0]]), f32([[1, 0, 0], [0, 1, 0]]))
    add("categorical.zero_row", False, {}, f32([[1, 0, 0], [0, 1, 0]]), f32([[0, 0, 0], [0.2, 0.5, 0.3]]))
    add("categorical.nan", False, {}, f32([[1, 0, 0], [0, 1, 0]]), f32([[np.nan, 0.5, 0.2], [0.2, 0.5, 0.3]]))
    add("categorical.logits.unnormalized_targets", False, {"from_logits": True}, f32([[2, 0, 0], [0.5, 0.2, 0]]),
        f32([[0, 0, 0], [1, 2, 3]]))
    add("categorical.smoothing.axis1", False, {"label_smoothing": 0.2, "axis": 1},
        np.ascontiguousarray(np.moveaxis(np.eye(3, dtype="float32")[[[0, 2], [1, 1]]], -1, 1)),
        f32(np.moveaxis(np.array([[[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], [[0.6, 0.3, 0.1], [0.3, 0.3, 0.4]]]), -1, 1)))
    add("categorical.smoothing.one", False, {"label_smoothing": 1.0}, f32([[0, 1, 0]]), f32([[0.2, 0.5, 0.3]]))
    for classes in [10, 100]:
        p = rng.random(size=(3, classes)).astype("float32")
        p = sig(p / p.sum(axis=1, keepdims=True)).astype("float32")
        y = rng.integers(0, classes, size=(3,))
        add(f"sparse.C{classes}", True, {}, y, p)
        add(f"categorical.C{classes}", False, {}, np.eye(classes, dtype="float32")[y], p)
        add(f"sparse.logits.C{classes}", True, {"from_logits": True}, y, (p * 20).astype("float32"))
    for dtype in ["float32", "float64"]:
        p = np.array([[0.7, 0.2, 0.1], [0.05, 0.05, 0.9]], dtype=dtype)
        add(f"categorical.near_one.{dtype}", False, {"dtype": dtype}, f32([[1, 0, 0], [0, 0, 1]]), p)
        add(f"sparse.near_one.{dtype}", True, {"dtype": dtype}, np.array([0, 2]), p)
    return {**versions(), "cases": cases}


# ------------------------------------------------------------------------------------------------------------
# Compiled identity models (.keras) and their evaluate() results
# ------------------------------------------------------------------------------------------------------------

def datasets():
    rng = np.random.default_rng(606)
    n, c = 37, 4
    def probs(rows):
        x = rng.random(size=(rows, c)) + 0.02
        return sig(x / x.sum(axis=1, keepdims=True)).astype("float32")
    labels = rng.integers(0, c, size=(n,))
    ignore_labels = np.where(rng.random(size=(n,)) < 0.25, -1, labels)
    soft = sig(rng.dirichlet(np.ones(c), size=n)).astype("float32")
    return {
        "sparse": {"y_true": labels.astype("int64"), "y_pred": probs(n),
                   "sample_weight": sig(rng.random(size=(n,)) * 2).astype("float32")},
        "sparse_col_logits": {"y_true": labels.reshape(n, 1).astype("int64"),
                              "y_pred": sig(rng.normal(size=(n, c)) * 2).astype("float32"), "sample_weight": None},
        "onehot": {"y_true": np.eye(c, dtype="float32")[labels], "y_pred": probs(n),
                   "sample_weight": sig(rng.random(size=(n,)) * 2).astype("float32")},
        "soft_logits": {"y_true": soft, "y_pred": sig(rng.normal(size=(n, c)) * 2).astype("float32"),
                        "sample_weight": None},
        "ignore": {"y_true": ignore_labels.astype("int64"), "y_pred": probs(n),
                   "sample_weight": sig(rng.random(size=(n,)) * 2).astype("float32")},
        "binary": {"y_true": rng.integers(0, 2, size=(n, 1)).astype("float32"),
                   "y_pred": rng.random(size=(n, 1)).astype("float32"), "sample_weight": None},
        # The datasets below come after the ones above, so adding them left those unchanged.
        "binary_weighted": {"y_true": rng.integers(0, 2, size=(n, 1)).astype("float32"),
                            "y_pred": sig(rng.random(size=(n, 1))).astype("float32"),
                            "sample_weight": sig(rng.random(size=(n,)) * 2).astype("float32")},
        "binary_logits": {"y_true": rng.integers(0, 2, size=(n, 1)).astype("float32"),
                          "y_pred": sig(rng.normal(size=(n, 1)) * 3).astype("float32"),
                          "sample_weight": sig(rng.random(size=(n,)) * 2).astype("float32")},
        "multilabel": {"y_true": rng.integers(0, 2, size=(n, 3)).astype("float32"),
                       "y_pred": sig(rng.random(size=(n, 3))).astype("float32"),
                       "sample_weight": sig(rng.random(size=(n,)) * 2).astype("float32")},
        "soft": {"y_true": sig(rng.dirichlet(np.ones(c), size=n)).astype("float32"), "y_pred": probs(n),
                 "sample_weight": sig(rng.random(size=(n,)) * 2).astype("float32")},
        "counts": {"y_true": rng.poisson(2.0, size=(n, 3)).astype("float32"),
                   "y_pred": sig(rng.uniform(0.2, 4.0, size=(n, 3))).astype("float32"),
                   "sample_weight": sig(rng.random(size=(n,)) * 2).astype("float32")},
    }


def identity_model(kind="functional", outputs=1, width=4):
    if kind == "sequential":
        return keras.Sequential([keras.Input(shape=(width,)), keras.layers.Activation("linear")])
    inp = keras.Input(shape=(width,))
    outs = [keras.layers.Activation("linear")(inp) for _ in range(outputs)]
    return keras.Model(inp, outs[0] if outputs == 1 else outs)


def model_specs():
    L, M = keras.losses, keras.metrics
    return [
        ("sparse_string_accuracy", "sparse", "functional",
         dict(loss="sparse_categorical_crossentropy", metrics=["accuracy"])),
        ("sparse_objects_weighted", "sparse", "functional",
         dict(loss=L.SparseCategoricalCrossentropy(), loss_weights=0.5,
              metrics=["acc", M.SparseCategoricalCrossentropy(), M.SparseTopKCategoricalAccuracy(k=2),
                       "sparse_categorical_crossentropy"],
              weighted_metrics=["accuracy", M.SparseCategoricalAccuracy(name="wacc"),
                                M.SparseCategoricalCrossentropy()])),
        ("sparse_logits_column_labels", "sparse_col_logits", "functional",
         dict(loss=L.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[M.SparseCategoricalCrossentropy(from_logits=True), "sparse_top_k_categorical_accuracy",
                       "accuracy", M.SparseTopKCategoricalAccuracy(k=1, name="top1")])),
        ("categorical_string_accuracy", "onehot", "functional",
         dict(loss="categorical_crossentropy", metrics=["accuracy", "categorical_crossentropy",
                                                        M.TopKCategoricalAccuracy(k=2)],
              weighted_metrics=["acc", M.CategoricalCrossentropy(name="wce")])),
        ("categorical_logits_smoothing", "soft_logits", "functional",
         dict(loss=L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
              metrics=[M.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), "categorical_accuracy",
                       "top_k_categorical_accuracy", M.CategoricalAccuracy()])),
        ("crossentropy_alias", "onehot", "functional", dict(loss="ce", metrics=[["accuracy"]])),
        ("sparse_crossentropy_alias", "sparse", "functional", dict(loss="crossentropy", metrics=["acc"])),
        ("ignore_class", "ignore", "functional",
         dict(loss=L.SparseCategoricalCrossentropy(ignore_class=-1),
              metrics=[M.SparseCategoricalCrossentropy(ignore_class=-1), "accuracy"],
              weighted_metrics=[M.SparseCategoricalCrossentropy(ignore_class=-1, name="w_scce")])),
        ("functions", "sparse", "functional",
         dict(loss=L.sparse_categorical_crossentropy,
              metrics=[M.sparse_categorical_accuracy, "SparseCategoricalAccuracy", M.sparse_top_k_categorical_accuracy])),
        ("duplicates", "sparse", "functional",
         dict(loss="sparse_categorical_crossentropy", metrics=["accuracy", "accuracy", "accuracy"],
              weighted_metrics=["accuracy", "accuracy"])),
        ("sequential_categorical", "onehot", "sequential",
         dict(loss="categorical_crossentropy", metrics=["accuracy"], loss_weights=2.0)),
        ("class_name_strings", "onehot", "functional",
         dict(loss="CategoricalCrossentropy", metrics=["CategoricalAccuracy", "TopKCategoricalAccuracy"])),
        # The binary and probabilistic families: strings, aliases, class names, objects and functions.
        ("binary_strings", "binary_weighted", "functional",
         dict(loss="binary_crossentropy",
              metrics=["accuracy", "binary_accuracy", "BinaryAccuracy", "bce", "BinaryCrossentropy",
                       M.binary_accuracy, L.binary_crossentropy],
              weighted_metrics=["acc", M.BinaryCrossentropy(name="wbce"), M.BinaryAccuracy(threshold=0.3)])),
        ("binary_alias_objects", "binary_weighted", "sequential",
         dict(loss=L.BinaryCrossentropy(label_smoothing=0.1), loss_weights=0.5,
              metrics=["ACC", M.BinaryCrossentropy(label_smoothing=0.1)], weighted_metrics=["BCE"])),
        ("binary_ce_alias", "binary", "functional", dict(loss="ce", metrics=["Accuracy"])),
        ("binary_focal_logits", "binary_logits", "functional",
         dict(loss=L.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.5, from_logits=True,
                                             label_smoothing=0.1),
              metrics=[M.MeanMetricWrapper(L.binary_focal_crossentropy, from_logits=True, gamma=3.0),
                       M.BinaryAccuracy(threshold=0.0), M.BinaryCrossentropy(from_logits=True)],
              weighted_metrics=[M.MeanMetricWrapper(L.binary_focal_crossentropy, name="wfocal", from_logits=True)])),
        ("binary_focal_strings", "binary_weighted", "functional",
         dict(loss="binary_focal_crossentropy", metrics=[L.binary_focal_crossentropy, "accuracy"],
              weighted_metrics=[L.binary_focal_crossentropy])),
        ("multilabel", "multilabel", "functional",
         dict(loss=L.BinaryCrossentropy(label_smoothing=0.2),
              metrics=["binary_accuracy", "accuracy", M.BinaryAccuracy(threshold=0.7, name="acc70")],
              weighted_metrics=["bce", L.binary_focal_crossentropy])),
        ("kl_divergence_poisson", "soft", "functional",
         dict(loss="kld", metrics=["kl_divergence", "KLDivergence", "poisson", M.Poisson(name="p"), L.kl_divergence],
              weighted_metrics=[M.KLDivergence(), "Poisson"])),
        ("kl_divergence_object", "soft", "functional",
         dict(loss=L.KLDivergence(), metrics=["accuracy"], weighted_metrics=[M.KLDivergence(name="wkl")])),
        ("poisson", "counts", "functional",
         dict(loss=L.Poisson(), metrics=[M.Poisson(), L.poisson], weighted_metrics=["poisson"])),
        ("poisson_string", "counts", "functional", dict(loss="poisson", loss_weights=2.0)),
        ("categorical_focal", "onehot", "functional",
         dict(loss=L.CategoricalFocalCrossentropy(alpha=0.5, gamma=1.0),
              metrics=[L.categorical_focal_crossentropy, "accuracy",
                       M.MeanMetricWrapper(L.categorical_focal_crossentropy, name="focal_a1", alpha=1.0)],
              weighted_metrics=[L.categorical_focal_crossentropy])),
        ("categorical_focal_logits", "soft_logits", "functional",
         dict(loss=L.CategoricalFocalCrossentropy(from_logits=True, label_smoothing=0.1, gamma=3.0),
              metrics=[M.MeanMetricWrapper(L.categorical_focal_crossentropy, from_logits=True)])),
        ("categorical_focal_strings", "onehot", "functional",
         dict(loss="categorical_focal_crossentropy", metrics=["CategoricalCrossentropy"])),
        # Entries xent does not compute: refused, or computed around with --skip-unsupported. The keys Keras gives
        # the skipped entries (auc, auc_1) shift the BinaryAccuracy named "auc" to auc_2.
        ("unsupported_metrics", "binary_weighted", "functional",
         dict(loss="binary_crossentropy",
              metrics=["accuracy", M.AUC(), "auc", M.BinaryAccuracy(name="auc"), mean_prediction],
              weighted_metrics=[M.Precision(), "mse", "accuracy"])),
        ("unsupported_loss", "binary_weighted", "functional",
         dict(loss="mse", metrics=["accuracy", "bce"])),
    ]


def mean_prediction(y_true, y_pred):
    """A custom metric function, for the unsupported path."""
    return keras.ops.mean(y_pred, axis=-1)


# The entries xent skips in each model that has some: its refusal names every one. The keys --skip-unsupported
# leaves out are those of evaluate()'s result that xent does not compute.
UNSUPPORTED = {
    "unsupported_metrics": ["compile_config.metrics[1] (AUC)", "compile_config.metrics[2] (\"auc\")",
                            "compile_config.metrics[4] (mean_prediction)",
                            "compile_config.weighted_metrics[0] (Precision)",
                            "compile_config.weighted_metrics[1] (\"mse\")"],
    "unsupported_loss": ["compile_config.loss (\"mse\")"],
}


ERROR_SPECS = [
    # (file, dataset, model kind, compile kwargs, text the error must contain)
    # Strings Keras's metrics.get refuses (its evaluate raises "Could not interpret metric identifier").
    ("error_kld_metric", "soft", "functional", dict(loss="kld", metrics=["kld"]), "Could not interpret metric"),
    ("error_focal_metric_string", "binary", "functional",
     dict(loss="binary_crossentropy", metrics=["binary_focal_crossentropy"]), "keras.losses.binary_focal_crossentropy"),
    ("error_accuracy_loss", "binary", "functional", dict(loss="binary_accuracy"), "Could not interpret loss"),
    # compile() without a loss or metrics: evaluate raises "No loss to compute".
    ("error_no_loss", "binary", "functional", dict(), "no loss and no metrics"),
    ("error_mse_metric", "sparse", "functional",
     dict(loss="sparse_categorical_crossentropy", metrics=["accuracy", "mse"]), "compile_config.metrics[1]"),
    ("error_two_outputs", "sparse", "two_outputs",
     dict(loss=["sparse_categorical_crossentropy", "sparse_categorical_crossentropy"]), "2 outputs"),
    ("error_not_compiled", "sparse", "functional", None, "without compile()"),
]


def stable(config):
    """config.json without Keras's id()-based shared_object_id values, which differ between runs."""
    if isinstance(config, dict):
        return {k: stable(v) for k, v in config.items() if k != "shared_object_id"}
    if isinstance(config, list):
        return [stable(v) for v in config]
    return config


def save_model(name, kind, compile_kwargs, check, width=4):
    model = identity_model("functional", 2) if kind == "two_outputs" else identity_model(kind, width=width)
    if compile_kwargs is not None:
        model.compile(**compile_kwargs)
    path = os.path.join(ROOT, MODEL_DIR, name + ".keras")
    if check:
        model.save(path + ".tmp.keras")
        with zipfile.ZipFile(path + ".tmp.keras") as z, zipfile.ZipFile(path) as old:
            same = stable(json.loads(z.read("config.json"))) == stable(json.loads(old.read("config.json")))
            if not same:
                print(f"{name}.keras: config.json differs from what Keras writes now", file=sys.stderr)
                a, b = json.loads(z.read("config.json")), json.loads(old.read("config.json"))
                print("  now:", json.dumps(a)[:300], "\n  old:", json.dumps(b)[:300], file=sys.stderr)
        os.remove(path + ".tmp.keras")
        return model, same
    model.save(path)
    return model, True


def write_models(check):
    os.makedirs(os.path.join(ROOT, MODEL_DIR, "data"), exist_ok=True)
    data = datasets()
    ok = True
    for name, d in data.items():
        for key, a in d.items():
            if a is not None and not check:
                np.save(os.path.join(ROOT, MODEL_DIR, "data", f"{name}.{key}.npy"), a)
    models = []
    for name, dataset, kind, kwargs in model_specs():
        keras.utils.clear_session()
        d = data[dataset]
        model, same = save_model(name, kind, kwargs, check, d["y_pred"].shape[1])
        ok &= same
        results = {}
        for batch_size in [32, 7, 64]:
            for weighted in ([False, True] if d["sample_weight"] is not None else [False]):
                r = model.evaluate(d["y_pred"], d["y_true"], sample_weight=d["sample_weight"] if weighted else None,
                                   batch_size=batch_size, verbose=0, return_dict=True)
                results[f"{batch_size}{'.weighted' if weighted else ''}"] = {k: num(np.float32(v)) for k, v in r.items()}
        # the order of get_metrics_result() (loss first), which CompiledMetrics.result() follows
        order = list(model.get_metrics_result().keys())
        entry = {"file": name + ".keras", "dataset": dataset, "results": results, "order": order}
        if name in UNSUPPORTED:
            entry["unsupported"] = UNSUPPORTED[name]
        models.append(entry)
    errors = []
    for name, dataset, kind, kwargs, text in ERROR_SPECS:
        keras.utils.clear_session()
        _, same = save_model(name, kind, kwargs, check, data[dataset]["y_pred"].shape[1])
        ok &= same
        errors.append({"file": name + ".keras", "dataset": dataset, "message_contains": text})
    enc = {name: {k: arr_or_none(v) for k, v in d.items()} for name, d in data.items()}
    ok &= write_json(os.path.join(MODEL_DIR, "evaluate.json"),
                     {**versions(), "datasets": enc, "models": models, "errors": errors}, check)
    return ok


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
