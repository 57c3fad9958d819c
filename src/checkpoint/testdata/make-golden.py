"""Writes golden.safetensors: a safetensors file produced independently of chorus (numpy + torch),
holding float32 inputs and their float16 (numpy RNE) and bfloat16 (torch RNE) encodings.
Run with Debian's python (torch 1.13 + numpy):
    /usr/bin/python3 src/checkpoint/testdata/make-golden.py
"""
import json
import os
import struct

import numpy as np
import torch

rng = np.random.default_rng(20251122)
edge = np.array(
    [0.0, -0.0, 1.0, -2.0, 65504.0, 65520.0, 65519.99, 1e-8, 6e-8, 5.96e-8, 2.98e-8, -3e-5,
     1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.4e38, -3.4e38, 1e-40,
     np.inf, -np.inf, np.nan],
    dtype=np.float32,
)
normal = (rng.standard_normal(3 * 5 * 7 - edge.size) * rng.choice([1e-6, 1e-2, 1.0, 1e3], size=3 * 5 * 7 - edge.size)).astype(np.float32)
x = np.concatenate([edge, normal]).astype(np.float32).reshape(3, 5, 7)

f16 = x.astype(np.float16)
bf16_bits = torch.from_numpy(x.copy()).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
bf16_as_f32 = torch.from_numpy(x.copy()).to(torch.bfloat16).to(torch.float32).numpy()

tensors = [
    ("x_f32", "F32", x),
    ("x_f16", "F16", f16),
    ("x_f16_as_f32", "F32", f16.astype(np.float32)),
    ("x_bf16", "BF16", bf16_bits),
    ("x_bf16_as_f32", "F32", bf16_as_f32),
    ("ids_i64", "I64", np.array([1, -2, 3, 2 ** 40], dtype=np.int64)),
    ("scalar_f32", "F32", np.array(0.5, dtype=np.float32)),
    ("empty_f16", "F16", np.zeros((0, 4), dtype=np.float16)),
]
header, blobs, off = {"__metadata__": {"format": "pt", "producer": "numpy+torch golden"}}, [], 0
for name, dtype, a in tensors:
    b = np.ascontiguousarray(a).newbyteorder("<").tobytes()
    header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(header).encode("utf-8")  # default separators: ", " and ": " (unlike chorus's writer)
h += b" " * ((8 - len(h) % 8) % 8)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden.safetensors")
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(h)))
    f.write(h)
    for b in blobs:
        f.write(b)
print(out, os.path.getsize(out), "bytes")
