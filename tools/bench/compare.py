#!/usr/bin/env python3
"""Sparse categorical cross-entropy over the same .npy files: NumPy, Keras 3 (TensorFlow), PyTorch CPU and
./xent side by side, next to the machine's memory-read ceiling, in GB/s of predictions read.

    /work/venv/bin/python tools/bench/compare.py                 # 4M x 100 float32, everything
    /work/venv/bin/python tools/bench/compare.py --rows 400000   # smaller, quicker
    /work/venv/bin/python tools/bench/compare.py --only numpy,xent --input logits

Each peer runs in its own fresh process: it loads the files (not timed), converts them to its own tensors (not
timed), then computes the metric's value `repeat` times; the best time counts. ./xent runs as a whole process
(JVM start, reading the files from the page cache, parsing, computing, printing): the best of `repeat` runs after
one warm-up run that puts the files in the page cache. See tools/bench/README.md.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EPS = 1e-7

# ---- data ------------------------------------------------------------------------------------------------------


def generate(directory, rows, classes, seed=20261122):
    """y_true.npy (int32), y_prob.npy (float32 rows summing to 1), y_logits.npy (float32); reused if present."""
    import numpy as np
    os.makedirs(directory, exist_ok=True)
    paths = {k: os.path.join(directory, f"{k}_{rows}x{classes}.npy") for k in ("y_true", "y_prob", "y_logits")}
    if all(os.path.exists(p) for p in paths.values()):
        return paths
    rng = np.random.default_rng(seed)
    np.save(paths["y_true"], rng.integers(0, classes, size=rows, dtype=np.int32))
    chunk = max(1, (64 << 20) // (4 * classes))
    for key in ("y_prob", "y_logits"):
        out = np.lib.format.open_memmap(paths[key] + ".tmp", mode="w+", dtype=np.float32, shape=(rows, classes))
        for start in range(0, rows, chunk):
            stop = min(rows, start + chunk)
            x = rng.standard_normal((stop - start, classes), dtype=np.float32) * 2
            if key == "y_prob":
                x = np.exp(x - x.max(axis=1, keepdims=True))
                x /= x.sum(axis=1, keepdims=True)
            out[start:stop] = x
        out.flush()
        del out
        os.replace(paths[key] + ".tmp", paths[key])
    return paths


# ---- peers (each runs as `python compare.py --worker NAME ...` in a fresh process) --------------------------------

WORKERS = {}


def worker(name):
    def register(fn):
        WORKERS[name] = fn
        return fn
    return register


@worker("numpy")
def run_numpy(y_true, y_pred, logits, repeat):
    """Keras's formula in NumPy (the NumPy backend's order for probabilities: normalise, clip, log)."""
    import numpy as np
    y = y_true.astype(np.int64)
    rows = np.arange(len(y))

    def once():
        if logits:
            m = y_pred.max(axis=1, keepdims=True)
            lse = np.log(np.exp(y_pred - m).sum(axis=1)) + m[:, 0]
            return float(np.mean(lse - y_pred[rows, y]))
        p = y_pred / y_pred.sum(axis=1, keepdims=True)
        p = np.clip(p, np.float32(EPS), np.float32(1 - EPS))
        return float(np.mean(-np.log(p[rows, y])))
    return timed(once, repeat)


@worker("ceiling")
def run_ceiling(y_true, y_pred, logits, repeat):
    """The memory-read ceiling as NumPy sees it: one pass summing the predictions (one core)."""
    import numpy as np
    return timed(lambda: float(np.add.reduce(y_pred, axis=None, dtype=np.float32)), repeat)


@worker("keras")
def run_keras(y_true, y_pred, logits, repeat):
    """keras.metrics.SparseCategoricalCrossentropy (Keras 3, TensorFlow backend): update_state then result."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf
    yt = tf.constant(y_true)
    yp = tf.constant(y_pred)

    def once():
        m = keras.metrics.SparseCategoricalCrossentropy(from_logits=logits)
        m.update_state(yt, yp)
        return float(m.result())
    return timed(once, repeat)


@worker("torch")
def run_torch(y_true, y_pred, logits, repeat):
    """PyTorch CPU: cross_entropy on logits; Keras's probability formula then nll_loss on its log."""
    import torch
    import torch.nn.functional as F
    yt = torch.from_numpy(y_true.astype("int64"))
    yp = torch.from_numpy(y_pred)

    def once():
        with torch.no_grad():
            if logits:
                return float(F.cross_entropy(yp, yt))
            p = torch.clamp(yp / yp.sum(dim=1, keepdim=True), EPS, 1 - EPS)
            return float(F.nll_loss(torch.log(p), yt))
    return timed(once, repeat)


