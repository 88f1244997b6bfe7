#!/usr/bin/env python3
"""Regenerates xent-cli/src/test/resources/cli-golden/: .npy/.npz inputs and what real Keras computes on them.

Each case is one `xent metric` or `xent loss` command line over files written here in every supported flavour
(dtypes float16/32/64, int8..64, uint8..64, bool; C and Fortran order; big-endian; .npz stored and deflated), with
the expected JSON (class_name, Keras's get_config(), result, and total/count for metrics) and, for
`--reduction none`, the expected per-element values. `CliGoldenTest` runs the command line on each case (with the
default chunking and with small chunks) and compares within 2e-5 relative. The default build never runs Python.

Where xent deliberately differs from Keras the expected value is Keras's on an equivalent input, noted in the
case's "note":
  - sparse with axis != -1 (Keras on TensorFlow refuses it): Keras with np.moveaxis(y_pred, axis, -1);
  - categorical with axis != -1, label smoothing and xent's --smooth-over-class-axis (Keras 3.15 smooths with
    shape[-1], fixed upstream): Keras with both arrays' class axis moved last;
  - metric over float16 predictions (Keras computes in float16): Keras with the predictions cast to float32;
  - integer or bool predictions (Keras refuses them in metrics): Keras with the predictions cast to float32.

Besides the two cross-entropies, the binary/focal/KL/Poisson/accuracy family (cases_family): every name as metric
and loss, ranks 1-3, file dtypes, weights, reductions, options, --config forms, and command lines xent must refuse
("error": expected exit code and a substring of the first stderr line). The focal metrics are Keras's
MeanMetricWrapper(keras.losses.<fn>, name=<fn>, **options).

Usage (Keras 3.15.1 + TensorFlow + numpy; see tools/golden/README.md for the environment):
    TF_CPP_MIN_LOG_LEVEL=3 V/bin/python tools/golden/generate_cli.py [--check]

--check regenerates into a temporary directory and exits 1 if any file differs from the committed ones.

Inputs come from a numpy generator with a fixed seed: reruns with the same Keras, TensorFlow and numpy write
byte-identical files.
"""

import argparse
import filecmp
import io
import json
import os
import shutil
import sys
import tempfile
import warnings
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402

warnings.simplefilter("ignore")

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO_ROOT, "xent-cli", "src", "test", "resources", "cli-golden")
FILES = os.path.join(OUT, "files")
MAX_TOTAL_BYTES = 1_800_000

assert keras.backend.backend() == "tensorflow", "the golden data must come from the TensorFlow backend"

SPARSE = "sparse_categorical_crossentropy"
CAT = "categorical_crossentropy"
CLASS = {SPARSE: "SparseCategoricalCrossentropy", CAT: "CategoricalCrossentropy"}

rng = np.random.default_rng(20261122)
cases = []


# ---------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------

def probabilities(shape, axis=-1):
    p = rng.uniform(0.01, 1.0, size=shape)
    return p / p.sum(axis=axis, keepdims=True)


def logits(shape):
    return rng.normal(scale=3.0, size=shape)


def labels(shape, classes):
    return rng.integers(0, classes, size=shape)


def one_hot(lab, classes, axis=-1):
    out = np.eye(classes)[lab]
    return np.moveaxis(out, -1, axis)


def flavour(a, dtype, order="C", endian="<"):
    """`a` as stored in the file: dtype, memory order, byte order."""
    a = np.asarray(a).astype(dtype)
    if endian == ">" and a.dtype.itemsize > 1:
        a = a.astype(a.dtype.newbyteorder(">"))
    if a.ndim == 0:
        return a  # np.ascontiguousarray would make it (1,)
    return np.asfortranarray(a) if order == "F" else np.ascontiguousarray(a)


def native(a):
    """What Keras is given: the same values, native byte order, C order."""
    a = np.asarray(a)
    a = a.astype(a.dtype.newbyteorder("="))
    return a if a.ndim == 0 else np.ascontiguousarray(a)


def save(case_id, role, a):
    name = f"{case_id}_{role}.npy"
    np.save(os.path.join(FILES, name), a)
    return "files/" + name


def save_npz(case_id, arrays, compressed):
    """As np.savez / np.savez_compressed write it, with a fixed zip timestamp so that reruns are byte-identical."""
    name = f"{case_id}.npz"
    with zipfile.ZipFile(os.path.join(FILES, name), "w") as z:
        for key, a in arrays.items():
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(a), allow_pickle=False)
            z.writestr(info, buf.getvalue())
    return {k: f"files/{name}:{k}" for k in arrays}


# ---------------------------------------------------------------------------------------------------------
# Keras
# ---------------------------------------------------------------------------------------------------------

def num(x):
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def keras_metric(name, kwargs, y_true, y_pred, weight):
    m = (keras.metrics.SparseCategoricalCrossentropy if name == SPARSE else keras.metrics.CategoricalCrossentropy)(
        **kwargs)
    m.update_state(y_true, y_pred, sample_weight=weight)
    total, count = (keras.ops.convert_to_numpy(v) for v in m.variables)
    return m.get_config(), num(keras.ops.convert_to_numpy(m.result())), num(total), num(count)


def keras_loss(name, kwargs, y_true, y_pred, weight):
    cls = keras.losses.SparseCategoricalCrossentropy if name == SPARSE else keras.losses.CategoricalCrossentropy
    loss = cls(**kwargs)
    out = keras.ops.convert_to_numpy(loss(y_true, y_pred, sample_weight=weight))
    return loss.get_config(), out


def add(case_id, command, name, y_true, y_pred, weight=None, *, kwargs=None, files=None, t_flavour=None,
        p_flavour=None, w_flavour=None, config_arg=None, omit_name=False, extra_args=(), note=None,
        chunk_invariant=True, move_class_axis=False):
    """One case: writes the files, runs Keras, records the command line and the expected output.

    kwargs are the Keras constructor arguments (also given to xent as options unless config_arg is set);
    *_flavour are (dtype, order, endian) for the files; files overrides the file specs (for .npz).
    """
    kwargs = dict(kwargs or {})
    t_flavour = t_flavour or (np.int64 if name == SPARSE else np.float32, "C", "<")
    p_flavour = p_flavour or (np.float32, "C", "<")
    w_flavour = w_flavour or (np.float32, "C", "<")
    t_file = flavour(y_true, *t_flavour)
    p_file = flavour(y_pred, *p_flavour)
    w_file = None if weight is None else flavour(weight, *w_flavour)
    specs = dict(files or {})
    if "y_true" not in specs:
        specs["y_true"] = save(case_id, "y_true", t_file)
    if "y_pred" not in specs:
        specs["y_pred"] = save(case_id, "y_pred", p_file)
    if w_file is not None and "sample_weight" not in specs:
        specs["sample_weight"] = save(case_id, "sample_weight", w_file)

    # What Keras is given.
    kt, kp = native(t_file), native(p_file)
    kw = None if w_file is None else native(w_file)
    notes = [note] if note else []
    if not np.issubdtype(kp.dtype, np.floating):
        kp = kp.astype(np.float32)
        notes.append("integer/bool predictions: Keras on float32 predictions")
    if command == "metric" and kp.dtype == np.float16:
        kp = kp.astype(np.float32)
        notes.append("metric over float16 predictions: Keras on float32 predictions")
    axis = kwargs.get("axis", -1)
    keras_kwargs = dict(kwargs)
    moved = False
    if axis not in (-1, kp.ndim - 1) and (name == SPARSE or move_class_axis):
        kp = np.moveaxis(kp, axis, -1)
        if name == CAT:
            kt = np.moveaxis(kt, axis, -1)
        keras_kwargs["axis"] = -1
        moved = True
        notes.append("axis %d: Keras with the class axis moved last" % axis)

    if command == "metric":
        config, result, total, count = keras_metric(name, keras_kwargs, kt, kp, kw)
        expected = {"class_name": CLASS[name], "config": config, "result": result, "total": total, "count": count}
        values = None
    else:
        config, out = keras_loss(name, keras_kwargs, kt, kp, kw)
        reduction = kwargs.get("reduction", "sum_over_batch_size")
        if reduction in (None, "none"):
            expected = {"class_name": CLASS[name], "config": config, "result": None}
            values = {"shape": list(out.shape), "data": [num(v) for v in out.reshape(-1)]}
        else:
            expected = {"class_name": CLASS[name], "config": config, "result": num(out)}
            values = None
    if moved or (command == "loss" and name == SPARSE and axis != -1):
        expected["config"]["axis"] = axis  # xent keeps the axis it was given

    args = [command]
    if not omit_name:
        args.append(name)
    args += ["--y-true", specs["y_true"], "--y-pred", specs["y_pred"]]
    if "sample_weight" in specs:
        args += ["--sample-weight", specs["sample_weight"]]
    if config_arg is not None:
        args += ["--config", config_arg]
    else:
        for k, v in kwargs.items():
            if k == "from_logits":
                args += ["--from-logits"] if v else []
            elif k == "reduction":
                args += ["--reduction", "none" if v is None else v]
            else:
                args += ["--" + k.replace("_", "-"), str(v)]
    args += list(extra_args)
    if values is not None:
        args += ["--output", "{output}"]
    case = {"id": case_id, "args": args, "chunk_invariant": chunk_invariant, "expected": expected}
    if values is not None:
        case["values"] = values
    if notes:
        case["note"] = "; ".join(notes)
    cases.append(case)


