/** A word being aligned: text, its tokens, times in seconds within the window, probability. */
export interface WordTiming {
  word: string;
  tokens: number[];
  start: number;
  end: number;
  probability: number;
}

/** Default punctuation attached to the following word (openai `prepend_punctuations`). */
export const PREPEND_PUNCTUATIONS = '"\'“¿([{-';
/** Default punctuation attached to the preceding word (openai `append_punctuations`). */
export const APPEND_PUNCTUATIONS = '"\'.。,，!！?？:：”)]}、';

/**
 * Moves opening punctuation onto the next word and closing punctuation onto the previous one,
 * leaving empty words behind (dropped later). Membership is Python's substring test.
 * ref: openai/whisper whisper/timing.py@c0d2f62 (`merge_punctuations`).
 */
export function mergePunctuations(alignment: WordTiming[], prepended: string, appended: string): void {
  let i = alignment.length - 2;
  let j = alignment.length - 1;
  while (i >= 0) {
    const previous = alignment[i];
    const following = alignment[j];
    if (previous.word.startsWith(' ') && prepended.includes(previous.word.trim())) {
      following.word = previous.word + following.word;
      following.tokens = [...previous.tokens, ...following.tokens];
      previous.word = '';
      previous.tokens = [];
    } else j = i;
    i--;
  }
  i = 0;
  j = 1;
  while (j < alignment.length) {
    const previous = alignment[i];
    const following = alignment[j];
    if (!previous.word.endsWith(' ') && appended.includes(following.word)) {
      previous.word = previous.word + following.word;
      previous.tokens = [...previous.tokens, ...following.tokens];
      following.word = '';
      following.tokens = [];
    } else i = j;
    j++;
  }
}
