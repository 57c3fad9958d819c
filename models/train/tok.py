"""Whisper multilingual tokenizer (tiktoken rank-merge BPE) in pure Python + `regex`.

Token ids: ranks 0..50256 from multilingual.tiktoken, then specials (reference §3.2).
"""
import base64
import os

import regex

ASSET = os.environ.get("WHISPER_TIKTOKEN", "/work/shared/whisper-assets/multilingual.tiktoken")
PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")

LANG_CODES = ["en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su"]
assert len(LANG_CODES) == 99
EOT = 50257
SOT = 50258
LANG_ID = {c: 50259 + i for i, c in enumerate(LANG_CODES)}
TRANSLATE = 50358
TRANSCRIBE = 50359
STARTOFLM = 50360
STARTOFPREV = 50361
NOSPEECH = 50362
NOTIMESTAMPS = 50363
TS_BEGIN = 50364
VOCAB_SIZE = 51865


class Tokenizer:
    def __init__(self, path=ASSET):
        self.ranks = {}
        with open(path, "rb") as f:
            for line in f:
                if not line.strip():
                    continue
                tok, rank = line.split()
                self.ranks[base64.b64decode(tok)] = int(rank)
        self.id_to_bytes = {v: k for k, v in self.ranks.items()}
        assert len(self.ranks) == 50257
        self.cache = {}

    def _bpe(self, piece: bytes):
        if piece in self.ranks:
            return [self.ranks[piece]]
        parts = [bytes([b]) for b in piece]
        while len(parts) > 1:
            best, bi = None, -1
            for i in range(len(parts) - 1):
                r = self.ranks.get(parts[i] + parts[i + 1])
                if r is not None and (best is None or r < best):
                    best, bi = r, i
            if best is None:
                break
            parts = parts[:bi] + [parts[bi] + parts[bi + 1]] + parts[bi + 2:]
        return [self.ranks[p] for p in parts]

    def encode(self, text: str):
        out = []
        for m in PAT.findall(text):
            if m not in self.cache:
                self.cache[m] = self._bpe(m.encode("utf-8"))
            out.extend(self.cache[m])
        return out

    def decode(self, ids):
        b = b"".join(self.id_to_bytes.get(i, b"") for i in ids if i < EOT)
        return b.decode("utf-8", errors="replace")


def ts_token(seconds: float) -> int:
    return TS_BEGIN + int(round(seconds / 0.02))