def timed(fn, repeat):
    value = fn()  # warm-up (allocators, kernels, graph tracing)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t)
    return {"seconds": best, "value": value}


def worker_main(args):
    import numpy as np
    y_true = np.load(args.y_true)
    y_pred = np.load(args.y_pred)
    result = WORKERS[args.worker](y_true, y_pred, args.logits, args.repeat)
    print("RESULT " + json.dumps(result))


# ---- driver ------------------------------------------------------------------------------------------------------


def clean_env(peer):
    env = dict(os.environ)
    if peer in ("numpy", "ceiling"):
        # This machine may set OpenBLAS hints meant for other work; NumPy is benchmarked without them.
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    return env


def run_peer(peer, paths, logits, repeat):
    pred = paths["y_logits" if logits else "y_prob"]
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", peer, "--y-true", paths["y_true"],
           "--y-pred", pred, "--repeat", str(repeat)] + (["--logits"] if logits else [])
    p = subprocess.run(cmd, capture_output=True, text=True, env=clean_env(peer))
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return {"error": (p.stderr.strip().splitlines() or ["no output"])[-1]}


def xent_env(kernels):
    """The environment of a ./xent run with -Dxent.kernels=KERNELS added to XENT_JAVA_OPTS (none for "default")."""
    env = dict(os.environ)
    if kernels != "default":
        env["XENT_JAVA_OPTS"] = (env.get("XENT_JAVA_OPTS", "") + " -Dxent.kernels=" + kernels).strip()
    return env


def run_xent(paths, logits, repeat, xent, kernels="default", warm_up=True):
    pred = paths["y_logits" if logits else "y_prob"]
    cmd = [xent, "metric", "sparse_categorical_crossentropy", "--y-true", paths["y_true"], "--y-pred", pred]
    if logits:
        cmd.append("--from-logits")
    return run_process(cmd, repeat, xent_env(kernels), warm_up)


def read_ceiling_command(java, data):
    """The command that runs ReadCeiling.java (compiled once into DATA/classes) on a file, less the file."""
    classes = os.path.join(data, "classes")
    source = os.path.join(HERE, "ReadCeiling.java")
    target = os.path.join(classes, "ReadCeiling.class")
    if not os.path.exists(target) or os.path.getmtime(target) < os.path.getmtime(source):
        javac = os.path.join(os.path.dirname(java), "javac") if os.path.dirname(java) else "javac"
        subprocess.run([javac, "-d", classes, source], check=True)
    return [java, "-cp", classes, "ReadCeiling"]


def run_process(cmd, repeat, env=None, warm_up=True):
    """Best wall time of `repeat` runs of a whole process, after one untimed run unless `warm_up` is false; its last
    line of output."""
    best = float("inf")
    out = None
    first = 1 if warm_up else 0
    for i in range(repeat + first):  # a first run warms the page cache (and builds the jar if needed)
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        dt = time.perf_counter() - t
        if p.returncode != 0:
            return {"error": (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1]}
        out = p.stdout.strip()
        if i >= first:
            best = min(best, dt)
    return {"seconds": best, "value": out.splitlines()[-1] if out else None}


