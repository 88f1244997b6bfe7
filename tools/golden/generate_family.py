#!/usr/bin/env python3
"""Golden data from real Keras for the binary/focal/KL/Poisson/accuracy family.

Writes into xent-core/src/test/resources/golden/ (same case schema as generate.py's files):
  family_functions.json    kind "function": keras.losses.<fn> / keras.metrics.<fn> per element
  family_metrics.json      kind "metric": update_state calls, result/total/count, config and serialized form
  family_losses.json       kind "loss": every reduction x weight kind x dtype, configs, rank fix
  family_keras_tests.json  every case of Keras's own tests for these classes, with the asserted number
  family_notes.json        Keras behaviours worth knowing, each with its inputs and what Keras gives
and into xent-core/src/test/resources/golden-gradients/:
  family.json              tf.GradientTape through the five new losses (schema of gradients.json)

The functions: binary_crossentropy, binary_focal_crossentropy, categorical_focal_crossentropy, kl_divergence,
poisson, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy,
sparse_top_k_categorical_accuracy. The focal metrics are keras.metrics.MeanMetricWrapper(<fn>, name=<fn>).

Every expected number is computed by the installed Keras (TensorFlow backend). Inputs come from numpy
generators with fixed seeds, so two runs with the same Keras, TensorFlow and numpy write identical files.

Usage (from the repository root, with the Keras venv of tools/golden/README.md):
    TF_CPP_MIN_LOG_LEVEL=3 V/bin/python tools/golden/generate_family.py [--check]

--check regenerates into memory and exits 1 if any committed file differs.
"""

import argparse
import json
import os
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The number/array encoding and a few input helpers are generate.py's, so every golden file reads the same way.
from generate import (  # noqa: E402
    arr, arr_or_none, canon, enc_num, make_pred, onehot_labels, precision, result_value, sig,
    softmax, to_np, versions as base_versions)

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import ops  # noqa: E402

warnings.simplefilter("ignore")  # C == 1 warnings, from_logits warnings: not data

GENERATOR = "tools/golden/generate_family.py"
REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDEN_DIR = os.path.join("xent-core", "src", "test", "resources", "golden")
GRADIENT_FILE = os.path.join("xent-core", "src", "test", "resources", "golden-gradients", "family.json")
MAX_FILE_BYTES = 500_000
MAX_TOTAL_BYTES = 2_200_000

assert keras.backend.backend() == "tensorflow", "the golden data must come from the TensorFlow backend"

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]
SMOOTHING_BUG = "label_smoothing uses shape[-1]"
LO32, HI32 = 1.0000000116860974e-07, 0.99999988079071044921875

BCE, BFCE, CFCE, KLD, POI = ("binary_crossentropy", "binary_focal_crossentropy", "categorical_focal_crossentropy",
                             "kl_divergence", "poisson")
