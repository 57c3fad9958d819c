"""One-off repair applied to the base run (documented in README): the conv2 GELUs had drifted into
their dead negative range (post-GELU |x| ~0.05 vs the sinusoidal positions' ~0.7), so the audio path
was drowned by the position signal. Re-standardise conv2 per output channel on one batch
(pre-activation mean 0, std 1) and reset conv2's Adam state. Usage: surgery.py <run>"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as t  # noqa: E402

run = sys.argv[1]
ck = os.path.join(t.WORK, "runs", run, "ckpt.pt")
st = torch.load(ck)
d = t.Data()
m = t.init_model(d, 1)
m.load_state_dict(st["model"])
pool = d.indices("train", per_cell=t.BASE_PER_CELL)
mel = torch.from_numpy(d.mel[pool[::75][:64], :, :400].astype("float32"))
e = m.model.encoder
with torch.no_grad():
    z = e.conv2(F.gelu(e.conv1(mel)))
    mu = z.mean(dim=(0, 2))
    sd = z.std(dim=(0, 2)) + 1e-6
    e.conv2.weight.div_(sd[:, None, None])
    e.conv2.bias.sub_(mu).div_(sd)
    z2 = e.conv2(F.gelu(e.conv1(mel)))
    print("conv2 pre-act mean/std before", mu.mean().item(), sd.mean().item(), "after", z2.mean().item(), z2.std().item(),
          "post-gelu abs", F.gelu(z2).abs().mean().item())
sd_new = st["model"]
sd_new["model.encoder.conv2.weight"] = e.conv2.weight.detach().clone()
sd_new["model.encoder.conv2.bias"] = e.conv2.bias.detach().clone()
# drop Adam moments of conv2 (param ids follow the optimizer's group order: rest, then conv)
conv_ids = st["opt"]["param_groups"][1]["params"]
names = [n for n, p in m.named_parameters() if p.requires_grad and n != "model.decoder.embed_tokens.weight" and ".conv" in n]
for pid, n in zip(conv_ids, names):
    if "conv2" in n:
        st["opt"]["state"].pop(pid, None)
torch.save(st, ck + ".tmp")
os.replace(ck + ".tmp", ck)
print("step", st["step"], "conv params", names)
