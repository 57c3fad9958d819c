#!/usr/bin/env python3
"""chorus offline training recipe: one entry point with subcommands.

  corpus                      synthesize the espeak-ng corpus + cached mels into $WORK/corpus
  train   --run base ...      train (or fine-tune) a model; resumable from $WORK/runs/<run>/ckpt.pt
  eval    --run base          greedy decode the held-out test (or dev) split, print CER/WER
  (packaging lives in package.py)

WORK defaults to /work/train-work (outside the git checkout). Use /usr/bin/python3 (Debian torch).
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

# oneDNN's single-threaded CPU kernels gave non-finite gradients (every tensor, finite losses) on a random
# ~10-20 % of steps once the weights were trained (conv1 weight norm ~130): 0 of 75 steps without it, same
# batches, and the native kernels are as fast here. Nondeterministic and gone under anomaly detection, so
# probably a read of uninitialised memory; see README "History".
torch.backends.mkldnn.enabled = False

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus as corpus_mod  # noqa: E402
import tok as T  # noqa: E402
from grammar import DOMAINS, LANGS  # noqa: E402
from model import Whisper, make_config  # noqa: E402

WORK = os.environ.get("CHORUS_TRAIN_WORK", "/work/train-work")
ENC_CACHE = os.environ.get("CHORUS_ENC_CACHE", os.path.join(WORK, "enc_cache.f16.npy"))
N_FRAMES = 600  # 6 s window -> max_source_positions 300
N_TGT = 128
DIMS = dict(d=192, layers=3, heads=3, ffn=768, n_src=N_FRAMES // 2, n_tgt=N_TGT)
EXPERTS = {
    "en": dict(langs=["en"], domains=DOMAINS),
    "de": dict(langs=["de"], domains=DOMAINS),
    "es": dict(langs=["es"], domains=DOMAINS),
    "fr": dict(langs=["fr"], domains=DOMAINS),
    "numbers": dict(langs=LANGS, domains=["numbers"]),
    "commands": dict(langs=LANGS, domains=["commands"]),
    "medical": dict(langs=LANGS, domains=["medical"]),
}
BASE_PER_CELL = 400  # modest: the base sees 400 of the 800 training utterances per (lang, domain)
# fine-tuning data (experts, multitask): all 800 "train" utterances of a cell plus 1,200 "xtrain" ones
# the base never saw (session 4: with "train" alone, 400 fine-tuning steps barely moved the languages)
FT_SPLITS = ("train", "xtrain")

# openai multilingual non-speech tokens + SOT, translate, transcribe, startoflm, startofprev, nospeech
SUPPRESS = [1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92, 93, 359, 503, 522, 542, 873,
            893, 902, 918, 922, 931, 1350, 1853, 1982, 2460, 2627, 3246, 3253, 3268, 3536, 3846, 3961, 4183, 4667, 6585,
            6647, 7273, 9061, 9383, 10428, 10929, 11938, 12033, 12331, 12562, 13793, 14157, 14635, 15265, 15618, 16553,
            16604, 18362, 18956, 20075, 21675, 22520, 26130, 26161, 26435, 28279, 29464, 31650, 32302, 32470, 36865,
            42863, 47425, 49870, 50254, 50258, 50358, 50359, 50360, 50361, 50362]


def log(run_dir, msg):
    line = time.strftime("%H:%M:%S ") + msg
    print(line, flush=True)
    with open(os.path.join(run_dir, "log.txt"), "a") as f:
        f.write(line + "\n")


class Data:
    """Corpus in RAM + tokenization + per-step deterministic batches."""

    def __init__(self):
        self.metas, mel, self.audio, self.offs = corpus_mod.load(WORK)
        self.mel = np.asarray(mel)  # float16 [N, 80, 600]
        self.tk = T.Tokenizer()
        self.text_ids = [self.tk.encode(" " + m["text"].strip()) for m in self.metas]
        self.transl_ids = [self.tk.encode(" " + m["translation"].strip()) for m in self.metas]
        used = set()
        for a, b in zip(self.text_ids, self.transl_ids):
            used.update(a)
            used.update(b)
        self.subset = sorted(used | set(range(T.EOT, T.VOCAB_SIZE)))
        # auxiliary CTC targets: espeak-ng's IPA phonemes of each utterance (phonemes.py) when present,
        # else the lower-cased characters of the text
        ph = os.path.join(WORK, "corpus", "phonemes.jsonl")
        if os.path.exists(ph):
            self.ctc_text = [json.loads(l) for l in open(ph, encoding="utf-8")]
        else:
            self.ctc_text = [m["text"].lower() for m in self.metas]
        chars = sorted(set("".join(self.ctc_text)))
        self.char_id = {c: i + 1 for i, c in enumerate(chars)}
        self.n_frames = [min(N_FRAMES, int(math.ceil(m["n_samples"] / 160))) for m in self.metas]
        self.by_lang = {l: [i for i, m in enumerate(self.metas) if m["split"] == "train" and m["lang"] == l] for l in LANGS}

    def indices(self, split, langs=LANGS, domains=DOMAINS, per_cell=None):
        splits = (split,) if isinstance(split, str) else tuple(split)
        out = []
        for l in langs:
            for d in domains:
                cell = [i for i, m in enumerate(self.metas) if m["split"] in splits and m["lang"] == l and m["domain"] == d]
                out.extend(cell[:per_cell] if per_cell else cell)
        return out

    def sequence(self, i, rng, pair=None):
        """Target tokens of utterance i, or of i followed by pair = (j, start_j_sec) (two sentences)."""
        m = self.metas[i]
        lang = m["lang"]
        translate = (lang != "en" and rng.random() < 0.15) or (lang == "en" and rng.random() < 0.03)
        ts = (not translate) and rng.random() < 0.3
        seq = []
        if rng.random() < 0.15:
            j = rng.choice(self.by_lang[lang])
            seq = [T.STARTOFPREV] + self.text_ids[j][-40:]
        sot = len(seq)
        seq += [T.SOT, T.LANG_ID[lang], T.TRANSLATE if translate else T.TRANSCRIBE]
        ids = self.transl_ids if translate else self.text_ids
        body = ids[i] if pair is None else ids[i] + ids[pair[0]]
        speech_end = m["speech_end_sec"] if pair is None else pair[1] + self.metas[pair[0]]["speech_end_sec"]
        if ts:
            end = min(speech_end, N_FRAMES / 100)
            seq += [T.ts_token(0.0)] + body + [T.ts_token(end)]
        else:
            seq += [T.NOTIMESTAMPS] + body
        seq.append(T.EOT)
        return seq[-N_TGT - 1:], sot

    def window_sequence(self, i, body, prompt=None):
        """Target tokens of a long-form window (window_for): always transcribed, always timestamped. With
        a prompt (window_prompt), <|startofprev|> + prompt comes first, cut from its front to fit, and
        is not a target."""
        seq = [T.SOT, T.LANG_ID[self.metas[i]["lang"]], T.TRANSCRIBE] + body + [T.EOT]
        seq = seq[-N_TGT - 1:]
        if not prompt:
            return seq, 0
        room = N_TGT + 1 - len(seq) - 1
        if room <= 0:
            return seq, 0
        head = [T.STARTOFPREV] + prompt[-room:]
        return head + seq, len(head)

    def same_language(self, lang, pool, rng):
        """A random utterance of the pool in language lang (16 draws at most), or None."""
        for _ in range(16):
            j = rng.choice(pool)
            if self.metas[j]["lang"] == lang:
                return j
        return None

    def window_prompt(self, i, pool, rng):
        """What openai's seek loop feeds a window as its prompt: the previous windows' tokens,
        timestamps included. Here 1-3 other utterances of i's language laid out as a previous 6 s
        window's segments (start and end timestamps, 0.2-0.8 s apart), its last N_TGT // 2 - 1 tokens."""
        lang = self.metas[i]["lang"]
        out, t = [], rng.uniform(0.0, 0.6)
        for _ in range(rng.randint(1, 3)):
            j = self.same_language(lang, pool, rng)
            if j is None:
                break
            end = t + self.metas[j]["speech_end_sec"]
            if end > N_FRAMES / 100 - 0.02:
                break
            out += [T.ts_token(t)] + self.text_ids[j] + [T.ts_token(end)]
            t = end + rng.uniform(0.2, 0.8)
        return out[-(N_TGT // 2 - 1):]

    def pair_for(self, i, pool, rng):
        """A second utterance of i's language from the pool that fits after i (and a 0.1-0.5 s gap) in the
        window, or None; returns (j, gap_samples)."""
        lang = self.metas[i]["lang"]
        room = N_FRAMES * 160 - self.metas[i]["n_samples"]
        for _ in range(8):
            j = rng.choice(pool)
            gap = rng.randint(1600, 8000)
            if self.metas[j]["lang"] == lang and j != i and self.metas[j]["n_samples"] + gap <= room:
                return j, gap
        return None

    def utterance_audio(self, i):
        """Utterance i's samples as float32 in [-1, 1)."""
        return np.asarray(self.audio[self.offs[i]:self.offs[i + 1]], dtype=np.float32) / 32768.0

    def pair_mel(self, i, j, gap):
        """Log-mel of utterance i, silence, utterance j: computed on the joined audio like any window."""
        x = np.concatenate([self.utterance_audio(i), np.zeros(gap, dtype=np.float32), self.utterance_audio(j)])
        return corpus_mod.log_mel(x, N_FRAMES)

    def window_for(self, i, pool, rng, lead=0.0):
        """A long-form training window, as Whisper trains them: utterance i, then more of its language
        (0.2-0.8 s apart) until the 6 s window is full; segments inside the window get start and end
        timestamps, the one the window cuts gets only its start timestamp (decoding seeks there next).
        With lead > 0 the window starts up to `lead` seconds before utterance i, as the seek loop starts
        windows wherever the previous one's last timestamp fell: a pause, and in 30 % of windows the
        last 0.05-0.3 s of another utterance before it (speech with no text in this window).
        Returns (audio float32, tokens after SOT/lang/transcribe, frames with complete speech, CTC text)."""
        lang = self.metas[i]["lang"]
        n_win = N_FRAMES * 160
        parts, t = [], 0
        tail = None
        if lead > 0:  # (rng consumed only here, so lead 0 reproduces the earlier windows)
            t = int(rng.uniform(0.0, lead) * 16000)
            if rng.random() < 0.3:
                k = rng.choice(pool)
                tail = self.utterance_audio(k)[:int(self.metas[k]["speech_end_sec"] * 16000)]
                tail = tail[-min(len(tail), rng.randint(800, 4800), max(t, 1)):]
        j = i
        while t < n_win:
            parts.append((j, t))
            t += self.metas[j]["n_samples"] + rng.randint(3200, 12800)
            j = self.same_language(lang, pool, rng)
            if j is None:
                break
        audio = np.zeros(max(n_win, t), dtype=np.float32)
        if tail is not None and len(tail):
            audio[:len(tail)] = tail
        body, ctc, done_frames = [], [], 0
        for j, at in parts:
            a = self.utterance_audio(j)
            audio[at:at + len(a)] = a
            start = at / 16000
            end = start + self.metas[j]["speech_end_sec"]
            if end <= N_FRAMES / 100 - 0.02:
                body += [T.ts_token(start)] + self.text_ids[j] + [T.ts_token(end)]
                ctc.append(self.ctc_text[j])
                done_frames = int(math.ceil(end * 100))
            else:
                if start <= N_FRAMES / 100 - 0.3:  # cut by the window: its start only
                    body.append(T.ts_token(start))
                break
        return audio[:n_win], body, done_frames, (" " if " " in self.char_id else "").join(ctc)

    def batch(self, pool, step, bsz, seed, chunk=20, rank=0, world=1, enc_cache=None, concat=0.0, windows=0.0,
              window_lead=0.0, window_prompts=0.0):
        """Length-bucketed batches: chunk of chunk*bsz random utterances sorted by length. With concat > 0,
        that fraction of the utterances (when one fits) is followed by a second one of the same language;
        with windows > 0, that fraction of the batches are full long-form windows (window_for) instead."""
        c, k = divmod(step, chunk)
        crng = random.Random(seed * 1000003 + c)
        cand = [crng.choice(pool) for _ in range(chunk * bsz)]
        cand.sort(key=lambda i: self.n_frames[i])
        order = list(range(chunk))
        crng.shuffle(order)
        idx = cand[order[k] * bsz:(order[k] + 1) * bsz]
        rng = random.Random(seed * 7919 + step)
        full_window = rng.random() < 0.1
        # a window batch (all its examples long-form windows, so the batch stays one length); drawn only
        # when windows > 0, so the other draws are unchanged
        window_batch = windows > 0 and enc_cache is None and rng.random() < windows
        idx = idx[rank::world]
        rng = random.Random(seed * 7919 + step * 31 + rank)
        # (the rng is only consumed for pairs when concat > 0, so concat 0 reproduces the old batches; the
        # decoder-only mode's cached encoder outputs are of single utterances)
        concat = 0.0 if enc_cache is not None else concat
        wins = [self.window_for(i, pool, rng, window_lead) if window_batch else None for i in idx]
        # prompts of window examples (rng consumed only when window_prompts > 0)
        prompts = [self.window_prompt(i, pool, rng) if w is not None and window_prompts > 0 and
                   rng.random() < window_prompts else None for i, w in zip(idx, wins)]
        pairs = [None if w is not None else self.pair_for(i, pool, rng) if concat > 0 and rng.random() < concat else None
                 for i, w in zip(idx, wins)]
        frames = [N_FRAMES if w is not None else self.n_frames[i] if p is None else
                  min(N_FRAMES, int(math.ceil((self.metas[i]["n_samples"] + p[1] + self.metas[p[0]]["n_samples"]) / 160)))
                  for i, p, w in zip(idx, pairs, wins)]
        maxf = max(frames)
        if full_window:
            nf = N_FRAMES
        else:
            nf = min(N_FRAMES, int(math.ceil((maxf + rng.randint(0, 60)) / 20.0)) * 20)
        if enc_cache is not None:  # decoder-only fine-tuning: cached full-window encoder output
            mel = torch.from_numpy(np.asarray(enc_cache[idx]).astype(np.float32))
        else:
            mel = torch.from_numpy(self.mel[idx, :, :nf].astype(np.float32))
            for b, (i, p, w) in enumerate(zip(idx, pairs, wins)):
                if p is not None:
                    mel[b] = torch.from_numpy(self.pair_mel(i, p[0], p[1])[:, :nf])
                elif w is not None:
                    mel[b] = torch.from_numpy(corpus_mod.log_mel(w[0], N_FRAMES)[:, :nf])
        seqs = [self.sequence(i, rng, None if p is None else (p[0], (self.metas[i]["n_samples"] + p[1]) / 16000))
                if w is None else self.window_sequence(i, w[1], q) for i, p, w, q in zip(idx, pairs, wins, prompts)]
        L = max(len(s) for s, _ in seqs) - 1
        inp = torch.full((len(idx), L), T.EOT, dtype=torch.long)
        tgt = torch.full((len(idx), L), -100, dtype=torch.long)
        sub_pos = self.sub_pos
        for b, (s, sot) in enumerate(seqs):
            inp[b, :len(s) - 1] = torch.tensor(s[:-1])
            for j in range(sot, len(s) - 1):
                tgt[b, j] = sub_pos[s[j + 1]]
        sep = " " if " " in self.char_id else ""
        ctc_text = [w[3] if w is not None else self.ctc_text[i] if p is None else self.ctc_text[i] + sep + self.ctc_text[p[0]]
                    for i, p, w in zip(idx, pairs, wins)]
        ctc_t = [torch.tensor([self.char_id[ch] for ch in t], dtype=torch.long) for t in ctc_text]
        # a window's CTC covers only the frames of its complete segments (the cut one has no target)
        ctc_in = torch.tensor([min(nf, f if w is None else w[2]) // 2 for f, w in zip(frames, wins)])
        return mel, inp, tgt, ctc_t, ctc_in

    @property
    def sub_pos(self):
        if not hasattr(self, "_sub_pos"):
            self._sub_pos = {t: k for k, t in enumerate(self.subset)}
        return self._sub_pos


def init_model(data, seed, pos_scale=1.0, conv_gain=1.0):
    """pos_scale scales the (frozen, shipped) sinusoidal encoder position table; conv_gain scales the
    initial conv weights. Both exist because the audio features out of a default-initialised conv
    stack start ~17x smaller than the unit-amplitude sinusoids they are added to."""
    torch.manual_seed(seed)
    cfg = make_config(**DIMS)
    model = Whisper(cfg)
    with torch.no_grad():
        model.model.encoder.embed_positions.weight.mul_(pos_scale)
        model.model.encoder.conv1.weight.mul_(conv_gain)
        model.model.encoder.conv2.weight.mul_(conv_gain)
        E = model.model.decoder.embed_tokens.weight
        E.zero_()
        sub = torch.tensor(data.subset)
        E[sub] = torch.randn(len(sub), cfg["d_model"]) * 0.02
        model.model.decoder.embed_positions.weight.normal_(0, 0.02)
    return model


def full_state(model, full_emb, small, sub):
    with torch.no_grad():
        full_emb.weight[sub] = small.weight
    sd = {k: v.clone() for k, v in model.state_dict().items()}
    sd["model.decoder.embed_tokens.weight"] = full_emb.weight.detach().clone()
    return sd


def train(args):
    torch.set_num_threads(args.threads)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1:  # CPU data parallel over processes (gloo all-reduce of gradients)
        import torch.distributed as dist
        dist.init_process_group("gloo", rank=rank, world_size=world)
    global log
    if rank != 0:
        log = lambda *a: None  # noqa: E731
    run_dir = os.path.join(WORK, "runs", args.run)
    os.makedirs(run_dir, exist_ok=True)
    data = Data()
    if args.pool == "base":
        pool = data.indices("train", per_cell=args.base_per_cell)
    elif args.pool == "all":  # multitask: the union of every expert's data
        pool = data.indices(FT_SPLITS)
    else:
        pool = data.indices(FT_SPLITS, **EXPERTS[args.pool])
    model = init_model(data, args.seed, args.pos_scale, args.conv_gain)
    if args.init == "shipped":  # the F16 base exactly as shipped in models/base
        import package
        sd, _ = package.read_safetensors(os.path.join(package.MODELS, "base", "model.safetensors"))
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in sd.items()})
    elif args.init:
        f = os.path.join(WORK, "runs", args.init, "final.pt")
        sd = torch.load(f) if os.path.exists(f) else torch.load(os.path.join(WORK, "runs", args.init, "ckpt.pt"))["model"]
        model.load_state_dict(sd)
    enc_cache = None
    if args.decoder_only:
        enc_cache = np.load(ENC_CACHE, mmap_mode="r")
        enc_cache = np.asarray(enc_cache)
    freeze = ["model.encoder.embed_positions.weight"]
    if args.freeze_embeddings:
        freeze += ["model.decoder.embed_tokens.weight", "model.decoder.embed_positions.weight"]
    # train a compact [|subset|, d] table instead of the full [51865, d] one (rows outside the subset stay
    # exactly zero; their logits are 0 and are accounted for by the null column below)
    full_emb = model.model.decoder.embed_tokens
    sub = torch.tensor(data.subset)
    small = torch.nn.Embedding(len(data.subset), DIMS["d"])
    small.weight.data.copy_(full_emb.weight.data[sub])
    model.model.decoder.embed_tokens = small
    for n, p in model.named_parameters():
        p.requires_grad_(n not in freeze and not (args.decoder_only and n.startswith("model.encoder.")))
    ctc_head = torch.nn.Linear(DIMS["d"], len(data.char_id) + 1)
    if args.ctc_init:  # fine-tunes keep training the base's (throw-away) CTC head
        ctc_head.load_state_dict(torch.load(os.path.join(WORK, "runs", args.ctc_init, "ckpt.pt"))["ctc"])
    params = [p for p in model.parameters() if p.requires_grad] + ([] if args.decoder_only else list(ctc_head.parameters()))
    # the conv front end collapsed (conv1 weights x100, conv2 GELUs dead) at lr 1e-3: scale its lr down
    conv = [p for n, p in model.named_parameters() if p.requires_grad and ".conv" in n]
    head = [] if args.decoder_only else list(ctc_head.parameters())
    rest = [p for p in params if all(p is not c for c in conv + head)]
    opt = torch.optim.AdamW([{"params": rest, "lr_scale": 1.0}, {"params": conv, "lr_scale": args.conv_lr_scale},
                             {"params": head, "lr_scale": 1.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-8, weight_decay=0.01)
    step = 0
    ck = os.path.join(run_dir, "ckpt.pt")
    if os.path.exists(ck):
        st = torch.load(ck)
        model.model.decoder.embed_tokens = full_emb
        model.load_state_dict(st["model"])
        small.weight.data.copy_(full_emb.weight.data[sub])
        model.model.decoder.embed_tokens = small
        ctc_head.load_state_dict(st["ctc"])
        opt.load_state_dict(st["opt"])
        opt.param_groups[1]["lr_scale"] = args.conv_lr_scale  # the saved state carries the old scale
        step = st["step"]
        log(run_dir, f"resumed at step {step}")
    json.dump(vars(args), open(os.path.join(run_dir, "args.json"), "w"), indent=1)
    log(run_dir, f"run {args.run}: pool {len(pool)} utts, subset {len(data.subset)} tokens, "
                 f"{sum(p.numel() for p in model.parameters())} params, steps {args.steps}")
    remap = torch.zeros(T.VOCAB_SIZE, dtype=torch.long)
    remap[sub] = torch.arange(len(data.subset))
    null_logit = math.log(T.VOCAB_SIZE - len(data.subset))
    t0 = time.time()
    agg = []
    model.train()
    stop = args.stop_at or args.steps
    while step < stop:
        k, total = step - args.head_warmup, args.steps - args.head_warmup  # the schedule starts after the head warm-up
        if k < 0:  # a fresh CTC head on a trained encoder: only the head learns (at the peak lr) until it fits
            lr = args.lr
        elif args.schedule == "cosine":
            if k < args.warmup:
                lr = args.lr * (k + 1) / args.warmup
            else:
                p = (k - args.warmup) / max(1, total - args.warmup)
                lr = args.lr_final + 0.5 * (args.lr - args.lr_final) * (1 + math.cos(math.pi * p))
        else:
            lr = args.lr * min(1.0, (k + 1) / args.warmup)
        for i, g in enumerate(opt.param_groups):
            g["lr"] = lr * g.get("lr_scale", 1.0) * (1.0 if i == 2 or k >= 0 else 0.0)
        mel, inp, tgt, ctc_t, ctc_in = data.batch(pool, step, args.batch, args.seed, rank=rank, world=world,
                                                  enc_cache=enc_cache, concat=args.concat, windows=args.windows,
                                                  window_lead=args.window_lead, window_prompts=args.window_prompts)
        inp = remap[inp]
        enc = mel if args.decoder_only else model.model.encoder(mel)
        h = model.model.decoder(inp, enc)
        lg = h @ small.weight.t()
        lg = torch.cat([lg, torch.full(lg.shape[:-1] + (1,), null_logit)], dim=-1)
        ce = F.cross_entropy(lg.reshape(-1, lg.shape[-1]), tgt.reshape(-1), ignore_index=-100)
        if args.decoder_only:
            ctc = torch.zeros(())
            loss = ce
        else:
            lp = ctc_head(enc).log_softmax(-1).transpose(0, 1)
            ctc = F.ctc_loss(lp, torch.cat(ctc_t), ctc_in, torch.tensor([len(t) for t in ctc_t]), zero_infinity=True)
            loss = (ce if step >= args.ce_warmup else 0.0 * ce) + args.ctc_weight * ctc
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if world > 1:
            grads = [p.grad for p in params if p.grad is not None]
            flat = torch.cat([g.reshape(-1) for g in grads])
            dist.all_reduce(flat)
            flat /= world
            o = 0
            for g in grads:
                g.copy_(flat[o:o + g.numel()].view_as(g))
                o += g.numel()
        gnorm = torch.nn.utils.clip_grad_norm_(params, float("inf"))  # the norm only (no scaling): grads stay inspectable
        if torch.isfinite(gnorm):
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
        else:  # a non-finite gradient (same on every rank after the all-reduce): skip the update
            bad = [n for n, p in list(model.named_parameters()) + [("ctc_head." + n, p) for n, p in ctc_head.named_parameters()]
                   if p.grad is not None and not torch.isfinite(p.grad).all()]
            log(run_dir, f"step {step}: non-finite gradient norm (ce {ce.item():.3f} ctc {ctc.item():.3f}; "
                         f"{len(bad)} tensors, first {bad[:3]}), update skipped")
            opt.zero_grad(set_to_none=True)
        step += 1
        agg.append((ce.item(), ctc.item(), enc.detach().std(1).mean().item()))
        if step % args.log_every == 0:
            a = np.mean(agg, axis=0)
            agg = []
            log(run_dir, f"step {step} lr {lr:.2e} ce {a[0]:.3f} ctc {a[1]:.3f} enc_std_t {a[2]:.3f} "
                         f"{(time.time() - t0) / args.log_every:.2f}s/step")
            t0 = time.time()
        if rank == 0 and args.eval_every and step % args.eval_every == 0:
            model.model.decoder.embed_tokens = full_emb
            with torch.no_grad():
                full_emb.weight[sub] = small.weight
            res, _ = evaluate(model, data, "dev", log_fn=lambda m: log(run_dir, m))
            model.model.decoder.embed_tokens = small
        if rank == 0 and (step % args.ckpt_every == 0 or step == stop):
            torch.save({"model": full_state(model, full_emb, small, sub), "ctc": ctc_head.state_dict(), "opt": opt.state_dict(),
                        "step": step}, ck + ".tmp")
            os.replace(ck + ".tmp", ck)
    if rank == 0 and stop == args.steps:
        torch.save(full_state(model, full_emb, small, sub), os.path.join(run_dir, "final.pt"))
    log(run_dir, "done")


# ------------------------------------------------------------------ decoding / metrics
def normalize(s):
    import regex
    s = s.lower().replace("'", " ").replace("’", " ")
    s = regex.sub(r"[^\p{L}\p{N}\s]", " ", s)
    return " ".join(s.split())


def edit_distance(a, b):
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(b) + 1):
            cur = d[j]
            d[j] = min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] != b[j - 1]))
            prev = cur
    return d[-1]