BACC, CACC, SACC, TOPK, STOPK = ("binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                                 "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy")
LOSS_FNS = (BCE, BFCE, CFCE, KLD, POI)
ACC_FNS = (BACC, CACC, SACC, TOPK, STOPK)
BINARY = (BCE, BFCE, BACC)
CATEGORICAL = (CFCE, CACC, TOPK)
SPARSE_ACC = (SACC, STOPK)
WRAPPED = (BFCE, CFCE)  # no metric class in Keras: MeanMetricWrapper(fn)

LOSS_CLASS = {BCE: "BinaryCrossentropy", BFCE: "BinaryFocalCrossentropy", CFCE: "CategoricalFocalCrossentropy",
              KLD: "KLDivergence", POI: "Poisson"}
METRIC_CLASS = {BCE: "BinaryCrossentropy", KLD: "KLDivergence", POI: "Poisson", BACC: "BinaryAccuracy",
                CACC: "CategoricalAccuracy", SACC: "SparseCategoricalAccuracy", TOPK: "TopKCategoricalAccuracy",
                STOPK: "SparseTopKCategoricalAccuracy", BFCE: BFCE, CFCE: CFCE}
FN_OF_CLASS = {v: k for k, v in LOSS_CLASS.items()}


def versions():
    return dict(base_versions(), generator=GENERATOR)


def error_text(e):
    """`Type: first line`, without TensorFlow's `{{function_node ...}}` prefix."""
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    if msg.startswith("{{function_node"):
        msg = msg.split("}}", 1)[-1].strip()
    if msg.endswith(" name:"):
        msg = msg[: -len(" name:")]
    return f"{type(e).__name__}: {msg}"[:300]


def fn_module(name):
    return "keras.losses" if name in LOSS_FNS else "keras.metrics"


def keras_fn(name):
    return getattr(keras.losses if name in LOSS_FNS else keras.metrics, name)


# ---------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------

EDGE_PROBS = [0.0, 1.0, LO32, HI32, 5e-8, 1e-8, 0.99999994, 0.9999999, 2e-7, 0.5]
BIG_LOGITS = [100.0, -100.0, 1e4, -1e4, 20.0, -20.0, 0.0]
LABEL_DTYPES = ["int32", "int64", "float32"]


def pick(rng, n, num, den):
    """About num/den of the indices 0..n-1 (at least one when n > 0), in random order."""
    return rng.choice(n, size=max(1, (num * n) // den), replace=False) if n else []


def binary_targets(rng, shape, dtype, soft=False):
    if soft:
        return sig(rng.uniform(0.0, 1.0, shape), 4).astype("float32" if dtype.startswith("int") else dtype)
    return rng.integers(0, 2, size=shape).astype(dtype)


def binary_preds(rng, shape, mode, dtype):
    """mode: probs | edges (exact 0/1 and the clip bounds) | logits | logits_big (+-100, +-1e4)."""
    if mode in ("probs", "edges"):
        x = sig(rng.uniform(0.0, 1.0, shape))
        if mode == "edges":
            flat = x.reshape(-1)
            for i in pick(rng, flat.size, 2, 3):
                flat[i] = EDGE_PROBS[rng.integers(len(EDGE_PROBS))]
    else:
        x = sig(rng.normal(0.0, 3.0, shape))
        if mode == "logits_big":
            flat = x.reshape(-1)
            for i in pick(rng, flat.size, 2, 3):
                flat[i] = BIG_LOGITS[rng.integers(len(BIG_LOGITS))]
    return np.ascontiguousarray(x).astype(dtype)


def threshold_preds(rng, shape, dtype, threshold):
    """Scores in [0, 1] with many values exactly at the threshold, 0, 0.5 and 1."""
    x = sig(rng.uniform(0.0, 1.0, shape), 3)
    flat = x.reshape(-1)
    for i in pick(rng, flat.size, 1, 2):
        flat[i] = [threshold, 0.0, 1.0, 0.5, 0.7][rng.integers(5)]
    return x.astype(dtype)


def distributions(rng, shape, dtype, zeros=False):
    x = sig(softmax(rng.normal(0.0, 1.5, shape), -1))
    if zeros:
        x = np.where(rng.uniform(size=shape) < 0.25, 0.0, x)
    return x.astype(dtype)


def poisson_inputs(rng, shape, pdt, ldt, edges=False):
    rate = sig(rng.uniform(0.05, 6.0, shape), 5)
    yt = rng.poisson(rate).astype(ldt)
    if edges:
        flat = rate.reshape(-1)
        for i in pick(rng, flat.size, 1, 3):
            flat[i] = [0.0, 1e-8, 1e-7, 1e4, -0.5][rng.integers(5)]
    return yt, rate.astype(pdt)


def ties(rng, shape, dtype):
    return (rng.integers(0, 3, size=shape) / 2.0).astype(dtype)


def categorical_preds(rng, shape, mode, dtype, axis=-1):
    if mode == "ties":
        return ties(rng, shape, dtype)
    return make_pred(rng, shape, mode, dtype, axis)


def inputs(rng, fn, es, d, pdt, k, opts=None):
    """(y_true, y_pred) for function `fn` with per-sample shape `es` (batch dims) and last dimension `d`."""
    opts = opts or {}
    shape = tuple(es) + (d,)
    ldt = LABEL_DTYPES[k % 3]
    if fn in (BCE, BFCE):
        logits = opts.get("from_logits", False)
        mode = (["logits", "logits_big"] if logits else ["probs", "edges"])[k % 2]
        return binary_targets(rng, shape, ldt, soft=(k % 5 == 0)), binary_preds(rng, shape, mode, pdt)
    if fn == BACC:
        return binary_targets(rng, shape, ldt, soft=(k % 7 == 0)), \
            threshold_preds(rng, shape, pdt, opts.get("threshold", 0.5))
    if fn in (CFCE, CACC, TOPK):
        logits = opts.get("from_logits", False)
        if fn == CFCE:
            modes = ["logits", "logits_big"] if logits else ["softmax", "unnorm", "exact01", "clip", "unnorm_big"]
        else:
            modes = ["softmax", "ties", "logits"]
        mode = modes[k % len(modes)]
        yt = onehot_labels(rng, tuple(es), d, "float32" if k % 4 == 0 else ldt, -1, soft=(k % 4 == 0))
        return yt, categorical_preds(rng, shape, mode, pdt)
    if fn in SPARSE_ACC:
        yt = rng.integers(0, d, size=tuple(es)).astype(ldt)
        if k % 4 == 1 and len(es) >= 1:
            yt = yt.reshape(tuple(es) + (1,))  # a trailing 1 the function squeezes
        return yt, categorical_preds(rng, shape, ["softmax", "ties", "logits"][k % 3], pdt)
    if fn == KLD:
        yt = distributions(rng, shape, "float32" if k % 3 else pdt, zeros=(k % 2 == 0))
        return yt, distributions(rng, shape, pdt, zeros=(k % 3 == 0))
    if fn == POI:
        return poisson_inputs(rng, shape, pdt, ldt, edges=(k % 3 == 0))
    raise ValueError(fn)


def value_shape(fn, yt, yp):
    """The shape of the per-element values Keras computes (used for per-element weights)."""
    return tuple(np.shape(to_np(keras_fn(fn)(yt, yp))))


def weights(rng, kind, vshape, dtype="float32"):
    """none | scalar | B | B1 | elem (the per-element values' shape)."""
    if kind == "none":
        return None
    b = vshape[0] if vshape else 1
    if kind == "scalar":
        return np.array(sig(rng.uniform(0.2, 3.0), 4), dtype=dtype)
    if kind == "B":
        return sig(rng.uniform(0.0, 2.0, (b,)), 4).astype(dtype)
    if kind == "B1":
        return sig(rng.uniform(0.0, 2.0, (b, 1)), 4).astype(dtype)
    if kind == "elem":
        return sig(rng.uniform(0.0, 2.0, vshape), 4).astype(dtype)
    if kind == "negative":  # the first weight negative, the rest positive: sums far from 0 (no cancellation)
        w = sig(rng.uniform(0.2, 1.5, (b,)), 4)
        w[0] = -0.5 * w[0]
        return w.astype(dtype)
    if kind == "zeros":
        return np.zeros((b,), dtype=dtype)
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------------------
# Running Keras, case builders
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


def smoothing_differs(fn, kwargs, y_pred):
    """CFCE in 3.15.1 smooths with shape[-1]; True when that differs from the class axis."""
    ls = kwargs.get("label_smoothing") or 0
    axis = kwargs.get("axis", -1)
    return fn == CFCE and ls and y_pred.ndim > 0 and y_pred.shape[axis] != y_pred.shape[-1]


def presmooth(y_true, y_pred, ls, axis, dtype=None):
    """The smoothing Keras HEAD does (n = y_pred.shape[axis]), done with Keras ops in the computation dtype."""
    dt = dtype or y_pred.dtype
    yt = ops.cast(y_true, dt)
    n = ops.cast(y_pred.shape[axis], dt)
    return to_np(yt * (1.0 - ls) + (ls / n))


def function_case(f, cid, fn, kwargs, y_true, y_pred, extra=None):
    case = {"id": cid, "kind": "function", "class_name": fn, "module": fn_module(fn), "config": dict(kwargs),
            "calls": [{"y_true": arr(y_true), "y_pred": arr(y_pred), "sample_weight": None}],
            "precision": precision(y_pred.dtype)}
    try:
        case["expected"] = {"result": arr(to_np(keras_fn(fn)(y_true, y_pred, **kwargs)))}
        if smoothing_differs(fn, kwargs, y_pred):
            case["keras_bug"] = SMOOTHING_BUG
            yt = presmooth(y_true, y_pred, kwargs["label_smoothing"], kwargs["axis"])
            fixed = to_np(keras_fn(fn)(yt, y_pred, **dict(kwargs, label_smoothing=0.0)))
            case["expected_if_fixed"] = {"result": arr(fixed)}
    except Exception as e:  # noqa: BLE001 - recorded as data
        case["expected"] = {"error": error_text(e)}
    if extra:
        case.update(extra)
    return CASES.add(f, case)


def make_metric(cls, kwargs):
    if cls in WRAPPED:
        kw = dict(kwargs)
        kw.setdefault("name", cls)
        return keras.metrics.MeanMetricWrapper(getattr(keras.losses, cls), **kw)
    return getattr(keras.metrics, cls)(**kwargs)


def metric_state(m):
    return {"result": result_value(m.result()), "total": result_value(m.variables[0]),
            "count": result_value(m.variables[1])}


def check_metric_round_trip(m):
    cfg = m.get_config()
    again = type(m).from_config(cfg).get_config()
    assert json.dumps(again) == json.dumps(cfg), (cfg, again)
    ser = keras.saving.serialize_keras_object(m)
    back = keras.saving.serialize_keras_object(keras.saving.deserialize_keras_object(ser))
    assert json.dumps(back) == json.dumps(ser), (ser, back)


def metric_case(f, cid, cls, kwargs, calls, extra=None):
    """kind=metric: build from kwargs, update_state for each call, then result/total/count.

    cls is the Keras class name, or for the focal metrics the function name (MeanMetricWrapper(fn))."""
    m = make_metric(cls, kwargs)
    check_metric_round_trip(m)
    case = {"id": cid, "kind": "metric", "class_name": cls, "config": m.get_config(),
            "serialized": keras.saving.serialize_keras_object(m),
            "calls": [{"y_true": arr(yt), "y_pred": arr(yp), "sample_weight": arr_or_none(sw)} for yt, yp, sw in calls],
            "precision": precision(m.dtype, *[c[1].dtype for c in calls])}
    if cls in WRAPPED:
        case["wrapper"] = "MeanMetricWrapper"
    try:
        for yt, yp, sw in calls:
            m.update_state(yt, yp, sample_weight=sw)
        case["expected"] = metric_state(m)
    except Exception as e:  # noqa: BLE001
        case["expected"] = {"error": error_text(e)}
    if extra:
        case.update(extra)
    return CASES.add(f, case)


def make_loss(cls, kwargs):
    return getattr(keras.losses, cls)(**kwargs)


def check_loss_round_trip(lobj):
    cfg = lobj.get_config()
    again = type(lobj).from_config(cfg).get_config()
    assert json.dumps(again) == json.dumps(cfg), (cfg, again)
    ser = keras.saving.serialize_keras_object(lobj)
    back = keras.saving.serialize_keras_object(keras.saving.deserialize_keras_object(ser))
    assert json.dumps(back) == json.dumps(ser), (ser, back)


def loss_case(f, cid, cls, kwargs, y_true, y_pred, sw, extra=None):
    """kind=loss: build from kwargs, then loss(y_true, y_pred, sample_weight)."""
    lobj = make_loss(cls, kwargs)
    check_loss_round_trip(lobj)
    case = {"id": cid, "kind": "loss", "class_name": cls, "config": lobj.get_config(),
            "serialized": keras.saving.serialize_keras_object(lobj),
            # the loss configs of Keras 3.15.1 carry no dtype: the constructor argument
            "axis": kwargs.get("axis", -1), "dtype": lobj.dtype,
            "calls": [{"y_true": arr(y_true), "y_pred": arr(y_pred), "sample_weight": arr_or_none(sw)}],
            "precision": precision(lobj.dtype)}
    try:
        case["expected"] = {"result": result_value(lobj(y_true, y_pred, sample_weight=sw))}
        fn = FN_OF_CLASS[cls]
        if smoothing_differs(fn, kwargs, y_pred):
            case["keras_bug"] = SMOOTHING_BUG
            yt = presmooth(y_true, y_pred, kwargs["label_smoothing"], kwargs["axis"], lobj.dtype)
            fixed = make_loss(cls, dict(kwargs, label_smoothing=0.0))(yt, y_pred, sample_weight=sw)
            case["expected_if_fixed"] = {"result": result_value(fixed)}
    except Exception as e:  # noqa: BLE001
        case["expected"] = {"error": error_text(e)}
    if extra:
        case.update(extra)
    return CASES.add(f, case)


def config_case(f, cid, kind, cls, kwargs, extra=None):
    """calls: [] - only the config and the serialization round trip are checked."""
    obj = make_metric(cls, kwargs) if kind == "metric" else make_loss(cls, kwargs)
    (check_metric_round_trip if kind == "metric" else check_loss_round_trip)(obj)
    case = {"id": cid, "kind": kind, "class_name": cls, "config": obj.get_config(),
            "serialized": keras.saving.serialize_keras_object(obj), "calls": [], "expected": {},
            "precision": "float32"}
    if kind == "metric":
        case["expected"] = metric_state(obj)
        if cls in WRAPPED:
            case["wrapper"] = "MeanMetricWrapper"
    else:
        case["axis"], case["dtype"] = kwargs.get("axis", -1), obj.dtype
    if extra:
        case.update(extra)
    return CASES.add(f, case)


# ---------------------------------------------------------------------------------------------------------
# family_functions.json
# ---------------------------------------------------------------------------------------------------------

SHAPES = {1: ((), 5), 2: ((4,), 3), 3: ((2, 3), 4)}  # (batch dims, last dimension) per rank


def full_kwargs(fn, **over):
    """Every keyword argument of the function, defaults first, then `over`."""
    base = {BCE: {"from_logits": False, "label_smoothing": 0.0, "axis": -1},
            BFCE: {"apply_class_balancing": False, "alpha": 0.25, "gamma": 2.0, "from_logits": False,
                   "label_smoothing": 0.0, "axis": -1},
            CFCE: {"alpha": 0.25, "gamma": 2.0, "from_logits": False, "label_smoothing": 0.0, "axis": -1},
            KLD: {}, POI: {}, BACC: {"threshold": 0.5}, CACC: {}, SACC: {}, TOPK: {"k": 5},
            STOPK: {"k": 5, "from_sorted_ids": False}}[fn]
    return dict(base, **over)


def gen_functions():
    f = "family_functions.json"
    rng = np.random.default_rng(4001)
    k = 0
    # binary cross-entropy: rank x dtype x logits x smoothing, axis -1 (and 1 on rank 3)
    for rank in (1, 2, 3):
        for pdt in ("float32", "float64"):
            for logits in (False, True):
                for ls in (0.0, 0.1, 1.0):
                    for axis in ((-1, 1) if rank == 3 else (-1,)):
                        k += 1
                        es, d = SHAPES[rank]
                        yt, yp = inputs(rng, BCE, es, d, pdt, k, {"from_logits": logits})
                        kw = full_kwargs(BCE, from_logits=logits, label_smoothing=ls, axis=axis)
                        function_case(f, f"fn-bce-r{rank}-{pdt}-{'logits' if logits else 'probs'}-ls{ls}-axis{axis}"
                                      f"-{yt.dtype}", BCE, kw, yt, yp)
    # binary focal: rank x dtype x logits x balancing, rotating gamma / alpha / smoothing
    gammas, alphas, smooth = (2.0, 0.0, 0.5, 3.0), (0.25, 0.1, 0.9), (0.0, 0.1, 1.0)
    for rank in (1, 2, 3):
        for pdt in ("float32", "float64"):
            for logits in (False, True):
                for bal in (False, True):
                    for axis in ((-1, 1) if rank == 3 else (-1,)):
                        k += 1
                        es, d = SHAPES[rank]
                        yt, yp = inputs(rng, BFCE, es, d, pdt, k, {"from_logits": logits})
                        kw = full_kwargs(BFCE, apply_class_balancing=bal, alpha=alphas[k % 3], gamma=gammas[k % 4],
                                         from_logits=logits, label_smoothing=smooth[k % 3], axis=axis)
                        function_case(f, f"fn-bfce-r{rank}-{pdt}-{'logits' if logits else 'probs'}-bal{int(bal)}"
                                      f"-g{kw['gamma']}-a{kw['alpha']}-ls{kw['label_smoothing']}-axis{axis}", BFCE,
                                      kw, yt, yp)
    # binary focal sweeps on one shape: gamma, alpha, smoothing
    for logits in (False, True):
        for gamma in (0.0, 0.5, 1.0, 2.0, 3.0):
            for bal in (False, True):
                k += 1
                yt, yp = inputs(rng, BFCE, (5,), 4, "float32", k, {"from_logits": logits})
                function_case(f, f"fn-bfce-sweep-gamma{gamma}-bal{int(bal)}-{'logits' if logits else 'probs'}", BFCE,
                              full_kwargs(BFCE, gamma=gamma, apply_class_balancing=bal, from_logits=logits), yt, yp)
        for alpha in (0.1, 0.9, 0.0, 1.0):
            k += 1
            yt, yp = inputs(rng, BFCE, (5,), 4, "float32", k, {"from_logits": logits})
            function_case(f, f"fn-bfce-sweep-alpha{alpha}-{'logits' if logits else 'probs'}", BFCE,
                          full_kwargs(BFCE, alpha=alpha, apply_class_balancing=True, from_logits=logits), yt, yp)
        for ls in (0.1, 0.5, 1.0):
            for bal in (False, True):
                k += 1
                yt, yp = inputs(rng, BFCE, (5,), 4, "float32", k, {"from_logits": logits})
                function_case(f, f"fn-bfce-sweep-ls{ls}-bal{int(bal)}-{'logits' if logits else 'probs'}", BFCE,
                              full_kwargs(BFCE, label_smoothing=ls, apply_class_balancing=bal, from_logits=logits),
                              yt, yp)
    # categorical focal: rank x dtype x logits, rotating alpha / gamma / smoothing
    cf_alphas = (0.25, 0.1, 0.9, "list")
    for rank in (1, 2, 3):
        for pdt in ("float32", "float64"):
            for logits in (False, True):
                for rep in range(2):
                    k += 1
                    es, d = SHAPES[rank]
                    yt, yp = inputs(rng, CFCE, es, d, pdt, k, {"from_logits": logits})
                    alpha = cf_alphas[k % 4]
                    if alpha == "list":
                        alpha = [float(a) for a in sig(rng.uniform(0.05, 1.0, d), 3)]
                    kw = full_kwargs(CFCE, alpha=alpha, gamma=gammas[k % 4], from_logits=logits,
                                     label_smoothing=smooth[k % 3])
                    function_case(f, f"fn-cfce-r{rank}-{pdt}-{'logits' if logits else 'probs'}-{rep}", CFCE, kw,
                                  yt, yp)
    for logits in (False, True):
        for gamma in (0.0, 0.5, 3.0):
            k += 1
            yt, yp = inputs(rng, CFCE, (5,), 4, "float32", k, {"from_logits": logits})
            function_case(f, f"fn-cfce-sweep-gamma{gamma}-{'logits' if logits else 'probs'}", CFCE,
                          full_kwargs(CFCE, gamma=gamma, from_logits=logits), yt, yp)
        for alpha in (0.1, 0.9, [0.1, 0.2, 0.3, 0.4], [1.0, 0.0, 0.5, 2.0]):
            k += 1
            yt, yp = inputs(rng, CFCE, (5,), 4, "float32", k, {"from_logits": logits})
            function_case(f, f"fn-cfce-sweep-alpha{alpha}-{'logits' if logits else 'probs'}".replace(" ", ""), CFCE,
                          full_kwargs(CFCE, alpha=alpha, from_logits=logits), yt, yp)
        for ls in (0.1, 1.0):
            k += 1
            yt, yp = inputs(rng, CFCE, (5,), 4, "float32", k, {"from_logits": logits})
            function_case(f, f"fn-cfce-sweep-ls{ls}-{'logits' if logits else 'probs'}", CFCE,
                          full_kwargs(CFCE, label_smoothing=ls, from_logits=logits), yt, yp)
        # axis 1 on rank 3: the class axis in the middle; smoothing uses shape[-1] in 3.15.1
        for ls in (0.0, 0.1, 1.0):
            for shape in ((2, 3, 4), (3, 4, 4)):
                k += 1
                yp = make_pred(rng, shape, "logits" if logits else "softmax", "float32", 1)
                yt = onehot_labels(rng, (shape[0], shape[2]), shape[1], "int32", 1)
                function_case(f, f"fn-cfce-axis1-{'x'.join(map(str, shape))}-ls{ls}-"
                              f"{'logits' if logits else 'probs'}", CFCE,
                              full_kwargs(CFCE, label_smoothing=ls, axis=1, from_logits=logits), yt, yp)
        # a per-class alpha list with axis=1: Keras broadcasts it along the LAST axis
        yp = make_pred(rng, (2, 3, 4), "logits" if logits else "softmax", "float32", 1)
        yt = onehot_labels(rng, (2, 4), 3, "float32", 1)
        function_case(f, f"fn-cfce-axis1-alpha-list3-{'logits' if logits else 'probs'}", CFCE,
                      full_kwargs(CFCE, alpha=[0.2, 0.3, 0.5], axis=1, from_logits=logits), yt, yp)
        function_case(f, f"fn-cfce-axis1-alpha-list4-{'logits' if logits else 'probs'}", CFCE,
                      full_kwargs(CFCE, alpha=[0.2, 0.3, 0.5, 1.0], axis=1, from_logits=logits), yt, yp)
    # KL divergence and Poisson: rank x dtype, several input flavours
    for fn in (KLD, POI):
        for rank in (1, 2, 3):
            for pdt in ("float32", "float64"):
                for rep in range(3):
                    k += 1
                    es, d = SHAPES[rank]
                    yt, yp = inputs(rng, fn, es, d, pdt, k)
                    function_case(f, f"fn-{fn}-r{rank}-{pdt}-{yt.dtype}-{rep}", fn, {}, yt, yp)
    # binary accuracy: thresholds x dtype x ranks; predictions exactly at the threshold
    for threshold in (0.5, 0.7, 0.0, 1.0):
        for pdt in ("float32", "float64"):
            for rank in (1, 2, 3):
                k += 1
                es, d = SHAPES[rank]
                yt, yp = inputs(rng, BACC, es, d, pdt, k, {"threshold": threshold})
                function_case(f, f"fn-binacc-t{threshold}-{pdt}-r{rank}-{yt.dtype}", BACC,
                              {"threshold": threshold}, yt, yp)
    for pdt in ("float32", "float64"):
        yp = np.array([0.7, 0.69999999, 0.70000001, 0.5, 0.0, 1.0], dtype=pdt)
        function_case(f, f"fn-binacc-exactly-0.7-{pdt}", BACC, {"threshold": 0.7},
                      np.array([1, 0, 1, 0, 0, 1], dtype="int32"), yp)
    yp = np.array([[0.7], [0.2], [0.55], [0.5]], dtype="float32")
    function_case(f, "fn-binacc-squeeze-B-vs-B1", BACC, {"threshold": 0.5},
                  np.array([1, 0, 0, 1], dtype="int64"), yp)
    function_case(f, "fn-binacc-expand-B1-vs-B", BACC, {"threshold": 0.5},
                  np.array([[1], [0], [0], [1]], dtype="float32"), np.array([0.7, 0.2, 0.55, 0.5], dtype="float32"))
    function_case(f, "fn-binacc-default-kwargs", BACC, {}, np.array([[1, 0], [0, 1]], dtype="int32"),
                  np.array([[0.5, 0.5], [0.49, 0.51]], dtype="float32"))
    # categorical accuracies and top-k
    for fn in (CACC, SACC, TOPK, STOPK):
        for rank in (1, 2, 3):
            for pdt in ("float32", "float64"):
                for kk in ((1, 2, 5) if fn in (TOPK, STOPK) else (None,)):
                    if fn in (TOPK, STOPK) and (rank == 1 or pdt == "float64"):
                        continue  # in_top_k raises for rank-1 and float64 scores: the fn-error cases below
                    k += 1
                    es, d = SHAPES[rank]
                    d = 6 if kk == 5 else d
                    if fn in SPARSE_ACC and rank == 1:
                        yt, yp = np.array(int(rng.integers(0, d)), dtype="int64"), ties(rng, (d,), pdt)
                    else:
                        yt, yp = inputs(rng, fn, es, d, pdt, k)
                    kw = {} if kk is None else ({"k": kk} if fn == TOPK else {"k": kk, "from_sorted_ids": False})
                    function_case(f, f"fn-{fn}-r{rank}-{pdt}-{yt.dtype}" + (f"-k{kk}" if kk else ""), fn, kw, yt, yp)
    for kk in (0, -1, 10):
        yt = np.array([0, 2, 1], dtype="int32")
        yp = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8], [0.4, 0.4, 0.2]], dtype="float32")
        function_case(f, f"fn-sparse_top_k-k{kk}", STOPK, {"k": kk, "from_sorted_ids": False}, yt, yp)
        function_case(f, f"fn-top_k-k{kk}", TOPK, {"k": kk}, np.eye(3, dtype="float32")[yt], yp)
    for kk in (1, 2, 4):
        for dt in ("int32", "float32"):
            ids = np.array([[1, 0, 3], [1, 2, 3], [4, 4, 2], [0, 1, 2]], dtype=dt)
            function_case(f, f"fn-sparse_top_k-sorted-ids-k{kk}-{dt}", STOPK, {"k": kk, "from_sorted_ids": True},
                          np.array([2, 1, 4, 3], dtype="int64"), ids)
    # edges: exact 0/1 probabilities, huge logits, soft and integer targets, NaN
    edge_p = np.array([[0.0, 1.0, 0.0, 1.0], [LO32, HI32, 5e-8, 0.99999994], [0.5, 0.5, 1e-30, 1.0 - 1e-9]])
    edge_t = np.array([[0, 0, 1, 1], [1, 0, 1, 0], [0.3, 0.7, 1, 0]])
    big = np.array([[100.0, -100.0, 1e4, -1e4], [-100.0, 100.0, -1e4, 1e4], [0.0, 20.0, -20.0, 1e4]])
    for pdt in ("float32", "float64"):
        for fn in (BCE, BFCE):
            function_case(f, f"fn-{fn}-edge-probs-{pdt}", fn, full_kwargs(fn), edge_t, edge_p.astype(pdt))
            function_case(f, f"fn-{fn}-edge-logits-{pdt}", fn, full_kwargs(fn, from_logits=True), edge_t,
                          big.astype(pdt))
        function_case(f, f"fn-bfce-edge-logits-balanced-{pdt}", BFCE,
                      full_kwargs(BFCE, from_logits=True, apply_class_balancing=True, gamma=0.5), edge_t,
                      big.astype(pdt))
        function_case(f, f"fn-cfce-edge-probs-{pdt}", CFCE, full_kwargs(CFCE), np.array(
            [[0, 1, 0, 0], [1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]]), edge_p.astype(pdt))
        function_case(f, f"fn-cfce-edge-logits-{pdt}", CFCE, full_kwargs(CFCE, from_logits=True), np.array(
            [[0, 1, 0, 0], [1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]]), big.astype(pdt))
        function_case(f, f"fn-kld-edges-{pdt}", KLD, {}, np.array(
            [[0.0, 1.0, 0.0], [-0.5, 1.5, 0.0], [0.2, 0.3, 0.5]]), np.array(
            [[0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [1e-9, 2.0, -1.0]], dtype=pdt))
        function_case(f, f"fn-poisson-edges-{pdt}", POI, {}, np.array([[0, 3, 1], [2, 0, 7]], dtype="int32"),
                      np.array([[0.0, 0.0, 1e-8], [-1.0, 1e4, 7.0]], dtype=pdt))
    nan_p = np.array([[np.nan, 0.5, 0.2], [np.inf, 0.1, 0.3]], dtype="float32")
    for fn in (BCE, BFCE, CFCE, KLD, POI, BACC):
        yt = np.array([[1, 0, 1], [0, 1, 0]], dtype="float32")
        function_case(f, f"fn-{fn}-nan-inf", fn, full_kwargs(fn), yt, nan_p)
    # errors
    yp = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6]], dtype="float32")
    for fn in (BCE, BFCE):
        function_case(f, f"fn-error-{fn}-shape-mismatch", fn, full_kwargs(fn), np.array([[0], [1]]), yp)
    # no shape check in these: a (B,1) y_true broadcasts against (B,C)
    for fn in (CFCE, KLD, POI):
        function_case(f, f"fn-{fn}-y_true-B1-broadcasts", fn, full_kwargs(fn), np.array([[0], [1]]), yp)
    function_case(f, "fn-error-sparse_top_k-rank1", STOPK, {"k": 1, "from_sorted_ids": False},
                  np.array(1, dtype="int64"), yp[0])
    function_case(f, "fn-error-top_k-float64", TOPK, {"k": 1}, np.eye(3, dtype="float32")[:2], yp.astype("float64"))
    function_case(f, "fn-error-sparse_top_k-float64", STOPK, {"k": 1, "from_sorted_ids": False},
                  np.array([0, 1]), yp.astype("float64"))
    function_case(f, "fn-error-top_k-rank1", TOPK, {"k": 1}, np.array([0, 1, 0], dtype="float32"), yp[0])
    function_case(f, "fn-error-poisson-int-y_pred", POI, {}, np.array([[1, 0]]), np.array([[1, 0]]))
    function_case(f, "fn-error-cfce-alpha-list-length", CFCE, full_kwargs(CFCE, alpha=[0.5, 0.5]),
                  np.eye(3, dtype="float32")[:2], yp)


