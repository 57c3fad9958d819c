#!/usr/bin/env python3
"""Packaging of the trained runs into models/ (HF Whisper folders, expert deltas, eval sets, samples).

  base      --run base                  -> models/base/ (config, generation/preprocessor config, F16 safetensors,
                                           tokenizer files)
  delta     --run expert-de --name de   -> models/experts/de/{delta.safetensors,expert.json}
            --run multitask --name multitask --dest models/multitask
  evalsets                              -> models/eval/{test,dev,longform}/, models/samples/
  evalship  --name base|de|...|multitask [--split test] -> greedy decode of the SHIPPED files, writes
                                           models/train/metrics/<name>-<split>.json
  tokenizer                             -> (re)copy tokenizer files into models/base/
"""
import argparse
import hashlib
import json
import os
import shutil
import struct
import sys
import wave

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tok as T  # noqa: E402
import train as TR  # noqa: E402
from grammar import DOMAINS, LANGS  # noqa: E402

MODELS = os.environ.get("CHORUS_MODELS_DIR", os.path.abspath(os.path.join(HERE, "..")))
WORK = TR.WORK
TOKENIZER_FILES = ["vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                   "added_tokens.json", "normalizer.json", "multilingual.tiktoken", "LICENSE-openai-whisper.md"]
FROZEN_IN_FINETUNE = ["model.decoder.embed_tokens.weight", "model.decoder.embed_positions.weight",
                      "model.encoder.embed_positions.weight"]
DT = {"F16": np.float16, "F32": np.float32}


# ------------------------------------------------------------------ safetensors
def write_safetensors(path, tensors, dtype="F16", metadata=None):
    """tensors: ordered dict name -> float array. 8-byte LE header length + JSON header + raw LE data."""
    header, blobs, off = {}, [], 0
    for name, arr in tensors.items():
        a = np.ascontiguousarray(np.asarray(arr, dtype=np.float32).astype(DT[dtype]).astype(DT[dtype]).newbyteorder("<"))
        b = a.tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype=np.dtype(DT[info["dtype"]]).newbyteorder("<")).reshape(
            info["shape"]).astype(np.float32)
    return out, header.get("__metadata__", {})


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ------------------------------------------------------------------ HF folder
def hf_configs():
    d = TR.DIMS
    suppress = [t for t in TR.SUPPRESS if t < T.EOT] + [50258, 50358, 50359, 50360, 50361, 50362]
    n_layers = d["layers"]
    align = [[l, h] for l in range(n_layers // 2, n_layers) for h in range(d["heads"])]
    config = {
        "_name_or_path": "chorus/whisper-synth-base",
        "activation_dropout": 0.0, "activation_function": "gelu", "apply_spec_augment": False,
        "architectures": ["WhisperForConditionalGeneration"], "attention_dropout": 0.0,
        "begin_suppress_tokens": [220, T.EOT], "bos_token_id": T.EOT, "classifier_proj_size": 256,
        "d_model": d["d"], "decoder_attention_heads": d["heads"], "decoder_ffn_dim": d["ffn"],
        "decoder_layerdrop": 0.0, "decoder_layers": n_layers, "decoder_start_token_id": T.SOT, "dropout": 0.0,
        "encoder_attention_heads": d["heads"], "encoder_ffn_dim": d["ffn"], "encoder_layerdrop": 0.0,
        "encoder_layers": n_layers, "eos_token_id": T.EOT, "init_std": 0.02, "is_encoder_decoder": True,
        "mask_feature_length": 10, "mask_feature_min_masks": 0, "mask_feature_prob": 0.0, "mask_time_length": 10,
        "mask_time_min_masks": 2, "mask_time_prob": 0.05, "max_length": d["n_tgt"],
        "max_source_positions": d["n_src"], "max_target_positions": d["n_tgt"], "median_filter_width": 7,
        "model_type": "whisper", "num_hidden_layers": n_layers, "num_mel_bins": 80, "pad_token_id": T.EOT,
        "scale_embedding": False, "suppress_tokens": suppress, "torch_dtype": "float16",
        "transformers_version": "4.36.0", "use_cache": True, "use_weighted_layer_sum": False,
        "vocab_size": T.VOCAB_SIZE,
    }
    gen = {
        "alignment_heads": align, "begin_suppress_tokens": [220, T.EOT], "bos_token_id": T.EOT,
        # transformers' name for openai's condition_on_previous_text: the models never see the
        # previous windows' text as a prompt in training, and the seek loop decodes long audio
        # better without it (eval/longform: 34.1 % WER against 53.9 % with it, session 10)
        "condition_on_prev_tokens": False,
        "decoder_start_token_id": T.SOT, "eos_token_id": T.EOT, "forced_decoder_ids": [[1, None], [2, T.TRANSCRIBE]],
        "is_multilingual": True, "lang_to_id": {f"<|{c}|>": i for c, i in T.LANG_ID.items()},
        "max_initial_timestamp_index": 50, "max_length": d["n_tgt"], "no_timestamps_token_id": T.NOTIMESTAMPS,
        "pad_token_id": T.EOT, "prev_sot_token_id": T.STARTOFPREV, "return_timestamps": False,
        "suppress_tokens": suppress, "task_to_id": {"transcribe": T.TRANSCRIBE, "translate": T.TRANSLATE},
        "transformers_version": "4.36.0",
    }
    n_frames = 2 * d["n_src"]
    pre = {
        "chunk_length": n_frames // 100, "feature_extractor_type": "WhisperFeatureExtractor", "feature_size": 80,
        "hop_length": 160, "n_fft": 400, "n_samples": n_frames * 160, "nb_max_frames": n_frames,
        "padding_side": "right", "padding_value": 0.0, "processor_class": "WhisperProcessor",
        "return_attention_mask": False, "sampling_rate": 16000,
    }
    return config, gen, pre


def copy_tokenizer(dest):
    src = os.path.join(MODELS, "tokenizer")
    copied = []
    for f in TOKENIZER_FILES:
        p = os.path.join(src, f)
        if os.path.exists(p):
            shutil.copyfile(p, os.path.join(dest, f))
            copied.append(f)
    if "multilingual.tiktoken" not in copied:
        shutil.copyfile("/work/shared/whisper-assets/multilingual.tiktoken", os.path.join(dest, "multilingual.tiktoken"))
        copied.append("multilingual.tiktoken")
    return copied


def state_np(run, name="final.pt"):
    path = os.path.join(WORK, "runs", run, name)
    if not os.path.exists(path):  # run stopped early (time budget): last checkpoint
        path = os.path.join(WORK, "runs", run, "ckpt.pt")
    sd = torch.load(path)
    if "model" in sd and isinstance(sd["model"], dict):
        sd = sd["model"]
    return {k: v.detach().float().numpy() for k, v in sd.items()}


def export_base(run, dest):
    os.makedirs(dest, exist_ok=True)
    sd = state_np(run)
    config, gen, pre = hf_configs()
    for name, obj in (("config.json", config), ("generation_config.json", gen), ("preprocessor_config.json", pre)):
        with open(os.path.join(dest, name), "w") as f:
            json.dump(obj, f, indent=2)
            f.write("\n")
    write_safetensors(os.path.join(dest, "model.safetensors"), sd, "F16", {"format": "pt", "producer": "chorus models/train"})
    print("tokenizer files:", copy_tokenizer(dest))


def export_delta(run, name, dest, extra):
    os.makedirs(dest, exist_ok=True)
    base_path = os.path.join(MODELS, "base", "model.safetensors")
    base, _ = read_safetensors(base_path)
    sd = state_np(run)
    delta, nb, nd = {}, 0.0, 0.0
    for k, v in sd.items():
        if k in FROZEN_IN_FINETUNE:
            assert np.array_equal(np.float16(v).astype(np.float32), base[k]) or np.abs(v - base[k]).max() < 1e-3, k
            continue
        dk = v - base[k]
        if not np.any(dk):  # unchanged (e.g. the frozen encoder of a decoder-only fine-tune)
            continue
        delta[k] = dk
        nb += float((base[k].astype(np.float64) ** 2).sum())
        nd += float((delta[k].astype(np.float64) ** 2).sum())
    write_safetensors(os.path.join(dest, "delta.safetensors"), delta, "F16",
                      {"format": "pt", "kind": "task-vector", "base": "models/base"})
    args = json.load(open(os.path.join(WORK, "runs", run, "args.json")))
    pool = args["pool"]
    ft_per_cell = sum(TR.corpus_mod.SPLIT_SIZES[s] for s in TR.FT_SPLITS)  # train + xtrain of each cell
    info = {
        "name": name,
        "kind": "task vector (theta_expert - theta_base) of the tensors the fine-tune changed, F16",
        "base": {"path": "models/base/model.safetensors", "sha256": sha256(base_path)},
        "apply": "theta = float32(base) + float32(delta) for every tensor in delta.safetensors; others = base",
        "tensors": len(delta), "frozen_not_in_delta": FROZEN_IN_FINETUNE,
        "delta_norm_over_base_norm": round((nd / nb) ** 0.5, 4),
        "training_data": ({"languages": LANGS, "domains": DOMAINS, "per_cell": ft_per_cell} if pool == "all" else
                          {**TR.EXPERTS[pool], "per_cell": ft_per_cell}),
        "steps": args["steps"], "batch": args["batch"], "lr": args["lr"], "schedule": f"{args['schedule']} warmup {args['warmup']}",
        "seed": args["seed"], "ctc_aux_weight": args["ctc_weight"],
        "init": ("models/base (F16)" if args["init"] == "shipped" else f"run {args['init']} (F32; models/base is its F16 copy)"),
        "two_sentence_fraction": args.get("concat", 0.0), "long_form_window_fraction": args.get("windows", 0.0),
    }
    info.update(extra)
    with open(os.path.join(dest, "expert.json" if name != "multitask" else "multitask.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(name, "delta norm ratio", info["delta_norm_over_base_norm"])


# ------------------------------------------------------------------ shipped-model evaluation
def load_shipped(name):
    data = TR.Data()
    model = TR.init_model(data, 0)
    base, _ = read_safetensors(os.path.join(MODELS, "base", "model.safetensors"))
    sd = dict(base)
    if name != "base":
        dpath = (os.path.join(MODELS, "multitask", "delta.safetensors") if name == "multitask"
                 else os.path.join(MODELS, "experts", name, "delta.safetensors"))
        delta, _ = read_safetensors(dpath)
        for k, v in delta.items():
            sd[k] = sd[k] + v
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in sd.items()})
    return model, data


@torch.no_grad()
def encache(part=0, nparts=1):
    """Encoder output of the SHIPPED base for every corpus utterance (full window), float16 [N, P, d].

    Run `encache --nparts 2 --part 0` and `--part 1` in parallel after `encache-init`."""
    torch.set_num_threads(1)
    model, data = load_shipped("base")
    model.eval()
    n = len(data.metas)
    out = np.load(TR.ENC_CACHE + ".tmp", mmap_mode="r+")
    assert out.shape[0] == n
    blocks = list(range(0, n, 32))[part::nparts]
    for k, s in enumerate(blocks):
        mel = torch.from_numpy(data.mel[s:s + 32].astype(np.float32))
        out[s:s + 32] = model.model.encoder(mel).numpy().astype(np.float16)
        if k % 40 == 0:
            print("encache part", part, k, "/", len(blocks), flush=True)
    out.flush()


def encache_init():
    metas = open(os.path.join(WORK, "corpus", "meta.jsonl")).read().count("\n")
    np.lib.format.open_memmap(TR.ENC_CACHE + ".tmp", mode="w+", dtype=np.float16,
                              shape=(metas, TR.DIMS["n_src"], TR.DIMS["d"])).flush()


def encache_done():
    os.replace(TR.ENC_CACHE + ".tmp", TR.ENC_CACHE)


def evalship(name, split, subset, use_cache=True):
    torch.set_num_threads(1)
    model, data = load_shipped(name)
    enc_cache = None
    cpath = TR.ENC_CACHE
    base_file = os.path.join(MODELS, "base", "model.safetensors")
    if use_cache and os.path.exists(cpath) and os.path.getmtime(cpath) < os.path.getmtime(base_file):
        print("encoder cache is older than models/base: not used (rebuild it with encache)", flush=True)
        use_cache = False
    if use_cache and os.path.exists(cpath):
        # valid because deltas never contain encoder tensors (decoder-only fine-tunes): asserted here
        if name != "base":
            dpath = (os.path.join(MODELS, "multitask", "delta.safetensors") if name == "multitask"
                     else os.path.join(MODELS, "experts", name, "delta.safetensors"))
            assert not any(k.startswith("model.encoder.") for k in read_safetensors(dpath)[0])
        enc_cache = np.load(cpath, mmap_mode="r")
    idx_all = data.indices(split)
    if subset in TR.EXPERTS:
        keep = set(data.indices(split, **TR.EXPERTS[subset]))
        idx_all = [i for i in idx_all if i in keep]
    orig = data.indices
    data.indices = lambda *a, **k: idx_all  # evaluate exactly this list
    res, hyps = TR.evaluate(model, data, split, enc_cache=enc_cache)
    data.indices = orig
    os.makedirs(os.path.join(HERE, "metrics"), exist_ok=True)
    out = os.path.join(HERE, "metrics", f"{name}-{split}-{subset}.json")
    json.dump({"model": name, "split": split, "subset": subset, "metrics": res,
               "examples": [{"ref": data.metas[i]["text"], "hyp": h} for i, h in list(hyps.items())[::max(1, len(hyps) // 12)]]},
              open(out, "w"), indent=1, ensure_ascii=False)
    return res


# ------------------------------------------------------------------ eval sets and samples
def write_wav(path, pcm):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.asarray(pcm, dtype="<i2").tobytes())


def export_evalsets(dev_per_cell=6):
    metas, _, audio, offs = TR.corpus_mod.load(WORK)
    root = os.path.join(MODELS, "eval")
    for split, limit in (("test", None), ("dev", dev_per_cell)):
        d = os.path.join(root, split)
        os.makedirs(os.path.join(d, "audio"), exist_ok=True)
        rows = []
        for lang in LANGS:
            for dom in DOMAINS:
                cell = [i for i, m in enumerate(metas) if m["split"] == split and m["lang"] == lang and m["domain"] == dom]
                for k, i in enumerate(cell[:limit] if limit else cell):
                    m = metas[i]
                    rel = f"audio/{lang}-{dom}-{k:03d}.wav"
                    write_wav(os.path.join(d, rel), audio[offs[i]:offs[i + 1]])
                    rows.append({"audio": rel, "text": m["text"], "translation": m["translation"], "language": lang,
                                 "domain": dom, "duration_sec": m["duration_sec"], "corpus_index": i})
        groups = {"all": rows}
        for lang in LANGS:
            groups[lang] = [r for r in rows if r["language"] == lang]
        for dom in DOMAINS:
            groups[dom] = [r for r in rows if r["domain"] == dom]
        for g, rs in groups.items():
            with open(os.path.join(d, f"{g}.jsonl"), "w", encoding="utf-8") as f:
                for r in rs:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(split, len(rows))
    # long-form files: test utterances of one language joined with 0.5 s gaps (~30 s each), the domains taken in
    # turn (numbers, commands, medical, numbers, ...). Until session 8 they were taken in corpus order, which is
    # domain by domain, so every file held only the numbers domain despite its "mixed" label.
    lf = os.path.join(root, "longform")
    os.makedirs(lf, exist_ok=True)
    rows = []
    for lang in LANGS:
        per_domain = [[i for i, m in enumerate(metas) if m["split"] == "test" and m["lang"] == lang
                       and m["domain"] == dom][1::3] for dom in DOMAINS]
        turns = [i for k in range(max(map(len, per_domain))) for cell in per_domain if k < len(cell)
                 for i in [cell[k]]]
        pcm, segs, t = [], [], 0.0
        for i in turns:
            x = np.asarray(audio[offs[i]:offs[i + 1]])
            if t + len(x) / 16000 > 32.0:
                break
            segs.append({"start_sec": round(t, 3), "end_sec": round(t + len(x) / 16000, 3), "text": metas[i]["text"],
                         "translation": metas[i]["translation"], "domain": metas[i]["domain"]})
            pcm += [x, np.zeros(8000, dtype=np.int16)]
            t += len(x) / 16000 + 0.5
        pcm = np.concatenate(pcm)
        write_wav(os.path.join(lf, f"long-{lang}.wav"), pcm)
        rows.append({"audio": f"long-{lang}.wav", "text": " ".join(s["text"] for s in segs),
                     "translation": " ".join(s["translation"] for s in segs), "language": lang, "domain": "mixed",
                     "duration_sec": round(len(pcm) / 16000, 3), "segments": segs})
    with open(os.path.join(lf, "all.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # samples
    sd = os.path.join(MODELS, "samples")
    os.makedirs(sd, exist_ok=True)
    samples = []
    for lang in LANGS:
        i = next(k for k, m in enumerate(metas) if m["split"] == "test" and m["lang"] == lang
                 and m["domain"] == "commands" and m["duration_sec"] >= 2.0)
        fn = f"{lang}-sample.wav"
        write_wav(os.path.join(sd, fn), audio[offs[i]:offs[i + 1]])
        samples.append({"audio": fn, "text": metas[i]["text"], "translation": metas[i]["translation"],
                        "language": lang, "domain": metas[i]["domain"], "duration_sec": metas[i]["duration_sec"]})
    shutil.copyfile(os.path.join(lf, "long-en.wav"), os.path.join(sd, "long-en.wav"))
    r = rows[0]
    samples.append({"audio": "long-en.wav", "text": r["text"], "translation": r["translation"], "language": "en",
                    "domain": "mixed", "duration_sec": r["duration_sec"], "segments": r["segments"]})
    with open(os.path.join(sd, "samples.json"), "w", encoding="utf-8") as f:
        json.dump(samples, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["base", "delta", "evalsets", "evalship", "tokenizer", "encache", "encache-init",
                                    "encache-done"])
    ap.add_argument("--part", type=int, default=0)
    ap.add_argument("--nparts", type=int, default=1)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--run", default="base")
    ap.add_argument("--name", default="base")
    ap.add_argument("--dest", default="")
    ap.add_argument("--split", default="test")
    ap.add_argument("--subset", default="all")
    a = ap.parse_args()
    if a.cmd == "base":
        export_base(a.run, a.dest or os.path.join(MODELS, "base"))
    elif a.cmd == "delta":
        export_delta(a.run, a.name, a.dest or os.path.join(MODELS, "experts", a.name), {})
    elif a.cmd == "evalsets":
        export_evalsets()
    elif a.cmd == "evalship":
        evalship(a.name, a.split, a.subset, not a.no_cache)
    elif a.cmd == "encache":
        encache(a.part, a.nparts)
    elif a.cmd == "encache-init":
        encache_init()
    elif a.cmd == "encache-done":
        encache_done()
    elif a.cmd == "tokenizer":
        print(copy_tokenizer(os.path.join(MODELS, "base")))


if __name__ == "__main__":
    main()
