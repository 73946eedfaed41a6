// The page's benchmark: runs a sweep with the shared core (6 requests per host and port), keeps live series, results and past runs.
import type { BenchResult } from '../bench/aggregate.ts';
import { parseEndpoints, parseWorkload, type ParamSource } from '../bench/params.ts';
import { buildPrompts, checkPrompts, qwen3Tokenizer } from '../bench/prompts.ts';
import { checkTokenize } from '../bench/server-check.ts';
import { runSweep, type SweepProgress } from '../bench/sweep.ts';
import type { BenchEndpoint, Workload } from '../bench/types.ts';

/** A browser opens at most 6 HTTP/1.1 connections per host and port: the page holds the rest itself. */
export const PAGE_MAX_PER_HOST = 6;

/** One line of the live chart: seconds since the run began, output tokens/s over the last second, requests open. */
export interface LiveSeries {
  label: string;
  t: number[];
  tps: number[];
  inflight: number[];
}

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
  #controller: AbortController | null = null;
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

  async run(endpoints: BenchEndpoint[], workload: Workload): Promise<void> {
    if (this.running) return;
    const controller = (this.#controller = new AbortController());
    this.status = 'running';
    this.results = [];
    this.notes = [];
    this.error = null;
    const started = performance.now();
    const series: LiveSeries[] = endpoints.map((e) => ({ label: e.label ?? e.baseURL, t: [], tps: [], inflight: [] }));
    const tokens = endpoints.map(() => [] as Array<[number, number]>);
    const open = endpoints.map(() => 0);
    this.live = series;
    // one point a second per endpoint: tokens in the last second, requests open now
    const ticker = setInterval(() => {
      const now = performance.now();
      series.forEach((s, i) => {
        const recent = tokens[i]!.filter(([at]) => at > now - 1000);
        tokens[i] = recent;
        s.t.push((now - started) / 1000);
        s.tps.push(recent.reduce((n, [, k]) => n + k, 0));
        s.inflight.push(open[i]!);
      });
      this.live = [...series];
    }, 1000);
    try {
      const tok = await qwen3Tokenizer();
      let checked = false;
      await runSweep({
        endpoints,
        workload,
        maxPerHost: PAGE_MAX_PER_HOST,
        signal: controller.signal,
        onProgress: (p) => (this.progress = p),
        onResult: (r) => (this.results = [...this.results, r]),
        onInflight: (i, _at, n) => (open[i] = n),
        onTokens: (i, at, n) => tokens[i]!.push([at, n]),
        prompts: async (seed) => {
          const prompts = await buildPrompts(workload, seed, tok);
          const off = checkPrompts(prompts, tok);
          if (off.length) this.notes = [...this.notes, `Some prompts are not their asked-for length: ${off.slice(0, 3).join('; ')}.`];
          if (!checked) {
            checked = true;
            const first = prompts[0]!;
            for (const e of endpoints) {
              const c = await checkTokenize(e.baseURL, e.model, first.messages.map((m) => m.content).join(''), first.inputLen, e.apiKey);
              this.notes = [...this.notes, `${e.label}: ${c.message}`];
            }
          }
          return prompts;
        },
      });
      this.status = controller.signal.aborted ? 'cancelled' : 'done';
    } catch (err) {
      this.status = 'failed';
      this.error = `The benchmark stopped: ${(err as Error).message}`;
    } finally {
      clearInterval(ticker);
      this.#controller = null;
      if (this.results.length) this.#remember(this.results);
    }
  }

  cancel(): void {
    this.#controller?.abort();
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