# ---------------------------------------------------------------------------------------------------------
# family_metrics.json
# ---------------------------------------------------------------------------------------------------------

METRIC_CLASSES = (BCE, KLD, POI, BACC, CACC, SACC, TOPK, STOPK, BFCE, CFCE)


def metric_kwargs(fn, k):
    """Rotating non-default constructor arguments per metric class."""
    if fn == BCE:
        return [{}, {"from_logits": True}, {"label_smoothing": 0.1}, {"from_logits": True, "label_smoothing": 0.2},
                {"name": "bce"}][k % 5]
    if fn == BACC:
        return [{}, {"threshold": 0.7}, {"threshold": 0.0}, {"threshold": 1.0}][k % 4]
    if fn == TOPK:
        return [{}, {"k": 1}, {"k": 2}][k % 3]
    if fn == STOPK:
        return [{}, {"k": 1}, {"k": 2}, {"k": 2, "from_sorted_ids": True}][k % 4]
    return [{}, {"name": "my_" + fn}][k % 2 == 1 and k % 3 == 0]


def metric_calls(rng, fn, kw, rank, pdt, wk, ncalls, k):
    """ncalls update_state arguments with different batch sizes and the same trailing dimensions."""
    d = 6 if fn in (TOPK, STOPK) else [3, 4, 2][k % 3]
    trail = () if rank <= 2 else (int(rng.integers(2, 4)),)
    calls = []
    for i in range(ncalls):
        b = int(rng.integers(1, 6))
        es = () if rank == 1 else (b,) + trail
        if fn == STOPK and kw.get("from_sorted_ids"):
            yt = rng.integers(0, d, size=es).astype("int64")
            yp = np.argsort(-rng.uniform(size=es + (d,)), axis=-1).astype("int32")
        else:
            yt, yp = inputs(rng, fn, es, d, pdt, k + i, kw)
        vshape = value_shape(fn, yt, yp) if not (fn == STOPK and kw.get("from_sorted_ids")) else es
        calls.append((yt, yp, weights(rng, wk, vshape)))
    return calls