# ---------------------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------------------

INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64, np.bool_]
FLOAT_DTYPES = [np.float16, np.float32, np.float64]


def cases_dtypes():
    # Label files of every integer dtype (bool: labels 0/1), float labels, both orders and byte orders.
    for dt in INT_DTYPES + FLOAT_DTYPES:
        n = np.dtype(dt).name
        classes = 2 if dt == np.bool_ else 4
        for command in ("metric", "loss"):
            add(f"{command}_sparse_labels_{n}", command, SPARSE, labels((9,), classes), probabilities((9, classes)),
                t_flavour=(dt, "C", "<"))
    # Prediction files of every dtype; Fortran order and big-endian.
    for dt in FLOAT_DTYPES + [np.int32, np.uint8, np.bool_]:
        n = np.dtype(dt).name
        for command in ("metric", "loss"):
            pred = probabilities((8, 3)) if np.issubdtype(dt, np.floating) else rng.integers(0, 3, size=(8, 3)) + 1
            if dt == np.bool_:
                pred = rng.integers(0, 2, size=(8, 3)) | np.eye(3, dtype=np.int64)[rng.integers(0, 3, size=8)]
            add(f"{command}_sparse_pred_{n}", command, SPARSE, labels((8,), 3), pred, p_flavour=(dt, "C", "<"))
            add(f"{command}_cat_pred_{n}_fortran", command, CAT, one_hot(labels((8,), 3), 3), pred,
                p_flavour=(dt, "F", "<"))
    for command in ("metric", "loss"):
        add(f"{command}_sparse_bigendian", command, SPARSE, labels((7, 5), 4), probabilities((7, 5, 4)),
            labels((7, 5), 4) * 0 + rng.uniform(0, 2, size=(7, 5)),
            t_flavour=(np.int32, "C", ">"), p_flavour=(np.float64, "C", ">"), w_flavour=(np.float32, "F", ">"))
        add(f"{command}_cat_fortran_float64_targets", command, CAT, probabilities((6, 4, 5)),
            probabilities((6, 4, 5)), t_flavour=(np.float64, "F", "<"), p_flavour=(np.float32, "F", ">"))
    # Weight files of every dtype.
    for dt in [np.float16, np.float64, np.uint8, np.int32, np.bool_]:
        n = np.dtype(dt).name
        w = rng.integers(0, 2, size=10) if dt == np.bool_ else rng.integers(0, 4, size=10)
        if np.issubdtype(dt, np.floating):
            w = rng.uniform(0, 2, size=10)
        for command in ("metric", "loss"):
            add(f"{command}_sparse_weight_{n}", command, SPARSE, labels((10,), 3), logits((10, 3)), w,
                kwargs={"from_logits": True}, w_flavour=(dt, "C", "<"))


def cases_npz():
    for compressed in (False, True):
        kind = "deflated" if compressed else "stored"
        for command in ("metric", "loss"):
            cid = f"{command}_npz_{kind}"
            t, p, w = labels((12, 2), 5), probabilities((12, 2, 5)), rng.uniform(0, 1, size=(12, 1))
            specs = save_npz(cid, {"y_true": flavour(t, np.int64), "y_pred": flavour(p, np.float32),
                                   "w": flavour(w, np.float32)}, compressed)
            add(cid, command, SPARSE, t, p, w, files={"y_true": specs["y_true"], "y_pred": specs["y_pred"],
                                                     "sample_weight": specs["w"]})


def cases_shapes_and_options():
    for command in ("metric", "loss"):
        for logit in (False, True):
            tag = "logits" if logit else "probs"
            gen = logits if logit else probabilities
            kw = {"from_logits": True} if logit else {}
            # Sparse: ranks 2, 3, 4; labels with a trailing 1.
            add(f"{command}_sparse_r2_{tag}", command, SPARSE, labels((11,), 5), gen((11, 5)), kwargs=kw)
            add(f"{command}_sparse_r3_{tag}", command, SPARSE, labels((5, 6), 3), gen((5, 6, 3)), kwargs=kw)
            add(f"{command}_sparse_r4_{tag}", command, SPARSE, labels((3, 4, 2), 4), gen((3, 4, 2, 4)), kwargs=kw)
            add(f"{command}_sparse_trailing1_{tag}", command, SPARSE, labels((9, 1), 3), gen((9, 3)), kwargs=kw)
            # Sparse channels-first (axis 1), and axis -2 on rank 3.
            add(f"{command}_sparse_axis1_{tag}", command, SPARSE, labels((4, 3, 3), 3),
                gen((4, 3, 3, 3)) if logit else probabilities((4, 3, 3, 3), axis=1), kwargs={**kw, "axis": 1})
            add(f"{command}_sparse_axis-2_{tag}", command, SPARSE, labels((5, 2), 4),
                gen((5, 4, 2)) if logit else probabilities((5, 4, 2), axis=1), kwargs={**kw, "axis": -2})
            # Categorical: ranks 2, 3; axis 1; smoothing.
            add(f"{command}_cat_r2_{tag}", command, CAT, one_hot(labels((10,), 4), 4), gen((10, 4)), kwargs=kw)
            add(f"{command}_cat_r3_soft_{tag}", command, CAT, probabilities((4, 5, 3)), gen((4, 5, 3)), kwargs=kw)
            add(f"{command}_cat_axis1_{tag}", command, CAT, one_hot(labels((5, 2), 3), 3, axis=1),
                gen((5, 3, 2)) if logit else probabilities((5, 3, 2), axis=1), kwargs={**kw, "axis": 1})
            for ls in (0.1, 0.3):
                add(f"{command}_cat_smooth{ls}_{tag}", command, CAT, one_hot(labels((9,), 3), 3), gen((9, 3)),
                    kwargs={**kw, "label_smoothing": ls})
            t_ch, p_ch = one_hot(labels((5, 2), 3), 3, axis=1), gen((5, 3, 2)) if logit else probabilities(
                (5, 3, 2), axis=1)
            add(f"{command}_cat_axis1_smooth_{tag}", command, CAT, t_ch, p_ch,
                kwargs={**kw, "axis": 1, "label_smoothing": 0.2})
            add(f"{command}_cat_axis1_smooth_over_class_axis_{tag}", command, CAT, t_ch, p_ch,
                kwargs={**kw, "axis": 1, "label_smoothing": 0.2}, extra_args=["--smooth-over-class-axis"],
                move_class_axis=True)
            # ignore_class: -1 in int labels, 255 in uint8 labels (segmentation), with and without weights.
            lab = labels((10,), 3)
            lab[[1, 4, 5]] = -1
            add(f"{command}_sparse_ignore-1_{tag}", command, SPARSE, lab, gen((10, 3)),
                kwargs={**kw, "ignore_class": -1}, t_flavour=(np.int16, "C", "<"))
            seg = labels((3, 4, 4), 3)
            seg[0, 0, :] = 255
            seg[2, 1, 2] = 255
            add(f"{command}_sparse_ignore255_{tag}", command, SPARSE, seg, gen((3, 4, 4, 3)),
                kwargs={**kw, "ignore_class": 255}, t_flavour=(np.uint8, "C", "<"))
            add(f"{command}_sparse_ignore255_pixelw_{tag}", command, SPARSE, seg, gen((3, 4, 4, 3)),
                rng.uniform(0, 2, size=(3, 4, 4)), kwargs={**kw, "ignore_class": 255},
                t_flavour=(np.uint8, "C", "<"))
            add(f"{command}_sparse_ignore255_samplew_{tag}", command, SPARSE, seg, gen((3, 4, 4, 3)),
                rng.uniform(0, 2, size=(3, 1, 1)), kwargs={**kw, "ignore_class": 255},
                t_flavour=(np.uint8, "C", "<"))
        # dtype float64 (metric state / loss compute dtype), float64 predictions, names.
        add(f"{command}_sparse_dtype64", command, SPARSE, labels((7,), 3), probabilities((7, 3)),
            kwargs={"dtype": "float64", "name": "scce64"})
        add(f"{command}_cat_pred64", command, CAT, one_hot(labels((7,), 3), 3), probabilities((7, 3)),
            p_flavour=(np.float64, "C", "<"))
        # Weight shapes.
        t, p = labels((6, 5), 4), probabilities((6, 5, 4))
        # A loss broadcasts a (B,) weight against the last axis of (B, 5) values (an error): use (B, 1) there.
        per_sample = (6,) if command == "metric" else (6, 1)
        for wname, w in [("scalar", np.float32(0.7)), ("batch", rng.uniform(0, 2, size=per_sample)),
                         ("batch1", rng.uniform(0, 2, size=(6, 1))), ("element", rng.uniform(0, 2, size=(6, 5))),
                         ("zeros", np.zeros(per_sample)), ("negative", rng.uniform(-1, 1, size=per_sample)),
                         ("first1", rng.uniform(0, 2, size=(1, 5)))]:
            add(f"{command}_sparse_weight_{wname}", command, SPARSE, t, p, w,
                chunk_invariant=not (command == "metric" and wname == "scalar"))
        if command == "loss":
            # Without a batch axis: broadcast along the last axis (column weights), a weight of higher rank.
            add("loss_sparse_weight_columns", command, SPARSE, t, p, rng.uniform(0, 2, size=(5,)))
            add("loss_sparse_weight_columns_mwsw", command, SPARSE, t, p, rng.uniform(0, 2, size=(5,)),
                kwargs={"reduction": "mean_with_sample_weight"})
            add("loss_sparse_weight_scalar_mwsw", command, SPARSE, t, p, np.float32(1.5),
                kwargs={"reduction": "mean_with_sample_weight"})
            add("loss_sparse_weight_higher_rank", command, SPARSE, labels((6,), 4), probabilities((6, 4)),
                rng.uniform(0, 2, size=(3, 6)))


