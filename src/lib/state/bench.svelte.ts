// The page's benchmark: runs a sweep with the shared core in a worker (6 requests per host and port), keeps live series, results and past runs.
import type { BenchResult } from '../bench/aggregate.ts';
import { parseEndpoints, parseWorkload, type ParamSource } from '../bench/params.ts';
import type { LiveSeries, PageRunMessage, PageRunRequest } from '../bench/page-run.ts';
import type { SweepProgress } from '../bench/sweep.ts';
import type { BenchEndpoint, Workload } from '../bench/types.ts';

/** A browser opens at most 6 HTTP/1.1 connections per host and port: the page holds the rest itself. */
export const PAGE_MAX_PER_HOST = 6;

export type { LiveSeries };

export interface PastBench {
  at: number;
  results: BenchResult[];
}

type Status = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export class BenchState {
  status = $state<Status>('idle');
  progress = $state<SweepProgress | null>(null);
  results = $state.raw<BenchResult[]>([]);
  live = $state.raw<LiveSeries[]>([]);
  notes = $state<string[]>([]);
  error = $state<string | null>(null);
  past = $state.raw<PastBench[]>([]);
  #cancel: (() => void) | null = null;
  #save: ((runs: PastBench[]) => void) | null;

  constructor(saved?: Promise<PastBench[] | undefined>, save?: (runs: PastBench[]) => void) {
    this.#save = save ?? null;
    void saved?.then((runs) => {
      if (runs?.length) this.past = runs;
    });
  }

  get running(): boolean {
    return this.status === 'running';
  }

  /** Reads endpoints and workload with the command line's names; a sentence when something is wrong. */
  static parse(src: ParamSource, keyFor: (baseURL: string) => string | undefined): { endpoints: BenchEndpoint[]; workload: Workload } | string {
    try {
      const endpoints = parseEndpoints(src).map((e) => ({ ...e, apiKey: keyFor(e.baseURL) }));
      return { endpoints, workload: parseWorkload(src) };
    } catch (err) {
      return (err as Error).message.replace(/--/g, '');
    }
  }

  /** Runs in a worker (prompts and streams off the main thread); resolves when the run ends. */
  run(endpoints: BenchEndpoint[], workload: Workload): Promise<void> {
    if (this.running) return Promise.resolve();
    this.status = 'running';
    this.results = [];
    this.notes = [];
    this.error = null;
    this.live = [];
    const worker = new Worker(new URL('../bench/page-run.worker.ts', import.meta.url), { type: 'module' });
    this.#cancel = () => worker.postMessage({ type: 'cancel' });
    return new Promise((resolve) => {
      const end = (status: Status, error?: string) => {
        worker.terminate();
        this.#cancel = null;
        this.status = status;
        if (error) this.error = error;
        if (this.results.length) this.#remember(this.results);
        resolve();
      };
      worker.onerror = (e) => end('failed', `The benchmark could not start: ${e.message || 'its worker failed to load'}. Reload the page.`);
      worker.onmessage = (e: MessageEvent<PageRunMessage>) => {
        const m = e.data;
        if (m.type === 'progress') this.progress = m.progress;
        else if (m.type === 'result') this.results = [...this.results, m.result];
        else if (m.type === 'live') this.live = m.live;
        else if (m.type === 'note') this.notes = [...this.notes, m.note];
        else end(m.status, m.error);
      };
      const request: PageRunRequest = { endpoints: $state.snapshot(endpoints) as BenchEndpoint[], workload: $state.snapshot(workload) as Workload, maxPerHost: PAGE_MAX_PER_HOST };
      worker.postMessage({ type: 'run', request });
    });
  }

  cancel(): void {
    this.#cancel?.();
  }

  /** The same JSON the command line saves. */
  exportJson(): string {
    return JSON.stringify({ results: this.results }, null, 2);
  }

  /** Opens a JSON written by the command line (or exported here); a sentence when it is not one. */
  importJson(text: string): string | null {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return 'That file is not JSON. Open a file saved with npm run bench -- --save-result, or exported here.';
    }
    const results = (data as { results?: unknown })?.results;
    if (!Array.isArray(results) || !results.every((r) => r && typeof r === 'object' && typeof (r as BenchResult).output_throughput === 'number'))
      return 'That JSON has no benchmark results (a "results" list with output_throughput in each).';
    this.results = results as BenchResult[];
    this.status = 'done';
    this.live = [];
    this.#remember(this.results);
    return null;
  }

  open(run: PastBench): void {
    this.results = run.results;
    this.live = [];
    this.status = 'done';
  }

  #remember(results: BenchResult[]): void {
    this.past = [{ at: Date.now(), results }, ...this.past].slice(0, 20);
    this.#save?.(this.past);
  }
}