def gen_metrics():
    f = "family_metrics.json"
    rng = np.random.default_rng(4002)
    k = 0
    dtypes = (("float32", "float32"), ("float32", "float64"), ("float64", "float32"), ("float64", "float64"))
    for fn in METRIC_CLASSES:
        for mdt, pdt in dtypes:
            if fn in (TOPK, STOPK) and pdt == "float64":
                continue  # TF's in_top_k refuses float64 scores: one error case below
            for wk in ("none", "B", "B1", "elem", "scalar"):
                k += 1
                rank = 3 if k % 3 == 0 else 2
                kw = metric_kwargs(fn, k)
                if mdt == "float64":
                    kw = dict(kw, dtype="float64")
                ncalls = 1 + k % 3
                calls = metric_calls(rng, fn, kw, rank, pdt, wk, ncalls, k)
                metric_case(f, f"metric-{fn}-m{mdt}-p{pdt}-r{rank}-w{wk}-{ncalls}calls-k{k}", METRIC_CLASS[fn], kw,
                            calls)
    # rank-1 inputs: one value per update_state call
    for fn in (BCE, KLD, POI, BFCE, CFCE, BACC, CACC):
        for wk in ("none", "scalar"):
            k += 1
            calls = metric_calls(rng, fn, {}, 1, "float32", wk, 3, k)
            metric_case(f, f"metric-{fn}-rank1-w{wk}", METRIC_CLASS[fn], {}, calls)
    # negative and zero weights, and an empty batch between real ones
    for fn in METRIC_CLASSES:
        k += 1
        kw = {"k": 2} if fn in (TOPK, STOPK) else {}
        calls = metric_calls(rng, fn, kw, 2, "float32", "negative", 1, k) + \
            metric_calls(rng, fn, kw, 2, "float32", "zeros", 1, k + 1)
        metric_case(f, f"metric-{fn}-negative-and-zero-weights", METRIC_CLASS[fn], kw, calls)
        d = 6 if fn in (TOPK, STOPK) else 3
        yt0, yp0 = inputs(rng, fn, (0,), d, "float32", 1)
        calls = metric_calls(rng, fn, kw, 2, "float32", "none", 1, k) + [(yt0, yp0, None)]
        metric_case(f, f"metric-{fn}-empty-batch", METRIC_CLASS[fn], kw, calls)
    # focal metrics with non-default function arguments (they appear as extra config keys)
    # (Keras writes them in the order given; these are in the function's signature order)
    for fn, kw in ((BFCE, {"apply_class_balancing": True, "gamma": 3.0}), (BFCE, {"from_logits": True}),
                   (CFCE, {"alpha": 0.5, "gamma": 1.0}), (CFCE, {"from_logits": True, "label_smoothing": 0.1})):
        k += 1
        calls = metric_calls(rng, fn, kw, 2, "float32", "B", 2, k)
        metric_case(f, f"metric-{fn}-fn-kwargs-{'-'.join(kw)}", fn, kw, calls)
    # NaN sticks in the total
    for fn in (BCE, KLD, POI, BFCE, CFCE):
        yt, yp = inputs(rng, fn, (3,), 3, "float32", 1)
        yp = yp.copy()
        yp[0, 0] = np.nan
        yt2, yp2 = inputs(rng, fn, (2,), 3, "float32", 2)
        metric_case(f, f"metric-{fn}-nan-sticks", METRIC_CLASS[fn], {}, [(yt, yp, None), (yt2, yp2, None)])
    # what Keras refuses or accepts in metrics (the loss would rank-fix or cast first)
    yp = np.array([[0.7], [0.2], [0.55]], dtype="float32")
    metric_case(f, "metric-bce-error-B-vs-B1", "BinaryCrossentropy", {}, [(np.array([1.0, 0.0, 1.0]), yp, None)])
    metric_case(f, "metric-binacc-B-vs-B1", "BinaryAccuracy", {}, [(np.array([1, 0, 1]), yp, None)])
    metric_case(f, "metric-bce-error-int-y_pred", "BinaryCrossentropy", {},
                [(np.array([[1, 0], [1, 0]]), np.array([[1, 1], [1, 0]]), None)])
    metric_case(f, "metric-top_k-error-float64", "TopKCategoricalAccuracy", {"k": 1},
                [(np.eye(3, dtype="float32")[:2], np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]), None)])
    metric_case(f, "metric-sparse_top_k-error-float64", "SparseTopKCategoricalAccuracy", {"k": 1},
                [(np.array([0, 1]), np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]), None)])
    metric_case(f, "metric-bce-error-weight-like-y_pred", "BinaryCrossentropy", {},
                [(np.array([[1, 0], [0, 1]]), np.array([[0.6, 0.3], [0.2, 0.9]], dtype="float32"),
                  np.array([[1.0, 0.5], [2.0, 1.0]], dtype="float32"))])
    # configs
    config_case(f, "metric-config-bce", "metric", "BinaryCrossentropy",
                {"name": "bce", "dtype": "float64", "from_logits": True, "label_smoothing": 0.2})
    config_case(f, "metric-config-binacc", "metric", "BinaryAccuracy", {"name": "acc", "threshold": 0.7})
    config_case(f, "metric-config-sparse_top_k-sorted", "metric", "SparseTopKCategoricalAccuracy",
                {"k": 3, "from_sorted_ids": True})
    config_case(f, "metric-config-bfce-wrapper", "metric", BFCE, {"name": "focal", "dtype": "float64"})
    config_case(f, "metric-config-cfce-wrapper", "metric", CFCE, {})


# ---------------------------------------------------------------------------------------------------------
# family_losses.json
# ---------------------------------------------------------------------------------------------------------

LOSS_CLASSES = ("BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalFocalCrossentropy", "KLDivergence",
                "Poisson")


def loss_kwargs(cls, k, d):
    if cls == "BinaryCrossentropy":
        return [{}, {"from_logits": True}, {"label_smoothing": 0.1}, {"from_logits": True, "label_smoothing": 1.0},
                {"axis": -1, "name": "bce"}][k % 5]
    if cls == "BinaryFocalCrossentropy":
        return [{}, {"from_logits": True}, {"apply_class_balancing": True, "alpha": 0.1},
                {"gamma": 0.5, "from_logits": True, "apply_class_balancing": True},
                {"gamma": 3.0, "label_smoothing": 0.1, "alpha": 0.9}, {"gamma": 0.0}][k % 6]
    if cls == "CategoricalFocalCrossentropy":
        return [{}, {"from_logits": True}, {"alpha": 0.9, "gamma": 0.5},
                {"alpha": [round(0.1 * (i + 1), 1) for i in range(d)], "from_logits": True},
                {"gamma": 3.0, "label_smoothing": 0.1}][k % 5]
    return [{}, {"name": "my_loss"}][k % 4 == 0]


def gen_losses():
    f = "family_losses.json"
    rng = np.random.default_rng(4003)
    k = 0
    for cls in LOSS_CLASSES:
        fn = FN_OF_CLASS[cls]
        for dtype in ("float32", "float64"):
            for red in REDUCTIONS:
                for wk in ("none", "scalar", "B", "B1", "elem"):
                    k += 1
                    rank = 3 if (k % 3 == 0 and wk != "B") else 2
                    d = [3, 4, 2][k % 3]
                    kw = loss_kwargs(cls, k, d)
                    es = (int(rng.integers(1, 6)),) + ((int(rng.integers(2, 4)),) if rank == 3 else ())
                    yt, yp = inputs(rng, fn, es, d, dtype, k, kw)
                    sw = weights(rng, wk, es)
                    kw = dict(kw, reduction=red, **({"dtype": "float64"} if dtype == "float64" else {}))
                    loss_case(f, f"loss-{fn}-{dtype}-{red}-w{wk}-r{rank}-k{k}", cls, kw, yt, yp, sw)
        # rank-1 inputs: a scalar per call, broadcast against (B,) weights
        for red in REDUCTIONS:
            for wk in ("none", "scalar", "B"):
                k += 1
                yt, yp = inputs(rng, fn, (), 4, "float32", k)
                loss_case(f, f"loss-{fn}-rank1-{red}-w{wk}", cls, {"reduction": red}, yt, yp,
                          weights(rng, wk, (4,)))
        # float64 inputs into a float32 loss (cast first), float32 inputs into a float64 loss
        k += 1
        yt, yp = inputs(rng, fn, (4,), 3, "float64", k)
        loss_case(f, f"loss-{fn}-float64-inputs-float32-loss", cls, {}, yt, yp, None)
        yt, yp = inputs(rng, fn, (4,), 3, "float32", k)
        loss_case(f, f"loss-{fn}-float32-inputs-float64-loss", cls, {"dtype": "float64"}, yt, yp,
                  weights(rng, "B", (4,)))
        # the loss's rank fix: y_true (B,) with y_pred (B,1), and y_true (B,1) with y_pred (B,)
        for red in ("sum_over_batch_size", None):
            k += 1
            yt, yp = inputs(rng, fn, (5,), 1, "float32", k)
            loss_case(f, f"loss-{fn}-rank-fix-B-vs-B1-{red}", cls, {"reduction": red}, yt.reshape(5), yp, None)
            loss_case(f, f"loss-{fn}-rank-fix-B1-vs-B-{red}", cls, {"reduction": red}, yt, yp.reshape(5),
                      weights(rng, "B", (5,)))
        # negative and zero weights
        k += 1
        yt, yp = inputs(rng, fn, (4,), 3, "float32", k)
        for red in ("sum_over_batch_size", "mean_with_sample_weight"):
            loss_case(f, f"loss-{fn}-negative-weights-{red}", cls, {"reduction": red}, yt, yp,
                      weights(rng, "negative", (4,)))
            loss_case(f, f"loss-{fn}-zero-weights-{red}", cls, {"reduction": red}, yt, yp, weights(rng, "zeros", (4,)))
        # rank 3 with (B,) weights: numpy broadcasting against the last axis (an error when T != B)
        yt, yp = inputs(rng, fn, (3, 2), 3, "float32", k)
        loss_case(f, f"loss-{fn}-r3-weight-B-on-BT", cls, {}, yt, yp, weights(rng, "B", (3, 2)))
        # empty batch
        for red in ("sum_over_batch_size", "sum", None):
            yt, yp = inputs(rng, fn, (0,), 3, "float32", 1)
            loss_case(f, f"loss-{fn}-empty-{red}", cls, {"reduction": red}, yt, yp, None)
        # configs: every argument non-default, and the round trip (dtype is not in the config)
        full = {"BinaryCrossentropy": {"from_logits": True, "label_smoothing": 0.3, "axis": 1, "reduction": None,
                                       "name": "b"},
                "BinaryFocalCrossentropy": {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5,
                                            "from_logits": True, "label_smoothing": 0.2, "axis": 1,
                                            "reduction": "sum", "name": "bf"},
                "CategoricalFocalCrossentropy": {"alpha": [0.1, 0.2, 0.7], "gamma": 0.5, "from_logits": True,
                                                 "label_smoothing": 0.2, "axis": 1,
                                                 "reduction": "mean_with_sample_weight", "name": "cf"},
                "KLDivergence": {"reduction": "none", "name": "kl"},
                "Poisson": {"reduction": "mean", "name": "p"}}[cls]
        config_case(f, f"loss-config-{fn}", "loss", cls, full)
        config_case(f, f"loss-config-{fn}-dtype-float64", "loss", cls, {"dtype": "float64"},
                    {"keras_note": "dtype is a constructor argument only; from_config(get_config()) gives float32"})
    # binary and categorical focal with axis 1 on rank 3 (the loss's mean/sum axis), and smoothing
    for cls, fn in (("BinaryCrossentropy", BCE), ("BinaryFocalCrossentropy", BFCE),
                    ("CategoricalFocalCrossentropy", CFCE)):
        for red in ("sum_over_batch_size", None):
            for ls in (0.0, 0.1):
                shape = (2, 3, 4)
                if fn == CFCE:
                    yp = make_pred(rng, shape, "softmax", "float32", 1)
                    yt = onehot_labels(rng, (2, 4), 3, "float32", 1)
                else:
                    yt, yp = binary_targets(rng, shape, "int32"), binary_preds(rng, shape, "probs", "float32")
                loss_case(f, f"loss-{fn}-axis1-ls{ls}-{red}", cls, {"axis": 1, "label_smoothing": ls, "reduction": red},
                          yt, yp, weights(rng, "B1", (2, 4)))
    # per-element weights shaped like y_pred (not like the values): broadcasting error for mean reductions
    loss_case(f, "loss-bce-weight-like-y_pred", "BinaryCrossentropy", {"reduction": "mean_with_sample_weight"},
              np.array([[1, 0], [0, 1], [1, 1]], dtype="float32"),
              np.array([[0.9, 0.2], [0.3, 0.6], [0.5, 0.5]], dtype="float32"), np.full((3, 2), 2.0, dtype="float32"))


# ---------------------------------------------------------------------------------------------------------
# family_keras_tests.json: Keras's own tests for these classes
# ---------------------------------------------------------------------------------------------------------

