// Long animation frames of the page under benchmark, told apart by phase (the load, the streaming, the end's
// final render), each with its start, its style-and-layout time and the scripts that ran, named in the source.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';

export interface FrameScript {
  invoker: string;
  /** the function's name as the browser saw it (minified) */
  fn: string;
  /** the built file and the character where the function starts */
  file: string;
  char: number;
  duration: number;
  /** style and layout this script forced (reading a size after a change) */
  forced: number;
}

export interface LongFrame {
  /** ms since the navigation */
  start: number;
  duration: number;
  /** style, layout and paint at the frame's end (ms) */
  styleLayout: number;
  /** requestAnimationFrame callbacks and observers before it (ms) */
  callbacks: number;
  /** the scripts that ran, longest first (at most 3) */
  scripts: FrameScript[];
  /** CPU time of the page's main-thread tasks in the frame, where a trace gave it (TASKS=1) */
  cpu?: number;
}

/** Page times of the phases' edges: the first answer text in the DOM, and every panel showing done. */
export interface Phases {
  firstText: number;
  allDone: number;
}

/** Evaluated in each new document before its own scripts: every long animation frame from the navigation on. */
export const OBSERVE_LONG_FRAMES = `
  window.__loaf = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const end = e.startTime + e.duration;
      window.__loaf.push({
        start: e.startTime,
        duration: e.duration,
        styleLayout: e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0,
        callbacks: e.renderStart ? (e.styleAndLayoutStart || end) - e.renderStart : 0,
        scripts: [...e.scripts].sort((a, b) => b.duration - a.duration).slice(0, 3).map((s) => ({
          invoker: s.invoker, fn: s.sourceFunctionName, file: s.sourceURL.split('/').at(-1), char: s.sourceCharPosition,
          duration: s.duration, forced: s.forcedStyleAndLayoutDuration,
        })),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
`;

/**
 * Evaluated just before the prompt is sent: notes when the first answer text reaches the DOM (the frame
 * that draws it) and when every panel's status reads done. Attribute changes of one name cost the page
 * next to nothing; the text watch ends at the first text.
 */
export function watchPhases(panels: number): string {
  return `(() => {
    window.__phases = { firstText: NaN, allDone: NaN };
    const text = new MutationObserver(() => {
      if (![...document.querySelectorAll('[data-testid="answer"]')].some((a) => a.textContent)) return;
      window.__phases.firstText = performance.now();
      text.disconnect();
    });
    text.observe(document.body, { childList: true, subtree: true, characterData: true });
    const done = new MutationObserver(() => {
      const states = [...document.querySelectorAll('[data-testid="panel"] [data-testid="status"]')].map((s) => s.dataset.state);
      if (states.length !== ${panels} || states.some((s) => s !== 'done')) return;
      window.__phases.allDone = performance.now();
      done.disconnect();
    });
    done.observe(document.body, { attributes: true, attributeFilter: ['data-state'], subtree: true });
  })()`;
}

export interface ByPhase {
  /** before the frame that drew the first answer text */
  load: LongFrame[];
  /** from that frame until every panel shows done */
  streaming: LongFrame[];
  /** after: the final renders in idle time */
  after: LongFrame[];
}

export function byPhase(frames: readonly LongFrame[], { firstText, allDone }: Phases): ByPhase {
  return {
    load: frames.filter((f) => f.start + f.duration <= firstText),
    streaming: frames.filter((f) => f.start + f.duration > firstText && f.start < allDone),
    after: frames.filter((f) => f.start >= allDone),
  };
}

export const total = (frames: readonly LongFrame[]): number => frames.reduce((sum, f) => sum + f.duration, 0);

/** Names a built file's position in the source (file:line and the function's name), through the build's source map. */
export class SourceNames {
  #maps = new Map<string, { map: SourceMap; lineStarts: number[] } | null>();
  constructor(private readonly assets: string) {}

  name(file: string, char: number): string {
    if (!this.#maps.has(file)) this.#maps.set(file, this.#read(file));
    const m = this.#maps.get(file);
    if (!m || char < 0) return `${file}:${char}`;
    let line = 0;
    while (line + 1 < m.lineStarts.length && m.lineStarts[line + 1]! <= char) line++;
    const entry = m.map.findEntry(line, char - m.lineStarts[line]!) as { originalSource?: string; originalLine?: number; name?: string };
    if (!entry.originalSource) return `${file}:${char}`;
    const source = entry.originalSource.replace(/^.*?\/(src|node_modules)\//, '$1/');
    return `${source}:${(entry.originalLine ?? 0) + 1}${entry.name ? ` ${entry.name}` : ''}`;
  }

  #read(file: string): { map: SourceMap; lineStarts: number[] } | null {
    try {
      const code = readFileSync(join(this.assets, file), 'utf8');
      const map = new SourceMap(JSON.parse(readFileSync(join(this.assets, `${file}.map`), 'utf8')));
      const lineStarts = [0];
      for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) lineStarts.push(i + 1);
      return { map, lineStarts };
    } catch {
      return null;
    }
  }
}

/** One line per long frame: its phase, when (from the navigation and from the first text), how long, and why. */
export function describe(phase: string, f: LongFrame, phases: Phases, names: SourceNames): string {
  const since = Number.isFinite(phases.firstText) ? ` (${((f.start - phases.firstText) / 1000).toFixed(2)} s from first text)` : '';
  const scripts = f.scripts.map((s) => `${s.invoker} ${s.duration.toFixed(0)} ms${s.forced >= 1 ? ` (forced layout ${s.forced.toFixed(0)})` : ''} at ${names.name(s.file, s.char)}`);
  const cpu = f.cpu === undefined ? '' : ` (CPU ${f.cpu.toFixed(0)})`;
  return `  ${phase} long frame at ${(f.start / 1000).toFixed(2)} s${since}: ${f.duration.toFixed(0)} ms${cpu}, callbacks ${f.callbacks.toFixed(0)}, style+layout ${f.styleLayout.toFixed(0)}; ${scripts.join('; ') || 'no script'}`;
}
