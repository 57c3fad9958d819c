"""Compares two delta files (task vectors) tensor by tensor: the reproducibility check of the expert
stage (README "Reproducibility"). Prints, per file pair, how many tensors are bit-identical, the
largest absolute difference, and the relative Frobenius distance ||a - b|| / ||a|| over the whole
delta. usage: compare_deltas.py SHIPPED.safetensors RERUN.safetensors [...pairs]"""
import sys

import numpy as np

from package import read_safetensors


def compare(a_path, b_path):
    a, _ = read_safetensors(a_path)
    b, _ = read_safetensors(b_path)
    if sorted(a) != sorted(b):
        return {"a": a_path, "b": b_path, "error": f"tensor sets differ: {sorted(set(a) ^ set(b))[:5]}"}
    identical = 0
    max_abs = 0.0
    diff2 = 0.0
    norm2 = 0.0
    for name in a:
        x, y = a[name].astype(np.float64), b[name].astype(np.float64)
        if x.shape != y.shape:
            return {"a": a_path, "b": b_path, "error": f"{name}: shape {x.shape} vs {y.shape}"}
        d = x - y
        identical += int(not d.any())
        max_abs = max(max_abs, float(np.abs(d).max()) if d.size else 0.0)
        diff2 += float((d * d).sum())
        norm2 += float((x * x).sum())
    return {"a": a_path, "b": b_path, "tensors": len(a), "bitIdentical": identical, "maxAbsDiff": max_abs,
            "relFrobenius": (diff2 / norm2) ** 0.5 if norm2 > 0 else 0.0}


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or len(args) % 2:
        sys.exit(__doc__)
    for i in range(0, len(args), 2):
        print(compare(args[i], args[i + 1]))
