// Reads web-llm's load reports (a fraction and an English sentence) into phases, bytes and time left.
import type { LoadProgress } from '../stream/events.ts';
import { formatBytes } from './webllm-catalog.ts';

export interface InitReport {
  progress: number;
  timeElapsed: number;
  text: string;
}

const MB = 1024 * 1024;

/**
 * web-llm says "Fetching param cache[3/10]: 120MB fetched. 25% completed, 12 secs elapsed." while
 * downloading, "Loading model from cache[…]: 120MB loaded. …" when the weights are already here, and
 * "Loading GPU shader modules[5/40]: …" while compiling; only the text tells the phases apart.
 */
export function readProgress(report: InitReport, knownTotalBytes: number | null): LoadProgress {
  const { text } = report;
  const fraction = Number.isFinite(report.progress) ? Math.min(1, Math.max(0, report.progress)) : null;
  const elapsedS = Number.isFinite(report.timeElapsed) ? report.timeElapsed : undefined;
  if (/^Finish loading/i.test(text)) return { phase: 'ready', fraction: 1, elapsedS, message: 'Model ready.' };
  if (/shader modules/i.test(text)) {
    const etaS = eta(fraction, elapsedS);
    return { phase: 'compiling', fraction, elapsedS, etaS, message: `Compiling GPU shaders… ${pct(fraction)}${left(etaS)}` };
  }
  const bytes = /(\d+)\s*MB (fetched|loaded)/i.exec(text);
  const fromCache = /from cache/i.test(text);
  const phase: LoadProgress['phase'] = fromCache ? 'reading-cache' : 'fetching';
  if (!bytes) {
    const what = /tokenizer/i.test(text) ? 'tokenizer' : 'model files';
    return { phase, fraction, elapsedS, message: fromCache ? 'Reading the model from the browser cache…' : `Fetching ${what}…` };
  }
  const loadedBytes = Number(bytes[1]) * MB;
  const totalBytes = knownTotalBytes ?? (fraction && fraction > 0 ? loadedBytes / fraction : undefined);
  const etaS = eta(fraction, elapsedS);
  const verb = fromCache ? 'Reading from the browser cache' : 'Downloading';
  return {
    phase,
    fraction,
    loadedBytes,
    ...(totalBytes ? { totalBytes } : {}),
    elapsedS,
    etaS,
    message: `${verb}: ${formatBytes(loadedBytes)}${totalBytes ? ` of ${formatBytes(totalBytes)}` : ''}${left(etaS)}`,
  };
}

/** Time left at the rate so far; none in the first second or two, when the rate means little. */
function eta(fraction: number | null, elapsedS: number | undefined): number | undefined {
  if (fraction === null || elapsedS === undefined || fraction <= 0 || fraction >= 1 || elapsedS < 2) return undefined;
  return Math.round((elapsedS * (1 - fraction)) / fraction);
}

function pct(fraction: number | null): string {
  return fraction === null ? '' : `${Math.floor(fraction * 100)}%`;
}

function left(etaS: number | undefined): string {
  if (etaS === undefined) return '';
  return etaS >= 90 ? ` · about ${Math.round(etaS / 60)} min left` : ` · about ${etaS} s left`;
}
