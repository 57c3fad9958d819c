#!/usr/bin/python3
"""Plain PyTorch reference merges for bench/merge/merge.bench.ts (same inputs, same methods).

Reads an HF base folder (model.safetensors) and delta safetensors files with numpy (no
`safetensors` package on this machine), merges tensor by tensor as the TypeScript engine does,
discards the output (a checksum keeps the work alive) and prints one JSON line:
  {"method", "seconds", "peak_rss_bytes", "tensors", "threads", "torch"}.
Methods follow the references cited in /work/shared/reference/merging.md:
  ta            θ0 + λ Σ τ_t                           (λ = 1)
  ties          mergekit per-tensor TIES, density 0.2, sign by mass, disjoint mean, λ = 1
  tsv_m         TSV-M (AntoAndGar/task_singular_vectors, compute_and_sum_svd_mem_reduction):
                full torch.linalg.svd per task, k = r/T, polar factors by SVD; non-matrix: mean
  boosted_tsv_m TSV-M with each task spectrum boosted before truncation (σ energy, β = 0.3)
  lors          LoRS-Merging: top-7 SVD + top-20 % residual per matrix, λ = 0.2 Σ
Matrices are 2-D tensors that are not embeddings (as the engine's default svd_exclude).
Usage: reference_merge.py --base DIR --experts F1 F2 ... --method M [--threads N]
"""
import argparse
import json
import resource
import struct
import time

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16}
EXCLUDED = ("embed_tokens", "embed_positions", "proj_out", "token_embedding", "positional_embedding")


def open_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    header.pop("__metadata__", None)
    mm = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    return header, mm


def read(st, name):
    header, mm = st
    info = header[name]
    a, b = info["data_offsets"]
    arr = np.frombuffer(mm[a:b], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return torch.from_numpy(arr.astype(np.float32, copy=True))


def is_matrix(name, t):
    return t.dim() == 2 and not any(x in name for x in EXCLUDED)


def polar(x):
    p, _, q = torch.linalg.svd(x, full_matrices=False)
    return p @ q


def tsv(deltas, boost_beta=None):
    m, n = deltas[0].shape
    r = min(m, n)
    T = len(deltas)
    k = int(r / T)
    ucat = torch.zeros(m, T * k)
    scat = torch.zeros(T * k)
    vcat = torch.zeros(T * k, n)
    for i, d in enumerate(deltas):
        u, s, vh = torch.linalg.svd(d, full_matrices=False)
        if boost_beta is not None:
            total = s.sum()
            if total > 0:
                cum = torch.cumsum(s, 0)
                c = int(torch.nonzero(cum >= boost_beta * total)[0])
                s = s.clone()
                s[c + 1 :] = torch.clamp(s[c + 1 :], min=float(s[c]))
        ucat[:, i * k : (i + 1) * k] = u[:, :k]
        scat[i * k : (i + 1) * k] = s[:k]
        vcat[i * k : (i + 1) * k, :] = vh[:k, :]
    return polar(ucat) @ torch.diag(scat) @ polar(vcat)


def ties(deltas, density=0.2):
    trimmed = []
    for d in deltas:
        flat = d.abs().flatten()
        k = int(density * flat.numel())
        if k <= 0:
            trimmed.append(torch.zeros_like(d))
            continue
        thr = torch.kthvalue(flat, flat.numel() - k + 1).values
        trimmed.append(d * (d.abs() >= thr))
    x = torch.stack(trimmed)
    sign = torch.where(x.sum(0) >= 0, 1.0, -1.0)
    keep = torch.sign(x) == sign
    return (x * keep).sum(0) / torch.clamp(keep.sum(0), min=1)


def lors(deltas, rank=7, keep=0.2):
    out = []
    for d in deltas:
        u, s, vh = torch.linalg.svd(d, full_matrices=False)
        low = (u[:, :rank] * s[:rank]) @ vh[:rank, :]
        res = d - low
        flat = res.abs().flatten()
        k = int(keep * flat.numel())
        thr = torch.kthvalue(flat, flat.numel() - k + 1).values if k > 0 else float("inf")
        out.append(low + res * (res.abs() >= thr))
    return out


def merge(method, name, base, deltas):
    matrix = is_matrix(name, base)
    if method == "ta":
        return base + torch.stack(deltas).sum(0)
    if method == "ties":
        return base + ties(deltas)
    if method in ("tsv_m", "boosted_tsv_m"):
        if not matrix:
            return base + torch.stack(deltas).mean(0)
        return base + tsv(deltas, 0.3 if method == "boosted_tsv_m" else None)
    if method == "lors":
        if not matrix:
            return base + 0.2 * torch.stack(deltas).sum(0)
        return base + 0.2 * torch.stack(lors(deltas)).sum(0)
    raise SystemExit(f"unknown method {method}")


def peak_rss_bytes():
    # VmHWM is reset by execve; ru_maxrss would carry the spawning process's high-water mark.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--experts", nargs="+", required=True)
    ap.add_argument("--method", required=True)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    base = open_safetensors(f"{a.base}/model.safetensors")
    experts = [open_safetensors(p) for p in a.experts]
    checksum = 0.0
    names = sorted(base[0].keys())
    for name in names:
        b = read(base, name)
        deltas = [read(e, name) if name in e[0] else torch.zeros_like(b) for e in experts]
        if all(not bool(d.any()) for d in deltas):
            continue
        out = merge(a.method, name, b, deltas)
        checksum += float(out.view(-1)[0])
    seconds = time.perf_counter() - t0
    peak = peak_rss_bytes()
    print(json.dumps({"method": a.method, "seconds": seconds, "peak_rss_bytes": peak, "tensors": len(names),
                      "threads": a.threads, "torch": torch.__version__, "checksum": checksum}))


if __name__ == "__main__":
    main()
