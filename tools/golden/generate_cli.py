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

Usage (Keras 3.15.1 + TensorFlow + numpy; see tools/golden/README.md for the environment):
    TF_CPP_MIN_LOG_LEVEL=3 V/bin/python tools/golden/generate_cli.py

Inputs come from a numpy generator with a fixed seed: reruns with the same Keras, TensorFlow and numpy write
byte-identical files.
"""

import io
import json
import os
import shutil
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
MAX_TOTAL_BYTES = 1_000_000

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
    return np.asfortranarray(a) if order == "F" else np.ascontiguousarray(a)


def native(a):
    """What Keras is given: the same values, native byte order, C order."""
    a = np.asarray(a)
    return np.ascontiguousarray(a.astype(a.dtype.newbyteorder("=")))


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


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(FILES)
    cases_dtypes()
    cases_npz()
    cases_shapes_and_options()
    cases_reductions()
    cases_config()
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    doc = {"generator": "tools/golden/generate_cli.py", "keras": keras.__version__, "backend": "tensorflow",
           "numpy": np.__version__, "cases": cases}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(OUT) for n in ns)
    assert total < MAX_TOTAL_BYTES, f"cli-golden is {total} bytes, over {MAX_TOTAL_BYTES}"
    print(f"{len(cases)} cases, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
