#!/usr/bin/env python3
"""Turns JMH JSON results (xent-bench: KernelBench, CategoricalBench, MemoryCeilingBench) into GB/s read:
predictions (KernelBench), predictions and targets (CategoricalBench), floats (MemoryCeilingBench).

    python3 tools/bench/jmh_gbps.py kernels.json [ceiling.json ...]
"""
import json
import sys


def bytes_per_op(params, name):
    mb = int(params.get("megabytes", 256))
    if "MemoryCeiling" in name:
        return mb << 20
    classes = int(params["classes"])
    rows = max(1, (mb << 18) // classes)
    arrays = 2 if "Categorical" in name else 1
    return rows * classes * 4 * arrays


def main(files):
    rows = []
    for f in files:
        for r in json.load(open(f)):
            p = r.get("params", {})
            b = bytes_per_op(p, r["benchmark"])
            score = r["primaryMetric"]["score"]
            err = r["primaryMetric"].get("scoreError", float("nan"))
            rows.append((r["benchmark"].split(".")[-2], p.get("input", "(read)") + ("/" + p["targets"] if "targets" in p else ""), int(p.get("classes", 0)),
                         p.get("impl", p.get("threads", "") + " thread(s)"), score * b / 1e9, err * b / 1e9))
    rows.sort(key=lambda x: (x[0], x[1], x[2], x[3]))
    print(f"{'benchmark':20s} {'input':22s} {'classes':>8s} {'impl':12s} {'GB/s':>7s} {'+-':>6s}")
    for name, inp, c, impl, gbps, err in rows:
        print(f"{name:20s} {inp:22s} {c if c else '':>8} {impl:12s} {gbps:7.2f} {err:6.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
