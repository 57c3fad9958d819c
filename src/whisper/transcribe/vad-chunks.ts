/**
 * Long-form transcription cut at pauses: a voice-activity detector finds the speech regions, the
 * regions are padded and merged greedily into chunks no longer than the model's window, and each
 * chunk is transcribed on its own (its own windows, timestamps shifted back to the file), the
 * "cut & merge" of WhisperX (Bain et al., Interspeech 2023). No window starts in the middle of a
 * word, which the sequential seek loop cannot promise once a model's timestamps drift, and long
 * silences are not decoded.
 */
import { EnergyVad, type EnergyVadOptions } from '../../audio/index.js';
import { WHISPER_HOP_LENGTH_SAMPLES, WHISPER_SAMPLE_RATE_HZ } from '../../shared/index.js';
import type { TranscriptionResult, TranscriptionSegment } from './transcription-result.js';

/** A span of samples [start, end). */
export interface SampleSpan {
  readonly start: number;
  readonly end: number;
}

/** Speech regions of a whole recording, in order, from {@link EnergyVad}. */
export function speechRegions(pcm16k: Float32Array, options: EnergyVadOptions = {}): SampleSpan[] {
  const vad = new EnergyVad({ ...options, sampleRateHz: WHISPER_SAMPLE_RATE_HZ });
  const regions: SampleSpan[] = [];
  let open: number | undefined;
  for (const event of [...vad.push(pcm16k), ...vad.flush()]) {
    if (event.type === 'speech_start') open = event.atSample;
    else if (open !== undefined) {
      regions.push({ start: open, end: event.atSample });
      open = undefined;
    }
  }
  return regions;
}

/**
 * Chunks to decode: each region widened by `padSamples` on both sides (never past the midpoint of
 * the pause to its neighbour, nor the recording), then neighbours merged while the merged span
 * stays within `maxSamples`. A region longer than `maxSamples` is a chunk of its own (the seek
 * loop cuts it into windows).
 */
export function planChunks(
  regions: readonly SampleSpan[],
  totalSamples: number,
  maxSamples: number,
  padSamples: number,
): SampleSpan[] {
  const padded = regions.map((r, i) => {
    const before = i === 0 ? 0 : Math.ceil((regions[i - 1].end + r.start) / 2);
    const after = i === regions.length - 1 ? totalSamples : Math.floor((r.end + regions[i + 1].start) / 2);
    return { start: Math.max(before, r.start - padSamples), end: Math.min(after, r.end + padSamples) };
  });
  const chunks: SampleSpan[] = [];
  for (const r of padded) {
    const last = chunks.at(-1);
    if (last !== undefined && r.end - last.start <= maxSamples)
      chunks[chunks.length - 1] = { start: last.start, end: r.end };
    else chunks.push(r);
  }
  return chunks;
}

/** Shifts one chunk's result to file time (seconds, segment ids from `firstId`, seek in frames). */
export function shiftSegments(
  segments: readonly TranscriptionSegment[],
  offsetSamples: number,
  firstId: number,
): TranscriptionSegment[] {
  const sec = offsetSamples / WHISPER_SAMPLE_RATE_HZ;
  const frames = Math.round(offsetSamples / WHISPER_HOP_LENGTH_SAMPLES);
  return segments.map((s, i) => ({
    ...s,
    id: firstId + i,
    seek: s.seek + frames,
    start: s.start + sec,
    end: s.end + sec,
    ...(s.words === undefined
      ? {}
      : { words: s.words.map((w) => ({ ...w, start: w.start + sec, end: w.end + sec })) }),
  }));
}

/**
 * Transcribes `pcm16k` chunk by chunk with `run` (the sequential transcriber, given the chunk's
 * audio and the language to use) and joins the results. The first chunk's language (detected or
 * given) is used for the rest, as openai detects once per file. Chunks are independent: no text
 * is carried from one to the next (prompted with the text before them, the shipped small models
 * repeated earlier sentences on the long-form sample). No speech found: the whole recording goes
 * through `run` once.
 */
export async function transcribeChunks(
  pcm16k: Float32Array,
  chunks: readonly SampleSpan[],
  run: (pcm: Float32Array, language: string | undefined) => Promise<TranscriptionResult>,
  onProgress?: (doneSec: number, totalSec: number) => void,
): Promise<TranscriptionResult> {
  const durationSec = pcm16k.length / WHISPER_SAMPLE_RATE_HZ;
  if (chunks.length === 0) return run(pcm16k, undefined);
  const segments: TranscriptionSegment[] = [];
  const texts: string[] = [];
  let first: TranscriptionResult | undefined;
  for (const chunk of chunks) {
    const result = await run(pcm16k.subarray(chunk.start, chunk.end), first?.language);
    first ??= result;
    if (result.text !== '') texts.push(result.text);
    segments.push(...shiftSegments(result.segments, chunk.start, segments.length));
    onProgress?.(chunk.end / WHISPER_SAMPLE_RATE_HZ, durationSec);
  }
  return {
    text: texts.join(' '),
    language: first!.language,
    ...(first!.languageProbability === undefined ? {} : { languageProbability: first!.languageProbability }),
    segments,
    durationSec,
  };
}
