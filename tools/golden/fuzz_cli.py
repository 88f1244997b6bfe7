#!/usr/bin/env python3
"""Random differential checks of `./xent metric|loss` against real Keras, case by case, on fresh random inputs.

Not a test of the build (generate_cli.py writes the committed golden cases the tests replay): a tool for finding
what those fixed cases miss. Each case picks a catalogue function, metric or loss, a rank (1-3) and shape, the
arrays' file dtype (float32/float64; labels int32/int64), options (from_logits, label_smoothing, alpha, gamma,
apply_class_balancing, threshold, k, ignore_class, reduction, dtype; axis 1 or -2 on rank-3 binary and categorical
losses), a sample weight, a batch size, the function or class name, and whether the options go on the command line
or in --config (inline or @FILE); computes Keras 3 (TensorFlow) on the arrays and runs ./xent on the same files,
then compares the result (or, for --reduction none, the --output array) within --rtol.

Usage (the environment of tools/golden/README.md):
    TF_CPP_MIN_LOG_LEVEL=3 V/bin/python tools/golden/fuzz_cli.py [--cases N] [--seed S] [--keep DIR]

Prints one line per case that differs (with the command line to replay it) and a summary; exits 1 if any differs.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402

warnings.simplefilter("ignore")

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
XENT = os.path.join(REPO_ROOT, "xent")

# name: (metric class or None for a MeanMetricWrapper of the function, loss class or None, target kind, options)
FUNCTIONS = {
    "sparse_categorical_crossentropy": ("SparseCategoricalCrossentropy", "SparseCategoricalCrossentropy", "labels",
                                        ["from_logits", "ignore_class"]),
    "categorical_crossentropy": ("CategoricalCrossentropy", "CategoricalCrossentropy", "onehot",
                                 ["from_logits", "label_smoothing"]),
    "binary_crossentropy": ("BinaryCrossentropy", "BinaryCrossentropy", "binary",
                            ["from_logits", "label_smoothing"]),
    "binary_focal_crossentropy": (None, "BinaryFocalCrossentropy", "binary",
                                  ["from_logits", "label_smoothing", "alpha", "gamma", "apply_class_balancing"]),
    "categorical_focal_crossentropy": (None, "CategoricalFocalCrossentropy", "onehot",
                                       ["from_logits", "label_smoothing", "alpha", "gamma"]),
    "kl_divergence": ("KLDivergence", "KLDivergence", "distribution", []),
    "poisson": ("Poisson", "Poisson", "counts", []),
    "binary_accuracy": ("BinaryAccuracy", None, "binary", ["threshold"]),
    "categorical_accuracy": ("CategoricalAccuracy", None, "onehot", []),
    "sparse_categorical_accuracy": ("SparseCategoricalAccuracy", None, "labels", []),
    "top_k_categorical_accuracy": ("TopKCategoricalAccuracy", None, "onehot", ["k"]),
    "sparse_top_k_categorical_accuracy": ("SparseTopKCategoricalAccuracy", None, "labels", ["k"]),
}
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]


def arrays(rng, kind, shape, logits):
    classes = shape[-1]
    if kind == "labels":
        y_true = rng.integers(0, classes, size=shape[:-1] if len(shape) > 1 else shape)
    elif kind == "onehot":
        y_true = np.eye(classes)[rng.integers(0, classes, size=shape[:-1])] if len(shape) > 1 else \
            (rng.random(shape) < 0.3).astype(np.float64)
    elif kind == "binary":
        y_true = rng.integers(0, 2, size=shape).astype(np.float64)
        if rng.random() < 0.3:
            y_true = rng.random(shape)
    elif kind == "counts":
        y_true = rng.poisson(2.0, size=shape).astype(np.float64)
    else:
        y_true = rng.dirichlet(np.ones(classes), size=shape[:-1]) if len(shape) > 1 else rng.dirichlet(
            np.ones(classes))
    if logits:
        y_pred = rng.normal(0, 3, size=shape)
    elif kind in ("onehot", "labels", "distribution") and len(shape) > 1 and rng.random() < 0.7:
        y_pred = rng.dirichlet(np.ones(classes), size=shape[:-1])
    else:
        y_pred = rng.random(shape) * (4 if kind == "counts" else 1)
    return y_true, y_pred


def case(rng, i, tmp):
    name = list(FUNCTIONS)[rng.integers(len(FUNCTIONS))]
    metric_class, loss_class, kind, option_names = FUNCTIONS[name]
    what = "loss" if loss_class and (metric_class is None or rng.random() < 0.5) else "metric"
    if metric_class is None and what == "metric" and rng.random() < 0.5:
        what = "loss"
    rank = int(rng.integers(1, 4))
    if kind == "labels" and rank == 1:
        rank = 2
    shape = tuple(int(rng.integers(1, 7)) for _ in range(rank - 1)) + (int(rng.integers(2, 9)),)
    opts = {}
    if "from_logits" in option_names and rng.random() < 0.4 and kind != "counts":
        opts["from_logits"] = True
    if "label_smoothing" in option_names and rng.random() < 0.4:
        opts["label_smoothing"] = float(np.round(rng.random() * 0.5, 3))
    if "alpha" in option_names and rng.random() < 0.5:
        opts["alpha"] = float(np.round(rng.random(), 3))
    if "gamma" in option_names and rng.random() < 0.5:
        opts["gamma"] = float(np.round(rng.random() * 4, 3))
    if "apply_class_balancing" in option_names and rng.random() < 0.4:
        opts["apply_class_balancing"] = True
    if "threshold" in option_names and rng.random() < 0.5:
        opts["threshold"] = float(np.round(rng.random(), 3))
    if "k" in option_names and rng.random() < 0.7:
        opts["k"] = int(rng.integers(1, shape[-1] + 1))
    if "ignore_class" in option_names and rng.random() < 0.3:
        opts["ignore_class"] = int(rng.integers(0, shape[-1]))
    if what == "loss" and rank == 3 and kind in ("binary", "onehot") and rng.random() < 0.4:
        opts["axis"] = int(rng.choice([1, -2]))
    if rng.random() < 0.2:
        opts["dtype"] = "float64"
    y_true, y_pred = arrays(rng, kind, shape, opts.get("from_logits", False))
    pred_dtype = np.float32 if rng.random() < 0.7 else np.float64
    y_pred = y_pred.astype(pred_dtype)
    y_true = y_true.astype(np.int32 if kind == "labels" and rng.random() < 0.5 else
                           np.int64 if kind == "labels" else np.float32)
    reduction = REDUCTIONS[rng.integers(len(REDUCTIONS))] if what == "loss" else None
    weight = None
    if rng.random() < 0.4:
        weight = rng.random(shape[0] if rank > 1 else ()).astype(np.float32)
    batch = int(rng.integers(1, 4)) if rng.random() < 0.3 and rank > 1 else None
    use_config = rng.random() < 0.3
    files = {}
    for key, a in (("y_true", y_true), ("y_pred", y_pred), ("w", weight)):
        if a is not None:
            files[key] = os.path.join(tmp, f"{i}_{key}.npy")
            np.save(files[key], a)

    # Keras. A case Keras refuses (float64 predictions for in_top_k, say) is skipped: where xent computes instead,
    # generate_cli.py's notes say so.
    sw = weight
    try:
        if what == "metric":
            if metric_class is None:
                m = keras.metrics.MeanMetricWrapper(getattr(keras.losses, name), name=name, **opts)
            else:
                m = getattr(keras.metrics, metric_class)(**opts)
            m.update_state(y_true, y_pred, sample_weight=sw)
            want = np.asarray(m.result(), dtype=np.float64)
        else:
            loss = getattr(keras.losses, loss_class)(reduction=reduction, **opts)
            want = np.asarray(loss(y_true, y_pred, sample_weight=sw), dtype=np.float64)
    except Exception as e:  # noqa: BLE001 (any refusal)
        want = e

    cls = metric_class if what == "metric" else loss_class
    # The NAME as Keras's class name a third of the time (where there is a class).
    cmd = [XENT, what, cls if cls and rng.random() < 0.33 else name, "--y-true", files["y_true"], "--y-pred",
           files["y_pred"]]
    if weight is not None:
        cmd += ["--sample-weight", files["w"]]
    if batch:
        cmd += ["--batch-size", str(batch)]
    out_file = None
    config = dict(opts)
    if reduction:
        config["reduction"] = reduction
    if use_config and config:
        # Half the time Keras's whole serialised form, else the bare get_config() dict; inline or as @FILE.
        text = json.dumps({"class_name": cls, "config": config} if cls and rng.random() < 0.5 else config)
        if rng.random() < 0.3:
            files["config"] = os.path.join(tmp, f"{i}_config.json")
            with open(files["config"], "w") as f:
                f.write(text)
            text = "@" + files["config"]
        cmd += ["--config", text]
    else:
        for k, v in config.items():
            flag = "--" + k.replace("_", "-")
            cmd += [flag] if v is True else [flag + "=" + str(v)]
    if reduction == "none":
        out_file = os.path.join(tmp, f"{i}_out.npy")
        cmd += ["--output", out_file]
    return name, what, cmd, want, out_file


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rtol", type=float, default=2e-5)
    ap.add_argument("--show-refused", action="store_true",
                    help="also print what xent does with the cases Keras refuses (skipped otherwise)")
    ap.add_argument("--keep", help="write the case files here (kept) instead of a temporary directory")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    tmp = args.keep or tempfile.mkdtemp(prefix="xent-fuzz-")
    os.makedirs(tmp, exist_ok=True)
    bad = 0
    skipped = 0
    try:
        for i in range(args.cases):
            name, what, cmd, want, out_file = case(rng, i, tmp)
            p = subprocess.run(cmd, capture_output=True, text=True)
            if isinstance(want, Exception):
                skipped += 1
                if args.show_refused:
                    said = p.stderr.strip().splitlines()[0] if p.returncode else p.stdout.strip()[:160]
                    print(f"case {i}: Keras refuses {what} {name} ({type(want).__name__}: "
                          f"{str(want).splitlines()[0][:160]}); xent exits {p.returncode}: {said}\n  {' '.join(cmd)}")
                continue
            problem = None
            if p.returncode != 0:
                problem = f"exit {p.returncode}: {p.stderr.strip().splitlines()[0] if p.stderr.strip() else ''}"
            else:
                got = json.loads(p.stdout)
                if out_file:
                    g = np.load(out_file).astype(np.float64)
                    if g.shape != want.shape:
                        problem = f"shape {g.shape} vs Keras {want.shape}"
                    elif not np.allclose(g, want, rtol=args.rtol, atol=1e-6, equal_nan=True):
                        problem = f"values differ: max |d| {np.nanmax(np.abs(g - want))}"
                else:
                    r = got["result"]
                    r = float("nan") if r == "NaN" else float(r)
                    w = float(want)
                    if not (abs(r - w) <= args.rtol * abs(w) + 1e-6 or (np.isnan(r) and np.isnan(w))):
                        problem = f"result {r} vs Keras {w}"
            if problem:
                bad += 1
                print(f"case {i}: {what} {name}: {problem}\n  {' '.join(cmd)}")
    finally:
        if not args.keep and bad == 0:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{args.cases - bad - skipped} of {args.cases - skipped} cases agree with Keras ({skipped} that Keras "
          f"refuses skipped)" + (f"; files in {tmp}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