def gen_keras_tests():
    f = "family_keras_tests.json"
    L, P, A = "losses_test", "probabilistic_metrics_test", "accuracy_metrics_test"

    def tol_extra(asserted, tol, extra=None):
        return dict({"keras_test_expected": asserted, "keras_test_tolerance": tol}, **(extra or {}))

    def lt(cls, name, kwargs, yt, yp, sw, asserted, tol, extra=None):
        return loss_case(f, f"{L}.{cls}Test.{name}", cls, kwargs, yt, yp, sw, tol_extra(asserted, tol, extra))

    def mt(mod, cls, name, kwargs, calls, asserted, tol, extra=None):
        return metric_case(f, f"{mod}.{cls}Test.{name}", cls, kwargs, calls, tol_extra(asserted, tol, extra))

    def ct(mod, kind, cls, name, kwargs):
        config_case(f, f"{mod}.{cls}Test.{name}", kind, cls, kwargs,
                    {"keras_test_expected": "from_config(get_config()) round-trips", "keras_test_tolerance": None})

    dec = lambda n=3: {"decimal": n}  # noqa: E731 - assertAlmostEqual(actual, desired, decimal)
    close = lambda atol=1e-6: {"atol": atol, "rtol": 1e-6}  # noqa: E731 - assertAllClose

    # --- losses_test.py: KLDivergenceTest and PoissonTest share their inputs
    for cls, yp, yt in (("KLDivergence", [0.4, 0.9, 0.12, 0.36, 0.3, 0.4], [0.5, 0.8, 0.12, 0.7, 0.43, 0.8]),
                        ("Poisson", [1, 9, 2, 5, 2, 6], [4, 8, 12, 8, 1, 3])):
        yp = np.asarray(yp, dtype=np.float32).reshape((2, 3))
        yt = np.asarray(yt, dtype=np.float32).reshape((2, 3))
        if cls == "KLDivergence":
            el = np.multiply(yt, np.log(yt / yp))
            batch = 2
        else:
            el = yp - np.multiply(yt, np.log(yp))
            batch = 6
        ct(L, "loss", cls, "test_config", {"reduction": "sum", "name": "kld" if cls == "KLDivergence" else "poisson"})
        lt(cls, "test_unweighted", {}, yt, yp, None, float(np.sum(el) / batch), dec())
        lt(cls, "test_scalar_weighted", {}, yt, yp, np.array(2.3), float(2.3 * np.sum(el) / batch), dec())
        sw = np.asarray([1.2, 3.4], dtype=np.float32 if cls == "KLDivergence" else None).reshape((2, 1))
        w6 = np.asarray([1.2, 1.2, 1.2, 3.4, 3.4, 3.4], dtype=np.float32).reshape(2, 3)
        lt(cls, "test_sample_weighted", {}, yt, yp, sw, float(np.sum(el * w6) / batch), dec())
        yt3, yp3 = yt.reshape(2, 3, 1), yp.reshape(2, 3, 1)
        tw = np.asarray([3, 6, 5, 0, 4, 2]).reshape(2, 3)
        if cls == "KLDivergence":
            el3 = np.sum(np.multiply(yt3, np.log(yt3 / yp3)), axis=-1)
            want = float(np.sum(el3 * tw) / (2 * 3))
        else:
            el3 = yp3 - np.multiply(yt3, np.log(yp3))
            want = float(np.sum(el3 * tw.reshape(2, 3, 1)) / batch)
        lt(cls, "test_timestep_weighted", {}, yt3, yp3, tw, want, dec())
        lt(cls, "test_zero_weighted", {}, yt, yp, np.array(0), 0.0, dec())
        lt(cls, "test_dtype_arg", {"dtype": "bfloat16"}, yt, yp, None, {"dtype": "bfloat16"}, None,
           {"keras_test_note": "Keras asserts only the result dtype; expected.result is the bfloat16 value, exactly "
                               "converted to float32"})

    # --- losses_test.py: BinaryCrossentropyTest
    B = "BinaryCrossentropy"
    ct(L, "loss", B, "test_config", {"name": "bce", "axis": -1})
    eye = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype="float32")
    lt(B, "test_all_correct_unweighted#1", {}, eye, eye, None, 0.0, dec())
    lt(B, "test_all_correct_unweighted#2", {"from_logits": True}, eye,
       np.array([[10.0, -10.0, -10.0], [-10.0, 10.0, -10.0], [-10.0, -10.0, 10.0]]), None, 0.0, dec())
    lt(B, "test_unweighted#1", {}, eye, np.array([[0.9, 0.1, 0.2], [0.3, 0.8, 0.1], [0.1, 0.2, 0.7]], dtype="float32"),
       None, 0.20046903, close())
    yt22 = np.array([1, 0, 1, 0]).reshape([2, 2])
    yp22 = np.array([1, 1, 1, 0], dtype=np.float32).reshape([2, 2])
    lt(B, "test_unweighted#2", {}, yt22, yp22, None, 3.98559, dec())
    yt23 = np.array([[1, 0, 1], [0, 1, 1]])
    lg23 = np.array([[10.0, -10.0, 10.0], [10.0, 10.0, -10.0]])
    lt(B, "test_unweighted#3", {"from_logits": True}, yt23, lg23, None, 3.3333, dec())
    lt(B, "test_scalar_weighted#1", {}, yt22, yp22, np.array(2.3), 9.1668, dec())
    lt(B, "test_scalar_weighted#2", {"from_logits": True}, yt23, lg23, np.array(2.3), 7.666, dec())
    lt(B, "test_sample_weighted#1", {}, yt22, yp22, np.array([1.2, 3.4]).reshape((2, 1)), 4.7827, dec())
    lt(B, "test_sample_weighted#2", {"from_logits": True}, yt23, lg23, np.array([4, 3]), 10.0, dec())
    lt(B, "test_no_reduction", {"from_logits": True, "reduction": None}, yt23, lg23, None, [0.0, 6.666], close(1e-3))
    lt(B, "test_label_smoothing", {"from_logits": True, "label_smoothing": 0.1}, np.array([[1, 0, 1]]),
       np.array([[10.0, -10.0, -10.0]]), None, (10.0 + 5.0 * 0.1) / 3.0, dec())
    lt(B, "test_shape_mismatch", {}, np.array([[0], [1], [2]]),
       np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]]), None,
       "ValueError matching 'must have the same shape'", None)
    lt(B, "test_dtype_arg", {"dtype": "bfloat16"}, eye,
       np.array([[0.9, 0.1, 0.2], [0.3, 0.8, 0.1], [0.1, 0.2, 0.7]], dtype="float32"), None, {"dtype": "bfloat16"},
       None, {"keras_test_note": "Keras asserts only the result dtype; expected.result is the bfloat16 value, "
                                 "exactly converted to float32"})

    # --- losses_test.py: BinaryFocalCrossentropyTest
    F = "BinaryFocalCrossentropy"
    ct(L, "loss", F, "test_config", {"name": "bfce"})
    lt(F, "test_all_correct_unweighted#1", {"gamma": 1.5}, eye, eye, None, 0.0, dec())
    big3 = np.array([[100.0, -100.0, -100.0], [-100.0, 100.0, -100.0], [-100.0, -100.0, 100.0]])
    lt(F, "test_all_correct_unweighted#2", {"gamma": 2.0, "from_logits": True}, eye, big3, None, 0.0, dec())
    ytf = np.asarray([1, 0, 1, 0]).reshape([2, 2])
    ypf = np.asarray([0.9, 0.8, 0.7, 0.2], dtype=np.float32).reshape([2, 2])
    ytl = np.array([[1, 1, 0], [0, 1, 0]], dtype="float32")
    lgl = np.array([[1.5, -2.7, 2.9], [-3.8, 1.2, -4.5]])
    swf = np.array([1.2, 3.4]).reshape((2, 1))
    lt(F, "test_unweighted#1", {"gamma": 2.0}, ytf, ypf, None, 0.268, dec())
    lt(F, "test_unweighted#2", {"gamma": 3.0, "from_logits": True}, ytl, lgl, None, 0.799, dec())
    lt(F, "test_scalar_weighted#1", {"gamma": 2.0}, ytf, ypf, np.array(1.23), 0.3296, dec())
    lt(F, "test_scalar_weighted#2", {"gamma": 3.0, "from_logits": True}, ytl, lgl, np.array(3.21), 2.565, dec())
    lt(F, "test_sample_weighted#1", {"gamma": 2.0}, ytf, ypf, swf, 0.34415, dec())
    lt(F, "test_sample_weighted#2", {"gamma": 3.0, "from_logits": True}, ytl, lgl, swf, 0.95977, dec())
    lt(F, "test_no_reduction", {"gamma": 2.0, "reduction": None}, ytf, ypf, None, [0.515547, 0.020513], close())
    lt(F, "test_dtype_arg", {"dtype": "bfloat16"}, ytf, ypf, None, {"dtype": "bfloat16"}, None,
       {"keras_test_note": "Keras asserts only the result dtype; expected.result is the bfloat16 value, exactly "
                           "converted to float32"})

    # --- losses_test.py: CategoricalFocalCrossentropyTest
    C = "CategoricalFocalCrossentropy"
    ct(L, "loss", C, "test_config", {"name": "cfce"})
    eye_i = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype="int64")
    lt(C, "test_all_correct_unweighted#1", {"alpha": 0.25, "gamma": 2.0}, eye_i,
       np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype="float32"), None, 0.0, dec())
    lt(C, "test_all_correct_unweighted#2", {"from_logits": True}, eye_i,
       np.array([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]]), None, 0.0, dec())
    oh = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    un = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]], dtype="float32")
    lg = np.array([[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]])
    sw31 = np.array([[1.2], [3.4], [5.6]]).reshape((3, 1))
    lt(C, "test_unweighted#1", {}, oh, un, None, 0.02059, dec())
    lt(C, "test_unweighted#2", {"from_logits": True}, oh, lg, None, 0.000345, dec())
    lt(C, "test_scalar_weighted#1", {}, oh, un, np.array(2.3), 0.047368, dec())
    lt(C, "test_scalar_weighted#2", {"from_logits": True}, oh, lg, np.array(2.3), 0.000794, dec(4))
    lt(C, "test_sample_weighted#1", {}, oh, un, sw31, 0.06987, dec())
    lt(C, "test_sample_weighted#2", {"from_logits": True}, oh, lg, sw31, 0.001933, dec())
    lt(C, "test_no_reduction", {"from_logits": True, "reduction": None}, oh, lg, None,
       [1.5096224e-09, 2.4136547e-11, 1.0360638e-03], close())
    lt(C, "test_label_smoothing", {"from_logits": True, "label_smoothing": 0.1}, np.array([[1, 0, 0]]),
       np.array([[4.9, -0.5, 2.05]]), None, 0.06685, dec())
    lt(C, "test_dtype_arg", {"from_logits": True, "dtype": "bfloat16"}, np.array([[1, 0, 0]]),
       np.array([[4.9, -0.5, 2.05]]), None, {"dtype": "bfloat16"}, None,
       {"keras_test_note": "Keras asserts only the result dtype; expected.result is the bfloat16 value, exactly "
                           "converted to float32"})

    # --- probabilistic_metrics_test.py: KLDivergence, Poisson, BinaryCrossentropy
    for cls, yp, yt in (("KLDivergence", [0.4, 0.9, 0.12, 0.36, 0.3, 0.4], [0.5, 0.8, 0.12, 0.7, 0.43, 0.8]),
                        ("Poisson", [1, 9, 2, 5, 2, 6], [4, 8, 12, 8, 1, 3])):
        yp = np.asarray(yp, dtype=np.float32).reshape((2, 3))
        yt = np.asarray(yt, dtype=np.float32).reshape((2, 3))
        if cls == "KLDivergence":
            el, batch = np.multiply(yt, np.log(yt / yp)), 2
            ct(P, "metric", cls, "test_config", {"name": "kld", "dtype": "int32"})
        else:
            el, batch = yp - np.multiply(yt, np.log(yp)), 6
            ct(P, "metric", cls, "test_config", {"name": "poisson"})
        mt(P, cls, "test_unweighted", {}, [(yt, yp, None)], float(np.sum(el) / batch), close(1e-3))
        sw = np.asarray([1.2, 3.4], dtype=np.float32).reshape((2, 1))
        w6 = np.asarray([1.2, 1.2, 1.2, 3.4, 3.4, 3.4], dtype=np.float32).reshape((2, 3))
        denom = (1.2 + 3.4) if cls == "KLDivergence" else np.sum(w6)
        mt(P, cls, "test_weighted", {}, [(yt, yp, sw)], float(np.sum(el * w6) / denom), close(1e-3))
    ct(P, "metric", B, "test_config", {"name": "bce", "dtype": "int32", "label_smoothing": 0.2})
    mt(P, B, "test_unweighted", {}, [(yt22, yp22, None)], 3.9855, close(1e-3))
    mt(P, B, "test_unweighted_with_logits", {"from_logits": True}, [(yt23, lg23, None)], 3.333, close(1e-3))
    mt(P, B, "test_weighted", {}, [(yt22, yp22, np.array([1.5, 2.0]))], 3.4162, close(1e-3))
    mt(P, B, "test_weighted_from_logits", {"from_logits": True}, [(yt23, lg23, np.array([2.0, 2.5]))], 3.7037,
       close(1e-3))
    mt(P, B, "test_label_smoothing", {"from_logits": True, "label_smoothing": 0.1},
       [(np.array((1, 0, 1)), np.array((10.0, -10.0, -10.0)), None)], (10.0 + 5.0 * 0.1) / 3.0, close(1e-3),
       {"keras_test_note": "rank-1 inputs: the function returns one scalar for the whole call"})

    # --- accuracy_metrics_test.py
    BA = "BinaryAccuracy"
    ct(A, "metric", BA, "test_config", {"name": "binary_accuracy", "dtype": "float32"})
    yt41 = np.array([[1], [1], [0], [0]])
    yp41 = np.array([[0.98], [1], [0], [0.6]])
    mt(A, BA, "test_unweighted#1", {"name": "binary_accuracy", "dtype": "float32"}, [(yt41, yp41, None)], 0.75,
       close(1e-3))
    mt(A, BA, "test_unweighted#2", {"name": "binary_accuracy", "dtype": "float32"},
       [(np.array([1, 1, 0, 0]), yp41, None)], 0.75, close(1e-3))
    mt(A, BA, "test_weighted", {"name": "binary_accuracy", "dtype": "float32"},
       [(yt41, yp41, np.array([1, 0, 0, 1]))], 0.5, close(1e-3))
    mt(A, BA, "test_weighted_rank_1", {"name": "binary_accuracy", "dtype": "float32"},
       [(np.array([1, 1, 0, 0]), np.array([0.98, 1, 0, 0.6]), np.array([1, 0, 0, 1]))], 0.5, close(1e-3))
    mt(A, BA, "test_weighted_nd_weights", {"name": "binary_accuracy", "dtype": "float32"},
       [(np.array([[1, 1], [0, 0]]), np.array([[0.98, 1], [0, 0.6]]), np.array([[1, 0], [0, 1]]))], 0.5, close(1e-3))
    mt(A, BA, "test_weighted_nd_broadcast_weights", {"name": "binary_accuracy", "dtype": "float32"},
       [(np.array([[1, 1], [0, 0]]), np.array([[0.98, 1], [0, 0.6]]), np.array([[1, 0]]))], 1.0, close(1e-3))
    ytt = np.array([[1], [1], [0], [0]])
    ypt = np.array([[0.98], [0.5], [0.1], [0.2]])
    mt(A, BA, "test_threshold#1", {"name": "binary_accuracy", "dtype": "float32", "threshold": 0.3},
       [(ytt, ypt, None)], 1.0, close())
    mt(A, BA, "test_threshold#2", {"name": "binary_accuracy", "dtype": "float32", "threshold": 0.9},
       [(ytt, ypt, None)], 0.75, close())
    CA = "CategoricalAccuracy"
    ct(A, "metric", CA, "test_config", {"name": "categorical_accuracy", "dtype": "float32"})
    ytc = np.array([[0, 0, 1], [0, 1, 0]])
    ypc = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    mt(A, CA, "test_unweighted", {"name": "categorical_accuracy", "dtype": "float32"}, [(ytc, ypc, None)], 0.5,
       close(1e-3))
    mt(A, CA, "test_weighted", {"name": "categorical_accuracy", "dtype": "float32"},
       [(ytc, ypc, np.array([0.7, 0.3]))], 0.3, close(1e-3))
    SA = "SparseCategoricalAccuracy"
    sa_kw = {"name": "sparse_categorical_accuracy", "dtype": "float32"}
    ct(A, "metric", SA, "test_config", sa_kw)
    yts = np.array([[2], [1]])
    yps = np.array([[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    mt(A, SA, "test_unweighted", sa_kw, [(yts, yps, None)], 0.5, close(1e-3))
    mt(A, SA, "test_weighted", sa_kw, [(yts, yps, np.array([0.7, 0.3]))], 0.3, close(1e-3))
    mt(A, SA, "test_squeeze_y_true", sa_kw, [(np.array([[0], [1], [2]]), np.array(
        [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]]), None)], 1.0, close(1e-4))
    mt(A, SA, "test_cast_y_pred_dtype", sa_kw, [(np.array([0, 1], dtype=np.int64),
                                                 np.array([[0.9, 0.1], [0.1, 0.9]], dtype=np.float32), None)], 1.0,
       close(1e-4))
    mt(A, SA, "test_reshape_matches", sa_kw, [(np.array([[0], [0]], dtype=np.int64), np.array(
        [[[0.9, 0.1, 0.0], [0.8, 0.15, 0.05]]], dtype=np.float32), None)], 1.0, close(),
       {"keras_test_note": "the test compares the scalar result with [1.0, 1.0] (broadcast)"})
    mt(A, SA, "test_squeeze_y_true_shape", sa_kw, [(np.array([[0], [1], [2]]), np.array(
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), None)], 1.0, close(1e-4))
    mt(A, SA, "test_cast_y_pred_to_match_y_true_dtype", sa_kw, [(np.array([0, 1, 2], dtype=np.int32), np.array(
        [[0.9, 0.1, 0.0], [0.0, 0.9, 0.1], [0.1, 0.0, 0.9]], dtype=np.float64), None)], 1.0, close(1e-4))
    mt(A, SA, "test_reshape_matches_to_original_y_true_shape", sa_kw,
       [(np.array([[0], [1]]), np.array([[0.9, 0.1], [0.1, 0.9]]), None)], 1.0, close(1e-4))
    mt(A, SA, "test_matching_shapes_without_squeeze", sa_kw, [(np.array([2, 1, 0], dtype=np.int32), np.array(
        [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=np.float32), None)], 1.0, close(1e-4))
    TK = "TopKCategoricalAccuracy"
    tk_kw = {"k": 1, "name": "top_k_categorical_accuracy", "dtype": "float32"}
    ct(A, "metric", TK, "test_config", tk_kw)
    ypk = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0]], dtype="float32")
    mt(A, TK, "test_unweighted", tk_kw, [(ytc, ypk, None)], 0.5, close(1e-3))
    mt(A, TK, "test_weighted", tk_kw, [(ytc, ypk, np.array([0.7, 0.3]))], 0.3, close(1e-3))
    STK = "SparseTopKCategoricalAccuracy"
    stk_kw = {"k": 1, "name": "sparse_top_k_categorical_accuracy", "dtype": "float32"}
    ct(A, "metric", STK, "test_config", stk_kw)
    ct(A, "metric", STK, "test_config_from_sorted_ids", dict(stk_kw, from_sorted_ids=True))
    mt(A, STK, "test_unweighted", stk_kw, [(np.array([2, 1]), ypk, None)], 0.5, close(1e-3))
    mt(A, STK, "test_weighted", stk_kw, [(np.array([2, 1]), ypk, np.array([0.7, 0.3]))], 0.3, close(1e-3))
    ids = np.array([[1, 0, 3], [1, 2, 3]])
    mt(A, STK, "test_from_sorted_ids_unweighted", dict(stk_kw, from_sorted_ids=True), [(np.array([2, 1]), ids, None)],
       0.5, close(1e-3))
    mt(A, STK, "test_from_sorted_ids_weighted", dict(stk_kw, from_sorted_ids=True),
       [(np.array([2, 1]), ids, np.array([0.7, 0.3]))], 0.3, close(1e-3))


