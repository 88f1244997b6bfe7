#!/usr/bin/env python3
"""Regenerates the golden test data in xent-core/src/test/resources/golden/ from real Keras.

Every expected number in the output is computed by the installed Keras (TensorFlow backend); nothing is
computed by hand. Inputs come from numpy generators with fixed seeds, so two runs with the same Keras,
TensorFlow and numpy write identical files. See tools/golden/README.md for how to set up the environment.

Usage:
    TF_CPP_MIN_LOG_LEVEL=3 V/bin/python tools/golden/generate.py [--out DIR] [--check]

--check regenerates into memory and exits 1 if any committed file differs (used to verify determinism).
"""

import argparse
import json
import os
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import ops  # noqa: E402

warnings.simplefilter("ignore")  # CCE with C == 1 warns (SyntaxWarning); the warning is not data.

GENERATOR = "tools/golden/generate.py"
REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO_ROOT, "xent-core", "src", "test", "resources", "golden")
MAX_FILE_BYTES = 500_000

assert keras.backend.backend() == "tensorflow", "the golden data must come from the TensorFlow backend"

SPARSE = "SparseCategoricalCrossentropy"
CAT = "CategoricalCrossentropy"
FN_NAME = {SPARSE: "sparse_categorical_crossentropy", CAT: "categorical_crossentropy"}
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]
SMOOTHING_BUG = "label_smoothing uses shape[-1]"


# ---------------------------------------------------------------------------------------------------------
# JSON encoding of arrays and numbers
# ---------------------------------------------------------------------------------------------------------

def enc_num(x, dtype):
    """One number: ints as ints, floats as the shortest decimal that reads back to the same value."""
    if np.issubdtype(np.dtype(dtype), np.integer):
        return int(x)
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if np.dtype(dtype) == np.float32:
        f32 = np.float32(x)
        out = float(str(f32))  # shortest float32 repr, as a Python float
        # Readers parse to double and round to float: check that path gives the same float32 bits.
        assert np.float32(out).tobytes() == f32.tobytes(), (x, out)
        return out
    return x  # float64: repr(float) is the shortest round-tripping decimal


def arr(a):
    a = np.asarray(a)
    dtype = str(a.dtype)
    assert dtype in ("float32", "float64", "int32", "int64"), dtype
    return {"dtype": dtype, "shape": list(a.shape), "data": [enc_num(v, dtype) for v in a.reshape(-1)]}


def arr_or_none(a):
    return None if a is None else arr(a)


def result_value(x):
    """A reduced loss or a metric result: a number; a non-scalar (reduction none, empty batch): an ARR."""
    a = to_np(x)
    if a.ndim == 0:
        return enc_num(a, a.dtype)
    return arr(a)


def to_np(x):
    if "bfloat16" in str(getattr(x, "dtype", "")):  # numpy 2.4 cannot take TF's bfloat16 directly
        x = ops.cast(x, "float32")  # exact
    return np.asarray(ops.convert_to_numpy(x))


def error_text(e):
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {msg}"[:300]


def versions():
    return {
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "numpy_version": np.__version__,
        "backend": keras.backend.backend(),
        "generator": GENERATOR,
    }


# ---------------------------------------------------------------------------------------------------------
# Input generators
# ---------------------------------------------------------------------------------------------------------

def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def canon(axis, rank):
    return axis + rank if axis < 0 else axis


# near the clip bounds f32(1e-7) and f32(1 - 1e-7) = 0.99999988, on both sides, plus exact 0 and 1
CLIP_HIGH = [1.0, 0.99999994, 0.99999988, 0.9999998, 0.9999999, 0.99999]
CLIP_LOW = [0.0, 1e-8, 5e-8, 1e-7, 1.1920929e-07, 2e-7, 1e-6]


def sig(x, digits=6):
    """Rounds to `digits` significant decimal digits, so the inputs print short (keeps the files small)."""
    x = np.asarray(x, dtype="float64")
    return np.array([float(f"{v:.{digits - 1}e}") for v in x.reshape(-1)]).reshape(x.shape)


