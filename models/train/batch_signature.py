"""usage: batch_signature.py [name=value ...]  -- sha256 of the batches train.py builds for a few steps (default flags and v2's mix): the check that new,
default-off options leave existing batches unchanged."""
import hashlib, sys, os
extra = dict(a.split("=") for a in sys.argv[1:])
sys.argv = sys.argv[:1]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch
import train as TR
data = TR.Data()
pool = data.indices("train", per_cell=200)
h = hashlib.sha256()
for step in range(0, 60):
    kw = dict(concat=0.15, windows=0.15)
    kw.update({k: float(v) for k, v in extra.items()})
    mel, inp, tgt, ctc_t, ctc_in = data.batch(pool, step, 16, 21, rank=0, world=2, **kw)
    for t in (mel, inp, tgt, ctc_in, *ctc_t):
        h.update(t.numpy().tobytes())
print(h.hexdigest())
