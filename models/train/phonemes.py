#!/usr/bin/env python3
"""IPA phoneme transcriptions of every corpus utterance, by espeak-ng itself (the synthesiser that
spoke them), as targets for the auxiliary CTC head: audio -> phonemes is a far more direct mapping
than audio -> graphemes (numbers are written as digits but spoken as words; English and French
spelling is far from the sound), so the encoder's acoustic path learns much sooner.

One espeak-ng call per base voice (utterances separated by blank lines, which espeak-ng keeps as
paragraph breaks). Writes WORK/corpus/phonemes.jsonl: one JSON string per utterance, index order.
Stress marks and language-switch tags are dropped; spaces (word boundaries) are kept.
"""
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

WORK = os.environ.get("CHORUS_TRAIN_WORK", "/work/train-work")
_TAG = re.compile(r"\([a-z-]+\)")


def clean(ipa):
    s = _TAG.sub("", ipa).replace("ˈ", "").replace("ˌ", "").replace("-", "")
    return " ".join(s.split())


def main():
    out = os.path.join(WORK, "corpus")
    metas = [json.loads(l) for l in open(os.path.join(out, "meta.jsonl"), encoding="utf-8")]
    by_voice = defaultdict(list)
    for i, m in enumerate(metas):
        by_voice[m["voice"].split("+")[0]].append(i)
    res = [None] * len(metas)
    for voice, idx in sorted(by_voice.items()):
        text = "\n\n".join(metas[i]["text"].replace("\n", " ") for i in idx) + "\n"
        p = subprocess.run(["espeak-ng", "-q", "-v", voice, "--ipa"], input=text.encode("utf-8"),
                           capture_output=True, check=True)
        paras = [" ".join(par.split("\n")) for par in re.split(r"\n\s*\n", p.stdout.decode("utf-8").strip("\n"))]
        if len(paras) != len(idx):
            sys.exit(f"{voice}: {len(paras)} phoneme paragraphs for {len(idx)} utterances")
        for i, par in zip(idx, paras):
            res[i] = clean(par)
        print(voice, len(idx), "e.g.", metas[idx[0]]["text"], "->", res[idx[0]], flush=True)
    with open(os.path.join(out, "phonemes.jsonl.tmp"), "w", encoding="utf-8") as f:
        for r in res:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(os.path.join(out, "phonemes.jsonl.tmp"), os.path.join(out, "phonemes.jsonl"))


if __name__ == "__main__":
    main()