def check_keras_tests_agree():
    """Every number a Keras test asserts must agree with what Keras computes here, within the test's tolerance."""
    n = 0
    for case in CASES.files.get("family_keras_tests.json", []):
        want, tol, got = case.get("keras_test_expected"), case.get("keras_test_tolerance"), case["expected"]
        if tol is None:
            continue
        assert "result" in got, case["id"]
        r = got["result"]
        vals = np.array(r["data"], dtype=float).reshape(r["shape"]) if isinstance(r, dict) else np.array(r)
        if "decimal" in tol:
            np.testing.assert_almost_equal(vals, np.array(want), decimal=tol["decimal"], err_msg=case["id"])
        else:
            np.testing.assert_allclose(vals, np.array(want), atol=tol["atol"], rtol=tol["rtol"], err_msg=case["id"])
        n += 1
    return n


# ---------------------------------------------------------------------------------------------------------
# golden-gradients/family.json: tf.GradientTape through the Keras loss
# ---------------------------------------------------------------------------------------------------------

def tape_gradient(loss, y_true, y_pred, sw):
    x = tf.Variable(y_pred)
    with tf.GradientTape() as tape:
        value = loss(y_true, x, sample_weight=sw)
    grad = tape.gradient(value, x)
    if grad is None:
        grad = tf.zeros_like(x)
    return np.asarray(value), np.asarray(grad)


def gradient_case(cases, cid, cls, options, y_true, y_pred, sw):
    loss = make_loss(cls, options)
    value, grad = tape_gradient(loss, y_true, y_pred, sw)
    dt = options.get("dtype", "float32")
    fn = FN_OF_CLASS[cls]
    o = {"reduction": options.get("reduction", "sum_over_batch_size"), "dtype": dt}
    o.update({key: options.get(key, default) for key, default in full_kwargs(fn).items()})
    cases.append({"id": cid, "class_name": cls, "options": o, "y_true": arr(y_true), "y_pred": arr(y_pred),
                  "sample_weight": arr_or_none(sw), "loss": arr(value.astype(dt)), "gradient": arr(grad.astype(dt))})


def gradient_cases():
    rng = np.random.default_rng(4004)
    cases = []
    reductions = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]
    variants = {
        "BinaryCrossentropy": [{"from_logits": False}, {"from_logits": True}, {"from_logits": False,
                               "label_smoothing": 0.1}, {"from_logits": True, "label_smoothing": 0.2}],
        "BinaryFocalCrossentropy": [{"from_logits": False}, {"from_logits": True},
                                    {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5},
                                    {"apply_class_balancing": True, "from_logits": True, "gamma": 0.5,
                                     "label_smoothing": 0.1}],
        "CategoricalFocalCrossentropy": [{"from_logits": False}, {"from_logits": True},
                                         {"alpha": [0.2, 0.3, 0.5], "gamma": 3.0},
                                         {"from_logits": True, "label_smoothing": 0.1, "gamma": 0.5}],
        "KLDivergence": [{}],
        "Poisson": [{}],
    }
    k = 0
    for cls, vs in variants.items():
        fn = FN_OF_CLASS[cls]
        for vi, v in enumerate(vs):
            for red in reductions:
                for wk in ("none", "B", "elem", "scalar"):
                    k += 1
                    if len(vs) > 1 and (k % 2 == 0) and wk in ("elem", "scalar"):
                        continue  # a sample of the combinations keeps the file small
                    dtype = "float64" if k % 5 == 0 else "float32"
                    rank = 3 if k % 4 == 0 else 2
                    d = 3
                    es = (int(rng.integers(2, 5)),) + ((2,) if rank == 3 else ())
                    opts = dict(v, reduction=red, dtype=dtype)
                    mode = k
                    if fn in (BCE, BFCE) and not v.get("from_logits"):
                        yt = binary_targets(rng, es + (d,), "float32", soft=(k % 3 == 0))
                        yp = binary_preds(rng, es + (d,), ["probs", "edges"][k % 2], dtype)
                    elif fn in (BCE, BFCE):
                        yt = binary_targets(rng, es + (d,), "float32", soft=(k % 3 == 0))
                        yp = binary_preds(rng, es + (d,), ["logits", "logits_big"][k % 2], dtype)
                    else:
                        yt, yp = inputs(rng, fn, es, d, dtype, mode, v)
                        yt = yt.astype("float32")
                    sw = weights(rng, wk, es)
                    gradient_case(cases, f"{fn}.{vi}.{'x'.join(map(str, yp.shape))}.{red}.w{wk}.{dtype}", cls, opts,
                                  yt, yp, sw)
    # hand-picked: exact 0/1 probabilities, saturated logits, zero rates
    f32 = lambda a: np.array(a, dtype="float32")  # noqa: E731
    edge_t = f32([[1, 0, 1, 0], [0.3, 0.7, 1, 0]])
    gradient_case(cases, "special.bce.probs.0-1-bounds", "BinaryCrossentropy", {}, edge_t,
                  f32([[1.0, 0.0, 0.0, 1.0], [LO32, HI32, 0.5, 5e-8]]), None)
    gradient_case(cases, "special.bce.logits.saturated", "BinaryCrossentropy", {"from_logits": True}, edge_t,
                  f32([[100.0, -100.0, -1e4, 1e4], [0.0, 20.0, -20.0, 1e4]]), None)
    gradient_case(cases, "special.bfce.logits.saturated", "BinaryFocalCrossentropy", {"from_logits": True}, edge_t,
                  f32([[100.0, -100.0, -1e4, 1e4], [0.0, 20.0, -20.0, 1e4]]), None)
    gradient_case(cases, "special.bfce.probs.0-1", "BinaryFocalCrossentropy", {"apply_class_balancing": True},
                  edge_t, f32([[1.0, 0.0, 0.0, 1.0], [LO32, HI32, 0.5, 5e-8]]), None)
    gradient_case(cases, "special.bfce.gamma0", "BinaryFocalCrossentropy", {"gamma": 0.0}, edge_t,
                  f32([[0.9, 0.2, 0.6, 0.3], [0.5, 0.4, 0.8, 0.1]]), None)
    gradient_case(cases, "special.cfce.one-hot-pred", "CategoricalFocalCrossentropy", {}, f32([[1, 0, 0], [0, 1, 0]]),
                  f32([[1, 0, 0], [0.2, 0.5, 0.3]]), None)
    gradient_case(cases, "special.cfce.logits.saturated", "CategoricalFocalCrossentropy", {"from_logits": True},
                  f32([[1, 0, 0], [0, 1, 0]]), f32([[100, -100, 0], [-1e4, 1e4, 0]]), None)
    gradient_case(cases, "special.kld.zeros", "KLDivergence", {}, f32([[0, 1, 0], [0.5, 0.5, 0]]),
                  f32([[0, 1, 0], [1e-9, 0.5, 0.5]]), None)
    gradient_case(cases, "special.poisson.zero-rates", "Poisson", {}, f32([[0, 3, 1], [2, 0, 7]]),
                  f32([[0.0, 0.0, 1e-8], [0.5, 1e4, 7.0]]), None)
    gradient_case(cases, "special.bce.rank-fix", "BinaryCrossentropy", {}, f32([1, 0, 1]), f32([[0.8], [0.3], [0.4]]),
                  f32([1.0, 2.0, 0.5]))
    return cases