def make_pred(rng, shape, mode, dtype, axis=-1):
    """y_pred of a given flavour; the class axis is `axis`."""
    axis = canon(axis, len(shape))
    if mode == "logits":
        x = sig(rng.normal(0.0, 3.0, shape))
    elif mode == "logits_big":  # |x| up to about 1000: exercises the stable log-softmax
        x = sig(rng.normal(0.0, 300.0, shape))
        x.flat[:: max(1, x.size // 5)] = 1000.0
    elif mode == "softmax":  # rows sum to 1 up to the 6-digit rounding
        x = sig(softmax(rng.normal(0.0, 2.0, shape), axis))
    elif mode == "unnorm":  # rows do not sum to 1; every entry in [0, 1)
        x = sig(rng.uniform(0.0, 1.0, shape))
    elif mode == "unnorm_big":  # rows with entries above 1
        x = sig(rng.uniform(0.0, 4.0, shape))
    elif mode == "exact01":  # one-hot rows and rows with exact zeros
        x = sig(softmax(rng.normal(0.0, 2.0, shape), axis))
        x = np.where(rng.uniform(size=shape) < 0.3, 0.0, x)
        x = np.moveaxis(x, axis, -1).copy()
        flat = x.reshape(-1, x.shape[-1])
        for i in range(flat.shape[0]):
            if rng.uniform() < 0.5:
                flat[i] = 0.0
                flat[i, rng.integers(0, flat.shape[1])] = 1.0
            elif flat[i].sum() == 0.0:
                flat[i, 0] = 1.0
        x = np.moveaxis(flat.reshape(x.shape), -1, axis)
    elif mode == "clip":  # probabilities at and near the clip bounds
        x = np.moveaxis(np.zeros(shape), axis, -1).copy()
        flat = x.reshape(-1, x.shape[-1])
        for i in range(flat.shape[0]):
            flat[i] = rng.choice(CLIP_LOW, size=flat.shape[1])
            flat[i, rng.integers(0, flat.shape[1])] = rng.choice(CLIP_HIGH)
        x = np.moveaxis(flat.reshape(x.shape), -1, axis)
    else:
        raise ValueError(mode)
    return np.ascontiguousarray(x).astype(dtype)


def is_logits(mode):
    return mode.startswith("logits")


def sparse_labels(rng, shape, num_classes, dtype, ignore=None, ignore_frac=0.3):
    y = rng.integers(0, num_classes, size=shape)
    if ignore is not None:
        y = np.where(rng.uniform(size=shape) < ignore_frac, ignore, y)
    return y.astype(dtype)


def onehot_labels(rng, shape, num_classes, dtype, axis=-1, soft=False):
    """One-hot (or soft) targets with the class axis at `axis`; `shape` is the shape without the class axis."""
    if soft:
        y = sig(softmax(rng.normal(0.0, 1.5, tuple(shape) + (num_classes,)), -1))
    else:
        y = np.eye(num_classes)[rng.integers(0, num_classes, size=shape)]
    full_rank = len(shape) + 1
    return np.ascontiguousarray(np.moveaxis(y, -1, canon(axis, full_rank))).astype(dtype)


def element_shape(rng, rank, batch=None):
    """A per-element (loss value) shape of the given rank: (B,), (B,T), (B,H,W), (B,D,H,W)."""
    b = batch if batch is not None else int(rng.integers(1, 9 if rank <= 2 else 4))
    dims = {1: (), 2: (int(rng.integers(2, 6)),), 3: (int(rng.integers(2, 4)), int(rng.integers(2, 5))),
            4: (2, int(rng.integers(2, 4)), int(rng.integers(2, 4)))}[rank]
    return (b,) + dims


def insert_class(shape, c, axis):
    """The y_pred shape for per-element `shape` with c classes on `axis` (axis counted in y_pred)."""
    full = len(shape) + 1
    pos = canon(axis, full)
    return tuple(shape[:pos]) + (c,) + tuple(shape[pos:])


# ---------------------------------------------------------------------------------------------------------
# Running real Keras
# ---------------------------------------------------------------------------------------------------------

def keras_fn(cls):
    return getattr(keras.losses, FN_NAME[cls])


def derivation(cls, kwargs, y_pred):
    """How the expected value is obtained when Keras-TF itself cannot compute the case.

    - "moveaxis": Keras-TF refuses sparse `axis` other than -1 (or rank-1). Our defined answer is Keras with the
      class axis moved last (y_pred, and labels that carry a 1 on the class axis).
    - "canonical-axis": TF's softmax_cross_entropy_with_logits fails for negative axes other than -1
      (InvalidArgumentError from a Range op); the answer is Keras with the same axis counted from the front.
    """
    axis = kwargs.get("axis", -1)
    if cls == SPARSE and axis not in (-1, y_pred.ndim - 1):
        return "moveaxis"
    if cls == CAT and kwargs.get("from_logits") and axis < -1:
        return "canonical-axis"
    return None


def apply_derivation(how, kwargs, y_true, y_pred):
    kw = dict(kwargs)
    axis = kw.get("axis", -1)
    if how == "moveaxis":
        if y_true is not None and y_true.ndim == y_pred.ndim:  # labels with a 1 on the class axis
            y_true = np.moveaxis(y_true, axis, -1)
        y_pred = np.moveaxis(y_pred, axis, -1)
        kw["axis"] = -1
    elif how == "canonical-axis":
        kw["axis"] = canon(axis, y_pred.ndim)
    return kw, y_true, y_pred


def smoothing_differs(cls, kwargs, y_pred):
    """Keras 3.15.1 smooths with shape[-1] even when axis != -1; True when that changes the answer."""
    ls = kwargs.get("label_smoothing") or 0
    axis = kwargs.get("axis", -1)
    return cls == CAT and ls and y_pred.ndim > 0 and y_pred.shape[axis] != y_pred.shape[-1]


def presmooth(y_true, y_pred, ls, axis):
    """The smoothing Keras HEAD does (n = y_pred.shape[axis]), done with Keras ops in y_pred's dtype."""
    yt = ops.cast(y_true, y_pred.dtype)
    n = ops.cast(y_pred.shape[axis], y_pred.dtype)
    return to_np(yt * (1.0 - ls) + (ls / n))


def run_function(cls, kwargs, y_true, y_pred, how=None):
    kw, y_true, y_pred = apply_derivation(how, kwargs, y_true, y_pred)
    return to_np(keras_fn(cls)(y_true, y_pred, **kw))


def make_metric(cls, kwargs):
    return getattr(keras.metrics, cls)(**kwargs)


def make_loss(cls, kwargs):
    return getattr(keras.losses, cls)(**kwargs)


def run_metric(cls, kwargs, calls, how=None):
    m = None
    for yt, yp, sw in calls:
        kw, yt, yp = apply_derivation(how, kwargs, yt, yp)
        m = m or make_metric(cls, kw)
        m.update_state(yt, yp, sample_weight=sw)
    m = m or make_metric(cls, kwargs)
    return {"result": result_value(m.result()), "total": result_value(m.variables[0]),
            "count": result_value(m.variables[1])}


def run_loss(cls, kwargs, y_true, y_pred, sw, how=None):
    kw, y_true, y_pred = apply_derivation(how, kwargs, y_true, y_pred)
    return result_value(make_loss(cls, kw)(y_true, y_pred, sample_weight=sw))


def note_derivation(case, how, attempt):
    """Marks a derived case and records what real Keras-TF does with the original inputs."""
    if how is None:
        return
    case["derived"] = how
    try:
        attempt()
        case["keras_tf_behaviour"] = "computes (the derived value is used anyway)"
    except Exception as e:  # noqa: BLE001
        case["keras_tf_behaviour"] = error_text(e)


def precision(*dtypes):
    """float64 only when every floating input of the computation is float64; else float32 tolerances."""
    fl = [d for d in dtypes if d is not None and np.issubdtype(np.dtype(d), np.floating)]
    return "float64" if fl and all(np.dtype(d) == np.float64 for d in fl) else "float32"


# ---------------------------------------------------------------------------------------------------------
# Case builders
# ---------------------------------------------------------------------------------------------------------

class Cases:
    def __init__(self):
        self.files = {}
        self.ids = set()

    def add(self, fname, case):
        assert case["id"] not in self.ids, "duplicate id " + case["id"]
        self.ids.add(case["id"])
        self.files.setdefault(fname, []).append(case)
        return case


CASES = Cases()


def function_case(fname, cid, cls, kwargs, y_true, y_pred, extra=None):
    """kind=function: keras.losses.<fn>(y_true, y_pred, **kwargs) per element."""
    case = {"id": cid, "kind": "function", "class_name": FN_NAME[cls], "config": dict(kwargs),
            "calls": [{"y_true": arr(y_true), "y_pred": arr(y_pred), "sample_weight": None}],
            "precision": precision(y_pred.dtype)}
    how = derivation(cls, kwargs, y_pred)
    try:
        case["expected"] = {"result": arr(run_function(cls, kwargs, y_true, y_pred, how))}
        note_derivation(case, how, lambda: run_function(cls, kwargs, y_true, y_pred))
        if smoothing_differs(cls, kwargs, y_pred):
            case["keras_bug"] = SMOOTHING_BUG
            kw = dict(kwargs, label_smoothing=0.0)
            yt = presmooth(y_true, y_pred, kwargs["label_smoothing"], kwargs["axis"])
            case["expected_if_fixed"] = {"result": arr(run_function(cls, kw, yt, y_pred, how))}
    except Exception as e:  # noqa: BLE001 - recorded as data
        case["expected"] = {"error": error_text(e)}
    if extra:
        case.update(extra)
    return CASES.add(fname, case)


def metric_case(fname, cid, cls, kwargs, calls, extra=None):
    """kind=metric: construct with kwargs, update_state for every call, then result/total/count."""
    m = make_metric(cls, kwargs)
    how = derivation(cls, kwargs, calls[0][1])
    case = {"id": cid, "kind": "metric", "class_name": cls, "config": m.get_config(),
            "serialized": keras.saving.serialize_keras_object(m),
            "calls": [{"y_true": arr(yt), "y_pred": arr(yp), "sample_weight": arr_or_none(sw)} for yt, yp, sw in calls],
            "precision": precision(m.dtype, *[c[1].dtype for c in calls])}
    try:
        case["expected"] = run_metric(cls, kwargs, calls, how)
        note_derivation(case, how, lambda: run_metric(cls, kwargs, calls))
        if any(smoothing_differs(cls, kwargs, c[1]) for c in calls):
            case["keras_bug"] = SMOOTHING_BUG
            ls = kwargs["label_smoothing"]
            fixed_calls = [(presmooth(yt, yp, ls, kwargs["axis"]), yp, sw) for yt, yp, sw in calls]
            case["expected_if_fixed"] = run_metric(cls, dict(kwargs, label_smoothing=0), fixed_calls, how)
    except Exception as e:  # noqa: BLE001
        case["expected"] = {"error": error_text(e)}
    if extra:
        case.update(extra)
    return CASES.add(fname, case)


def loss_case(fname, cid, cls, kwargs, y_true, y_pred, sw, extra=None):
    """kind=loss: construct with kwargs, then loss(y_true, y_pred, sample_weight)."""
    lobj = make_loss(cls, kwargs)
    how = derivation(cls, kwargs, y_pred)
    case = {"id": cid, "kind": "loss", "class_name": cls, "config": lobj.get_config(),
            "serialized": keras.saving.serialize_keras_object(lobj),
            # not in the 3.15.1 configs (sparse has no axis; no loss has dtype): the constructor arguments
            "axis": kwargs.get("axis", -1), "dtype": lobj.dtype,
            "calls": [{"y_true": arr(y_true), "y_pred": arr(y_pred), "sample_weight": arr_or_none(sw)}],
            "precision": precision(lobj.dtype)}
    try:
        case["expected"] = {"result": run_loss(cls, kwargs, y_true, y_pred, sw, how)}
        note_derivation(case, how, lambda: run_loss(cls, kwargs, y_true, y_pred, sw))
        if smoothing_differs(cls, kwargs, y_pred):
            case["keras_bug"] = SMOOTHING_BUG
            yt = presmooth(y_true, y_pred.astype(lobj.dtype), kwargs["label_smoothing"], kwargs["axis"])
            fixed = run_loss(cls, dict(kwargs, label_smoothing=0.0), yt, y_pred, sw, how)
            case["expected_if_fixed"] = {"result": fixed}
    except Exception as e:  # noqa: BLE001
        case["expected"] = {"error": error_text(e)}
    if extra:
        case.update(extra)
    return CASES.add(fname, case)


# ---------------------------------------------------------------------------------------------------------
# Generated families
# ---------------------------------------------------------------------------------------------------------

PROB_MODES = ["softmax", "unnorm", "exact01", "clip", "unnorm_big"]
LOGIT_MODES = ["logits", "logits_big"]


def y_true_for(rng, cls, elem_shape, c, axis, label_dtype, ignore=None, trailing1=False, soft=False,
               ignore_frac=0.3):
    if cls == SPARSE:
        y = sparse_labels(rng, elem_shape, c, label_dtype, ignore, ignore_frac)
        if trailing1:  # labels shaped like y_pred with a 1 on the class axis
            y = np.expand_dims(y, canon(axis, len(elem_shape) + 1))
        return y
    return onehot_labels(rng, elem_shape, c, "float32" if soft else label_dtype, axis, soft)


def gen_functions():
    f = "functions.json"
    rng = np.random.default_rng(1001)
    # shapes x classes x logits x class, with a rotating choice of input flavour and dtypes
    k = 0
    for cls in (SPARSE, CAT):
        for from_logits in (False, True):
            for rank in (1, 2, 3, 4):
                for c in (2, 3, 10, 100):
                    if c == 100 and rank == 4:
                        continue
                    k += 1
                    batch = int(rng.integers(1, 4)) if c == 100 else None
                    es = element_shape(rng, rank, batch)
                    modes = LOGIT_MODES if from_logits else PROB_MODES
                    mode = modes[k % len(modes)]
                    pdt = "float64" if k % 4 == 0 else "float32"
                    ldt = ["int32", "int64", "float32"][k % 3]
                    yp = make_pred(rng, insert_class(es, c, -1), mode, pdt)
                    yt = y_true_for(rng, cls, es, c, -1, ldt, trailing1=(cls == SPARSE and k % 5 == 0),
                                    soft=(cls == CAT and k % 5 == 0))
                    kw = {"from_logits": from_logits, "ignore_class": None, "axis": -1} if cls == SPARSE else \
                        {"from_logits": from_logits, "label_smoothing": 0.0, "axis": -1}
                    function_case(f, f"fn-{FN_NAME[cls]}-r{rank}-c{c}-{mode}-{pdt}-{ldt}", cls, kw, yt, yp)
    # rank-0 per-element values: y_pred of rank 1
    for cls in (SPARSE, CAT):
        for from_logits in (False, True):
            yp = make_pred(rng, (4,), "logits" if from_logits else "softmax", "float32")
            yt = np.array(2, dtype="int32") if cls == SPARSE else onehot_labels(rng, (), 4, "float32")
            kw = {"from_logits": from_logits, "ignore_class": None, "axis": -1} if cls == SPARSE else \
                {"from_logits": from_logits, "label_smoothing": 0.0, "axis": -1}
            function_case(f, f"fn-{FN_NAME[cls]}-rank0-{'logits' if from_logits else 'probs'}", cls, kw, yt, yp)
    # C == 1 (categorical only: Keras warns and computes)
    for from_logits in (False, True):
        yp = make_pred(rng, (5, 1), "logits" if from_logits else "unnorm", "float32")
        yt = np.array([[1], [0], [1], [0.5], [2]], dtype="float32")
        function_case(f, f"fn-categorical_crossentropy-c1-{'logits' if from_logits else 'probs'}", CAT,
                      {"from_logits": from_logits, "label_smoothing": 0.0, "axis": -1}, yt, yp)
    # every input flavour, both classes, C = 3 and 10
    for cls in (SPARSE, CAT):
        for mode in PROB_MODES + LOGIT_MODES:
            for c in (3, 10):
                es = (12,)
                yp = make_pred(rng, insert_class(es, c, -1), mode, "float32")
                yt = y_true_for(rng, cls, es, c, -1, "int64")
                kw = {"from_logits": is_logits(mode), "ignore_class": None, "axis": -1} if cls == SPARSE else \
                    {"from_logits": is_logits(mode), "label_smoothing": 0.0, "axis": -1}
                function_case(f, f"fn-{FN_NAME[cls]}-mode-{mode}-c{c}", cls, kw, yt, yp)
    # axes other than -1
    for cls in (SPARSE, CAT):
        for rank, axis in ((2, 0), (2, 1), (3, 1), (3, -2), (3, 0), (3, 2), (4, 1), (4, -3), (4, 2), (4, 3),
                           (5, 1)):
            for from_logits in (False, True):
                es = element_shape(rng, rank - 1)
                c = [3, 4, 5][(rank + axis) % 3]
                ax_shape = insert_class(es, c, axis)
                yp = make_pred(rng, ax_shape, "logits" if from_logits else "softmax", "float32", axis)
                trailing1 = cls == SPARSE and axis == 1 and rank == 4
                yt = y_true_for(rng, cls, es, c, axis, "int32", trailing1=trailing1)
                kw = {"from_logits": from_logits, "ignore_class": None, "axis": axis} if cls == SPARSE else \
                    {"from_logits": from_logits, "label_smoothing": 0.0, "axis": axis}
                function_case(f, f"fn-{FN_NAME[cls]}-r{rank}-axis{axis}-{'logits' if from_logits else 'probs'}"
                              + ("-labels1" if trailing1 else ""), cls, kw, yt, yp)
    # ignore_class
    for ignore in (0, -1, 255, 2):
        for from_logits in (False, True):
            for rank, trailing1 in ((1, False), (1, True), (2, False), (2, True), (3, False)):
                es = element_shape(rng, rank)
                yp = make_pred(rng, insert_class(es, 4, -1), "logits" if from_logits else "softmax", "float32")
                yt = y_true_for(rng, SPARSE, es, 4, -1, "int32" if ignore % 2 else "int64", ignore, trailing1)
                function_case(f, f"fn-sparse-ignore{ignore}-r{rank}{'-labels1' if trailing1 else ''}-"
                              f"{'logits' if from_logits else 'probs'}", SPARSE,
                              {"from_logits": from_logits, "ignore_class": ignore, "axis": -1}, yt, yp)
    for from_logits in (False, True):
        yp = make_pred(rng, (3, 4, 5), "logits" if from_logits else "softmax", "float32")
        yt = np.full((3, 4), 255, dtype="int32")
        function_case(f, f"fn-sparse-ignore255-all-ignored-{'logits' if from_logits else 'probs'}", SPARSE,
                      {"from_logits": from_logits, "ignore_class": 255, "axis": -1}, yt, yp)
        yp = make_pred(rng, (2, 5, 3, 4), "logits" if from_logits else "softmax", "float32", 1)
        yt = sparse_labels(rng, (2, 3, 4), 5, "int64", -1)
        function_case(f, f"fn-sparse-ignore-1-axis1-{'logits' if from_logits else 'probs'}", SPARSE,
                      {"from_logits": from_logits, "ignore_class": -1, "axis": 1}, yt, yp)
    # label smoothing, axis -1 and others (3.15.1 smooths with shape[-1])
    for ls in (0.0, 0.1, 0.5, 1.0):
        for axis, shape in ((-1, (6, 5)), (1, (3, 4, 6)), (0, (4, 3)), (-2, (2, 5, 3)), (1, (2, 3, 3))):
            for from_logits in (False, True):
                es = tuple(d for i, d in enumerate(shape) if i != canon(axis, len(shape)))
                c = shape[axis]
                yp = make_pred(rng, shape, "logits" if from_logits else "softmax", "float32", axis)
                yt = onehot_labels(rng, es, c, "int32", axis)
                function_case(f, f"fn-cce-ls{ls}-axis{axis}-{'x'.join(map(str, shape))}-"
                              f"{'logits' if from_logits else 'probs'}", CAT,
                              {"from_logits": from_logits, "label_smoothing": ls, "axis": axis}, yt, yp)
    # NaN / infinities in predictions
    specials = [np.nan, np.inf, -np.inf]
    for cls in (SPARSE, CAT):
        for from_logits in (False, True):
            yp = make_pred(rng, (6, 3), "logits" if from_logits else "softmax", "float32")
            yp[0, 0] = np.nan
            yp[1, 1] = np.inf
            yp[2, 2] = -np.inf
            yp[3, :] = specials
            yp[4, :] = np.inf
            yt = y_true_for(rng, cls, (6,), 3, -1, "int32")
            kw = {"from_logits": from_logits, "ignore_class": None, "axis": -1} if cls == SPARSE else \
                {"from_logits": from_logits, "label_smoothing": 0.0, "axis": -1}
            function_case(f, f"fn-{FN_NAME[cls]}-nan-inf-{'logits' if from_logits else 'probs'}", cls, kw, yt, yp)
    # all-zero probability rows, negative probabilities
    for cls in (SPARSE, CAT):
        yp = np.array([[0, 0, 0], [0.2, 0.3, 0.5], [-0.1, 0.6, 0.5], [0, 0, 1e-30]], dtype="float32")
        yt = y_true_for(rng, cls, (4,), 3, -1, "int32")
        kw = {"from_logits": False, "ignore_class": None, "axis": -1} if cls == SPARSE else \
            {"from_logits": False, "label_smoothing": 0.0, "axis": -1}
        function_case(f, f"fn-{FN_NAME[cls]}-zero-and-negative-rows", cls, kw, yt, yp)
    # fractional float labels (truncated toward zero by the backend) and a soft categorical target
    yp = make_pred(rng, (4, 3), "softmax", "float32")
    function_case(f, "fn-sparse-fractional-labels", SPARSE, {"from_logits": False, "ignore_class": None, "axis": -1},
                  np.array([0.0, 1.7, 2.2, 0.9], dtype="float32"), yp)
    # empty batch
    for cls in (SPARSE, CAT):
        for es in ((0,), (0, 3)):
            yp = make_pred(rng, es + (4,), "softmax", "float32")
            yt = y_true_for(rng, cls, es, 4, -1, "int32")
            kw = {"from_logits": False, "ignore_class": None, "axis": -1} if cls == SPARSE else \
                {"from_logits": False, "label_smoothing": 0.0, "axis": -1}
            function_case(f, f"fn-{FN_NAME[cls]}-empty-{'x'.join(map(str, es))}", cls, kw, yt, yp)
    # errors Keras raises
    yp = make_pred(rng, (3, 4), "softmax", "float32")
    function_case(f, "fn-error-sparse-label-out-of-range", SPARSE,
                  {"from_logits": False, "ignore_class": None, "axis": -1}, np.array([0, 4, 1], dtype="int32"), yp)
    function_case(f, "fn-error-sparse-negative-label", SPARSE,
                  {"from_logits": True, "ignore_class": None, "axis": -1}, np.array([0, -1, 1], dtype="int32"), yp)
    function_case(f, "fn-error-sparse-shape-mismatch", SPARSE,
                  {"from_logits": False, "ignore_class": None, "axis": -1}, np.array([0, 1], dtype="int32"), yp)
    function_case(f, "fn-error-cce-shape-mismatch", CAT,
                  {"from_logits": False, "label_smoothing": 0.0, "axis": -1},
                  np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]], dtype="int32"), yp)
    function_case(f, "fn-error-cce-rank-mismatch", CAT,
                  {"from_logits": False, "label_smoothing": 0.0, "axis": -1}, np.array([0, 1, 2], dtype="int32"), yp)


