"""Whisper encoder-decoder with Hugging Face `WhisperForConditionalGeneration` parameter names.

Forward pass = HF eager forward: pre-LN blocks, exact erf GELU, LayerNorm eps 1e-5, q scaled by
head_dim**-0.5, k_proj without bias, conv1 (k3 p1 s1) + GELU, conv2 (k3 p1 s2) + GELU, + sinusoidal
encoder positions, final encoder LayerNorm; decoder token + learned position embeddings, causal
self-attention, cross-attention, final LayerNorm, logits = h @ embed_tokens^T (proj_out tied).
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def sinusoids(length, channels, max_timescale=10000):
    """openai/whisper model.py `sinusoids` (also HF)."""
    assert channels % 2 == 0
    log_timescale_increment = np.log(max_timescale) / (channels // 2 - 1)
    inv_timescales = torch.exp(-log_timescale_increment * torch.arange(channels // 2))
    scaled_time = torch.arange(length)[:, np.newaxis] * inv_timescales[np.newaxis, :]
    return torch.cat([torch.sin(scaled_time), torch.cos(scaled_time)], dim=1)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h = heads
        self.hd = d // heads
        self.scaling = self.hd ** -0.5
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x, kv=None, causal=False, kv_cache=None):
        B, T, D = x.shape
        q = (self.q_proj(x) * self.scaling).view(B, T, self.h, self.hd).transpose(1, 2)
        src = x if kv is None else kv
        if kv_cache is not None and "k" in kv_cache and kv is not None:
            k, v = kv_cache["k"], kv_cache["v"]
        else:
            S = src.shape[1]
            k = self.k_proj(src).view(B, S, self.h, self.hd).transpose(1, 2)
            v = self.v_proj(src).view(B, S, self.h, self.hd).transpose(1, 2)
            if kv_cache is not None:
                if kv is None and "k" in kv_cache:  # self-attn incremental
                    k = torch.cat([kv_cache["k"], k], dim=2)
                    v = torch.cat([kv_cache["v"], v], dim=2)
                kv_cache["k"], kv_cache["v"] = k, v
        w = q @ k.transpose(-1, -2)
        if causal and T > 1:
            S = k.shape[2]
            mask = torch.ones(T, S, dtype=torch.bool, device=x.device).triu(S - T + 1)
            w = w.masked_fill(mask, float("-inf"))
        w = w.softmax(-1)
        o = (w @ v).transpose(1, 2).reshape(B, T, D)
        return self.out_proj(o)


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.self_attn = Attention(d, heads)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, ffn)
        self.fc2 = nn.Linear(ffn, d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, x):
        x = x + self.self_attn(self.self_attn_layer_norm(x))
        return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))


class DecoderLayer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.self_attn = Attention(d, heads)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.encoder_attn = Attention(d, heads)
        self.encoder_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, ffn)
        self.fc2 = nn.Linear(ffn, d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, h, enc, cache=None):
        h = h + self.self_attn(self.self_attn_layer_norm(h), causal=True,
                               kv_cache=None if cache is None else cache.setdefault("self", {}))
        h = h + self.encoder_attn(self.encoder_attn_layer_norm(h), kv=enc,
                                  kv_cache=None if cache is None else cache.setdefault("cross", {}))
        return h + self.fc2(F.gelu(self.fc1(self.final_layer_norm(h))))


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.conv1 = nn.Conv1d(cfg["num_mel_bins"], d, 3, padding=1)
        self.conv2 = nn.Conv1d(d, d, 3, stride=2, padding=1)
        self.embed_positions = nn.Embedding(cfg["max_source_positions"], d)
        self.embed_positions.weight.data.copy_(sinusoids(cfg["max_source_positions"], d))
        self.embed_positions.weight.requires_grad_(False)
        self.layers = nn.ModuleList([EncoderLayer(d, cfg["encoder_attention_heads"], cfg["encoder_ffn_dim"])
                                     for _ in range(cfg["encoder_layers"])])
        self.layer_norm = nn.LayerNorm(d)

    def forward(self, mel):
        """mel [B, n_mels, 2*P] with P <= max_source_positions (training may use P < max)."""
        x = F.gelu(self.conv1(mel))
        x = F.gelu(self.conv2(x)).permute(0, 2, 1)
        x = x + self.embed_positions.weight[: x.shape[1]]
        for l in self.layers:
            x = l(x)
        return self.layer_norm(x)


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], d)
        self.embed_positions = nn.Embedding(cfg["max_target_positions"], d)
        self.layers = nn.ModuleList([DecoderLayer(d, cfg["decoder_attention_heads"], cfg["decoder_ffn_dim"])
                                     for _ in range(cfg["decoder_layers"])])
        self.layer_norm = nn.LayerNorm(d)

    def forward(self, ids, enc, past_len=0, cache=None):
        h = self.embed_tokens(ids) + self.embed_positions.weight[past_len: past_len + ids.shape[1]]
        for i, l in enumerate(self.layers):
            h = l(h, enc, None if cache is None else cache.setdefault(i, {}))
        return self.layer_norm(h)


class WhisperModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)


class Whisper(nn.Module):
    """state_dict keys == HF WhisperForConditionalGeneration minus proj_out.weight (tied)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.model = WhisperModel(cfg)

    def logits(self, h):
        return h @ self.model.decoder.embed_tokens.weight.t()

    def forward(self, mel, ids):
        enc = self.model.encoder(mel)
        return self.logits(self.model.decoder(ids, enc))


def make_config(d=192, layers=3, heads=3, ffn=None, n_src=300, n_tgt=128):
    return {
        "d_model": d, "encoder_layers": layers, "decoder_layers": layers,
        "encoder_attention_heads": heads, "decoder_attention_heads": heads,
        "encoder_ffn_dim": ffn or 4 * d, "decoder_ffn_dim": ffn or 4 * d,
        "vocab_size": 51865, "num_mel_bins": 80,
        "max_source_positions": n_src, "max_target_positions": n_tgt,
    }
