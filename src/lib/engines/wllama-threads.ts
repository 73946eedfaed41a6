// How many threads the CPU engine gets and why, and the decode speed each model reached on this machine, remembered.

export interface ThreadPlan {
  threads: number;
  /** the page is cross-origin isolated: WebAssembly may share memory between threads */
  isolated: boolean;
  /** one sentence for the panel */
  reason: string;
}

/**
 * More than one thread needs SharedArrayBuffer, which browsers give only to cross-origin isolated pages
 * (COOP + COEP headers). llama.cpp decodes best with one thread per physical core; browsers report logical
 * cores, usually two per physical core, so from 4 up half of them are taken. Below that one core is left to the
 * page: llama.cpp's threads keep their cores busy while they decode, and on a 2-core machine two of them left the
 * page waiting for a core 100-250 ms at a time (bench:cpu).
 */
export function planThreads(isolated: boolean, logicalCores: number | undefined, asked: number | null = null): ThreadPlan {
  const cores = logicalCores && logicalCores > 0 ? logicalCores : 1;
  if (!isolated)
    return {
      threads: 1,
      isolated,
      reason: 'One thread: this page is not cross-origin isolated (its host sends no COOP/COEP headers), so the browser lets WebAssembly use one thread only. See docs/cpu-engine.md to turn threads on.',
    };
  if (asked) return { threads: asked, isolated, reason: `${plural(asked)}, as the link asked (cpu-threads=${asked}); this browser reports ${cores} logical cores.` };
  const threads = cores >= 4 ? Math.floor(cores / 2) : Math.max(1, cores - 1);
  return {
    threads,
    isolated,
    reason:
      cores >= 4
        ? `${plural(threads)}: one per physical core (half of the ${cores} logical cores this browser reports).`
        : `${plural(threads)}: this browser reports ${cores === 1 ? '1 core' : `${cores} cores`}, and one is left to the page so that it stays responsive.`,
  };
}

function plural(n: number): string {
  return n === 1 ? 'One thread' : `${n} threads`;
}

export interface SpeedRecord {
  tokensPerS: number;
  threads: number;
  /** when it was measured (ms since epoch) */
  at: number;
}

/** The slice of localStorage used here. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'qwen-playground/cpu-speed';

export function readSpeeds(store: KeyValueStore | undefined): Record<string, SpeedRecord> {
  try {
    const parsed = JSON.parse(store?.getItem(KEY) ?? '{}') as Record<string, SpeedRecord>;
    return Object.fromEntries(Object.entries(parsed).filter(([, r]) => typeof r?.tokensPerS === 'number' && r.tokensPerS > 0 && typeof r.threads === 'number'));
  } catch {
    return {};
  }
}

/** Keeps the latest measurement per model; a store that refuses (private mode, full) only loses the memory. */
export function rememberSpeed(store: KeyValueStore | undefined, model: string, record: SpeedRecord): Record<string, SpeedRecord> {
  const all = { ...readSpeeds(store), [model]: record };
  try {
    store?.setItem(KEY, JSON.stringify(all));
  } catch {
    /* the speed is shown for this page anyway */
  }
  return all;
}

/** "About 14 tokens/s on this computer (2 threads, measured on your last answer)". */
export function describeSpeed(record: SpeedRecord | undefined): string {
  if (!record) return 'Its speed on this computer shows here after the first answer.';
  const tps = record.tokensPerS >= 10 ? Math.round(record.tokensPerS) : record.tokensPerS.toFixed(1);
  return `About ${tps} tokens/s on this computer (${record.threads === 1 ? '1 thread' : `${record.threads} threads`}, measured on an earlier answer).`;
}
