"""Whisper log-mel spectrogram, exactly as reference §2 (numpy, float64 STFT)."""
import numpy as np

N_FFT = 400
HOP = 160
SR = 16000
_FILTERS = {}


def mel_filters(n_mels=80, path="/work/shared/whisper-assets/mel_filters.npz"):
    if n_mels not in _FILTERS:
        _FILTERS[n_mels] = np.load(path)[f"mel_{n_mels}"].astype(np.float32)
    return _FILTERS[n_mels]


def log_mel(audio: np.ndarray, n_frames: int, n_mels: int = 80) -> np.ndarray:
    """audio: float mono 16 kHz. Pads/trims the AUDIO to n_frames*160 samples, returns [n_mels, n_frames] float32."""
    n = n_frames * HOP
    x = np.zeros(n, dtype=np.float64)
    a = np.asarray(audio, dtype=np.float64)[:n]
    x[: len(a)] = a
    xp = np.pad(x, (N_FFT // 2, N_FFT // 2), mode="reflect")
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic Hann
    nf = 1 + (len(xp) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(nf)[:, None]
    frames = xp[idx] * win[None, :]
    spec = np.fft.rfft(frames, n=N_FFT, axis=1)
    power = (spec.real ** 2 + spec.imag ** 2)[:-1]  # drop last frame -> n_frames
    mel = mel_filters(n_mels).astype(np.float64) @ power.T  # [n_mels, n_frames]
    log_spec = np.log10(np.maximum(mel, 1e-10))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).astype(np.float32)