@torch.no_grad()
def greedy(model, mels, langs, task=T.TRANSCRIBE, max_new=96, enc=None):
    """Batched greedy decode, full-vocab logits, openai suppression. mels [B,80,N_FRAMES] float32."""
    if enc is None:
        enc = model.model.encoder(mels)
    B = enc.shape[0]
    prompt = torch.tensor([[T.SOT, T.LANG_ID[l], task, T.NOTIMESTAMPS] for l in langs])
    cache = {}
    h = model.model.decoder(prompt, enc, 0, cache)
    pos = prompt.shape[1]
    out = [[] for _ in range(B)]
    done = torch.zeros(B, dtype=torch.bool)
    sup = torch.tensor(SUPPRESS + list(range(T.TS_BEGIN, T.VOCAB_SIZE)) + [T.NOTIMESTAMPS])
    for k in range(max_new):
        lg = model.logits(h[:, -1])
        lg[:, sup] = float("-inf")
        if k == 0:
            lg[:, [220, T.EOT]] = float("-inf")
        nxt = lg.argmax(-1)
        nxt[done] = T.EOT
        for b in range(B):
            if not done[b] and nxt[b].item() != T.EOT:
                out[b].append(nxt[b].item())
        done |= nxt == T.EOT
        if done.all() or pos >= N_TGT:
            break
        h = model.model.decoder(nxt[:, None], enc, pos, cache)
        pos += 1
    return out