# ---------------------------------------------------------------------------------------------------------
# family_notes.json: behaviours worth knowing, each verified here
# ---------------------------------------------------------------------------------------------------------

def observe(thunk):
    try:
        return {"result": result_value(thunk())}
    except Exception as e:  # noqa: BLE001
        return {"error": error_text(e)}


def gen_notes():
    notes = []
    L, M = keras.losses, keras.metrics

    def note(nid, statement, call, args, thunk, check):
        obs = observe(thunk)
        assert check(obs), (nid, obs)
        notes.append({"id": nid, "statement": statement, "call": call,
                      "inputs": {k: (arr(v) if isinstance(v, np.ndarray) else v) for k, v in args.items()},
                      "observed": obs})

    def val(obs):
        r = obs["result"]
        return np.array(r["data"], dtype=float).reshape(r["shape"]) if isinstance(r, dict) else np.array(r, float)

    yt = np.array([1, 0, 1, 0], dtype="float32")
    yp = np.array([0.9, 0.2, 0.6, 0.3], dtype="float32")
    for fn in (BCE, BFCE, CFCE, KLD, POI):
        note(f"rank1-scalar-{fn}", f"{fn} of rank-1 inputs reduces the only axis: one scalar for the whole call",
             f"keras.losses.{fn}(y_true, y_pred)", {"y_true": yt, "y_pred": yp},
             lambda fn=fn: keras_fn(fn)(yt, yp), lambda o: "result" in o and np.ndim(val(o)) == 0)
    note("rank1-binary_accuracy-not-reduced", "binary_accuracy does not reduce the last axis: rank 1 stays rank 1",
         "keras.metrics.binary_accuracy(y_true, y_pred)", {"y_true": yt, "y_pred": yp},
         lambda: M.binary_accuracy(yt, yp), lambda o: val(o).shape == (4,))
    note("rank1-categorical_accuracy-scalar", "categorical_accuracy of rank-1 inputs is a scalar",
         "keras.metrics.categorical_accuracy(y_true, y_pred)", {"y_true": yt, "y_pred": yp},
         lambda: M.categorical_accuracy(yt, yp), lambda o: np.ndim(val(o)) == 0)
    note("rank1-top_k-error", "top_k_categorical_accuracy of rank-1 inputs raises (in_top_k wants rank 2)",
         "keras.metrics.top_k_categorical_accuracy(y_true, y_pred, k=1)", {"y_true": yt, "y_pred": yp},
         lambda: M.top_k_categorical_accuracy(yt, yp, k=1), lambda o: "error" in o)
    sw = np.array([1, 2, 3, 4], dtype="float32")
    for red in REDUCTIONS:
        note(f"rank1-loss-weights-{red}", "a rank-1 loss value is a scalar, but (B,) weights broadcast it: "
             "reduction none/None returns shape (B,), sum gives scalar*sum(w), sum_over_batch_size/mean give "
             "scalar*sum(w)/B, mean_with_sample_weight gives the scalar",
             f"keras.losses.BinaryCrossentropy(reduction={red!r})(y_true, y_pred, sample_weight)",
             {"y_true": yt, "y_pred": yp, "sample_weight": sw},
             lambda red=red: L.BinaryCrossentropy(reduction=red)(yt, yp, sample_weight=sw),
             lambda o, red=red: val(o).shape == ((4,) if red in (None, "none") else ()))
        note(f"rank1-loss-no-weights-{red}", "without weights a rank-1 loss returns the scalar under every reduction",
             f"keras.losses.BinaryCrossentropy(reduction={red!r})(y_true, y_pred)", {"y_true": yt, "y_pred": yp},
             lambda red=red: L.BinaryCrossentropy(reduction=red)(yt, yp), lambda o: np.ndim(val(o)) == 0)
    yt2 = np.array([[1, 0], [0, 1], [1, 1]], dtype="float32")
    yp2 = np.array([[0.9, 0.2], [0.3, 0.6], [0.5, 0.5]], dtype="float32")
    per = to_np(L.binary_crossentropy(yt2, yp2))
    for w in (np.array(2.0, dtype="float32"), np.array([1, 2, 3], dtype="float32"),
              np.array([[1], [2], [3]], dtype="float32")):
        note(f"mean_with_sample_weight-divisor-{'x'.join(map(str, w.shape)) or 'scalar'}",
             "mean_with_sample_weight divides by the sum of the weights as given (not broadcast): a scalar weight "
             "gives the plain sum of the values",
             "keras.losses.BinaryCrossentropy(reduction='mean_with_sample_weight')(y_true, y_pred, sample_weight)",
             {"y_true": yt2, "y_pred": yp2, "sample_weight": w},
             lambda w=w: L.BinaryCrossentropy(reduction="mean_with_sample_weight")(yt2, yp2, sample_weight=w),
             lambda o, w=w: abs(float(val(o)) - float(np.sum(per * np.broadcast_to(w.reshape(-1), (3,)))
                                                       / np.sum(w))) < 1e-6)
    yt3 = np.ones((2, 3, 1), dtype="float32")
    yp3 = np.array([[[0.9], [0.5], [0.2]], [[0.6], [0.7], [0.8]]], dtype="float32")
    w3 = np.array([[1.0], [3.0]], dtype="float32")
    per3 = to_np(L.binary_crossentropy(yt3, yp3))
    note("mean_with_sample_weight-divisor-B1-on-BT",
         "(B,1) weights on (B,T) values: the divisor is sum(w) = 4, not sum(w broadcast to (B,T)) = 12",
         "keras.losses.BinaryCrossentropy(reduction='mean_with_sample_weight')(y_true, y_pred, sample_weight)",
         {"y_true": yt3, "y_pred": yp3, "sample_weight": w3},
         lambda: L.BinaryCrossentropy(reduction="mean_with_sample_weight")(yt3, yp3, sample_weight=w3),
         lambda o: abs(float(val(o)) - float(np.sum(per3 * w3) / 4.0)) < 1e-6)
    for ls in (1.5, -0.5, 2.0):
        note(f"label_smoothing-{ls}-bce", "label_smoothing outside [0, 1] is not checked; the formula is applied "
             "(targets become t(1-ls)+ls/2, the loss can be negative)",
             f"keras.losses.binary_crossentropy(y_true, y_pred, label_smoothing={ls})", {"y_true": yt, "y_pred": yp},
             lambda ls=ls: L.binary_crossentropy(yt, yp, label_smoothing=ls), lambda o: "result" in o)
        note(f"label_smoothing-{ls}-class", "the loss classes accept label_smoothing outside [0, 1] too",
             f"keras.losses.BinaryFocalCrossentropy(label_smoothing={ls})(y_true, y_pred)",
             {"y_true": yt2, "y_pred": yp2},
             lambda ls=ls: L.BinaryFocalCrossentropy(label_smoothing=ls)(yt2, yp2), lambda o: "result" in o)
    ypg = np.array([1.0, 0.0, 0.6, 0.3], dtype="float32")
    note("negative-gamma-bfce", "negative gamma is accepted; binary focal gives inf where p_t == 1 exactly (0**-1)",
         "keras.losses.binary_focal_crossentropy(y_true, y_pred, gamma=-1.0)", {"y_true": yt, "y_pred": ypg},
         lambda: L.binary_focal_crossentropy(yt, ypg, gamma=-1.0), lambda o: np.isinf(float(val(o))))
    note("negative-gamma-cfce", "categorical focal with negative gamma stays finite: the clipped output is never 1",
         "keras.losses.categorical_focal_crossentropy(y_true, y_pred, gamma=-1.0)",
         {"y_true": np.eye(3, dtype="float32"), "y_pred": np.eye(3, dtype="float32")},
         lambda: L.categorical_focal_crossentropy(np.eye(3, dtype="float32"), np.eye(3, dtype="float32"), gamma=-1.0),
         lambda o: np.all(np.isfinite(val(o))))
    note("gamma-0-bfce-is-bce", "binary focal with gamma 0 and no balancing equals binary cross-entropy",
         "keras.losses.binary_focal_crossentropy(y_true, y_pred, gamma=0.0)", {"y_true": yt2, "y_pred": yp2},
         lambda: L.binary_focal_crossentropy(yt2, yp2, gamma=0.0),
         lambda o: np.allclose(val(o), per, rtol=1e-6, atol=0))
    ytk, ypk = np.array([0, 2, 1], dtype="int32"), np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8], [0.4, 0.4, 0.2]],
                                                             dtype="float32")
    for kk, want in ((0, 0.0), (-1, 0.0), (10, 1.0)):
        note(f"top_k-k{kk}", f"k={kk} is accepted: every match is {want}",
             f"keras.metrics.sparse_top_k_categorical_accuracy(y_true, y_pred, k={kk})",
             {"y_true": ytk, "y_pred": ypk}, lambda kk=kk: M.sparse_top_k_categorical_accuracy(ytk, ypk, k=kk),
             lambda o, want=want: np.all(val(o) == want))
    note("top_k-ties-hit", "in_top_k counts ties as hits: [0.4, 0.4, 0.2] with label 1 and k=1 is a hit, while "
         "sparse_categorical_accuracy (argmax, first index) misses", "keras.metrics.sparse_top_k_categorical_accuracy"
         "(y_true, y_pred, k=1)", {"y_true": ytk, "y_pred": ypk},
         lambda: M.sparse_top_k_categorical_accuracy(ytk, ypk, k=1), lambda o: val(o)[2] == 1.0)
    note("top_k-float64-error", "TensorFlow's in_top_k refuses float64 scores: top-k accuracy of float64 "
         "predictions raises", "keras.metrics.sparse_top_k_categorical_accuracy(y_true, y_pred, k=1)",
         {"y_true": ytk, "y_pred": ypk.astype("float64")},
         lambda: M.sparse_top_k_categorical_accuracy(ytk, ypk.astype("float64"), k=1), lambda o: "error" in o)
    yt7, yp7 = np.array([1, 0], dtype="int32"), np.array([0.7, 0.7], dtype="float64")
    note("binary_accuracy-threshold-float32", "the threshold becomes a float32 tensor: a float64 prediction of "
         "exactly 0.7 is above threshold 0.7 (f32(0.7) = 0.699999988)",
         "keras.metrics.binary_accuracy(y_true, y_pred, threshold=0.7)", {"y_true": yt7, "y_pred": yp7},
         lambda: M.binary_accuracy(yt7, yp7, threshold=0.7), lambda o: list(val(o)) == [1.0, 0.0])
    note("binary_accuracy-threshold-float32-f32-pred", "with float32 predictions 0.7 is not above 0.7",
         "keras.metrics.binary_accuracy(y_true, y_pred, threshold=0.7)",
         {"y_true": yt7, "y_pred": yp7.astype("float32")},
         lambda: M.binary_accuracy(yt7, yp7.astype("float32"), threshold=0.7), lambda o: list(val(o)) == [0.0, 1.0])
    ytsoft = np.array([0.7, 0.2], dtype="float32")
    note("binary_accuracy-soft-labels", "binary_accuracy compares the thresholded prediction with y_true exactly: "
         "soft labels never match", "keras.metrics.binary_accuracy(y_true, y_pred)",
         {"y_true": ytsoft, "y_pred": np.array([0.8, 0.1], dtype="float32")},
         lambda: M.binary_accuracy(ytsoft, np.array([0.8, 0.1], dtype="float32")), lambda o: np.all(val(o) == 0))
    yti, ypi = np.array([[1, 0], [1, 0]]), np.array([[1, 1], [1, 0]])
    note("metric-float64-predictions", "metrics do not cast: float64 predictions compute in float64 (4.0295), the "
         "loss casts to float32 first (3.98559)", "keras.metrics.BinaryCrossentropy()(y_true, y_pred)",
         {"y_true": yti, "y_pred": ypi.astype("float64")},
         lambda: M.BinaryCrossentropy()(yti, ypi.astype("float64")), lambda o: abs(float(val(o)) - 4.0295) < 1e-3)
    note("loss-float64-predictions", "the loss casts float64 predictions to float32",
         "keras.losses.BinaryCrossentropy()(y_true, y_pred)", {"y_true": yti, "y_pred": ypi.astype("float64")},
         lambda: L.BinaryCrossentropy()(yti, ypi.astype("float64")), lambda o: abs(float(val(o)) - 3.98559) < 1e-3)
    note("metric-int-predictions-bce", "BinaryCrossentropy metric with integer predictions raises on TF (the clip "
         "bound cannot be an int64)", "keras.metrics.BinaryCrossentropy()(y_true, y_pred)",
         {"y_true": yti, "y_pred": ypi}, lambda: M.BinaryCrossentropy()(yti, ypi), lambda o: "error" in o)
    note("poisson-int-predictions", "poisson with integer predictions raises on TF (epsilon cast to int is 0, "
         "then a dtype clash)", "keras.losses.poisson(y_true, y_pred)", {"y_true": yti, "y_pred": ypi},
         lambda: L.poisson(yti, ypi), lambda o: "error" in o)
    ytb, ypb = np.array([1.0, 0.0, 1.0]), np.array([[0.7], [0.2], [0.55]], dtype="float32")
    note("metric-bce-B-vs-B1-error", "the BinaryCrossentropy metric does no rank fix: y_true (B,) with y_pred (B,1) "
         "raises", "keras.metrics.BinaryCrossentropy()(y_true, y_pred)", {"y_true": ytb, "y_pred": ypb},
         lambda: M.BinaryCrossentropy()(ytb, ypb), lambda o: "error" in o)
    note("loss-bce-B-vs-B1", "the loss expands y_true (B,) to (B,1) first", "keras.losses.BinaryCrossentropy()"
         "(y_true, y_pred)", {"y_true": ytb, "y_pred": ypb}, lambda: L.BinaryCrossentropy()(ytb, ypb),
         lambda o: "result" in o)
    note("metric-binary_accuracy-B-vs-B1", "binary_accuracy does its own rank fix, so the BinaryAccuracy metric "
         "accepts y_true (B,) with y_pred (B,1)", "keras.metrics.BinaryAccuracy()(y_true, y_pred)",
         {"y_true": ytb, "y_pred": ypb}, lambda: M.BinaryAccuracy()(ytb, ypb), lambda o: "result" in o)
    ytc, ypc = np.full((2, 3, 4), 1 / 3, dtype="float32"), np.full((2, 3, 4), 1 / 3, dtype="float32")
    note("cfce-alpha-list-last-axis", "categorical focal alpha lists broadcast along the LAST axis, whatever `axis` "
         "is: with axis=1 on (2,3,4) a 3-element list raises, a 4-element list is applied per last-axis index",
         "keras.losses.categorical_focal_crossentropy(y_true, y_pred, alpha=[0.1, 0.2, 0.7], axis=1)",
         {"y_true": ytc, "y_pred": ypc},
         lambda: L.categorical_focal_crossentropy(ytc, ypc, alpha=[0.1, 0.2, 0.7], axis=1), lambda o: "error" in o)
    note("cfce-alpha-list-4-axis1", "(continued) the 4-element list with axis=1 computes",
         "keras.losses.categorical_focal_crossentropy(y_true, y_pred, alpha=[0.1, 0.2, 0.7, 1.0], axis=1)",
         {"y_true": ytc, "y_pred": ypc},
         lambda: L.categorical_focal_crossentropy(ytc, ypc, alpha=[0.1, 0.2, 0.7, 1.0], axis=1),
         lambda o: val(o).shape == (2, 4))
    ytb1 = np.array([[0], [1]], dtype="int64")
    ypb1 = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6]], dtype="float32")
    for fn in (CFCE, KLD, POI):
        note(f"no-shape-check-{fn}", f"{fn} does not check that y_true and y_pred have the same shape: a (B,1) "
             "y_true broadcasts against (B,C) (binary_crossentropy raises instead)",
             f"keras.losses.{fn}(y_true, y_pred)", {"y_true": ytb1, "y_pred": ypb1},
             lambda fn=fn: keras_fn(fn)(ytb1, ypb1), lambda o: val(o).shape == (2,))
    yts = np.ascontiguousarray(np.moveaxis(np.eye(3, dtype="float32")[[[0, 1], [2, 0]]], -1, 1))
    yps = np.full((2, 3, 2), 1 / 3, dtype="float32")
    note("cfce-smoothing-shape-minus-1", "categorical focal smoothing divides by shape[-1] (2 here), not the class "
         "axis size (3): the same Keras 3.15 bug as categorical_crossentropy",
         "keras.losses.categorical_focal_crossentropy(y_true, y_pred, label_smoothing=0.3, axis=1)",
         {"y_true": yts, "y_pred": yps},
         lambda: L.categorical_focal_crossentropy(yts, yps, label_smoothing=0.3, axis=1),
         lambda o: np.allclose(val(o), to_np(L.categorical_focal_crossentropy(yts * 0.7 + 0.15, yps, axis=1))))
    yte, ype = np.array([[1.0, 0.0]]), np.array([[-1e4, 1e4]], dtype="float32")
    note("bfce-logits-formula", "on TF, binary focal from logits uses the stable logits BCE (sigmoid keeps its "
         "logits): logit -1e4 with target 1 gives 1e4, not the clipped 15.94",
         "keras.losses.binary_focal_crossentropy(y_true, y_pred, from_logits=True, gamma=0.0)",
         {"y_true": yte, "y_pred": ype},
         lambda: L.binary_focal_crossentropy(yte, ype, from_logits=True, gamma=0.0),
         lambda o: abs(float(val(o)[0]) - 1e4) < 1)
    note("bce-probs-float64-clip", "binary_crossentropy in float64 clips at 1e-7 and 1-1e-7 in float64, so "
         "both wrong certainties cost -log(1e-7) = 16.118 (float32: the upper bound 0.99999988 costs 15.942 and the "
         "mean is 16.030)",
         "keras.losses.binary_crossentropy(y_true, y_pred)",
         {"y_true": np.array([[1.0, 0.0]]), "y_pred": np.array([[0.0, 1.0]])},
         lambda: L.binary_crossentropy(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])),
         lambda o: abs(float(val(o)[0]) - 16.118095651) < 1e-6)
    note("bce-probs-float32-clip", "(continued) the same in float32",
         "keras.losses.binary_crossentropy(y_true, y_pred)",
         {"y_true": np.array([[1.0, 0.0]]), "y_pred": np.array([[0.0, 1.0]], dtype="float32")},
         lambda: L.binary_crossentropy(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]], dtype="float32")),
         lambda o: abs(float(val(o)[0]) - 16.030239) < 1e-5)
    note("kld-clips-y_true", "kl_divergence clips y_true to [1e-7, 1] too: negative targets become 1e-7 and "
         "targets above 1 become 1", "keras.losses.kl_divergence(y_true, y_pred)",
         {"y_true": np.array([[-0.5, 1.5]], dtype="float32"), "y_pred": np.array([[0.5, 0.5]], dtype="float32")},
         lambda: L.kl_divergence(np.array([[-0.5, 1.5]], dtype="float32"), np.array([[0.5, 0.5]], dtype="float32")),
         lambda o: abs(float(val(o)[0]) - 0.6931456) < 1e-6)
    note("poisson-zero-and-negative-rates", "poisson: y_pred 0 gives -y*log(1e-7); a negative y_pred gives NaN",
         "keras.losses.poisson(y_true, y_pred)",
         {"y_true": np.array([[1.0, 0.0], [1.0, 0.0]], dtype="float32"),
          "y_pred": np.array([[0.0, 0.0], [-1.0, 0.5]], dtype="float32")},
         lambda: L.poisson(np.array([[1.0, 0.0], [1.0, 0.0]], dtype="float32"),
                           np.array([[0.0, 0.0], [-1.0, 0.5]], dtype="float32")),
         lambda o: np.isfinite(val(o)[0]) and np.isnan(val(o)[1]))
    lf = L.BinaryCrossentropy(dtype="float64")
    notes.append({"id": "loss-dtype-not-in-config", "statement": "a loss's dtype is not in get_config(): "
                  "from_config(get_config()) of a float64 loss computes in float32", "call":
                  "keras.losses.BinaryCrossentropy.from_config(keras.losses.BinaryCrossentropy(dtype='float64')"
                  ".get_config()).dtype", "inputs": {"config": lf.get_config()},
                  "observed": {"result": L.BinaryCrossentropy.from_config(lf.get_config()).dtype}})
    assert notes[-1]["observed"]["result"] == "float32"
    notes.append({"id": "function-serialized-module-builtins", "statement": "serialize_keras_object of a Keras "
                  "loss function (alone, inside a MeanMetricWrapper config, or in a compile config) writes module "
                  "'builtins', not 'keras.losses'", "call":
                  "keras.saving.serialize_keras_object(keras.losses.binary_focal_crossentropy)", "inputs": {},
                  "observed": {"result": keras.saving.serialize_keras_object(L.binary_focal_crossentropy)}})
    assert notes[-1]["observed"]["result"]["module"] == "builtins"
    mwo = keras.metrics.MeanMetricWrapper(L.binary_focal_crossentropy, name="f", gamma=3.0, apply_class_balancing=True)
    notes.append({"id": "focal-metric-config-key-order", "statement": "MeanMetricWrapper writes the function's "
                  "keyword arguments in the order they were given to it, not in the function's signature order",
                  "call": "keras.metrics.MeanMetricWrapper(keras.losses.binary_focal_crossentropy, name='f', "
                  "gamma=3.0, apply_class_balancing=True).get_config()", "inputs": {},
                  "observed": {"result": mwo.get_config()}})
    assert list(notes[-1]["observed"]["result"])[3:] == ["gamma", "apply_class_balancing"]
    mw = keras.metrics.MeanMetricWrapper(L.binary_focal_crossentropy, name="binary_focal_crossentropy", gamma=3.0)
    notes.append({"id": "focal-metric-config", "statement": "the focal metrics are MeanMetricWrapper(fn): get_config() "
                  "is {name, dtype, fn: {module: builtins, class_name: function, config: <fn name>, registered_name: "
                  "function}} plus the function's keyword arguments as extra keys", "call":
                  "keras.metrics.MeanMetricWrapper(keras.losses.binary_focal_crossentropy, "
                  "name='binary_focal_crossentropy', gamma=3.0).get_config()", "inputs": {},
                  "observed": {"result": mw.get_config()}})
    ytm = np.array([[1, 0], [0, 1], [1, 1]], dtype="float32")
    mm = M.BinaryCrossentropy()
    mm.update_state(ytm, yp2, sample_weight=np.array(2.0, dtype="float32"))
    note("metric-scalar-weight-counts-once", "a scalar sample_weight makes one update_state count as w, "
         "whatever the batch size", "keras.metrics.BinaryCrossentropy().update_state(y_true (3,2), y_pred, "
         "sample_weight=2.0); then count", {"y_true": ytm, "y_pred": yp2},
         lambda: mm.variables[1], lambda o: float(val(o)) == 2.0)
    return notes


