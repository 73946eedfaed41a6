// vLLM's definitions on hand-made records: TPOT, ITL, throughput over the duration, goodput, std, failures.
import { describe, expect, it } from 'vitest';
import { aggregate, tpotOf } from './aggregate.ts';
import { arrivalTimes, gamma, lengths, rng } from './arrivals.ts';
import type { PointRun } from './run-point.ts';
import { DEFAULT_WORKLOAD, type BenchEndpoint, type RequestRecord } from './types.ts';

const endpoint: BenchEndpoint = { baseURL: 'http://127.0.0.1:9/v1', model: 'm', server: 'vllm' };

function rec(over: Partial<RequestRecord>): RequestRecord {
  return {
    ok: true,
    dueAt: 0,
    sentAt: 0,
    endAt: 1000,
    ttftMs: 100,
    ttfaMs: 100,
    e2elMs: 1000,
    itlMs: [],
    inputLen: 10,
    expectedOutputLen: 10,
    outputTokens: 10,
    outputSource: 'server',
    promptTokens: 20,
    chunks: 10,
    ...over,
  };
}

const run = (records: RequestRecord[], endedAt = 2000): PointRun => ({ records, startedAt: 0, endedAt, inflight: [[0, 0], [0, 1], [10, 2], [1000, 1], [2000, 0]], cancelled: false });

describe('aggregate', () => {
  it('follows vLLM: TPOT = (latency − TTFT) / (out − 1), throughput over the duration, numpy percentiles and std', () => {
    const records = [rec({ ttftMs: 100, e2elMs: 1000, itlMs: [100, 100] }), rec({ ttftMs: 300, e2elMs: 1200, outputTokens: 4, itlMs: [300, 300, 300] })];
    const r = aggregate(endpoint, { ...DEFAULT_WORKLOAD, percentiles: [50, 90, 99] }, 2, run(records));
    expect(tpotOf(records[0]!)).toBe(100);
    expect(r.mean_tpot_ms).toBe((100 + 300) / 2);
    expect(r.mean_ttft_ms).toBe(200);
    expect(r.median_ttft_ms).toBe(200);
    expect(r.std_ttft_ms).toBe(100);
    expect(r.p90_ttft_ms).toBeCloseTo(280);
    expect(r.p99_itl_ms).toBeCloseTo(300);
    expect(r.duration).toBe(2);
    expect(r.total_output_tokens).toBe(14);
    expect(r.output_throughput).toBe(7);
    expect(r.request_throughput).toBe(1);
    expect(r.total_token_throughput).toBe(17);
    expect(r.output_len_mismatches).toBe(1);
    expect(r.achieved_concurrency).toBe(2);
    expect(r.mean_achieved_concurrency).toBeCloseTo((10 * 1 + 990 * 2 + 1000 * 1) / 2000);
    expect(r.request_rate).toBe('inf');
    expect(r.max_concurrency).toBe(2);
    expect(r.request_goodput).toBeNull();
  });

  it('leaves failures out of every average and counts them by kind', () => {
    const records = [rec({}), rec({ ok: false, errorKind: 'rate-limit', error: 'HTTP 429', ttftMs: null, e2elMs: 5, outputTokens: 0 }), rec({ ok: false, errorKind: 'dropped', ttftMs: 900, e2elMs: 950 })];
    const r = aggregate(endpoint, DEFAULT_WORKLOAD, 3, run(records));
    expect(r.completed).toBe(1);
    expect(r.failed).toBe(2);
    expect(r.failures_by_kind).toEqual({ 'rate-limit': 1, dropped: 1 });
    expect(r.mean_ttft_ms).toBe(100);
    expect(r.mean_e2el_ms).toBe(1000);
    expect(r.total_output_tokens).toBe(10);
  });

  it('counts goodput against every SLO set', () => {
    const records = [rec({ ttftMs: 100 }), rec({ ttftMs: 600 }), rec({ ttftMs: 100, e2elMs: 5000 })];
    const r = aggregate(endpoint, { ...DEFAULT_WORKLOAD, goodput: { ttft: 500, e2el: 2000 } }, 3, run(records));
    expect(r.request_goodput).toBe(0.5);
  });

  it('gives none, not zero or NaN, for a metric with nothing behind it', () => {
    const r = aggregate(endpoint, DEFAULT_WORKLOAD, 1, run([rec({ ok: false, errorKind: 'network', ttftMs: null })]));
    expect(r.mean_ttft_ms).toBeNull();
    expect(r.p99_tpot_ms).toBeNull();
    expect(r.mean_tokens_per_chunk).toBeNull();
  });

  it('marks output counted from chunks as an estimate', () => {
    const r = aggregate(endpoint, DEFAULT_WORKLOAD, 1, run([rec({ outputSource: 'chunks' })]));
    expect(r.output_tokens_source).toBe('chunks');
    expect(r.output_len_mismatches).toBe(0);
  });
});

describe('arrivals', () => {
  it('draws gamma gaps with the asked-for mean, burstier below shape 1', () => {
    const random = rng(7);
    const draw = (shape: number) => Array.from({ length: 20000 }, () => gamma(random, shape, 1 / shape));
    const cv = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b) / xs.length;
      return [m, Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length) / m] as const;
    };
    const [m1, cv1] = cv(draw(1));
    const [m05, cv05] = cv(draw(0.5));
    expect(m1).toBeCloseTo(1, 1);
    expect(m05).toBeCloseTo(1, 1);
    expect(cv1).toBeCloseTo(1, 1);
    expect(cv05).toBeGreaterThan(1.3);
  });

  it('schedules at absolute offsets at the given rate, all at once without one', () => {
    const times = arrivalTimes(2001, 10, 1, 1);
    expect(times[0]).toBe(0);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times[2000]! / 2000).toBeGreaterThan(90);
    expect(times[2000]! / 2000).toBeLessThan(110);
    expect(arrivalTimes(3, Infinity, 1, 1)).toEqual([0, 0, 0]);
    const ramped = arrivalTimes(50, 10, 1, 1, 10);
    expect(ramped[10]!).toBeGreaterThan(times[10]!);
  });

  it('draws lengths within the range ratio', () => {
    const xs = lengths(1000, 100, 0.5, rng(3));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...xs)).toBeLessThanOrEqual(150);
    expect(new Set(xs).size).toBeGreaterThan(50);
    expect(lengths(3, 100, 0, rng(3))).toEqual([100, 100, 100]);
  });
});