def weights_for(rng, kind, es):
    """A sample_weight of the given kind for per-element values shaped `es`."""
    b = es[0]
    if kind == "none":
        return None
    if kind == "scalar":
        return np.array(sig(rng.uniform(0.2, 3.0), 4), dtype="float32")
    if kind == "B":
        return sig(rng.uniform(0.0, 2.0, (b,)), 4).astype("float32")
    if kind == "B1":
        return sig(rng.uniform(0.0, 2.0, (b, 1)), 4).astype("float32")
    if kind == "elem":
        return sig(rng.uniform(0.0, 2.0, es), 4).astype("float32")
    if kind == "elem1":
        return sig(rng.uniform(0.0, 2.0, es + (1,)), 4).astype("float32")
    if kind == "zeros":
        return np.zeros((b,), dtype="float32")
    if kind == "negative":
        return sig(rng.uniform(-1.5, 1.0, (b,)), 4).astype("float32")
    if kind == "int":
        return rng.integers(0, 3, (b,)).astype("int32")
    raise ValueError(kind)


def kw_for(cls, from_logits, axis=-1, ignore=None, ls=None):
    if cls == SPARSE:
        return {"from_logits": from_logits, "ignore_class": ignore, "axis": axis}
    return {"from_logits": from_logits, "label_smoothing": ls if ls is not None else 0.0, "axis": axis}