# ---------------------------------------------------------------------------------------------------------

def render(cases):
    doc = dict(versions(), cases=cases)
    text = json.dumps(doc, separators=(",", ":"), allow_nan=False)
    # one case per line: readable diffs, still compact
    text = text.replace(',{"id":', ',\n{"id":').replace('"cases":[{"id":', '"cases":[\n{"id":')
    return text + "\n"


def render_notes(notes):
    doc = dict(versions(), notes=notes)
    text = json.dumps(doc, separators=(",", ":"), allow_nan=False)
    text = text.replace(',{"id":', ',\n{"id":').replace('"notes":[{"id":', '"notes":[\n{"id":')
    return text + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = ap.parse_args()
    tf.config.experimental.enable_op_determinism()
    gen_functions()
    gen_metrics()
    gen_losses()
    gen_keras_tests()
    asserted = check_keras_tests_agree()
    files = {os.path.join(GOLDEN_DIR, name): (render(cases), len(cases)) for name, cases in CASES.files.items()}
    grads = gradient_cases()
    files[GRADIENT_FILE] = (render(grads), len(grads))
    notes = gen_notes()
    files[os.path.join(GOLDEN_DIR, "family_notes.json")] = (render_notes(notes), len(notes))
    total = 0
    stale = []
    for path, (text, n) in sorted(files.items()):
        size = len(text.encode())
        total += size
        assert size < MAX_FILE_BYTES, f"{path} is {size} bytes; keep each file under {MAX_FILE_BYTES}"
        full = os.path.join(REPO_ROOT, path)
        if args.check:
            if not os.path.exists(full) or open(full, encoding="utf-8").read() != text:
                stale.append(path)
        else:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as fh:
                fh.write(text)
        print(f"{path}: {n} {'notes' if path.endswith('notes.json') else 'cases'}, {size} bytes")
    assert total < MAX_TOTAL_BYTES, f"{total} bytes in all; keep the family under {MAX_TOTAL_BYTES}"
    print(f"total: {total} bytes; {asserted} Keras test assertions agree with this Keras")
    if stale:
        print("differs from the committed data: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