def evaluate(model, data, split="test", log_fn=print, limit=None, enc_cache=None):
    model.eval()
    idx = data.indices(split)
    if limit:
        idx = idx[:limit]
    hyps = {}
    for s in range(0, len(idx), 32):
        b = idx[s:s + 32]
        if enc_cache is not None:
            res = greedy(model, None, [data.metas[i]["lang"] for i in b],
                         enc=torch.from_numpy(np.asarray(enc_cache[b]).astype(np.float32)))
        else:
            mels = torch.from_numpy(data.mel[b].astype(np.float32))
            res = greedy(model, mels, [data.metas[i]["lang"] for i in b])
        for i, r in zip(b, res):
            hyps[i] = data.tk.decode(r).strip()
    stats = {}
    for i, hyp in hyps.items():
        m = data.metas[i]
        ref_n, hyp_n = normalize(m["text"]), normalize(hyp)
        w = (edit_distance(ref_n.split(), hyp_n.split()), len(ref_n.split()))
        c = (edit_distance(ref_n, hyp_n), len(ref_n))
        for key in ("all", m["lang"], m["domain"]):
            e = stats.setdefault(key, [0, 0, 0, 0, 0])
            e[0] += w[0]; e[1] += w[1]; e[2] += c[0]; e[3] += c[1]; e[4] += 1
    res = {k: {"wer": round(v[0] / v[1], 4), "cer": round(v[2] / v[3], 4), "n": v[4]} for k, v in stats.items()}
    for k, v in res.items():
        log_fn(f"  {k:9s} WER {v['wer'] * 100:6.2f}%  CER {v['cer'] * 100:6.2f}%  n={v['n']}")
    model.train()
    return res, hyps