def gen_losses():
    rng = np.random.default_rng(2002)
    # reductions x weight kinds x ranks
    for cls in (SPARSE, CAT):
        f = f"losses_{'sparse' if cls == SPARSE else 'categorical'}.json"
        short = "scce" if cls == SPARSE else "cce"
        k = 0
        for rank, wkinds in ((1, ("none", "scalar", "B", "B1", "zeros", "negative", "int")),
                             (2, ("none", "scalar", "B1", "elem", "elem1")),
                             (3, ("none", "scalar", "elem", "elem1"))):
            for wk in wkinds:
                for red in REDUCTIONS:
                    k += 1
                    from_logits = k % 2 == 0
                    c = [3, 10, 2][k % 3]
                    es = element_shape(rng, rank)
                    mode = (LOGIT_MODES if from_logits else PROB_MODES)[k % (2 if from_logits else 5)]
                    yp = make_pred(rng, insert_class(es, c, -1), mode, "float32")
                    yt = y_true_for(rng, cls, es, c, -1, ["int32", "int64", "float32"][k % 3],
                                    trailing1=(cls == SPARSE and k % 4 == 0))
                    sw = weights_for(rng, wk, es)
                    kw = dict(kw_for(cls, from_logits), reduction=red)
                    loss_case(f, f"loss-{short}-r{rank}-w{wk}-{red}-{mode}-c{c}", cls, kw, yt, yp, sw)
        # (B,) weights on per-timestep values: Keras broadcasts them against the last axis
        es = (4, 3)
        yp = make_pred(rng, es + (5,), "softmax", "float32")
        yt = y_true_for(rng, cls, es, 5, -1, "int32")
        loss_case(f, f"loss-{short}-error-weight-B-on-BT", cls, kw_for(cls, False), yt, yp,
                  weights_for(rng, "B", es))
        # float64 loss dtype, float64 inputs
        for red in ("sum_over_batch_size", "sum", None):
            for from_logits in (False, True):
                es = element_shape(rng, 2)
                yp = make_pred(rng, insert_class(es, 4, -1), "logits" if from_logits else "softmax", "float64")
                yt = y_true_for(rng, cls, es, 4, -1, "int64")
                sw = weights_for(rng, "B1", es)
                loss_case(f, f"loss-{short}-dtype-float64-{red}-{'logits' if from_logits else 'probs'}", cls,
                          dict(kw_for(cls, from_logits), reduction=red, dtype="float64"), yt, yp, sw)
        # float64 inputs, default (float32) loss dtype
        es = (5,)
        yp = make_pred(rng, es + (3,), "softmax", "float64")
        yt = y_true_for(rng, cls, es, 3, -1, "int32")
        loss_case(f, f"loss-{short}-float64-inputs-float32-loss", cls, kw_for(cls, False), yt, yp, None)
        # empty batch
        for es in ((0,), (0, 3)):
            for red in ("sum_over_batch_size", "sum", "mean_with_sample_weight", None):
                yp = make_pred(rng, es + (4,), "softmax", "float32")
                yt = y_true_for(rng, cls, es, 4, -1, "int32")
                loss_case(f, f"loss-{short}-empty-{'x'.join(map(str, es))}-{red}", cls,
                          dict(kw_for(cls, False), reduction=red), yt, yp, None)
        # axes other than -1
        for rank, axis in ((3, 1), (4, 1), (3, 0), (4, -3)):
            for red in ("sum_over_batch_size", None):
                es = element_shape(rng, rank - 1)
                yp = make_pred(rng, insert_class(es, 3, axis), "softmax", "float32", axis)
                yt = y_true_for(rng, cls, es, 3, axis, "int32")
                sw = weights_for(rng, "elem", es) if red is None else None
                loss_case(f, f"loss-{short}-r{rank}-axis{axis}-{red}", cls,
                          dict(kw_for(cls, False, axis), reduction=red), yt, yp, sw)
        # NaN in predictions propagates to the reduced loss
        yp = make_pred(rng, (4, 3), "logits", "float32")
        yp[1, 2] = np.nan
        yt = y_true_for(rng, cls, (4,), 3, -1, "int32")
        loss_case(f, f"loss-{short}-nan", cls, kw_for(cls, True), yt, yp, None)
        # a non-default name
        yp = make_pred(rng, (4, 3), "softmax", "float32")
        loss_case(f, f"loss-{short}-named", cls, dict(kw_for(cls, False), name="my_loss"),
                  y_true_for(rng, cls, (4,), 3, -1, "int32"), yp, None)
    # sparse ignore_class with every reduction and weight kind
    f = "losses_sparse.json"
    k = 0
    for ignore in (0, -1, 255):
        for rank, wkinds in ((1, ("none", "B", "scalar")), (2, ("none", "elem", "B1")), (3, ("none", "elem1"))):
            for wk in wkinds:
                for red in REDUCTIONS:
                    k += 1
                    from_logits = k % 3 == 0
                    es = element_shape(rng, rank)
                    yp = make_pred(rng, insert_class(es, 4, -1), "logits" if from_logits else "softmax", "float32")
                    yt = y_true_for(rng, SPARSE, es, 4, -1, "int32", ignore, trailing1=(k % 4 == 1))
                    sw = weights_for(rng, wk, es)
                    loss_case(f, f"loss-scce-ignore{ignore}-r{rank}-w{wk}-{red}", SPARSE,
                              dict(kw_for(SPARSE, from_logits, ignore=ignore), reduction=red), yt, yp, sw)
    for red in REDUCTIONS:
        yp = make_pred(rng, (3, 2, 4), "softmax", "float32")
        yt = np.full((3, 2), -1, dtype="int32")
        sw = rng.uniform(0.5, 1.5, (3, 2)).astype("float32")
        loss_case(f, f"loss-scce-all-ignored-{red}", SPARSE, dict(kw_for(SPARSE, False, ignore=-1), reduction=red),
                  yt, yp, sw)
    # categorical label smoothing with reductions and axes
    f = "losses_categorical.json"
    for ls in (0.0, 0.1, 0.5, 1.0):
        for axis, shape in ((-1, (5, 4)), (1, (3, 4, 5)), (-2, (2, 3, 2, 4))):
            for red in ("sum_over_batch_size", "sum", None):
                from_logits = red == "sum"
                es = tuple(d for i, d in enumerate(shape) if i != canon(axis, len(shape)))
                yp = make_pred(rng, shape, "logits" if from_logits else "softmax", "float32", axis)
                yt = onehot_labels(rng, es, shape[axis], "float32", axis)
                loss_case(f, f"loss-cce-ls{ls}-axis{axis}-{red}", CAT,
                          dict(kw_for(CAT, from_logits, axis, ls=ls), reduction=red), yt, yp, None)
    # the loss rank fix: (B,) targets with (B,1) predictions, and C == 1
    yp = make_pred(rng, (4, 1), "unnorm", "float32")
    loss_case(f, "loss-cce-c1-rank-fix", CAT, kw_for(CAT, False), np.array([1, 0, 1, 1], dtype="float32"), yp, None)
    # invalid reduction raises in the constructor: not a case (no object to serialise)


