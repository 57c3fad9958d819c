/** A segment cut from one window's tokens, before word timing. */
export interface WindowSegment {
  /** Seconds from the file start. */
  start: number;
  end: number;
  /** Text and timestamp tokens. */
  tokens: number[];
}

/** Segments of one window and where the next window starts. */
export interface WindowSplit {
  readonly segments: WindowSegment[];
  /** Mel frame where the next window starts. */
  readonly nextSeekFrames: number;
  /** The tokens end with a single timestamp (no speech after it). */
  readonly singleTimestampEnding: boolean;
}

/** Inputs of {@link splitWindowSegments}. */
export interface SplitWindowOptions {
  readonly timestampBegin: number;
  /** Window start, in mel frames (10 ms). */
  readonly seekFrames: number;
  /** Content frames in this window (≤ the model's window). */
  readonly segmentFrames: number;
  /** Mel frames per timestamp step (2: conv2 stride). */
  readonly inputStrideFrames: number;
  /** Seconds per mel frame (0.01). */
  readonly secondsPerFrame: number;
}

/**
 * Cuts a window's sampled tokens into segments at consecutive timestamp pairs and decides the
 * next seek: the end of the window when the tokens end with a single timestamp (or hold no pair),
 * else the last complete segment's end timestamp (the unfinished tail is decoded again).
 * ref: openai/whisper whisper/transcribe.py@c0d2f62 (the `consecutive` / `single_timestamp_ending` block).
 */
export function splitWindowSegments(tokens: readonly number[], o: SplitWindowOptions): WindowSplit {
  const tb = o.timestampBegin;
  const isTs = (i: number) => tokens[i] >= tb;
  const timeOffset = o.seekFrames * o.secondsPerFrame;
  const timePrecision = o.inputStrideFrames * o.secondsPerFrame;
  const n = tokens.length;
  const singleTimestampEnding = n >= 2 && !isTs(n - 2) && isTs(n - 1);
  const consecutive: number[] = [];
  for (let i = 0; i + 1 < n; i++) if (isTs(i) && isTs(i + 1)) consecutive.push(i + 1);
  const segments: WindowSegment[] = [];
  if (consecutive.length > 0) {
    const slices = singleTimestampEnding ? [...consecutive, n] : consecutive;
    let lastSlice = 0;
    for (const current of slices) {
      const sliced = tokens.slice(lastSlice, current);
      segments.push({
        start: timeOffset + (sliced[0] - tb) * timePrecision,
        end: timeOffset + (sliced[sliced.length - 1] - tb) * timePrecision,
        tokens: sliced,
      });
      lastSlice = current;
    }
    const nextSeekFrames = singleTimestampEnding
      ? o.seekFrames + o.segmentFrames
      : o.seekFrames + (tokens[lastSlice - 1] - tb) * o.inputStrideFrames;
    return { segments, nextSeekFrames, singleTimestampEnding };
  }
  let duration = o.segmentFrames * o.secondsPerFrame;
  let lastTs = -1;
  for (let i = n - 1; i >= 0; i--) {
    if (isTs(i)) {
      lastTs = tokens[i];
      break;
    }
  }
  if (lastTs >= 0 && lastTs !== tb) duration = (lastTs - tb) * timePrecision;
  segments.push({ start: timeOffset, end: timeOffset + duration, tokens: [...tokens] });
  return { segments, nextSeekFrames: o.seekFrames + o.segmentFrames, singleTimestampEnding };
}
