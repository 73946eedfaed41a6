// The benchmark measured against the simulator, whose timing is known: the figures must match the truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimServer } from '../../../e2e/sim/server.ts';
import type { BenchResult } from './aggregate.ts';
import { runSweep } from './sweep.ts';
import { DEFAULT_WORKLOAD, type BenchEndpoint, type BenchPrompt, type Workload } from './types.ts';

const TTFT = 2000;
const TPS = 50; // 20 ms a token
const OUT = 96;
let sim: SimServer;

beforeAll(async () => {
  sim = await startSim({ ttftMs: TTFT, tps: TPS, reasoningTokens: 0 });
});
afterAll(() => sim.close());

const model = 'Qwen/Qwen3-Next-80B-A3B-Instruct';
const endpoint = (path = '/v1'): BenchEndpoint => ({ baseURL: `${sim.url}${path}`, model, server: 'vllm' });
/** Plain prompts: the simulator does not care about their exact length, and the tokenizer is tested apart. */
const prompts = (w: Workload) => async (): Promise<BenchPrompt[]> =>
  Array.from({ length: w.numPrompts }, (_, i) => ({ messages: [{ role: 'user', content: `Question ${i}: how fast is this?` }], inputLen: w.inputLen, outputLen: w.outputLen }));
const workload = (over: Partial<Workload>): Workload => ({ ...DEFAULT_WORKLOAD, inputLen: 32, outputLen: OUT, warmup: 0, ...over });

/**
 * Runs a measurement up to three times and checks the last: a busy machine only ever adds time (a process that
 * waits for a core), so a run that a neighbour disturbed is measured again rather than failed. A benchmark that
 * is wrong is wrong every time, and still fails.
 */