def gen_metrics():
    rng = np.random.default_rng(3003)
    for cls in (SPARSE, CAT):
        f = f"metrics_{'sparse' if cls == SPARSE else 'categorical'}.json"
        short = "scce" if cls == SPARSE else "cce"
        k = 0
        # weight kinds x ranks x logits, 1-4 update calls with differing batch sizes
        for rank, wkinds in ((1, ("none", "scalar", "B", "B1", "zeros", "negative", "int")),
                             (2, ("none", "scalar", "B", "B1", "elem", "elem1")),
                             (3, ("none", "B", "elem")),
                             (4, ("none", "elem"))):
            for wk in wkinds:
                for from_logits in (False, True):
                    k += 1
                    c = [3, 10, 2, 100][k % 4] if rank < 3 else [3, 2, 5][k % 3]
                    ncalls = 1 + k % 4
                    calls = []
                    mode = (LOGIT_MODES if from_logits else PROB_MODES)[k % (2 if from_logits else 5)]
                    pdt = "float64" if k % 7 == 0 else "float32"
                    for i in range(ncalls):
                        b = int(rng.integers(1, 5 if (c == 100 or rank >= 3) else 17))
                        es = element_shape(rng, rank, b)
                        if i > 0 and rank > 1:
                            es = (b,) + calls[0][1].shape[1:-1]  # same trailing dims, different batch
                        yp = make_pred(rng, insert_class(es, c, -1), mode, pdt)
                        yt = y_true_for(rng, cls, es, c, -1, ["int32", "int64", "float32"][k % 3],
                                        trailing1=(cls == SPARSE and k % 5 == 0))
                        calls.append((yt, yp, weights_for(rng, wk, es)))
                    metric_case(f, f"metric-{short}-r{rank}-w{wk}-{mode}-c{c}-{ncalls}calls", cls,
                                {"from_logits": from_logits} | ({} if k % 6 else {"name": "my_metric"}), calls)
        # metric dtype float64 (float64 accumulators), float32 and float64 inputs
        for pdt in ("float32", "float64"):
            for from_logits in (False, True):
                calls = []
                for b in (5, 3, 8):
                    yp = make_pred(rng, (b, 4), "logits" if from_logits else "softmax", pdt)
                    calls.append((y_true_for(rng, cls, (b,), 4, -1, "int64"), yp, weights_for(rng, "B", (b,))))
                metric_case(f, f"metric-{short}-dtype-float64-{pdt}-inputs-{'logits' if from_logits else 'probs'}",
                            cls, {"from_logits": from_logits, "dtype": "float64"}, calls)
        # empty batches, alone and between real ones
        for wk in ("none", "B"):
            es0 = (0,)
            yp0 = make_pred(rng, es0 + (3,), "softmax", "float32")
            yt0 = y_true_for(rng, cls, es0, 3, -1, "int32")
            metric_case(f, f"metric-{short}-empty-only-w{wk}", cls, {}, [(yt0, yp0, weights_for(rng, wk, es0))])
            yp1 = make_pred(rng, (4, 3), "softmax", "float32")
            yt1 = y_true_for(rng, cls, (4,), 3, -1, "int32")
            metric_case(f, f"metric-{short}-empty-between-w{wk}", cls, {},
                        [(yt1, yp1, weights_for(rng, wk, (4,))), (yt0, yp0, weights_for(rng, wk, es0))])
        es0 = (0, 3)
        metric_case(f, f"metric-{short}-empty-0x3", cls, {},
                    [(y_true_for(rng, cls, es0, 3, -1, "int32"), make_pred(rng, es0 + (3,), "softmax", "float32"),
                      None)])
        # axes other than -1
        for rank, axis in ((3, 1), (4, 1), (2, 0), (4, -2), (3, 2)):
            for wk in ("none", "B"):
                calls = []
                trail = None
                for b in (2, 3):
                    es = element_shape(rng, rank - 1, b) if trail is None else (b,) + trail
                    if axis == 0:
                        es = element_shape(rng, rank - 1, 4) if trail is None else (4,) + trail
                    trail = es[1:]
                    yp = make_pred(rng, insert_class(es, 3, axis), "softmax", "float32", axis)
                    calls.append((y_true_for(rng, cls, es, 3, axis, "int32"), yp, weights_for(rng, wk, es)))
                metric_case(f, f"metric-{short}-r{rank}-axis{axis}-w{wk}", cls, {"axis": axis}, calls)
        # NaN sticks in the total
        yp = make_pred(rng, (3, 3), "logits", "float32")
        yp[0, 0] = np.nan
        yp2 = make_pred(rng, (2, 3), "logits", "float32")
        metric_case(f, f"metric-{short}-nan-sticks", cls, {"from_logits": True},
                    [(y_true_for(rng, cls, (3,), 3, -1, "int32"), yp, None),
                     (y_true_for(rng, cls, (2,), 3, -1, "int32"), yp2, None)])
    # sparse ignore_class
    f = "metrics_sparse.json"
    k = 0
    for ignore in (0, -1, 255):
        for rank, wkinds in ((1, ("none", "B", "scalar")), (2, ("none", "elem", "B1", "elem1")), (3, ("none", "elem"))):
            for wk in wkinds:
                k += 1
                from_logits = k % 2 == 0
                calls = []
                trail = None
                for b in range(1 + k % 3):
                    bsz = int(rng.integers(1, 9))
                    es = element_shape(rng, rank, bsz) if trail is None else (bsz,) + trail
                    trail = es[1:]
                    yp = make_pred(rng, insert_class(es, 4, -1), "logits" if from_logits else "softmax", "float32")
                    yt = y_true_for(rng, SPARSE, es, 4, -1, "int32", ignore, trailing1=(k % 3 == 1))
                    calls.append((yt, yp, weights_for(rng, wk, es)))
                metric_case(f, f"metric-scce-ignore{ignore}-r{rank}-w{wk}-{len(calls)}calls", SPARSE,
                            {"from_logits": from_logits, "ignore_class": ignore}, calls)
    for wk in ("none", "B"):
        yp = make_pred(rng, (3, 4), "softmax", "float32")
        metric_case(f, f"metric-scce-all-ignored-w{wk}", SPARSE, {"ignore_class": 255},
                    [(np.full((3,), 255, dtype="int64"), yp, weights_for(rng, wk, (3,)))])
    # (B,) weights with a per-timestep ignore mask: Keras multiplies them with numpy broadcasting
    yp = make_pred(rng, (4, 3, 5), "softmax", "float32")
    metric_case(f, "metric-scce-ignore-error-weight-B-on-BT", SPARSE, {"ignore_class": 0},
                [(sparse_labels(rng, (4, 3), 5, "int32", 0), yp, weights_for(rng, "B", (4, 3)))])
    # categorical label smoothing, metric
    f = "metrics_categorical.json"
    for ls in (0, 0.1, 0.5, 1.0):
        for axis, shape in ((-1, (6, 4)), (1, (3, 5, 2)), (0, (3, 5))):
            for from_logits in (False, True):
                yp = make_pred(rng, shape, "logits" if from_logits else "softmax", "float32", axis)
                es = tuple(d for i, d in enumerate(shape) if i != canon(axis, len(shape)))
                yt = onehot_labels(rng, es, shape[axis], "int32", axis)
                metric_case(f, f"metric-cce-ls{ls}-axis{axis}-{'logits' if from_logits else 'probs'}", CAT,
                            {"from_logits": from_logits, "label_smoothing": ls, "axis": axis},
                            [(yt, yp, weights_for(rng, "B", es))])
    # soft targets
    yp = make_pred(rng, (6, 5), "softmax", "float32")
    metric_case(f, "metric-cce-soft-targets", CAT, {}, [(onehot_labels(rng, (6,), 5, "float32", soft=True), yp, None)])
    # C == 1
    metric_case(f, "metric-cce-c1", CAT, {}, [(np.ones((3, 1), dtype="float32"),
                                               make_pred(rng, (3, 1), "unnorm", "float32"), None)])