def eval_cmd(args):
    torch.set_num_threads(args.threads)
    data = Data()
    model = init_model(data, 0)
    run_dir = os.path.join(WORK, "runs", args.run)
    f = os.path.join(run_dir, "final.pt")
    if os.path.exists(f):
        model.load_state_dict(torch.load(f))
    else:
        model.load_state_dict(torch.load(os.path.join(run_dir, "ckpt.pt"))["model"])
    if args.fp16:
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.half().float())
    res, hyps = evaluate(model, data, args.split, limit=args.limit)
    json.dump({"split": args.split, "fp16_weights": args.fp16, "metrics": res,
               "hyps": {data.metas[i]["text"] + f" #{i}": h for i, h in list(hyps.items())[:40]}},
              open(os.path.join(run_dir, f"eval-{args.split}.json"), "w"), indent=1, ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser()
    sp = ap.add_subparsers(dest="cmd", required=True)
    sp.add_parser("corpus")
    t = sp.add_parser("train")
    t.add_argument("--run", required=True)
    t.add_argument("--pool", default="base")
    t.add_argument("--init", default="")
    t.add_argument("--steps", type=int, default=3000)
    t.add_argument("--batch", type=int, default=24)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--lr-final", type=float, default=1e-4)
    t.add_argument("--warmup", type=int, default=200)
    t.add_argument("--schedule", default="cosine")
    t.add_argument("--ctc-weight", type=float, default=0.5)
    t.add_argument("--freeze-embeddings", action="store_true")
    t.add_argument("--decoder-only", action="store_true")
    t.add_argument("--ctc-init", default="", help="run whose checkpointed CTC head initialises this run's")
    t.add_argument("--conv-lr-scale", type=float, default=0.2)
    t.add_argument("--stop-at", type=int, default=0, help="stop (checkpoint) at this step; schedule still uses --steps")
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--pos-scale", type=float, default=1.0)
    t.add_argument("--conv-gain", type=float, default=1.0)
    t.add_argument("--ce-warmup", type=int, default=0, help="steps of CTC-only training (decoder loss weight 0)")
    t.add_argument("--head-warmup", type=int, default=0,
                   help="steps in which only the (fresh) CTC head learns; the model's lr is 0 but Adam's moments warm up")
    t.add_argument("--eval-every", type=int, default=0, help="greedy-decode the dev split every N steps (rank 0)")
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--base-per-cell", type=int, default=BASE_PER_CELL,
                   help="training utterances per (language, domain) cell in the base pool")
    t.add_argument("--concat", type=float, default=0.0,
                   help="fraction of examples that join a second same-language utterance after a short gap")
    t.add_argument("--windows", type=float, default=0.0,
                   help="fraction of batches made of full long-form windows (several utterances, the last cut)")
    t.add_argument("--window-lead", type=float, default=0.0,
                   help="long-form windows start up to this many seconds before their first utterance")
    t.add_argument("--window-prompts", type=float, default=0.0,
                   help="fraction of long-form windows prompted with a previous window's timestamped segments")
    t.add_argument("--ckpt-every", type=int, default=100)
    t.add_argument("--log-every", type=int, default=50)
    e = sp.add_parser("eval")
    e.add_argument("--run", required=True)
    e.add_argument("--split", default="test")
    e.add_argument("--limit", type=int, default=0)
    e.add_argument("--fp16", action="store_true")
    e.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    if a.cmd == "corpus":
        corpus_mod.build(WORK)
    elif a.cmd == "train":
        train(a)
    elif a.cmd == "eval":
        eval_cmd(a)


if __name__ == "__main__":
    main()
