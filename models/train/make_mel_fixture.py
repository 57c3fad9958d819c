"""Writes test/fixtures/train-mel/: one 2-3 s corpus WAV + its log-mel from this recipe's mel.py.

  /usr/bin/python3 models/train/make_mel_fixture.py   (needs the corpus in $CHORUS_TRAIN_WORK)
"""
import json
import os
import sys
import wave

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
from mel import log_mel  # noqa: E402

WORK = os.environ.get("CHORUS_TRAIN_WORK", "/work/train-work")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "train-mel")
N_FRAMES = 600


def write_wav(path, pcm):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.astype("<i2").tobytes())


def main():
    metas, _, audio, offs = corpus.load(WORK)
    i = next(k for k, m in enumerate(metas)
             if m["split"] == "test" and m["lang"] == "de" and 2.0 <= m["duration_sec"] <= 3.0)
    pcm = np.array(audio[offs[i]:offs[i + 1]])
    os.makedirs(OUT, exist_ok=True)
    write_wav(os.path.join(OUT, "utterance.wav"), pcm)
    mel = log_mel(pcm.astype(np.float32) / 32768.0, N_FRAMES)
    mel.astype("<f4").tofile(os.path.join(OUT, "utterance.mel.f32"))
    json.dump({
        "wav": "utterance.wav", "mel": "utterance.mel.f32", "dtype": "float32 little-endian, row-major",
        "shape": [80, N_FRAMES], "nMels": 80, "nFrames": N_FRAMES,
        "text": metas[i]["text"], "language": metas[i]["lang"], "duration_sec": metas[i]["duration_sec"],
        "recipe": "models/train/mel.py log_mel(int16/32768, n_frames=600): audio zero-padded to 600*160 samples, "
                  "float64 numpy STFT (periodic Hann 400, reflect pad 200, hop 160), last frame dropped, mel_80 from "
                  "mel_filters.npz, log10(max(x,1e-10)), max(x, max-8), (x+4)/4",
        "command": "/usr/bin/python3 models/train/make_mel_fixture.py",
    }, open(os.path.join(OUT, "fixture.json"), "w"), indent=1, ensure_ascii=False)
    print("wrote", OUT, metas[i]["text"])


if __name__ == "__main__":
    main()