def gen_docs():
    """The reference values of the semantics study (section 7) and Keras's docstrings, as named cases."""
    f = "docs_examples.json"
    yt_s = np.array([1, 2])
    yt_c = np.array([[0, 1, 0], [0, 0, 1]])
    yp = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], dtype="float32")
    sw = np.array([0.3, 0.7], dtype="float32")
    for cls, yt, short in ((SPARSE, yt_s, "scce"), (CAT, yt_c, "cce")):
        function_case(f, f"doc-{short}-function", cls, kw_for(cls, False), yt, yp,
                      {"doc_value": [0.05129331, 2.3025851]})
        metric_case(f, f"doc-{short}-metric", cls, {}, [(yt, yp, None)], {"doc_value": 1.1769392})
        metric_case(f, f"doc-{short}-metric-weighted", cls, {}, [(yt, yp, sw)], {"doc_value": 1.6271976})
        loss_case(f, f"doc-{short}-loss", cls, {}, yt, yp, None, {"doc_value": 1.1769392})
        loss_case(f, f"doc-{short}-loss-weighted", cls, {}, yt, yp, sw, {"doc_value": 0.8135988})
        loss_case(f, f"doc-{short}-loss-sum", cls, {"reduction": "sum"}, yt, yp, None, {"doc_value": 2.3538785})
        loss_case(f, f"doc-{short}-loss-none", cls, {"reduction": None}, yt, yp, None, {"doc_value": [0.0513, 2.303]})
        logits = np.array([[1, 9, 0], [1, 8, 1]], dtype="float32")
        metric_case(f, f"doc-{short}-metric-logits", cls, {"from_logits": True}, [(yt, logits, None)],
                    {"doc_value": 3.5011})
        metric_case(f, f"doc-{short}-metric-logits-weighted", cls, {"from_logits": True},
                    [(yt, logits, np.array([1.5, 2.0], dtype="float32"))], {"doc_value": 4.0012})
    logits = np.array([[1, 9, 0], [1, 8, 1]], dtype="float32")
    metric_case(f, "doc-cce-metric-label-smoothing", CAT, {"from_logits": True, "label_smoothing": 0.1},
                [(yt_c, logits, None)], {"doc_value": 3.667})
    yt3 = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    un = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]], dtype="float32")
    lg = np.array([[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]], dtype="float32")
    loss_case(f, "doc-cce-loss-unnormalised", CAT, {}, yt3, un, None, {"doc_value": 0.3239})
    loss_case(f, "doc-cce-loss-logits", CAT, {"from_logits": True}, yt3, lg, None, {"doc_value": 0.0573})
    loss_case(f, "doc-cce-loss-logits-none", CAT, {"from_logits": True, "reduction": None}, yt3, lg, None,
              {"doc_value": [0.001822, 0.000459, 0.169846]})
    loss_case(f, "doc-scce-loss-ignore-class", SPARSE, {"from_logits": True, "ignore_class": -1, "reduction": None},
              np.array([[-1, 2]]), np.array([[[0.854, 0.698, 0.598], [0.088, 0.86, 0.018]]], dtype="float32"), None,
              {"doc_value": [[0.0, 1.480129]]})
    # the 3-way ignore_class denominators of the study (section 5.5)
    yt = np.array([0, 1, 2])
    yp3 = np.array([[0.8, 0.1, 0.1], [0.05, 0.95, 0], [0.1, 0.8, 0.1]], dtype="float32")
    metric_case(f, "doc-scce-metric-ignore-class", SPARSE, {"ignore_class": 0}, [(yt, yp3, None)],
                {"doc_value": 0.78462})
    metric_case(f, "doc-scce-metric-ignore-class-weighted", SPARSE, {"ignore_class": 0},
                [(yt, yp3, np.array([0.5, 1.5, 2.0], dtype="float32"))], {"doc_value": 1.33775})
    loss_case(f, "doc-scce-loss-ignore-class-3way", SPARSE, {"ignore_class": 0}, yt, yp3, None,
              {"doc_value": 1.17694})
    # perfect predictions: the TF sparse path renormalises after the clip
    perfect = np.eye(3, dtype="float32")
    function_case(f, "doc-scce-function-perfect", SPARSE, kw_for(SPARSE, False), np.array([0, 1, 2]), perfect,
                  {"doc_value": [2.3841855e-07] * 3})
    function_case(f, "doc-cce-function-perfect", CAT, kw_for(CAT, False), np.eye(3, dtype="int32"), perfect,
                  {"doc_value": [1.1920929e-07] * 3})
    function_case(f, "doc-scce-function-huge-logits", SPARSE, kw_for(SPARSE, True), np.array([0]),
                  np.array([[0.0, 1000.0]], dtype="float32"), {"doc_value": [1000.0]})
    # negative weights are not clipped: Mean([1,3,5,7], [-1,-1,0,0]) analogue for the wrappers
    metric_case(f, "doc-scce-metric-negative-weights", SPARSE, {}, [(yt_s, yp, np.array([-1.0, 0.5], "float32"))])