def marginal(args, paths, inputs, results):
    """Marginal rates between --rows and --large-rows: ./xent per kernel choice, and the read ceiling (a JVM that only
    reads the file), each the best of `repeat` runs per size, all alternated, so that start-up and warm-up cancel."""
    large = generate(args.data, args.large_rows, args.classes)
    extra = (args.large_rows - args.rows) * args.classes * 4 / 1e9
    kernels = [k.strip() for k in args.kernels.split(",") if k.strip()]
    ceiling = read_ceiling_command(args.java, args.data)
    for inp in inputs:
        logits = inp == "logits"
        key = "y_logits" if logits else "y_prob"
        runs = {k: ([], []) for k in kernels + ["read"]}
        for i in range(args.repeat + 1):  # the first round warms the page cache and is not timed
            for name, (small_s, large_s) in runs.items():
                for p, times in ((paths, small_s), (large, large_s)):
                    r = run_process(ceiling + [p[key]], 1, warm_up=False) if name == "read" else \
                        run_xent(p, logits, 1, args.xent, name, warm_up=False)
                    if i > 0:
                        times.append(r.get("seconds", float("nan")))
        peer_best = max((r["gbps"] for r in results if r["input"] == inp and r["peer"] not in ("xent", "ceiling")
                         and "gbps" in r), default=None)
        for name, (small_s, large_s) in runs.items():
            dt = min(large_s) - min(small_s)
            m = {"peer": "read-marginal" if name == "read" else "xent-marginal", "kernels": name, "input": inp,
                 "small_seconds": min(small_s), "large_seconds": min(large_s), "large_rows": args.large_rows,
                 "marginal_gbps": extra / dt if dt > 0 else None}
            results.append(m)
            ratio = f" = {m['marginal_gbps'] / peer_best:.1f}x the best peer's GB/s" \
                if peer_best and m["marginal_gbps"] else ""
            label = "read only (ReadCeiling)" if name == "read" else f"xent marginal, kernels {name}"
            print(f"  {label:28s} {inp:13s} {args.rows} rows {min(small_s):.3f} s, {args.large_rows} rows "
                  f"{min(large_s):.3f} s: " + (f"{m['marginal_gbps']:.2f} GB/s{ratio}" if m["marginal_gbps"]
                                              else "n/a"), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=4_000_000)
    ap.add_argument("--classes", type=int, default=100)
    ap.add_argument("--data", default=os.path.join(ROOT, "target", "bench-data"),
                    help="where the .npy files are written (and reused)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per peer; the best counts")
    ap.add_argument("--input", choices=["both", "probabilities", "logits"], default="both")
    ap.add_argument("--only", default="ceiling,numpy,keras,torch,xent",
                    help="comma-separated peers: ceiling, numpy, keras, torch, xent")
    ap.add_argument("--xent", default=os.path.join(ROOT, "xent"), help="the xent launcher")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--large-rows", type=int, default=0,
                    help="also time ./xent on a file of this many rows (e.g. 16000000), alternating with --rows, and "
                         "report its marginal streaming rate: the extra bytes over the extra seconds")
    ap.add_argument("--kernels", default="default",
                    help="with --large-rows: the xent.kernels choices to time, e.g. default,scalar,vector")
    java_home = os.environ.get("JAVA_HOME")
    ap.add_argument("--java", default=os.path.join(java_home, "bin", "java") if java_home else "java",
                    help="the java that runs ReadCeiling.java (with --large-rows)")
    # worker mode
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--y-true", help=argparse.SUPPRESS)
    ap.add_argument("--y-pred", help=argparse.SUPPRESS)
    ap.add_argument("--logits", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker_main(args)
        return

    peers = [p.strip() for p in args.only.split(",") if p.strip()]
    paths = generate(args.data, args.rows, args.classes)
    gb = args.rows * args.classes * 4 / 1e9
    inputs = ["probabilities", "logits"] if args.input == "both" else [args.input]
    load = os.getloadavg()
    print(f"# {args.rows} x {args.classes} float32 = {gb:.2f} GB of predictions; {os.cpu_count()} CPUs; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"# files in {args.data}; best of {args.repeat} (after a warm-up)")
    results = []
    for inp in inputs:
        logits = inp == "logits"
        for peer in peers:
            if peer == "ceiling" and logits:
                continue
            r = run_xent(paths, logits, args.repeat, args.xent) if peer == "xent" else \
                run_peer(peer, paths, logits, args.repeat)
            r.update(peer=peer, input=inp if peer != "ceiling" else "(read)")
            if "seconds" in r:
                r["gbps"] = gb / r["seconds"]
            results.append(r)
            print(f"  {peer:8s} {r['input']:13s} " + (f"{r['seconds']:8.3f} s {r['gbps']:7.2f} GB/s   value {r['value']}"
                  if "seconds" in r else f"error: {r['error']}"), flush=True)
    if args.large_rows and "xent" in peers:
        marginal(args, paths, inputs, results)
    print()
    print(f"{'input':14s} {'peer':10s} {'seconds':>9s} {'GB/s':>7s} {'xent / peer':>12s}")
    for inp in inputs:
        x = next((r for r in results if r["peer"] == "xent" and r["input"] == inp and "gbps" in r), None)
        for r in results:
            if r["input"] not in (inp, "(read)") or "gbps" not in r or (r["input"] == "(read)" and inp != inputs[0]):
                continue
            ratio = f"{x['gbps'] / r['gbps']:.1f}x" if x and r is not x and r["peer"] != "ceiling" else ""
            if r["peer"] == "ceiling" and x:
                ratio = f"{x['gbps'] / r['gbps']:.2f} of it"
            print(f"{r['input']:14s} {r['peer']:10s} {r['seconds']:9.3f} {r['gbps']:7.2f} {ratio:>12s}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": args.rows, "classes": args.classes, "load": load, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
