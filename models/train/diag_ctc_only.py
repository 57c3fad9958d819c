#!/usr/bin/env python3
# usage: /usr/bin/python3 models/train/diag_ctc_only.py STEPS   (prints CTC loss every 25 steps)
# Diagnostic: can the encoder learn CTC alone (no decoder loss) on English utterances?
import os, sys, time, math; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch, numpy as np, torch.nn.functional as F
torch.set_num_threads(1); torch.manual_seed(0)
import train as t
d = t.Data(); pool = d.indices('train', langs=['en'])
m = t.init_model(d, 1); enc = m.model.encoder
head = torch.nn.Linear(192, len(d.char_id) + 1)
params = [p for n, p in enc.named_parameters() if 'embed_positions' not in n] + list(head.parameters())
opt = torch.optim.AdamW(params, lr=3e-4, betas=(0.9, 0.98), weight_decay=0.01)
agg = []; t0 = time.time()
for step in range(int(sys.argv[1])):
    for g in opt.param_groups: g['lr'] = 3e-4 * min(1, (step + 1) / 50)
    mel, inp, tgt, ct, ci = d.batch(pool, step, 16, 5)
    e = enc(mel)
    lp = head(e).log_softmax(-1).transpose(0, 1)
    loss = F.ctc_loss(lp, torch.cat(ct), ci, torch.tensor([len(x) for x in ct]), zero_infinity=True)
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(params, 1.0); opt.step()
    agg.append((loss.item(), e.detach().std(1).mean().item()))
    if (step + 1) % 25 == 0:
        a = np.mean(agg, 0); agg = []
        with torch.no_grad():
            z = enc.conv2(F.gelu(enc.conv1(mel))); g2 = F.gelu(z).abs().mean().item()
        print(f"step {step+1} ctc {a[0]:.3f} enc_std_t {a[1]:.3f} conv2_post {g2:.3f} {(time.time()-t0)/25:.2f}s/step", flush=True); t0 = time.time()