# ---------------------------------------------------------------------------------------------------------
# Keras's own tests for these classes, with the number each test asserts
# ---------------------------------------------------------------------------------------------------------

def gen_keras_tests():
    f = "keras_tests.json"
    P = "probabilistic_metrics_test"
    L = "losses_test"

    def mt(cls, name, kwargs, calls, asserted, tol):
        return metric_case(f, f"{P}.{cls}Test.{name}", cls, kwargs, calls,
                           {"keras_test_expected": asserted, "keras_test_tolerance": tol})

    def lt(cls, name, kwargs, yt, yp, sw, asserted, tol, extra=None):
        return loss_case(f, f"{L}.{cls}Test.{name}", cls, kwargs, yt, yp, sw,
                         dict({"keras_test_expected": asserted, "keras_test_tolerance": tol}, **(extra or {})))

    def config_case(kind, cls, name, kwargs):
        obj = (make_metric if kind == "metric" else make_loss)(cls, kwargs)
        case = {"id": f"{P if kind == 'metric' else L}.{cls}Test.{name}", "kind": kind, "class_name": cls,
                "config": obj.get_config(), "serialized": keras.saving.serialize_keras_object(obj), "calls": [],
                "expected": {}, "precision": "float32",
                "keras_test_expected": "run_class_serialization_test: from_config(get_config()) round-trips"}
        if kind == "metric":
            case["expected"] = {"result": result_value(obj.result()), "total": result_value(obj.variables[0]),
                                "count": result_value(obj.variables[1])}
        else:
            case["axis"], case["dtype"] = kwargs.get("axis", -1), obj.dtype
        CASES.add(f, case)

    atol3 = {"atol": 1e-3, "rtol": 1e-6}  # assertAllClose(..., atol=1e-3)
    dec3 = {"decimal": 3}  # assertAlmostEqual(actual, desired) default: |diff| < 1.5e-3
    allclose = {"atol": 1e-6, "rtol": 1e-6}  # assertAllClose defaults

    # metrics: probabilistic_metrics_test.py
    yt_c = np.array([[0, 1, 0], [0, 0, 1]])
    yt_s = np.array([1, 2])
    yp = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])  # float64, as in the test
    logits = np.array([[1, 9, 0], [1, 8, 1]], dtype=np.float32)
    sw = np.array([1.5, 2.0])
    config_case("metric", CAT, "test_config", {"name": "cce", "dtype": "int32", "label_smoothing": 0.2})
    mt(CAT, "test_unweighted", {}, [(yt_c, yp, None)], 1.176, atol3)
    mt(CAT, "test_unweighted_from_logits", {"from_logits": True}, [(yt_c, logits, None)], 3.5011, atol3)
    mt(CAT, "test_weighted", {}, [(yt_c, yp, sw)], 1.338, atol3)
    mt(CAT, "test_weighted_from_logits", {"from_logits": True}, [(yt_c, logits, sw)], 4.0012, atol3)
    mt(CAT, "test_label_smoothing", {"from_logits": True, "label_smoothing": 0.1}, [(yt_c, logits, None)], 3.667,
       atol3)
    config_case("metric", SPARSE, "test_config", {"name": "scce", "dtype": "int32"})
    mt(SPARSE, "test_unweighted", {}, [(yt_s, yp, None)], 1.176, atol3)
    mt(SPARSE, "test_unweighted_from_logits", {"from_logits": True}, [(yt_s, logits, None)], 3.5011, atol3)
    mt(SPARSE, "test_weighted", {}, [(yt_s, yp, sw)], 1.338, atol3)
    mt(SPARSE, "test_weighted_from_logits", {"from_logits": True}, [(yt_s, logits, sw)], 4.0012, atol3)
    yt3 = np.array([0, 1, 2])
    yp3 = np.array([[0.8, 0.1, 0.1], [0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    mt(SPARSE, "test_ignore_class", {"ignore_class": 0}, [(yt3, yp3, None)], 0.78462, atol3)
    mt(SPARSE, "test_ignore_class_weighted", {"ignore_class": 0}, [(yt3, yp3, np.array([0.5, 1.5, 2.0]))],
       1.33774646, atol3)
    mt(SPARSE, "test_ignore_class_from_logits", {"from_logits": True, "ignore_class": 0},
       [(yt3, np.array([[10, 1, 1], [1, 9, 0], [1, 8, 1]], dtype=np.float32), None)], 2.33409, atol3)

    # losses: losses_test.py, CategoricalCrossentropyTest
    onehot = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    un = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]], dtype="float32")
    lg = np.array([[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]])  # float64, as in the test
    eye = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype="float32")
    lg10 = np.array([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]])
    sw31 = np.array([[1.2], [3.4], [5.6]]).reshape((3, 1))
    scalar = np.array(2.3)
    config_case("loss", CAT, "test_config", {"name": "cce", "axis": -1})
    lt(CAT, "test_all_correct_unweighted#1", {}, onehot.astype("int64"), eye, None, 0.0, dec3)
    lt(CAT, "test_all_correct_unweighted#2", {"from_logits": True}, onehot.astype("int64"), lg10, None, 0.0, dec3)
    lt(CAT, "test_unweighted#1", {}, onehot, un, None, 0.3239, dec3)
    lt(CAT, "test_unweighted#2", {"from_logits": True}, onehot, lg, None, 0.0573, dec3)
    lt(CAT, "test_scalar_weighted#1", {}, onehot, un, scalar, 0.7449, dec3)
    lt(CAT, "test_scalar_weighted#2", {"from_logits": True}, onehot, lg, scalar, 0.1317, dec3)
    lt(CAT, "test_sample_weighted#1", {}, onehot, un, sw31, 1.0696, dec3)
    lt(CAT, "test_sample_weighted#2", {"from_logits": True}, onehot, lg, sw31, 0.31829, dec3)
    lt(CAT, "test_no_reduction", {"from_logits": True, "reduction": None}, onehot, lg, None,
       [0.001822, 0.000459, 0.169846], allclose)
    big = np.array([[100.0, -100.0, -100.0]])
    lt(CAT, "test_label_smoothing", {"from_logits": True, "label_smoothing": 0.1}, np.array([[1, 0, 0]]), big, None,
       400.0 * 0.1 / 3.0, dec3)
    lt(CAT, "test_label_smoothing_ndarray", {"from_logits": True, "label_smoothing": 0.1}, np.asarray([[1, 0, 0]]),
       np.asarray([[100.0, -100.0, -100.0]]), None, 400.0 * 0.1 / 3.0, dec3)
    lt(CAT, "test_shape_mismatch", {}, np.array([[0], [1], [2]]),
       np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]]), None,
       "ValueError matching 'must have the same shape'", None)
    lt(CAT, "test_dtype_arg", {"dtype": "bfloat16"}, onehot.astype("int64"), eye, None, {"dtype": "bfloat16"}, None,
       {"keras_test_note": "Keras asserts only the result dtype; expected.result is the bfloat16 value, exactly "
                           "converted to float32"})

    # losses: losses_test.py, SparseCategoricalCrossentropyTest
    config_case("loss", SPARSE, "test_config", {"name": "scce"})
    lab31 = np.array([[0], [1], [2]])
    lt(SPARSE, "test_all_correct_unweighted#1", {}, lab31.astype("int64"), eye, None, 0.0, dec3)
    lt(SPARSE, "test_all_correct_unweighted#2", {"from_logits": True}, lab31.astype("int64"), lg10, None, 0.0, dec3)
    lt(SPARSE, "test_unweighted#1", {}, np.array([0, 1, 2]), un, None, 0.3239, dec3)
    lt(SPARSE, "test_unweighted#2", {"from_logits": True}, np.array([0, 1, 2]), lg, None, 0.0573, dec3)
    lt(SPARSE, "test_scalar_weighted#1", {}, lab31, un, scalar, 0.7449, dec3)
    lt(SPARSE, "test_scalar_weighted#2", {"from_logits": True}, lab31, lg, scalar, 0.1317, dec3)
    lt(SPARSE, "test_sample_weighted#1", {}, lab31, un, sw31, 1.0696, dec3)
    lt(SPARSE, "test_sample_weighted#2", {"from_logits": True}, lab31, lg, sw31, 0.31829, dec3)
    lt(SPARSE, "test_no_reduction", {"from_logits": True, "reduction": None}, lab31, lg, None,
       [0.001822, 0.000459, 0.169846], allclose)
    ig_logits = np.array([[[0.854, 0.698, 0.598], [0.088, 0.86, 0.018]]])
    lt(SPARSE, "test_ignore_class#1", {"from_logits": True, "ignore_class": -1, "reduction": None},
       np.array([[-1, 2]]), ig_logits, None, [[0.0, 1.480129]], allclose)
    lt(SPARSE, "test_ignore_class#2", {"from_logits": True, "ignore_class": -1, "reduction": None},
       np.array([[[-1], [2]]]), ig_logits, None, [[0.0, 1.480129]], allclose)
    seg_true = np.array([[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]])
    seg_pred = np.array([
        [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]],
        [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]],
        [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]],
        [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]])
    seg_pred2 = seg_pred.copy()
    seg_pred2[0, 3] = [0.2, 0.8]
    seg_pred2[3, 3] = [0.6, 0.4]
    seg_expected = float((-np.log(0.2) - np.log(0.4)) / 16.0)
    lt(SPARSE, "test_binary_segmentation#1", {}, seg_true, seg_pred, None, 0.0, allclose)
    lt(SPARSE, "test_binary_segmentation#2", {}, seg_true, seg_pred2, None, seg_expected, allclose)
    tf_raises = "Keras-TF raises (see keras_tf_behaviour); this case records our defined answer (Keras with " \
                "the class axis moved last), which is what the torch branch of the Keras test asserts"
    lt(SPARSE, "test_binary_segmentation_different_axis#1", {"axis": 0}, seg_true,
       np.moveaxis(seg_pred, 2, 0), None, 0.0, allclose, {"keras_test_note": tf_raises})
    lt(SPARSE, "test_binary_segmentation_different_axis#2", {"axis": 0}, seg_true,
       np.moveaxis(seg_pred2, 2, 0), None, seg_expected, allclose, {"keras_test_note": tf_raises})
    lt(SPARSE, "test_binary_segmentation_different_axis#3", {"axis": 1}, np.array([seg_true] * 3),
       np.array([np.moveaxis(seg_pred2, 2, 0)] * 3), None, seg_expected, allclose, {"keras_test_note": tf_raises})
    rs = np.random.RandomState(0)
    fn_true = rs.randint(0, 2, size=(2, 1, 4, 4)).astype("float32")
    fn_pred = rs.random_sample((2, 2, 4, 4)).astype("float32")
    function_case(f, f"{L}.SparseCategoricalCrossentropyTest.test_squeezes_singleton_class_dim_on_user_axis",
                  SPARSE, {"from_logits": False, "ignore_class": None, "axis": 1}, fn_true, fn_pred,
                  {"keras_test_expected": {"shape": [2, 4, 4]}, "keras_test_tolerance": None,
                   "keras_test_note": "torch-only test (inputs are random in Keras; seeded here)"})
    mc_true = np.array([[0, 1, 2, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]])
    e3 = np.eye(3)
    mc_pred = np.array([[e3[c] for c in row] for row in mc_true])
    mc_pred2 = mc_pred.copy()
    mc_pred2[0, 3] = [0.2, 0.0, 0.8]
    mc_pred2[1, 0] = [0.7, 0.3, 0.0]
    mc_pred2[3, 2] = [0.5, 0.5, 0.0]
    mc_expected = float((-np.log(0.2) - np.log(0.3) - np.log(0.5)) / 16.0)
    lt(SPARSE, "test_multi_class_segmentation#1", {}, mc_true, mc_pred, None, 0.0, allclose)
    lt(SPARSE, "test_multi_class_segmentation#2", {}, mc_true, mc_pred2, None, mc_expected, allclose)
    lt(SPARSE, "test_multi_class_segmentation_different_axis#1", {"axis": 0}, mc_true, np.moveaxis(mc_pred, 2, 0),
       None, 0.0, allclose, {"keras_test_note": tf_raises})
    lt(SPARSE, "test_multi_class_segmentation_different_axis#2", {"axis": 0}, mc_true, np.moveaxis(mc_pred2, 2, 0),
       None, mc_expected, allclose, {"keras_test_note": tf_raises})
    lt(SPARSE, "test_multi_class_segmentation_different_axis#3", {"axis": 1}, np.array([mc_true] * 3),
       np.array([np.moveaxis(mc_pred2, 2, 0)] * 3), None, mc_expected, allclose, {"keras_test_note": tf_raises})
    lt(SPARSE, "test_dtype_arg", {"dtype": "bfloat16"}, lab31.astype("int64"), eye, None, {"dtype": "bfloat16"}, None,
       {"keras_test_note": "Keras asserts only the result dtype; expected.result is the bfloat16 value, exactly "
                           "converted to float32"})


