// The whole benchmark: warm-up, then each sweep point on every endpoint in turn (interleaved), results in vLLM's names.
import { aggregate, type BenchResult } from './aggregate.ts';
import { arrivalTimes } from './arrivals.ts';
import { HostLimiter } from './limiter.ts';
import { sendRequest } from './request.ts';
import { runPoint } from './run-point.ts';
import { scrapeMetrics } from './prometheus.ts';
import type { BenchEndpoint, BenchPrompt, RequestRecord, Workload } from './types.ts';

export interface SweepProgress {
  /** sweep points in all (endpoints × concurrency values) and how many are done */
  points: number;
  pointsDone: number;
  endpoint: BenchEndpoint;
  concurrency: number;
  phase: 'prompts' | 'warmup' | 'running';
  /** requests finished at this point, of `total` */
  done: number;
  total: number;
  failed: number;
}

export interface SweepOptions {
  endpoints: BenchEndpoint[];
  workload: Workload;
  /** the prompts of one sweep point, built from its seed (the same for every endpoint) */
  prompts: (seed: number) => Promise<BenchPrompt[]>;
  /** requests open at once per host and port: 6 in a page, no limit from Node */
  maxPerHost?: number;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  onResult?: (r: BenchResult) => void;
  /** live view: requests open and tokens received, per endpoint index */
  onInflight?: (endpoint: number, at: number, count: number) => void;
  onTokens?: (endpoint: number, at: number, tokens: number) => void;
  fetch?: typeof fetch;
  /** read the server's Prometheus /metrics during each point (default true) */
  scrape?: boolean;
  scrapeEveryMs?: number;
}

/** The same sweep point on every endpoint, then the next point: a noisy moment falls on all of them alike. */
export async function runSweep(o: SweepOptions): Promise<BenchResult[]> {
  const signal = o.signal ?? new AbortController().signal;
  const w = o.workload;
  const limiter = new HostLimiter(o.maxPerHost ?? Infinity);
  const results: BenchResult[] = [];
  const concurrencies = w.concurrency.length ? w.concurrency : [Infinity];
  const points = concurrencies.length * o.endpoints.length;
  // progress counts requests: a conversation is several
  const total = w.kind === 'multi-turn' ? w.numPrompts * w.turns : w.numPrompts;
  let pointsDone = 0;
  let warmedUp = false;

  for (const [ci, concurrency] of concurrencies.entries()) {
    if (signal.aborted) break;
    const seed = w.seed * 1000 + ci;
    const progress = (endpoint: BenchEndpoint, phase: SweepProgress['phase'], done = 0, failed = 0) =>
      o.onProgress?.({ points, pointsDone, endpoint, concurrency, phase, done, total, failed });
    progress(o.endpoints[0]!, 'prompts');
    const prompts = await o.prompts(seed);
    if (!warmedUp) {
      warmedUp = true;
      for (const endpoint of o.endpoints) {
        progress(endpoint, 'warmup');
        await warmUp(endpoint, w, prompts[0]!, signal, o.fetch);
      }
    }
    const arrivals = arrivalTimes(prompts.length, w.requestRate, w.burstiness, seed, w.rampUpS);
    for (const [ei, endpoint] of o.endpoints.entries()) {
      if (signal.aborted) break;
      let failed = 0;
      progress(endpoint, 'running');
      const scraper = o.scrape === false ? null : scrapeMetrics(endpoint.baseURL, endpoint.apiKey, o.scrapeEveryMs ?? 1000, o.fetch, Number.isFinite(limiter.maxPerHost) ? limiter.slotsFor(endpoint.baseURL) : undefined);
      const run = await runPoint({
        endpoint,
        api: w.api,
        prompts,
        arrivals,
        concurrency,
        limiter,
        signal,
        fetch: o.fetch,
        onRequestDone: (r: RequestRecord, done) => {
          if (!r.ok) failed++;
          progress(endpoint, 'running', done, failed);
        },
        onInflight: o.onInflight && ((at, n) => o.onInflight!(ei, at, n)),
        onTokens: o.onTokens && ((at, n) => o.onTokens!(ei, at, n)),
      });
      pointsDone++;
      const server = await scraper?.stop();
      if (!run.records.length) continue;
      const result = aggregate(endpoint, w, concurrency, run);
      result.server_metrics = server ?? null;
      results.push(result);
      o.onResult?.(result);
    }
  }
  return results;
}

/**
 * Requests that wake the server (caches, compilation) and open connections, and are not counted. They go
 * together, so that `warmup` at the first concurrency also opens that many connections.
 */
async function warmUp(endpoint: BenchEndpoint, w: Workload, prompt: BenchPrompt, signal: AbortSignal, f?: typeof fetch): Promise<void> {
  const short = { ...prompt, outputLen: Math.min(prompt.outputLen, 16) };
  await Promise.all(Array.from({ length: w.warmup }, () => sendRequest({ endpoint, api: w.api, prompt: short, dueAt: performance.now(), signal, fetch: f })));
}
