// The server's own view during a run: its Prometheus /metrics (vLLM and SGLang names) scraped beside the client's figures.
import type { Slots } from './limiter.ts';
import { serverRoot } from './server-check.ts';

/** One metric family's samples summed over labels (one model per server in practice). */
export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[2]);
    if (Number.isFinite(value)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + value);
  }
  return out;
}

/** The same figure under each server's name: vLLM (old and new spellings), then SGLang. */
const NAMES = {
  running: ['vllm:num_requests_running', 'sglang:num_running_reqs'],
  waiting: ['vllm:num_requests_waiting', 'sglang:num_queue_reqs'],
  kvCache: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc', 'sglang:token_usage'],
  ttftSum: ['vllm:time_to_first_token_seconds_sum', 'sglang:time_to_first_token_seconds_sum'],
  ttftCount: ['vllm:time_to_first_token_seconds_count', 'sglang:time_to_first_token_seconds_count'],
  accepted: ['vllm:spec_decode_num_accepted_tokens_total'],
  drafted: ['vllm:spec_decode_num_draft_tokens_total'],
} as const;

type Figures = { -readonly [K in keyof typeof NAMES]: number | null };

function pick(m: Map<string, number>): Figures {
  const out = {} as Figures;
  for (const [key, names] of Object.entries(NAMES) as Array<[keyof typeof NAMES, readonly string[]]>) {
    const name = names.find((n) => m.has(n));
    out[key] = name ? m.get(name)! : null;
  }
  return out;
}

export interface ServerMetrics {
  available: boolean;
  /** why there is none, in a sentence */
  message: string;
  scrapes: number;
  max_running: number | null;
  max_waiting: number | null;
  mean_kv_cache_usage: number | null;
  /** the server's own mean TTFT over the run (histogram sum and count, their growth during it) */
  server_mean_ttft_ms: number | null;
  /** accepted / drafted tokens over the run, when speculative decoding (MTP, a draft model) is on */
  spec_decode_acceptance: number | null;
}

/**
 * Scrapes /metrics every `everyMs` until stopped; `stop()` gives the summary. With `slots` (a page's connections
 * to that host), a scrape goes only when one is free: one waiting in the browser's own queue would hold a
 * benchmark request back where its TTFT would count the wait.
 */
export function scrapeMetrics(baseURL: string, apiKey?: string, everyMs = 1000, f: typeof fetch = fetch, slots?: Slots): { stop(): Promise<ServerMetrics> } {
  const url = `${serverRoot(baseURL)}/metrics`;
  const samples: Figures[] = [];
  let failure: string | null = null;
  let stopped = false;
  let skipped = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const once = async () => {
    if (slots && !slots.tryAcquire()) return void skipped++;
    try {
      const res = await f(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, signal: AbortSignal.timeout(5000) });
      if (!res.ok) failure = `The endpoint has no Prometheus metrics (${url} answered HTTP ${res.status}); only the client's view is shown.`;
      else {
        const figures = pick(parsePrometheus(await res.text()));
        if (Object.values(figures).every((v) => v === null)) failure = `${url} has no vLLM or SGLang metrics; only the client's view is shown.`;
        else samples.push(figures);
      }
    } catch (err) {
      failure = `Could not read ${url} (${(err as Error).message}): the endpoint has no metrics there, or refuses this page (CORS). Only the client's view is shown.`;
    } finally {
      slots?.release();
    }
  };
  inFlight = once();
  const timer = setInterval(() => {
    if (!stopped && !failure) inFlight = inFlight.then(once);
  }, everyMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      await once();
      // the first and last reads come before and after the run: without one in between there is no view of it
      if (samples.length < 3 && skipped > 0)
        return summarize([], `The page could not read ${url} during the run: every connection it may open to that host carried a benchmark request. The command line has no such limit.`);
      return summarize(samples, failure);
    },
  };
}

export function summarize(samples: Figures[], failure: string | null): ServerMetrics {
  if (!samples.length)
    return { available: false, message: failure ?? 'No metrics were read.', scrapes: 0, max_running: null, max_waiting: null, mean_kv_cache_usage: null, server_mean_ttft_ms: null, spec_decode_acceptance: null };
  const values = (k: keyof Figures) => samples.map((s) => s[k]).filter((v): v is number => v !== null);
  const max = (k: keyof Figures) => (values(k).length ? Math.max(...values(k)) : null);
  const growth = (k: keyof Figures) => {
    const v = values(k);
    return v.length >= 2 ? v[v.length - 1]! - v[0]! : null;
  };
  const kv = values('kvCache');
  const ttftSum = growth('ttftSum');
  const ttftCount = growth('ttftCount');
  const accepted = growth('accepted');
  const drafted = growth('drafted');
  return {
    available: true,
    message: `Read ${samples.length} times from the server's /metrics.`,
    scrapes: samples.length,
    max_running: max('running'),
    max_waiting: max('waiting'),
    mean_kv_cache_usage: kv.length ? kv.reduce((a, b) => a + b, 0) / kv.length : null,
    server_mean_ttft_ms: ttftSum !== null && ttftCount ? (ttftSum / ttftCount) * 1000 : null,
    spec_decode_acceptance: accepted !== null && drafted ? accepted / drafted : null,
  };
}