# ---------------------------------------------------------------------------------------------------------

def check_keras_tests_agree():
    """Every number a Keras test asserts must agree with what Keras computes here (within the test's tolerance)."""
    for case in CASES.files.get("keras_tests.json", []):
        want, tol, got = case.get("keras_test_expected"), case.get("keras_test_tolerance"), case["expected"]
        if tol is None or "result" not in got:
            continue
        r = got["result"]
        vals = np.array(r["data"], dtype=float).reshape(r["shape"]) if isinstance(r, dict) else np.array(r)
        if "decimal" in tol:
            np.testing.assert_almost_equal(vals, np.array(want), decimal=tol["decimal"], err_msg=case["id"])
        else:
            np.testing.assert_allclose(vals, np.array(want), atol=tol["atol"], rtol=tol["rtol"], err_msg=case["id"])


def render():
    out = {}
    for fname, cases in sorted(CASES.files.items()):
        doc = dict(versions(), cases=cases)
        text = json.dumps(doc, separators=(",", ":"), allow_nan=False)
        # one case per line: readable diffs, still compact
        text = text.replace(',{"id":', ',\n{"id":').replace('"cases":[{"id":', '"cases":[\n{"id":')
        out[fname] = text + "\n"
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="compare with the files in --out instead of writing")
    args = ap.parse_args()
    tf.config.experimental.enable_op_determinism()
    gen_functions()
    gen_losses()
    gen_metrics()
    gen_docs()
    gen_keras_tests()
    check_keras_tests_agree()
    files = render()
    total = 0
    stale = []
    for fname, text in files.items():
        size = len(text.encode())
        total += size
        assert size < MAX_FILE_BYTES, f"{fname} is {size} bytes; keep each file under {MAX_FILE_BYTES}"
        path = os.path.join(args.out, fname)
        if args.check:
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
                stale.append(fname)
        else:
            os.makedirs(args.out, exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        print(f"{fname}: {len(CASES.files[fname])} cases, {size} bytes")
    print(f"total: {sum(len(c) for c in CASES.files.values())} cases, {total} bytes")
    if stale:
        print("differs from the committed data: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
