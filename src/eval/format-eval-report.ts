/**
 * Plain-text rendering of an {@link EvalReport} for the terminal: overall figure, per-language and
 * per-domain tables, the worst utterances (reference vs hypothesis), and the real-time factor.
 */
import type { GroupSummary } from './eval-summary.js';
import type { EvalReport } from './evaluate-manifest.js';

const percent = (x: number | null | undefined): string =>
  x === null || x === undefined ? '–' : `${(100 * x).toFixed(2)}%`;
const bleuText = (g: GroupSummary): string => (g.bleu === undefined ? '–' : g.bleu.score.toFixed(2));

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))
    .join('\n');
}

function groupTable(title: string, groups: Record<string, GroupSummary>, metric: 'wer' | 'bleu'): string {
  const header =
    metric === 'wer' ? [title, 'utts', 'words', 'WER', 'CER', 'audio s'] : [title, 'utts', 'BLEU', 'audio s'];
  const rows = Object.entries(groups).map(([name, g]) =>
    metric === 'wer'
      ? [
          name,
          String(g.utteranceCount),
          String(g.words?.referenceCount ?? 0),
          percent(g.wer),
          percent(g.cer),
          g.audioSec.toFixed(1),
        ]
      : [name, String(g.utteranceCount), bleuText(g), g.audioSec.toFixed(1)],
  );
  return table([header, ...rows]);
}

/** Renders the report as a few aligned text tables. */
export function formatEvalReport(report: EvalReport): string {
  const o = report.overall;
  const lines: string[] = [];
  if (report.metric === 'wer') {
    const w = o.words;
    lines.push(
      `WER ${percent(o.wer)}  CER ${percent(o.cer)}  over ${report.utteranceCount} utterances, ${w?.referenceCount ?? 0} words` +
        (w === undefined ? '' : ` (S ${w.substitutions}, D ${w.deletions}, I ${w.insertions})`),
    );
  } else {
    const b = o.bleu;
    lines.push(
      `BLEU ${bleuText(o)}  over ${report.utteranceCount} utterances` +
        (b === undefined
          ? ''
          : ` (${b.precisions.map((p) => p.toFixed(1)).join('/')}, BP ${b.bp.toFixed(3)}, hyp ${b.sysLen} / ref ${b.refLen} tokens)`) +
        (report.skippedCount > 0 ? `; ${report.skippedCount} without a translation skipped` : ''),
    );
  }
  const rtf = report.realTimeFactor;
  lines.push(
    `audio ${o.audioSec.toFixed(1)} s, processing ${o.processingSec.toFixed(1)} s, real-time factor ${rtf === null ? '–' : rtf.toFixed(3)}` +
      (report.languageIdAccuracy === undefined ? '' : `, language id ${percent(report.languageIdAccuracy)}`),
  );
  lines.push(
    '',
    groupTable('language', report.byLanguage, report.metric),
    '',
    groupTable('domain', report.byDomain, report.metric),
  );
  if (report.worst.length > 0) {
    lines.push('', `worst ${report.worst.length}:`);
    for (const r of report.worst) {
      const score =
        report.metric === 'wer' ? `WER ${percent(r.wer)}` : `BLEU ${(r.sentenceBleu ?? 0).toFixed(1)}`;
      lines.push(`  ${r.id} [${r.language ?? '?'}/${r.domain ?? '?'}] ${score}`);
      lines.push(`    ref: ${r.normalizedReference ?? r.reference}`);
      lines.push(`    hyp: ${r.normalizedHypothesis ?? r.hypothesis}`);
    }
  }
  return lines.join('\n');
}
