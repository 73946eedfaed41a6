// A page's benchmark run, off the main thread's hands: prompts, tokenizer check, sweep, and a live sample each second.
import type { BenchResult } from './aggregate.ts';
import { buildPrompts, checkPrompts, qwen3Tokenizer } from './prompts.ts';
import { checkTokenize } from './server-check.ts';
import { runSweep, type SweepProgress } from './sweep.ts';
import type { BenchEndpoint, Workload } from './types.ts';

/** One line of the live chart: seconds since the run began, output tokens/s over the last second, requests open. */
export interface LiveSeries {
  label: string;
  t: number[];
  tps: number[];
  inflight: number[];
}

export type PageRunMessage =
  | { type: 'progress'; progress: SweepProgress }
  | { type: 'result'; result: BenchResult }
  | { type: 'live'; live: LiveSeries[] }
  | { type: 'note'; note: string }
  | { type: 'end'; status: 'done' | 'cancelled' | 'failed'; error?: string };

export interface PageRunRequest {
  endpoints: BenchEndpoint[];
  workload: Workload;
  maxPerHost: number;
}

/** Runs the benchmark and tells `post` what happens; the same whether it runs in a worker or not. */
export async function pageRun(req: PageRunRequest, signal: AbortSignal, post: (m: PageRunMessage) => void): Promise<void> {
  const { endpoints, workload } = req;
  const started = performance.now();
  const series: LiveSeries[] = endpoints.map((e) => ({ label: e.label ?? e.baseURL, t: [], tps: [], inflight: [] }));
  const tokens = endpoints.map(() => [] as Array<[number, number]>);
  const open = endpoints.map(() => 0);
  const ticker = setInterval(() => {
    const now = performance.now();
    series.forEach((s, i) => {
      tokens[i] = tokens[i]!.filter(([at]) => at > now - 1000);
      s.t.push((now - started) / 1000);
      s.tps.push(tokens[i]!.reduce((n, [, k]) => n + k, 0));
      s.inflight.push(open[i]!);
    });
    post({ type: 'live', live: series });
  }, 1000);
  try {
    const tok = await qwen3Tokenizer();
    let checked = false;
    await runSweep({
      endpoints,
      workload,
      maxPerHost: req.maxPerHost,
      signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
      onResult: (result) => post({ type: 'result', result }),
      onInflight: (i, _at, n) => (open[i] = n),
      onTokens: (i, at, n) => tokens[i]!.push([at, n]),
      prompts: async (seed) => {
        const prompts = await buildPrompts(workload, seed, tok);
        const off = checkPrompts(prompts, tok);
        if (off.length) post({ type: 'note', note: `Some prompts are not their asked-for length: ${off.slice(0, 3).join('; ')}.` });
        if (!checked) {
          checked = true;
          const first = prompts[0]!;
          for (const e of endpoints) {
            const c = await checkTokenize(e.baseURL, e.model, first.messages.map((m) => m.content).join(''), first.inputLen, e.apiKey);
            post({ type: 'note', note: `${e.label}: ${c.message}` });
          }
        }
        return prompts;
      },
    });
    post({ type: 'end', status: signal.aborted ? 'cancelled' : 'done' });
  } catch (err) {
    post({ type: 'end', status: 'failed', error: `The benchmark stopped: ${(err as Error).message}` });
  } finally {
    clearInterval(ticker);
  }
}
