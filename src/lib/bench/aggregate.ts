// One sweep point's records → the result object, in vLLM's `--save-result` key names where vLLM has one.
import { percentile } from '../metrics/sorted-sample.ts';
import { perTurn, type TurnStats } from './per-turn.ts';
import type { PointRun } from './run-point.ts';
import type { ServerMetrics } from './prometheus.ts';
import type { BenchEndpoint, RequestRecord, Workload } from './types.ts';

/** One endpoint at one sweep point. Keys vLLM has keep its names; the rest are ours. */
export interface BenchResult {
  date: string;
  backend: string;
  base_url: string;
  model_id: string;
  label: string;
  endpoint_type: 'chat' | 'completions';
  workload: string;
  max_concurrency: number | null;
  request_rate: number | 'inf';
  burstiness: number;
  num_prompts: number;
  input_len: number;
  output_len: number;
  completed: number;
  failed: number;
  duration: number;
  total_input_tokens: number;
  total_output_tokens: number;
  request_throughput: number;
  request_goodput: number | null;
  output_throughput: number;
  total_token_throughput: number;
  /** the most requests really open at once */
  achieved_concurrency: number;
  /** requests open on average over the run's duration */
  mean_achieved_concurrency: number;
  mean_client_queue_ms: number;
  max_client_queue_ms: number;
  /** server's prompt_tokens, template included (null when it sent no usage) */
  total_server_prompt_tokens: number | null;
  /** where output counts came from: `server` (usage) or `chunks` (an estimate) */
  output_tokens_source: 'server' | 'chunks' | 'mixed';
  /** completed requests whose usage.completion_tokens differs from the length asked for */
  output_len_mismatches: number;
  mean_tokens_per_chunk: number | null;
  failures_by_kind: Record<string, number>;
  errors: string[];
  cancelled: boolean;
  /** per completed request, for distributions (seconds, like vLLM's `ttfts`) */
  input_lens: number[];
  output_lens: number[];
  ttfts: number[];
  e2els: number[];
  /** the server's own view from its /metrics, or why there is none (null: not asked) */
  server_metrics: ServerMetrics | null;
  /** multi-turn only (null otherwise): requests per conversation, tool-result tokens, conversations whose every turn completed */
  turns: number | null;
  tool_result_len: number | null;
  completed_conversations: number | null;
  /** multi-turn only: TTFT, E2EL and prompt tokens by turn index (turn 1 first) */
  per_turn: TurnStats[] | null;
  /** [seconds since start, requests open] at every change */
  concurrency_timeline: Array<[number, number]>;
  /** mean/median/std/p<N> for ttft, tpot, itl, e2el, and ttfa (first answer token) in ms */
  [metric: `${'mean' | 'median' | 'std'}_${string}_ms` | `p${string}_${string}_ms`]: number | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** numpy's std (population, ddof = 0), as vLLM reports it. */
function std(xs: number[]): number | null {
  const m = mean(xs);
  if (m === null) return null;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
}

/** vLLM writes p99, p99.9: an integer percentile without a decimal point. */
export const pKey = (p: number) => String(p);

function stats(name: string, xs: number[], percentiles: number[]): Record<string, number | null> {
  const sorted = Float64Array.from(xs).sort();
  const out: Record<string, number | null> = {
    [`mean_${name}_ms`]: mean(xs),
    [`median_${name}_ms`]: sorted.length ? percentile(sorted, 50) : null,
    [`std_${name}_ms`]: std(xs),
  };
  for (const p of percentiles) out[`p${pKey(p)}_${name}_ms`] = sorted.length ? percentile(sorted, p) : null;
  return out;
}

/** vLLM's TPOT for one request: (latency − TTFT) / (output tokens − 1); none for a one-token answer. */
export function tpotOf(r: RequestRecord): number | null {
  return r.ttftMs !== null && r.outputTokens > 1 ? (r.e2elMs - r.ttftMs) / (r.outputTokens - 1) : null;
}

function timeWeightedMean(timeline: Array<[number, number]>, durationMs: number): number {
  if (!(durationMs > 0)) return 0;
  let area = 0;
  for (let i = 0; i < timeline.length; i++) {
    const [t, n] = timeline[i]!;
    const next = i + 1 < timeline.length ? timeline[i + 1]![0] : durationMs;
    area += n * Math.max(0, Math.min(next, durationMs) - t);
  }
  return area / durationMs;
}

export function aggregate(endpoint: BenchEndpoint, workload: Workload, concurrency: number, run: PointRun): BenchResult {
  const done = run.records.filter((r) => r.ok);
  const failed = run.records.filter((r) => !r.ok && r.errorKind !== 'cancelled');
  const durationMs = run.endedAt - run.startedAt;
  const duration = durationMs / 1000;
  const per = (x: number) => (duration > 0 ? x / duration : 0);
  const totalOut = done.reduce((n, r) => n + r.outputTokens, 0);
  const totalIn = done.reduce((n, r) => n + r.inputLen, 0);
  const tpots = done.map(tpotOf).filter((x): x is number => x !== null);
  const ttfts = done.map((r) => r.ttftMs).filter((x): x is number => x !== null);
  const ttfas = done.map((r) => r.ttfaMs).filter((x): x is number => x !== null);
  const itls = done.flatMap((r) => r.itlMs);
  const serverPrompt = done.filter((r) => r.promptTokens !== null);
  const sources = new Set(done.map((r) => r.outputSource));
  const failuresByKind: Record<string, number> = {};
  for (const r of failed) failuresByKind[r.errorKind ?? 'unknown'] = (failuresByKind[r.errorKind ?? 'unknown'] ?? 0) + 1;
  const slo = workload.goodput;
  const hasSlo = slo.ttft !== undefined || slo.tpot !== undefined || slo.e2el !== undefined;
  const good = done.filter((r) => {
    const tpot = tpotOf(r);
    return (slo.ttft === undefined || (r.ttftMs ?? Infinity) <= slo.ttft) && (slo.tpot === undefined || (tpot ?? 0) <= slo.tpot) && (slo.e2el === undefined || r.e2elMs <= slo.e2el);
  });
  const chunks = done.reduce((n, r) => n + r.chunks, 0);
  const queue = run.records.filter((r) => r.errorKind !== 'cancelled').map((r) => r.sentAt - r.dueAt);
  const p = workload.percentiles;
  const multi = workload.kind === 'multi-turn';

  return {
    date: new Date().toISOString(),
    backend: endpoint.server,
    base_url: endpoint.baseURL,
    model_id: endpoint.model,
    label: endpoint.label ?? `${endpoint.model} @ ${endpoint.baseURL}`,
    endpoint_type: workload.api,
    workload: workload.kind,
    max_concurrency: Number.isFinite(concurrency) ? concurrency : null,
    request_rate: Number.isFinite(workload.requestRate) ? workload.requestRate : 'inf',
    burstiness: workload.burstiness,
    num_prompts: run.records.length,
    input_len: workload.inputLen,
    output_len: workload.outputLen,
    completed: done.length,
    failed: failed.length,
    duration,
    total_input_tokens: totalIn,
    total_output_tokens: totalOut,
    request_throughput: per(done.length),
    request_goodput: hasSlo ? per(good.length) : null,
    output_throughput: per(totalOut),
    total_token_throughput: per(totalIn + totalOut),
    achieved_concurrency: run.inflight.reduce((m, [, n]) => Math.max(m, n), 0),
    mean_achieved_concurrency: timeWeightedMean(run.inflight, durationMs),
    mean_client_queue_ms: mean(queue) ?? 0,
    max_client_queue_ms: queue.reduce((m, q) => Math.max(m, q), 0),
    total_server_prompt_tokens: serverPrompt.length ? serverPrompt.reduce((n, r) => n + r.promptTokens!, 0) : null,
    output_tokens_source: sources.size > 1 ? 'mixed' : sources.has('chunks') ? 'chunks' : 'server',
    output_len_mismatches: done.filter((r) => r.outputSource === 'server' && r.outputTokens !== r.expectedOutputLen).length,
    mean_tokens_per_chunk: chunks > 0 && sources.has('server') && sources.size === 1 ? totalOut / chunks : null,
    failures_by_kind: failuresByKind,
    errors: failed.slice(0, 20).map((r) => r.error ?? ''),
    cancelled: run.cancelled,
    input_lens: done.map((r) => r.inputLen),
    output_lens: done.map((r) => r.outputTokens),
    ttfts: done.map((r) => (r.ttftMs ?? NaN) / 1000),
    e2els: done.map((r) => r.e2elMs / 1000),
    server_metrics: null,
    concurrency_timeline: run.inflight.map(([t, n]) => [t / 1000, n]),
    turns: multi ? workload.turns : null,
    tool_result_len: multi ? workload.toolResultLen : null,
    completed_conversations: multi ? done.filter((r) => (r.turn ?? 1) === workload.turns).length : null,
    per_turn: multi ? perTurn(run.records, workload.turns, p) : null,
    ...stats('ttft', ttfts, p),
    ...stats('tpot', tpots, p),
    ...stats('itl', itls, p),
    ...stats('e2el', done.map((r) => r.e2elMs), p),
    ...stats('ttfa', ttfas, p),
  } as BenchResult;
}