def cases_reductions():
    seg = labels((4, 3, 3), 3)
    seg[1, 0, 0] = -1
    for name in (SPARSE, CAT):
        for reduction in ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"):
            rtag = reduction
            for wtag, w in (("now", None), ("w", rng.uniform(0, 2, size=(4, 1, 1))),
                            ("pixelw", rng.uniform(0, 2, size=(4, 3, 3)))):
                kw = {"reduction": reduction, "from_logits": True}
                if name == SPARSE:
                    kw["ignore_class"] = -1
                    t = seg
                else:
                    t = one_hot(labels((4, 3, 3), 3), 3)
                    kw["label_smoothing"] = 0.1
                add(f"loss_{'sparse' if name == SPARSE else 'cat'}_reduction_{rtag}_{wtag}", "loss", name, t,
                    logits((4, 3, 3, 3)), w, kwargs=kw)


def cases_config():
    # --config: serialized objects (inline and @file), bare configs, options overriding config keys.
    t, p = labels((8,), 3), logits((8, 3))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2, reduction="sum")
    ser = json.dumps(keras.saving.serialize_keras_object(loss))
    add("config_loss_serialized_inline", "loss", SPARSE, t, p,
        kwargs={"from_logits": True, "ignore_class": 2, "reduction": "sum"}, config_arg=ser, omit_name=True)
    metric = keras.metrics.CategoricalCrossentropy(name="cce", from_logits=True, label_smoothing=0.2)
    path = os.path.join(FILES, "config_metric_serialized.json")
    with open(path, "w") as f:
        json.dump(keras.saving.serialize_keras_object(metric), f, indent=2)
    add("config_metric_serialized_file", "metric", CAT, one_hot(t, 3), p,
        kwargs={"name": "cce", "from_logits": True, "label_smoothing": 0.2},
        config_arg="@files/config_metric_serialized.json", omit_name=True)
    bare = keras.metrics.SparseCategoricalCrossentropy(from_logits=True).get_config()
    add("config_metric_bare_with_name", "metric", SPARSE, t, p, kwargs={"from_logits": True},
        config_arg=json.dumps(bare))
    # Options override the config: the config says probabilities and sum; the command line says logits and none.
    base = json.dumps(keras.saving.serialize_keras_object(keras.losses.SparseCategoricalCrossentropy(
        reduction="sum")))
    add("config_loss_overridden", "loss", SPARSE, t, p, kwargs={"from_logits": True, "reduction": "none"},
        config_arg=base, extra_args=["--from-logits", "--reduction", "none"])
    # A config with reduction null (Keras's None) means none.
    none_cfg = json.dumps(keras.saving.serialize_keras_object(keras.losses.CategoricalCrossentropy(reduction=None)))
    add("config_loss_reduction_null", "loss", CAT, one_hot(t, 3), probabilities((8, 3)), kwargs={"reduction": None},
        config_arg=none_cfg, omit_name=True)


# ---------------------------------------------------------------------------------------------------------
# The binary / focal / KL / Poisson / accuracy family
# ---------------------------------------------------------------------------------------------------------

BCE, BFCE, CFCE, KLD, POI = ("binary_crossentropy", "binary_focal_crossentropy", "categorical_focal_crossentropy",
                             "kl_divergence", "poisson")
