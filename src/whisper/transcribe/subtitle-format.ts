import type { TranscriptionSegment } from './transcription-result.js';

/** How {@link formatTimestamp} writes a time. */
export interface TimestampFormat {
  /** Always write hours (SRT), else only when non-zero (VTT). */
  readonly alwaysIncludeHours: boolean;
  /** ',' for SRT, '.' for VTT. */
  readonly decimalMarker: string;
}

/**
 * `[HH:]MM:SS<marker>mmm`, rounded to the millisecond.
 * ref: openai/whisper whisper/utils.py@c0d2f62 (`format_timestamp`).
 */
export function formatTimestamp(seconds: number, format: TimestampFormat): string {
  let ms = Math.round(Math.max(0, seconds) * 1000);
  const hours = Math.floor(ms / 3_600_000);
  ms -= hours * 3_600_000;
  const minutes = Math.floor(ms / 60_000);
  ms -= minutes * 60_000;
  const secs = Math.floor(ms / 1000);
  ms -= secs * 1000;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const h = format.alwaysIncludeHours || hours > 0 ? `${pad(hours, 2)}:` : '';
  return `${h}${pad(minutes, 2)}:${pad(secs, 2)}${format.decimalMarker}${pad(ms, 3)}`;
}

/** Cue text: trimmed, with "-->" defused (openai `SubtitlesWriter.iterate_result`). */
function cueText(segment: TranscriptionSegment): string {
  return segment.text.trim().replaceAll('-->', '->');
}

/**
 * SubRip subtitles, one numbered cue per non-empty segment.
 * ref: openai/whisper whisper/utils.py@c0d2f62 (`WriteSRT`).
 */
export function toSrt(segments: readonly TranscriptionSegment[]): string {
  const f = { alwaysIncludeHours: true, decimalMarker: ',' };
  let out = '';
  let n = 0;
  for (const s of segments) {
    const text = cueText(s);
    if (text === '') continue;
    out += `${++n}\n${formatTimestamp(s.start, f)} --> ${formatTimestamp(s.end, f)}\n${text}\n\n`;
  }
  return out;
}

/**
 * WebVTT subtitles, one cue per non-empty segment.
 * ref: openai/whisper whisper/utils.py@c0d2f62 (`WriteVTT`).
 */
export function toVtt(segments: readonly TranscriptionSegment[]): string {
  const f = { alwaysIncludeHours: false, decimalMarker: '.' };
  let out = 'WEBVTT\n\n';
  for (const s of segments) {
    const text = cueText(s);
    if (text === '') continue;
    out += `${formatTimestamp(s.start, f)} --> ${formatTimestamp(s.end, f)}\n${text}\n\n`;
  }
  return out;
}