async function measured(measure: () => Promise<BenchResult>, check: (r: BenchResult) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const r = await measure();
    try {
      return check(r);
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

describe('against the simulator', () => {
  it('measures TTFT and TPOT within 3 % and throughput within 2 % of the truth', async () => {
    const w = workload({ concurrency: [4], numPrompts: 8, warmup: 4 });
    await measured(async () => (await runSweep({ endpoints: [endpoint()], workload: w, prompts: prompts(w) }))[0]!, (r) => {
      const msPerToken = 1000 / TPS;
      const requestMs = TTFT + (OUT - 1) * msPerToken;
      expect(r.completed).toBe(8);
      expect(r.failed).toBe(0);
      expect(r.output_len_mismatches).toBe(0);
      expect(r.total_output_tokens).toBe(8 * OUT);
      expect(r.mean_ttft_ms! / TTFT).toBeGreaterThan(0.97);
      expect(r.mean_ttft_ms! / TTFT).toBeLessThan(1.03);
      expect(r.mean_tpot_ms! / msPerToken).toBeGreaterThan(0.97);
      expect(r.mean_tpot_ms! / msPerToken).toBeLessThan(1.03);
      expect(r.median_itl_ms! / msPerToken).toBeGreaterThan(0.97);
      expect(r.median_itl_ms! / msPerToken).toBeLessThan(1.03);
      // two rounds of four requests, back to back
      const truth = (8 * OUT) / ((2 * requestMs) / 1000);
      expect(r.output_throughput / truth).toBeGreaterThan(0.98);
      expect(r.output_throughput / truth).toBeLessThan(1.02);
      expect(r.achieved_concurrency).toBe(4);
      expect(r.mean_tokens_per_chunk).toBe(1);
    });
  }, 60_000);

  it('counts tokens per chunk from usage when the server sends several at once (MTP)', async () => {
    const w = workload({ concurrency: [2], numPrompts: 2 });
    await measured(async () => (await runSweep({ endpoints: [endpoint('/tpc=3/v1')], workload: w, prompts: prompts(w) }))[0]!, (r) => {
      expect(r.total_output_tokens).toBe(2 * OUT);
      expect(r.mean_tokens_per_chunk).toBe(3);
      // vLLM's TPOT spreads the time after the first chunk over every token but the first: the last chunk
      // leaves 31 chunks × 3 tokens × 20 ms after the first, over 95 tokens
      const truth = ((OUT / 3 - 1) * 3 * (1000 / TPS)) / (OUT - 1);
      expect(r.mean_tpot_ms! / truth).toBeGreaterThan(0.97);
      expect(r.mean_tpot_ms! / truth).toBeLessThan(1.03);
    });
  }, 60_000);

  it('counts a 429 and a dropped stream as failures by kind, and leaves them out of the averages', async () => {
    const w = workload({ concurrency: [6], numPrompts: 6 });
    let n = 0;
    // of six requests: two refused, two cut after 10 tokens, two complete
    const faulty: typeof fetch = (url, init) => {
      const fault = ['', '429', 'drop,after=10'][n++ % 3];
      return fetch(fault ? String(url).replace('/v1/', `/${fault}/v1/`) : url, init);
    };
    const r = (await runSweep({ endpoints: [endpoint()], workload: w, prompts: prompts(w), fetch: faulty }))[0]!;
    expect(r.completed).toBe(2);
    expect(r.failed).toBe(4);
    expect(r.failures_by_kind).toEqual({ 'rate-limit': 2, dropped: 2 });
    expect(r.total_output_tokens).toBe(2 * OUT);
    expect(r.mean_ttft_ms! / TTFT).toBeGreaterThan(0.97);
    expect(r.mean_e2el_ms! / (TTFT + (OUT - 1) * (1000 / TPS))).toBeGreaterThan(0.97);
    expect(r.errors.some((e) => e.includes('429'))).toBe(true);
  }, 30_000);

  it('reports an output length the server did not honour, never hides it', async () => {
    // Ollama takes no ignore_eos: the simulated model stops at its natural length
    const w = workload({ concurrency: [1], numPrompts: 1, outputLen: 4000 });
    const r = (await runSweep({ endpoints: [{ ...endpoint('/tps=2000,ttft=10/v1'), server: 'ollama' }], workload: w, prompts: prompts(w) }))[0]!;
    expect(r.completed).toBe(1);
    expect(r.output_len_mismatches).toBe(1);
    expect(r.total_output_tokens).toBeLessThan(4000);
  }, 30_000);

  it('keeps at most the given requests open per host and counts the wait as client queue time', async () => {
    const w = workload({ concurrency: [4], numPrompts: 4, outputLen: 8 });
    const r = (await runSweep({ endpoints: [endpoint()], workload: w, prompts: prompts(w), maxPerHost: 2 }))[0]!;
    expect(r.achieved_concurrency).toBe(2);
    expect(r.max_concurrency).toBe(4);
    // two requests waited a whole request (~2.1 s) each; the other two none
    expect(r.mean_client_queue_ms).toBeGreaterThan(200);
    // the time a request waited in the page is not in its TTFT
    expect(r.mean_ttft_ms! / TTFT).toBeLessThan(1.03);
  }, 30_000);
});

describe("the server's side", () => {
  it('reads /metrics beside the client figures, and says plainly when an endpoint has none', async () => {
    const w = workload({ concurrency: [3], numPrompts: 3, outputLen: 60 });
    const [withMetrics, without] = await runSweep({ endpoints: [endpoint('/tps=100,ttft=100/v1'), { ...endpoint('/ollama,tps=100,ttft=100/v1'), model: 'qwen3:8b', server: 'ollama' }], workload: w, prompts: prompts(w), scrapeEveryMs: 100 });
    const s = withMetrics!.server_metrics!;
    expect(s.available).toBe(true);
    expect(s.max_running).toBe(3);
    expect(s.server_mean_ttft_ms).toBeCloseTo(100, 0);
    expect(s.spec_decode_acceptance).toBeNull();
    expect(without!.server_metrics!.available).toBe(false);
    expect(without!.server_metrics!.message).toMatch(/no Prometheus metrics/);
  }, 30_000);

  it("checks the first prompt against the server's /tokenize", async () => {
    const { checkTokenize } = await import('./server-check.ts');
    const { qwen3Tokenizer, exactText } = await import('./prompts.ts');
    const { rng } = await import('./arrivals.ts');
    const tok = await qwen3Tokenizer();
    const { text } = exactText(tok, 100, 1234, rng(1));
    expect((await checkTokenize(`${sim.url}/v1`, model, text, 100)).status).toBe('same');
    const off = await checkTokenize(`${sim.url}/v1`, model, text, 101);
    expect(off.status).toBe('differs');
    expect(off.message).toMatch(/100 tokens, not 101/);
    expect((await checkTokenize(`${sim.url}/ollama/v1`, model, text, 100)).status).toBe('none');
  }, 60_000);
});

describe('cancel', () => {
  it('keeps what finished, marks the point cancelled, and does not count cancelled requests as failures', async () => {
    const w = workload({ concurrency: [2], numPrompts: 6, outputLen: 10 });
    const controller = new AbortController();
    const r = (
      await runSweep({
        endpoints: [endpoint('/ttft=50,tps=100/v1')],
        workload: w,
        prompts: prompts(w),
        signal: controller.signal,
        onProgress: (p) => p.done >= 2 && controller.abort(),
      })
    )[0]!;
    expect(r.cancelled).toBe(true);
    expect(r.completed).toBeGreaterThanOrEqual(2);
    expect(r.completed).toBeLessThan(6);
    expect(r.failed).toBe(0);
  }, 30_000);
});