BACC, CACC, SACC, TOPK, STOPK = ("binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                                 "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy")
FAMILY = (BCE, BFCE, CFCE, KLD, POI, BACC, CACC, SACC, TOPK, STOPK)
SHORT = {BCE: "bce", BFCE: "bfce", CFCE: "cfce", KLD: "kl", POI: "poisson", BACC: "bacc", CACC: "cacc",
         SACC: "sacc", TOPK: "topk", STOPK: "stopk"}
LOSS_CLASS = {BCE: "BinaryCrossentropy", BFCE: "BinaryFocalCrossentropy", CFCE: "CategoricalFocalCrossentropy",
              KLD: "KLDivergence", POI: "Poisson"}
METRIC_CLASS = {BCE: "BinaryCrossentropy", KLD: "KLDivergence", POI: "Poisson", BACC: "BinaryAccuracy",
                CACC: "CategoricalAccuracy", SACC: "SparseCategoricalAccuracy", TOPK: "TopKCategoricalAccuracy",
                STOPK: "SparseTopKCategoricalAccuracy"}
WRAPPED = (BFCE, CFCE)  # no metric class in Keras: MeanMetricWrapper(keras.losses.<fn>, name=<fn>)
BINARY = (BCE, BFCE, BACC)
ONE_HOT = (CFCE, CACC, TOPK)
LABELS = (SACC, STOPK)
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none")


def commands(name):
    return ("metric", "loss") if name in LOSS_CLASS else ("metric",)


def p01(shape):
    return rng.uniform(0.02, 0.98, size=shape)


def family_inputs(name, shape, logit=False, soft=False):
    """(y_true, y_pred) of `shape` (the predictions' shape) for the function `name`, class axis last."""
    if name in BINARY:
        t = rng.uniform(0, 1, size=shape) if soft else rng.integers(0, 2, size=shape)
        return t, logits(shape) if logit else p01(shape)
    if name in ONE_HOT:
        t = probabilities(shape) if soft else one_hot(labels(shape[:-1], shape[-1]), shape[-1])
        return t, logits(shape) if logit else probabilities(shape)
    if name in LABELS:
        return labels(shape[:-1], shape[-1]), logits(shape) if logit else probabilities(shape)
    if name == KLD:
        return probabilities(shape), probabilities(shape)
    assert name == POI
    return rng.poisson(2.0, size=shape), rng.uniform(0.1, 4.0, size=shape)


def values_shape(name, shape, axis=-1):
    """The shape of the function's per-element values for predictions of `shape`."""
    if name == BACC:
        return tuple(shape)
    return tuple(d for i, d in enumerate(shape) if i != axis % len(shape))


def weight_for(kind, command, vshape):
    """A sample weight of `kind` for per-element values of shape `vshape`."""
    if kind == "scalar":
        return np.float32(rng.uniform(0.2, 2.0))
    b = vshape[0]
    if kind == "sample":  # a loss broadcasts from the last axis: a per-sample weight of values (B, T) is (B, 1)
        shape = (b,) if command == "metric" or len(vshape) == 1 else (b,) + (1,) * (len(vshape) - 1)
    elif kind == "sample1":
        shape = (b, 1)
    elif kind == "element":
        shape = vshape
    else:
        raise ValueError(kind)
    return rng.uniform(0, 2, size=shape)


def keras_family_object(command, name, kwargs):
    if command == "loss":
        return getattr(keras.losses, LOSS_CLASS[name])(**kwargs), LOSS_CLASS[name]
    if name in WRAPPED:
        kw = {"name": name, **kwargs}
        return keras.metrics.MeanMetricWrapper(getattr(keras.losses, name), **kw), "MeanMetricWrapper"
    return getattr(keras.metrics, METRIC_CLASS[name])(**kwargs), METRIC_CLASS[name]


def option_args(kwargs):
    """The command-line options giving the Keras constructor arguments `kwargs`."""
    args = []
    for k, v in kwargs.items():
        flag = "--" + k.replace("_", "-")
        if k == "reduction":
            args += [flag, "none" if v is None else v]
        elif isinstance(v, bool):
            assert v, "a false boolean is the default: not given as an option"
            args += [flag]
        elif isinstance(v, (list, tuple)):
            args += [flag, ",".join(repr(float(x)) for x in v)]
        else:
            args += [flag, str(v)]
    return args


def add_family(case_id, command, name, y_true, y_pred, weight=None, *, kwargs=None, t_dtype=np.float32,
               p_dtype=np.float32, w_dtype=np.float32, p_order="C", p_endian="<", files=None, name_arg=None,
               config_arg=None, extra_args=(), note=None, chunk_invariant=True):
    """One case of the family: as add(), for any function of the family.

    kwargs are the Keras constructor arguments of the object Keras computes with; they are also the command-line
    options unless config_arg is given (then extra_args carries any options). name_arg is NAME on the command line
    (default: the function name; False: none, the class comes from --config).
    """
    kwargs = dict(kwargs or {})
    t_file = flavour(y_true, t_dtype)
    p_file = flavour(y_pred, p_dtype, p_order, p_endian)
    w_file = None if weight is None else flavour(weight, w_dtype)
    specs = dict(files or {})
    if "y_true" not in specs:
        specs["y_true"] = save(case_id, "y_true", t_file)
    if "y_pred" not in specs:
        specs["y_pred"] = save(case_id, "y_pred", p_file)
    if w_file is not None and "sample_weight" not in specs:
        specs["sample_weight"] = save(case_id, "sample_weight", w_file)

    kt, kp = native(t_file), native(p_file)
    kw = None if w_file is None else native(w_file)
    notes = [note] if note else []
    sorted_ids = name == STOPK and kwargs.get("from_sorted_ids")
    if not np.issubdtype(kp.dtype, np.floating) and not sorted_ids:
        kp = kp.astype(np.float32)
        notes.append("integer/bool predictions: Keras on float32 predictions")
    if command == "metric" and name in (TOPK, STOPK) and kp.dtype == np.float64:
        kp = kp.astype(np.float32)
        notes.append("TensorFlow's in_top_k refuses float64 scores: Keras on float32 predictions")

    obj, class_name = keras_family_object(command, name, kwargs)
    values = None
    if command == "metric":
        obj.update_state(kt, kp, sample_weight=kw)
        total, count = (keras.ops.convert_to_numpy(v) for v in obj.variables)
        expected = {"class_name": class_name, "config": obj.get_config(),
                    "result": num(keras.ops.convert_to_numpy(obj.result())), "total": num(total), "count": num(count)}
    else:
        out = keras.ops.convert_to_numpy(obj(kt, kp, sample_weight=kw))
        if kwargs.get("reduction", "sum_over_batch_size") in (None, "none"):
            expected = {"class_name": class_name, "config": obj.get_config(), "result": None}
            values = {"shape": list(out.shape), "data": [num(v) for v in out.reshape(-1)]}
        else:
            expected = {"class_name": class_name, "config": obj.get_config(), "result": num(out)}

    args = [command]
    if name_arg is not False:
        args.append(name_arg or name)
    args += ["--y-true", specs["y_true"], "--y-pred", specs["y_pred"]]
    if "sample_weight" in specs:
        args += ["--sample-weight", specs["sample_weight"]]
    if config_arg is not None:
        args += ["--config", config_arg]
    else:
        args += option_args(kwargs)
    args += list(extra_args)
    if values is not None:
        args += ["--output", "{output}"]
    case = {"id": case_id, "args": args, "chunk_invariant": chunk_invariant, "expected": expected}
    if values is not None:
        case["values"] = values
    if notes:
        case["note"] = "; ".join(notes)
    cases.append(case)


def add_error(case_id, command, name, y_true, y_pred, weight=None, *, options=(), exit_code, contains=None,
              contains_file=None, t_dtype=np.float32, p_dtype=np.float32, note=None, keras_raises=None):
    """A command line xent must refuse: exit code 2 (bad usage) or 1 (bad data), and a substring of the first
    stderr line (`contains`, or the base name of the file of role `contains_file`). keras_raises: a thunk that
    must raise, showing that Keras refuses the same thing."""
    if keras_raises is not None:
        try:
            keras_raises()
        except Exception:  # noqa: BLE001 - any Keras/TensorFlow refusal
            pass
        else:
            raise AssertionError(f"{case_id}: Keras accepts it")
    specs = {"y_true": save(case_id, "y_true", flavour(y_true, t_dtype)),
             "y_pred": save(case_id, "y_pred", flavour(y_pred, p_dtype))}
    if weight is not None:
        specs["sample_weight"] = save(case_id, "sample_weight", flavour(weight, np.float32))
    args = [command] + ([name] if name else []) + ["--y-true", specs["y_true"], "--y-pred", specs["y_pred"]]
    if weight is not None:
        args += ["--sample-weight", specs["sample_weight"]]
    args += list(options)
    if contains_file is not None:
        contains = os.path.basename(specs[contains_file])
    case = {"id": case_id, "args": args, "chunk_invariant": False,
            "error": {"exit_code": exit_code, "stderr_contains": contains}}
    if note:
        case["note"] = note
    cases.append(case)


def fam_ranks_and_dtypes():
    """Every name as metric and loss, ranks 1 to 3, target and prediction file dtypes."""
    spec = {
        BCE: [(1, np.int8, np.float32), (2, np.bool_, np.float64), (3, np.float32, np.float32),
              (2, np.uint8, np.float32), (3, np.float64, np.float64)],
        BFCE: [(1, np.int32, np.float32), (2, np.float32, np.float64), (3, np.bool_, np.float32),
               (2, np.int64, np.float32), (3, np.float64, np.float64)],
        BACC: [(1, np.int8, np.float32), (2, np.bool_, np.float64), (3, np.float32, np.float32),
               (2, np.int64, np.float32), (3, np.float64, np.float64)],
        CFCE: [(1, np.float32, np.float32), (2, np.int8, np.float64), (3, np.float64, np.float32),
               (2, np.float32, np.float32), (3, np.uint8, np.float64)],
        CACC: [(1, np.float32, np.float32), (2, np.int8, np.float64), (3, np.float64, np.float32),
               (2, np.float32, np.float32), (3, np.uint8, np.float64)],
        TOPK: [(2, np.int8, np.float64), (3, np.float64, np.float32), (2, np.float32, np.float32),
               (3, np.uint8, np.float32)],
        KLD: [(1, np.float32, np.float32), (2, np.float64, np.float32), (3, np.float32, np.float64),
              (2, np.float32, np.float64)],
        POI: [(1, np.int32, np.float32), (2, np.uint8, np.float64), (3, np.float32, np.float32),
              (2, np.int64, np.float32)],
        SACC: [(2, np.int64, np.float32), (2, np.uint8, np.float64), (3, np.int32, np.float32),
               (2, np.float32, np.float32), (3, np.int16, np.float64)],
        STOPK: [(2, np.int64, np.float32), (2, np.uint8, np.float64), (3, np.int32, np.float32),
                (2, np.float32, np.float32), (3, np.int16, np.float32)],
    }
    for name in FAMILY:
        classes = 7 if name in (TOPK, STOPK) else 4
        shapes = {1: (7,), 2: (9, classes), 3: (4, 3, classes + 1)}
        for command in commands(name):
            for i, (rank, t_dt, p_dt) in enumerate(spec[name]):
                soft = np.issubdtype(t_dt, np.floating) and name in (BCE, BFCE, CFCE)
                t, p = family_inputs(name, shapes[rank], soft=soft)
                if name in LABELS and i == 1:
                    t = t[:, None]  # labels (B, 1)
                tag = f"r{rank}_{np.dtype(t_dt).name}_{np.dtype(p_dt).name}"
                add_family(f"{command}_{SHORT[name]}_{tag}", command, name, t, p, t_dtype=t_dt, p_dtype=p_dt)


def fam_options():
    for command in ("metric", "loss"):
        # binary_crossentropy: logits, smoothing, axis (loss only: Keras's metric has none).
        t, p = family_inputs(BCE, (10, 3), logit=True)
        add_family(f"{command}_bce_logits", command, BCE, t, p, kwargs={"from_logits": True})
        t, p = family_inputs(BCE, (8, 4), soft=True)
        add_family(f"{command}_bce_smooth0.2", command, BCE, t, p, kwargs={"label_smoothing": 0.2})
        t, p = family_inputs(BCE, (4, 3, 5), logit=True)
        add_family(f"{command}_bce_logits_smooth0.1_r3", command, BCE, t, p,
                   kwargs={"from_logits": True, "label_smoothing": 0.1})
        t, p = family_inputs(BCE, (6,), logit=True)
        add_family(f"{command}_bce_logits_r1", command, BCE, t, p, kwargs={"from_logits": True})
        # binary focal: gamma, alpha with and without class balancing, logits, smoothing, axis 1.
        for gamma in (0.0, 0.5, 3.0):
            t, p = family_inputs(BFCE, (8, 3))
            add_family(f"{command}_bfce_gamma{gamma}", command, BFCE, t, p, kwargs={"gamma": gamma})
        t, p = family_inputs(BFCE, (8, 3))
        add_family(f"{command}_bfce_balanced", command, BFCE, t, p, kwargs={"apply_class_balancing": True})
        t, p = family_inputs(BFCE, (8, 3))
        add_family(f"{command}_bfce_balanced_alpha0.4", command, BFCE, t, p,
                   kwargs={"apply_class_balancing": True, "alpha": 0.4})
        t, p = family_inputs(BFCE, (8, 3))
        add_family(f"{command}_bfce_alpha0.4_unbalanced", command, BFCE, t, p, kwargs={"alpha": 0.4})
        t, p = family_inputs(BFCE, (8, 3), logit=True)
        add_family(f"{command}_bfce_logits", command, BFCE, t, p, kwargs={"from_logits": True})
        t, p = family_inputs(BFCE, (8, 3), soft=True)
        add_family(f"{command}_bfce_smooth0.1", command, BFCE, t, p, kwargs={"label_smoothing": 0.1})
        t, p = family_inputs(BFCE, (4, 3, 5), logit=True)
        add_family(f"{command}_bfce_all_options_r3", command, BFCE, t, p,
                   kwargs={"apply_class_balancing": True, "alpha": 0.7, "gamma": 1.0, "from_logits": True,
                           "label_smoothing": 0.05})
        t, p = family_inputs(BFCE, (6,), logit=True)
        add_family(f"{command}_bfce_logits_r1", command, BFCE, t, p, kwargs={"from_logits": True, "gamma": 1.5})
        # categorical focal: alpha lists, gamma, logits, smoothing.
        t, p = family_inputs(CFCE, (8, 4))
        add_family(f"{command}_cfce_alpha_list", command, CFCE, t, p, kwargs={"alpha": [0.1, 0.2, 0.3, 0.4]})
        t, p = family_inputs(CFCE, (4, 3, 5), logit=True)
        add_family(f"{command}_cfce_alpha_list_logits_r3", command, CFCE, t, p,
                   kwargs={"alpha": [0.5, 0.25, 0.125, 1.0, 2.0], "from_logits": True})
        t, p = family_inputs(CFCE, (5,))
        add_family(f"{command}_cfce_alpha_list_r1", command, CFCE, t, p, kwargs={"alpha": [0.1, 0.9, 0.3, 0.6, 1.0]})
        t, p = family_inputs(CFCE, (8, 4))
        add_family(f"{command}_cfce_alpha0.5", command, CFCE, t, p, kwargs={"alpha": 0.5})
        for gamma in (0.0, 1.0, 3.5):
            t, p = family_inputs(CFCE, (8, 4))
            add_family(f"{command}_cfce_gamma{gamma}", command, CFCE, t, p, kwargs={"gamma": gamma})
        t, p = family_inputs(CFCE, (8, 4), logit=True)
        add_family(f"{command}_cfce_logits", command, CFCE, t, p, kwargs={"from_logits": True})
        t, p = family_inputs(CFCE, (8, 4), soft=True)
        add_family(f"{command}_cfce_smooth0.2", command, CFCE, t, p, kwargs={"label_smoothing": 0.2})
        t, p = family_inputs(CFCE, (8, 3), logit=True)
        add_family(f"{command}_cfce_logits_smooth0.1_alpha_list", command, CFCE, t, p,
                   kwargs={"alpha": [0.2, 0.3, 0.5], "gamma": 1.5, "from_logits": True, "label_smoothing": 0.1})
        # axis 1 on rank 3 (channels first), for the functions that have an axis.
        for name in (BCE, BFCE, CFCE):
            if command == "metric" and name == BCE:
                continue  # Keras's BinaryCrossentropy metric has no axis: an error case below
            for logit in (False, True):
                shape = (4, 3, 5)
                if name == CFCE:
                    t = one_hot(labels((4, 5), 3), 3, axis=1)
                    p = logits(shape) if logit else probabilities(shape, axis=1)
                else:
                    t, p = family_inputs(name, shape, logit=logit)
                kw = {"axis": 1, **({"from_logits": True} if logit else {})}
                add_family(f"{command}_{SHORT[name]}_axis1{'_logits' if logit else ''}", command, name, t, p,
                           kwargs=kw)
        # Smoothing with axis 1: Keras 3.15 smooths categorical focal with shape[-1] (5 here, not 3).
        t = one_hot(labels((4, 5), 3), 3, axis=1)
        add_family(f"{command}_cfce_axis1_smooth0.2", command, CFCE, t, probabilities((4, 3, 5), axis=1),
                   kwargs={"axis": 1, "label_smoothing": 0.2},
                   note="Keras 3.15 smooths with shape[-1] (5) rather than the class axis's size (3)")
        t, p = family_inputs(BFCE, (4, 3, 5), soft=True)
        add_family(f"{command}_bfce_axis1_smooth0.2", command, BFCE, t, p, kwargs={"axis": 1, "label_smoothing": 0.2})
        if command == "loss":
            t, p = family_inputs(BCE, (4, 3, 5), soft=True)
            add_family("loss_bce_axis1_smooth0.2", command, BCE, t, p, kwargs={"axis": 1, "label_smoothing": 0.2})
            t, p = family_inputs(BCE, (6, 3), logit=True)
            add_family("loss_bce_axis0", command, BCE, t, p, kwargs={"axis": 0, "from_logits": True})
            t, p = family_inputs(BCE, (4, 3, 5))
            add_family("loss_bce_axis-2", command, BCE, t, p, kwargs={"axis": -2})
        # dtype float64 and names.
        for name in commands_having(command):
            shape = (6, 7) if name in (TOPK, STOPK) else (6, 4)
            t, p = family_inputs(name, shape)
            add_family(f"{command}_{SHORT[name]}_dtype64", command, name, t, p,
                       kwargs={"dtype": "float64", "name": "x64"}, p_dtype=np.float64)
    # Accuracies: thresholds (predictions exactly at them), ties, k, sorted ids.
    t = rng.integers(0, 2, size=(4, 5))
    p = p01((4, 5))
    p[0, :] = 0.7
    p[1, :2] = 0.5
    add_family("metric_bacc_threshold0.7_exact", "metric", BACC, t, p, kwargs={"threshold": 0.7},
               note="float32 predictions of exactly 0.7 are not above the float32 threshold 0.7")
    p = p01((4, 5))
    p[0, :] = 0.3
    add_family("metric_bacc_threshold0.3_exact_f64", "metric", BACC, t, p, kwargs={"threshold": 0.3},
               p_dtype=np.float64, note="float64 0.3 is below the float32 threshold 0.3 (0.30000001192...)")
    p = p01((4, 5))
    p[1, :] = 0.5
    add_family("metric_bacc_default_threshold_exact", "metric", BACC, t, p)
    add_family("metric_bacc_threshold0_logits", "metric", BACC, t, logits((4, 5)), kwargs={"threshold": 0.0})
    add_family("metric_bacc_threshold1", "metric", BACC, t, p01((4, 5)), kwargs={"threshold": 1.0})
    add_family("metric_bacc_soft_targets", "metric", BACC, rng.uniform(0.1, 0.9, size=(5, 3)), p01((5, 3)),
               note="soft labels never equal 0 or 1")
    add_family("metric_bacc_bool_pred", "metric", BACC, rng.integers(0, 2, size=(9, 2)),
               rng.integers(0, 2, size=(9, 2)), t_dtype=np.int32, p_dtype=np.bool_)
    add_family("metric_bacc_rank_fix", "metric", BACC, rng.integers(0, 2, size=(9,)), p01((9, 1)),
               note="BinaryAccuracy accepts y_true (B,) with y_pred (B, 1)")
    tie = np.array([[0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.0, 0.0], [0.1, 0.4, 0.4, 0.1], [0.0, 0.0, 0.5, 0.5],
                    [0.3, 0.2, 0.3, 0.2], [0.2, 0.3, 0.2, 0.3]])
    tl = np.array([1, 1, 2, 3, 2, 0])
    add_family("metric_cacc_ties", "metric", CACC, one_hot(tl, 4), tie, note="argmax ties: the first index wins")
    add_family("metric_cacc_logits", "metric", CACC, one_hot(labels((8,), 5), 5), logits((8, 5)))
    add_family("metric_cacc_target_ties", "metric", CACC, np.array([[0.5, 0.5, 0], [0, 0.5, 0.5], [0.2, 0.2, 0.6]]),
               np.array([[0.6, 0.3, 0.1], [0.1, 0.3, 0.6], [0.1, 0.2, 0.7]]),
               note="soft targets with tied maxima: argmax picks the first")
    add_family("metric_sacc_ties", "metric", SACC, tl, tie, note="argmax ties: the first index wins")
    add_family("metric_sacc_logits", "metric", SACC, labels((8,), 5), logits((8, 5)))
    for k in (1, 2, 3, 10):
        add_family(f"metric_topk_k{k}", "metric", TOPK, one_hot(labels((9,), 4), 4), probabilities((9, 4)),
                   kwargs={"k": k})
        add_family(f"metric_stopk_k{k}", "metric", STOPK, labels((9,), 4), probabilities((9, 4)), kwargs={"k": k})
    add_family("metric_topk_ties_k1", "metric", TOPK, one_hot(tl, 4), tie, kwargs={"k": 1},
               note="TensorFlow's in_top_k counts ties as hits")
    add_family("metric_topk_ties_k2", "metric", TOPK, one_hot(tl, 4), tie, kwargs={"k": 2},
               note="TensorFlow's in_top_k counts ties as hits")
    add_family("metric_stopk_ties_k1", "metric", STOPK, tl, tie, kwargs={"k": 1},
               note="TensorFlow's in_top_k counts ties as hits")
    add_family("metric_topk_r3_k2_logits", "metric", TOPK, one_hot(labels((3, 4), 6), 6), logits((3, 4, 6)),
               kwargs={"k": 2})
    add_family("metric_stopk_r3_k3_logits", "metric", STOPK, labels((3, 4), 6), logits((3, 4, 6)), kwargs={"k": 3})
    ids = np.stack([rng.permutation(10)[:4] for _ in range(9)])
    lab = np.where(rng.uniform(size=9) < 0.6, ids[np.arange(9), rng.integers(0, 4, size=9)], rng.integers(0, 10, 9))
    for k in (1, 2, 5):
        add_family(f"metric_stopk_sorted_ids_k{k}", "metric", STOPK, lab, ids, kwargs={"k": k, "from_sorted_ids": True},
                   t_dtype=np.int64, p_dtype=np.int32)
    ids3 = np.stack([rng.permutation(6)[:3] for _ in range(8)]).reshape(2, 4, 3)
    add_family("metric_stopk_sorted_ids_r3", "metric", STOPK, labels((2, 4), 6), ids3,
               kwargs={"k": 2, "from_sorted_ids": True}, t_dtype=np.int32, p_dtype=np.int64)
    # KL and Poisson edges: one-hot targets (zeros clipped), predictions of exactly 0.
    add_family("metric_kl_one_hot_targets", "metric", KLD, one_hot(labels((6,), 3), 3), probabilities((6, 3)))
    add_family("loss_kl_one_hot_targets", "loss", KLD, one_hot(labels((6,), 3), 3), probabilities((6, 3)))
    pz = rng.uniform(0.1, 3.0, size=(6, 3))
    pz[0, 0] = pz[2, 1] = 0
    for command in ("metric", "loss"):
        add_family(f"{command}_poisson_zero_pred", command, POI, rng.poisson(1.5, size=(6, 3)), pz,
                   t_dtype=np.int32)
    add_family("metric_poisson_uint8_pred", "metric", POI, rng.poisson(2.0, size=(6, 3)),
               rng.integers(1, 5, size=(6, 3)), p_dtype=np.uint8)
    # Rank fix: a loss takes y_true (B,) with y_pred (B, 1).
    add_family("loss_bce_rank_fix", "loss", BCE, rng.integers(0, 2, size=(7,)), p01((7, 1)))
    # Big-endian Fortran predictions and an .npz.
    t, p = family_inputs(BFCE, (5, 4))
    add_family("loss_bfce_bigendian_fortran", "loss", BFCE, t, p, p_dtype=np.float64, p_order="F", p_endian=">")
    t, p, w = probabilities((8, 2, 3)), probabilities((8, 2, 3)), rng.uniform(0, 2, size=(8,))
    specs = save_npz("metric_kl_npz", {"t": flavour(t, np.float32), "p": flavour(p, np.float32),
                                       "w": flavour(w, np.float64)}, True)
    add_family("metric_kl_npz", "metric", KLD, t, p, w, w_dtype=np.float64,
               files={"y_true": specs["t"], "y_pred": specs["p"], "sample_weight": specs["w"]})


def commands_having(command):
    return [n for n in FAMILY if command == "metric" or n in LOSS_CLASS]


def fam_class_names():
    for command in ("metric", "loss"):
        for name in FAMILY:
            cls = METRIC_CLASS.get(name) if command == "metric" else LOSS_CLASS.get(name)
            if cls is None:
                continue
            shape = (6, 7) if name in (TOPK, STOPK) else (6, 3)
            t, p = family_inputs(name, shape)
            add_family(f"{command}_{SHORT[name]}_class_name", command, name, t, p, name_arg=cls)


def fam_metric_weights():
    """Every metric with per-sample, (B, 1), per-element and scalar weights (scalar: once per update_state, so
    the result depends on the chunking), and zero/negative weights."""
    for name in FAMILY:
        classes = 6 if name in (TOPK, STOPK) else 3
        shape = (6, 4, classes)
        vshape = values_shape(name, shape)
        for kind in ("sample", "sample1", "element", "scalar"):
            t, p = family_inputs(name, shape, logit=name in (SACC, CACC))
            w = weight_for(kind, "metric", vshape)
            add_family(f"metric_{SHORT[name]}_weight_{kind}", "metric", name, t, p, w,
                       w_dtype=np.float64 if kind == "element" else np.float32, chunk_invariant=kind != "scalar")
        t, p = family_inputs(name, (8, classes))
        w = rng.uniform(-1, 2, size=(8,))
        w[:3] = 0
        add_family(f"metric_{SHORT[name]}_weight_zero_negative", "metric", name, t, p, w)
        if name in (BCE, KLD, POI, BFCE, CFCE):
            # Rank 1: one value per update_state; a scalar weight is all that fits it.
            t, p = family_inputs(name, (7,))
            add_family(f"metric_{SHORT[name]}_r1_weight_scalar", "metric", name, t, p, np.float32(0.6),
                       chunk_invariant=False)
        if name == BACC:
            t, p = family_inputs(name, (7,))
            add_family("metric_bacc_r1_weight_sample", "metric", name, t, p, rng.uniform(0, 2, size=(7,)),
                       w_dtype=np.uint8)


def fam_loss_reductions():
    """Every loss x every reduction x weights none, per sample, per element, scalar; rank 1 with weights."""
    for name in LOSS_CLASS:
        shape = (4, 3, 5)
        vshape = values_shape(name, shape)
        logit = name in (BCE, BFCE, CFCE)
        for reduction in REDUCTIONS:
            for kind in (None, "sample", "element", "scalar"):
                t, p = family_inputs(name, shape, logit=logit)
                w = None if kind is None else weight_for(kind, "loss", vshape)
                kw = {"reduction": reduction, **({"from_logits": True} if logit else {})}
                add_family(f"loss_{SHORT[name]}_reduction_{reduction}_{kind or 'now'}", "loss", name, t, p, w,
                           kwargs=kw)
        # Rank 1: the value is a scalar; (B,) weights broadcast it (reduction none gives shape (B,)).
        for reduction in REDUCTIONS:
            for kind in (None, "sample") if reduction in ("none", "sum", "mean_with_sample_weight") else ("sample",):
                t, p = family_inputs(name, (6,))
                w = None if kind is None else rng.uniform(0, 2, size=(6,))
                add_family(f"loss_{SHORT[name]}_r1_reduction_{reduction}_{kind or 'now'}", "loss", name, t, p, w,
                           kwargs={"reduction": reduction})
        t, p = family_inputs(name, (6, 3))
        add_family(f"loss_{SHORT[name]}_weight_higher_rank", "loss", name, t, p, rng.uniform(0, 2, size=(2, 6)),
                   note="a weight of higher rank than the values broadcasts them")
        t, p = family_inputs(name, (6, 3))
        add_family(f"loss_{SHORT[name]}_r2_weight_sample", "loss", name, t, p, rng.uniform(0, 2, size=(6,)),
                   kwargs={"reduction": "mean_with_sample_weight"})


def fam_config():
    """--config: Keras 3 serialized objects (inline and @file), bare get_config() dicts, a loss function by name,
    tf.keras 2 configs, the focal metric's MeanMetricWrapper, options over config keys."""

    def serialized(obj):
        return keras.saving.serialize_keras_object(obj)

    def same(a, b):
        assert json.dumps(a.get_config()) == json.dumps(b.get_config()), (a.get_config(), b.get_config())

    def write(name, doc):
        with open(os.path.join(FILES, name), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        return "@files/" + name

    # Keras 3 serialize_keras_object of each kind of object.
    objs = [
        ("loss", BCE, {"from_logits": True, "axis": 1, "reduction": "sum"}, (4, 3, 2), True),
        ("loss", BFCE, {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "reduction": "mean"}, (6, 3),
         False),
        ("loss", CFCE, {"alpha": [0.2, 0.3, 0.5], "gamma": 2.5, "from_logits": True, "label_smoothing": 0.1},
         (6, 3), True),
        ("loss", KLD, {"reduction": "sum", "name": "kl"}, (5, 3), False),
        ("loss", POI, {"reduction": "none"}, (5, 3), False),
        ("metric", BCE, {"from_logits": True, "label_smoothing": 0.1, "name": "bce"}, (6, 2), True),
        ("metric", KLD, {"dtype": "float64"}, (5, 3), False),
        ("metric", POI, {"name": "p"}, (5, 3), False),
        ("metric", BACC, {"threshold": 0.3}, (6, 2), False),
        ("metric", CACC, {"name": "acc"}, (6, 3), False),
        ("metric", SACC, {}, (6, 3), False),
        ("metric", TOPK, {"k": 2}, (6, 4), False),
        ("metric", STOPK, {"k": 2, "name": "top2"}, (6, 4), False),
        ("metric", BFCE, {"gamma": 3.0, "apply_class_balancing": True, "from_logits": True}, (6, 2), True),
        ("metric", CFCE, {"alpha": [0.1, 0.2, 0.7], "gamma": 1.0}, (6, 3), False),
    ]
    for i, (command, name, kw, shape, logit) in enumerate(objs):
        obj, _ = keras_family_object(command, name, kw)
        ser = serialized(obj)
        same(obj, keras.saving.deserialize_keras_object(ser))
        t, p = family_inputs(name, shape, logit=logit)
        cid = f"config_{command}_{SHORT[name]}_serialized"
        arg = write(cid + ".json", ser) if i % 3 == 2 else json.dumps(ser)
        add_family(cid + ("_file" if i % 3 == 2 else "_inline"), command, name, t, p, kwargs=kw, config_arg=arg,
                   name_arg=False)
    # The same with NAME given too (the class name).
    t, p = family_inputs(BFCE, (6, 3))
    kw = {"gamma": 0.5, "from_logits": False}
    obj = keras.losses.BinaryFocalCrossentropy(**kw)
    add_family("config_loss_bfce_serialized_with_name", "loss", BFCE, t, p, kwargs=kw,
               config_arg=json.dumps(serialized(obj)), name_arg="BinaryFocalCrossentropy")
    # Bare get_config() dicts, NAME required.
    for command, name, kw, shape in [("loss", BCE, {"label_smoothing": 0.3, "reduction": "sum"}, (6, 3)),
                                     ("loss", POI, {"reduction": "mean_with_sample_weight"}, (6, 3)),
                                     ("loss", CFCE, {"alpha": [0.5, 0.25, 0.25], "axis": -1}, (6, 3)),
                                     ("metric", TOPK, {"k": 3}, (6, 5)),
                                     ("metric", STOPK, {"k": 1, "from_sorted_ids": True}, None),
                                     ("metric", BACC, {"threshold": 0.6, "name": "b"}, (6, 2)),
                                     ("metric", BFCE, {"alpha": 0.4, "apply_class_balancing": True}, (6, 2))]:
        obj, _ = keras_family_object(command, name, kw)
        cfg = obj.get_config()
        cid = f"config_{command}_{SHORT[name]}_bare"
        if shape is None:
            lab = rng.integers(0, 5, size=(6,))
            ids = np.stack([rng.permutation(5)[:3] for _ in range(6)])
            add_family(cid, command, name, lab, ids, kwargs=kw, config_arg=json.dumps(cfg), t_dtype=np.int64,
                       p_dtype=np.int64)
        else:
            t, p = family_inputs(name, shape)
            w = rng.uniform(0, 2, size=(shape[0],)) if name == POI else None
            add_family(cid, command, name, t, p, w, kwargs=kw, config_arg=json.dumps(cfg))
    # A loss function by name, as compile(loss=keras.losses.binary_crossentropy) serializes it: the class with
    # Keras's defaults (the function's values, reduced as sum_over_batch_size).
    for name in (BCE, BFCE, CFCE, KLD, POI):
        fn_form = serialized(getattr(keras.losses, name))
        assert fn_form == {"module": "builtins", "class_name": "function", "config": name,
                           "registered_name": "function"}, fn_form
        t, p = family_inputs(name, (6, 3))
        add_family(f"config_loss_{SHORT[name]}_function", "loss", name, t, p, config_arg=json.dumps(fn_form),
                   name_arg=False, note="the function by name: the loss class with Keras's defaults")
    # The focal function by name as a metric: compile(metrics=[keras.losses.binary_focal_crossentropy]) makes
    # MeanMetricWrapper(fn, name=fn).
    for name in (BFCE, CFCE):
        t, p = family_inputs(name, (6, 3))
        add_family(f"config_metric_{SHORT[name]}_function", "metric", name, t, p,
                   config_arg=json.dumps(serialized(getattr(keras.losses, name))), name_arg=False,
                   note="the function by name: MeanMetricWrapper(fn, name=fn), as compile(metrics=[fn]) makes it")
    # The focal metric's wrapper config with an argument at its default value: Keras keeps it in get_config().
    mw = keras.metrics.MeanMetricWrapper(keras.losses.binary_focal_crossentropy, name="f", gamma=2.0, alpha=0.25)
    same(mw, keras.metrics.MeanMetricWrapper.from_config(mw.get_config()))
    t, p = family_inputs(BFCE, (6, 2))
    add_family("config_metric_bfce_wrapper_default_values", "metric", BFCE, t, p,
               kwargs={"name": "f", "gamma": 2.0, "alpha": 0.25}, config_arg=json.dumps(serialized(mw)),
               name_arg=False, note="a MeanMetricWrapper keeps the arguments it was given, defaults included")
    # tf.keras 2 configs: {"class_name", "config"} with reduction "auto" (read as sum_over_batch_size).
    tk2 = [("BinaryCrossentropy", BCE, {"reduction": "auto", "name": "binary_crossentropy", "from_logits": True,
                                        "label_smoothing": 0.0, "axis": -1}, True),
           ("BinaryFocalCrossentropy", BFCE, {"reduction": "auto", "name": "binary_focal_crossentropy",
                                              "apply_class_balancing": False, "alpha": 0.25, "gamma": 2.0,
                                              "from_logits": False, "label_smoothing": 0.0, "axis": -1}, False),
           ("CategoricalFocalCrossentropy", CFCE, {"reduction": "auto", "name": "categorical_focal_crossentropy",
                                                   "alpha": 0.25, "gamma": 2.0, "from_logits": False,
                                                   "label_smoothing": 0.0, "axis": -1}, False),
           ("KLDivergence", KLD, {"reduction": "auto", "name": "kl_divergence"}, False),
           ("Poisson", POI, {"reduction": "sum", "name": "poisson"}, False)]
    for cls, name, cfg, logit in tk2:
        kw = {k: v for k, v in cfg.items() if k != "reduction"}
        if cfg["reduction"] != "auto":
            kw["reduction"] = cfg["reduction"]
        t, p = family_inputs(name, (6, 3), logit=logit)
        add_family(f"config_loss_{SHORT[name]}_tfkeras2", "loss", name, t, p, kwargs=kw,
                   config_arg=json.dumps({"class_name": cls, "config": cfg}), name_arg=False,
                   note="tf.keras 2 config; reduction \"auto\" is sum_over_batch_size (Keras 3 refuses \"auto\")"
                   if cfg["reduction"] == "auto" else "tf.keras 2 config")
    tk2m = {"class_name": "BinaryAccuracy", "config": {"name": "binary_accuracy", "dtype": "float32",
                                                        "threshold": 0.5}}
    t, p = family_inputs(BACC, (6, 2))
    add_family("config_metric_bacc_tfkeras2", "metric", BACC, t, p, kwargs={"threshold": 0.5},
               config_arg=json.dumps(tk2m), name_arg=False)
    # Options over config keys.
    base = serialized(keras.losses.BinaryFocalCrossentropy(gamma=3.0, reduction="sum"))
    t, p = family_inputs(BFCE, (6, 3), logit=True)
    add_family("config_loss_bfce_overridden", "loss", BFCE, t, p,
               kwargs={"gamma": 1.0, "reduction": "none", "from_logits": True}, config_arg=json.dumps(base),
               extra_args=["--gamma", "1.0", "--reduction", "none", "--from-logits"])
    base = keras.metrics.BinaryAccuracy(threshold=0.3).get_config()
    t, p = family_inputs(BACC, (6, 2))
    add_family("config_metric_bacc_overridden", "metric", BACC, t, p, kwargs={"threshold": 0.6},
               config_arg=json.dumps(base), extra_args=["--threshold", "0.6"])
    base = serialized(keras.losses.CategoricalFocalCrossentropy(alpha=0.5))
    t, p = family_inputs(CFCE, (6, 3))
    add_family("config_loss_cfce_alpha_overridden_by_list", "loss", CFCE, t, p, kwargs={"alpha": [0.1, 0.3, 0.6]},
               config_arg=json.dumps(base), extra_args=["--alpha", "0.1,0.3,0.6"])
    base = serialized(keras.metrics.TopKCategoricalAccuracy(k=1))
    t, p = family_inputs(TOPK, (6, 5))
    add_family("config_metric_topk_k_overridden", "metric", TOPK, t, p, kwargs={"k": 3},
               config_arg=json.dumps(base), extra_args=["--k", "3"], name_arg=False)


def fam_errors():
    """Usage errors (exit 2: an option the class lacks, no loss class) and data errors (exit 1: shapes)."""
    t, p = family_inputs(BCE, (6, 3))
    usage = [
        ("metric", BCE, ["--axis", "1"], "--axis"),
        ("metric", "BinaryCrossentropy", ["--axis", "-1"], "--axis"),
        ("metric", KLD, ["--from-logits"], "--from-logits"),
        ("loss", POI, ["--label-smoothing", "0.1"], "--label-smoothing"),
        ("loss", KLD, ["--axis", "1"], "--axis"),
        ("metric", BACC, ["--k", "2"], "--k"),
        ("metric", BACC, ["--from-logits"], "--from-logits"),
        ("metric", CACC, ["--threshold", "0.5"], "--threshold"),
        ("metric", TOPK, ["--from-sorted-ids"], "--from-sorted-ids"),
        ("metric", SACC, ["--k", "1"], "--k"),
        ("metric", STOPK, ["--ignore-class", "1"], "--ignore-class"),
        ("loss", BCE, ["--gamma", "1.0"], "--gamma"),
        ("loss", BCE, ["--alpha", "0.5"], "--alpha"),
        ("loss", BCE, ["--threshold", "0.5"], "--threshold"),
        ("metric", BCE, ["--apply-class-balancing"], "--apply-class-balancing"),
        ("loss", CFCE, ["--apply-class-balancing"], "--apply-class-balancing"),
        ("metric", BFCE, ["--threshold", "0.5"], "--threshold"),
        ("metric", CFCE, ["--k", "2"], "--k"),
        ("metric", BFCE, ["--reduction", "sum"], "--reduction"),
        ("loss", BACC, [], BACC),
        ("loss", "CategoricalAccuracy", [], "CategoricalAccuracy"),
        ("loss", TOPK, [], TOPK),
        ("loss", STOPK, ["--k", "2"], STOPK),
        ("loss", SACC, [], SACC),
        ("loss", BFCE, ["--reduction", "none"], "--output"),
    ]
    for i, (command, name, options, contains) in enumerate(usage):
        flag = options[0].lstrip("-") if options else "no_loss"
        add_error(f"error_{command}_{SHORT.get(name, name)}_{flag}", command, name, t, p, options=options,
                  exit_code=2, contains=contains)
    # Data errors: shapes that do not fit, as Keras refuses them too.
    t, p = rng.integers(0, 2, size=(4, 3)), p01((4, 5))
    add_error("error_metric_bce_shape", "metric", BCE, t, p, exit_code=1, contains_file="y_pred",
              keras_raises=lambda: keras.metrics.BinaryCrossentropy().update_state(t, p))
    t, p = probabilities((5, 3)), probabilities((6, 3))
    add_error("error_loss_kl_rows", "loss", KLD, t, p, exit_code=1, contains_file="y_pred",
              keras_raises=lambda: keras.losses.KLDivergence()(t, p))
    t, p = labels((5,), 3), probabilities((4, 3))
    add_error("error_metric_sacc_rows", "metric", SACC, t, p, exit_code=1, contains_file="y_pred", t_dtype=np.int64,
              keras_raises=lambda: keras.metrics.SparseCategoricalAccuracy().update_state(t, p))
    t, p, w = rng.integers(0, 2, size=(6, 4)), p01((6, 4)), rng.uniform(0, 1, size=(5,))
    add_error("error_loss_bfce_weight", "loss", BFCE, t, p, w, exit_code=1, contains_file="sample_weight",
              keras_raises=lambda: keras.losses.BinaryFocalCrossentropy()(t, p, sample_weight=w))
    t, p, w = rng.integers(0, 2, size=(6,)).astype(np.float32), p01((6,)), rng.uniform(0, 1, size=(6,))
    add_error("error_metric_bce_r1_weight_sample", "metric", BCE, t, p, w, exit_code=1, contains_file="sample_weight",
              keras_raises=lambda: keras.metrics.BinaryCrossentropy().update_state(t, p, sample_weight=w),
              note="rank 1: one value per update_state, which a (B,) weight does not fit (Keras: BroadcastTo)")
    t, p = rng.integers(0, 2, size=(7,)).astype(np.float32), p01((7, 1)).astype(np.float32)
    add_error("error_metric_bce_rank_mismatch", "metric", BCE, t, p, exit_code=1, contains_file="y_pred",
              keras_raises=lambda: keras.metrics.BinaryCrossentropy().update_state(t, p),
              note="the metric does not rank-fix y_true (B,) against y_pred (B, 1) (the loss does)")


def cases_family():
    fam_ranks_and_dtypes()
    fam_options()
    fam_class_names()
    fam_metric_weights()
    fam_loss_reductions()
    fam_config()
    fam_errors()


def main():
    global OUT, FILES
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temporary directory and exit 1 if it differs from the committed files")
    args = ap.parse_args()
    committed = OUT
    if args.check:
        OUT = tempfile.mkdtemp(prefix="cli-golden-check-")
        FILES = os.path.join(OUT, "files")
    elif os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(FILES)
    try:
        return generate(committed if args.check else None)
    finally:
        if args.check:
            shutil.rmtree(OUT)


def generate(compare_with):
    cases_dtypes()
    cases_npz()
    cases_shapes_and_options()
    cases_reductions()
    cases_config()
    old_cases, old_bytes = len(cases), dir_bytes(OUT)
    cases_family()
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    doc = {"generator": "tools/golden/generate_cli.py", "keras": keras.__version__, "backend": "tensorflow",
           "numpy": np.__version__, "cases": cases}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(OUT) for n in ns)
    assert total < MAX_TOTAL_BYTES, f"cli-golden is {total} bytes, over {MAX_TOTAL_BYTES}"
    print(f"{len(cases)} cases ({len(cases) - old_cases} of the binary/focal/KL/Poisson/accuracy family), {total}"
          f" bytes ({dir_bytes(OUT) - old_bytes - (os.path.getsize(os.path.join(OUT, 'cases.json')))} bytes of family"
          f" input files, cases.json {os.path.getsize(os.path.join(OUT, 'cases.json'))})")
    if compare_with is None:
        print(f"written to {OUT}")
        return 0
    differ = sorted(set(walk(OUT)) ^ set(walk(compare_with)))
    differ += sorted(f for f in set(walk(OUT)) & set(walk(compare_with))
                     if not filecmp.cmp(os.path.join(OUT, f), os.path.join(compare_with, f), shallow=False))
    if differ:
        print(f"{len(differ)} files differ from {compare_with}: " + ", ".join(differ[:20]), file=sys.stderr)
        return 1
    print(f"identical to {compare_with}")
    return 0


def dir_bytes(root):
    return sum(os.path.getsize(os.path.join(root, f)) for f in walk(root))


def walk(root):
    return [os.path.relpath(os.path.join(d, n), root) for d, _, ns in os.walk(root) for n in ns]


if __name__ == "__main__":
    sys.exit(main())
