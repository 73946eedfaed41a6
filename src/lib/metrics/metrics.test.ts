// Pins the run metrics to hand-computed values on synthetic timelines.
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../stream/events';
import { RunMetrics, type MetricsSnapshot } from './metrics';

const open = (at: number): StreamEvent => ({ type: 'open', at, status: 200 });
const think = (at: number, seq: number, text = 'r'): StreamEvent => ({ type: 'reasoning', text, at, seq });
const say = (at: number, seq: number, text = 'c'): StreamEvent => ({ type: 'content', text, at, seq });
const done = (at: number): StreamEvent => ({ type: 'done', finishReason: 'stop', at });
const usage = (at: number, seq: number, completionTokens: number, cumulative: boolean, promptTokens = 0, reasoningTokens?: number): StreamEvent => ({
  type: 'usage',
  promptTokens,
  completionTokens,
  cumulative,
  at,
  seq,
  ...(reasoningTokens === undefined ? {} : { reasoningTokens }),
});

function run(startedAt: number, events: StreamEvent[], liveWindowMs?: number): RunMetrics {
  const m = new RunMetrics(startedAt, liveWindowMs === undefined ? {} : { liveWindowMs });
  for (const e of events) m.push(e);
  return m;
}

/** Every number anywhere in the snapshot is finite: the UI must never print NaN or Infinity. */
function expectNoNaN(s: MetricsSnapshot): void {
  const walk = (v: unknown): void => {
    if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(s);
}

describe('thinking stream', () => {
  // start 1000; open 1100; an empty role chunk at 1150; 4 reasoning chunks; 3 content chunks; done 1600.
  const events: StreamEvent[] = [
    open(1100),
    say(1150, 0, ''),
    think(1300, 1, 'Let'),
    think(1320, 2, ' me'),
    think(1350, 3, ' think'),
    think(1360, 4, '.'),
    say(1500, 5, 'Hi'),
    say(1510, 6, ' there'),
    say(1530, 7, '!'),
    done(1600),
  ];

  it('times the phases and estimates tokens from chunks', () => {
    const s = run(1000, events).snapshot();
    expect(s.ttfbMs).toBe(100); // 1100 - 1000
    expect(s.firstEventMs).toBe(150); // 1150 - 1000: the empty role chunk is a server chunk
    expect(s.ttftMs).toBe(300); // 1300 - 1000
    expect(s.ttfaMs).toBe(500); // 1500 - 1000
    expect(s.thinkingMs).toBe(200); // 1500 - 1300
    expect(s.answeringMs).toBe(30); // 1530 - 1500
    expect(s.totalMs).toBe(600); // 1600 - 1000
    expect(s.chunks).toBe(7); // 4 reasoning + 3 content; the empty one is not a token
    expect(s.outputTokens).toEqual({ value: 7, source: 'chunks' });
    expect(s.reasoningTokens).toEqual({ value: 4, source: 'chunks' });
    expect(s.promptTokens).toBeNull();
    expect(s.decodeTps).toBeCloseTo(26.0869565, 5); // (7-1) / ((1530-1300)/1000) = 6 / 0.23
    expect(s.tpotMs).toBeCloseTo(38.3333333, 5); // 230 / 6
    // gaps 20,30,10,140,10,20 -> sorted [10,10,20,20,30,140], n = 6
    expect(s.itl?.count).toBe(6);
    expect(s.itl?.meanMs).toBeCloseTo(38.3333333, 5); // 230 / 6
    expect(s.itl?.p50Ms).toBeCloseTo(20, 10); // rank 2.5 -> 20 + (20-20)*0.5
    expect(s.itl?.p95Ms).toBeCloseTo(112.5, 10); // rank 4.75 -> 30 + (140-30)*0.75
    expect(s.itl?.p99Ms).toBeCloseTo(134.5, 10); // rank 4.95 -> 30 + (140-30)*0.95
    expect(s.tokensPerChunk).toEqual({ exact: false, mean: null, histogram: [] });
    expect(s.prefillTps).toBeNull(); // no prompt tokens known
    expectNoNaN(s);
  });

  it('prefers a final server usage over the chunk estimate', () => {
    // usage-only chunk (choices: []) at 1590: 20 completion tokens of which 12 reasoning, 50 prompt
    const s = run(1000, [...events.slice(0, -1), usage(1590, 8, 20, false, 50, 12), done(1600)]).snapshot();
    expect(s.outputTokens).toEqual({ value: 20, source: 'server' });
    expect(s.reasoningTokens).toEqual({ value: 12, source: 'server' });
    expect(s.promptTokens).toBe(50);
    expect(s.chunks).toBe(7); // the usage chunk has no text
    expect(s.decodeTps).toBeCloseTo(82.6086957, 5); // (20-1) / 0.23
    expect(s.tpotMs).toBeCloseTo(12.1052632, 5); // 230 / 19
    expect(s.tokensPerChunk).toEqual({ exact: false, mean: 20 / 7, histogram: [] }); // 20 tokens / 7 chunks
    expect(s.prefillTps).toEqual({ value: expect.closeTo(166.6667, 3), source: 'estimate' }); // 50 / 0.3 s
  });

  it('while thinking, thinking time runs to the last reasoning chunk', () => {
    const m = run(1000, events.slice(0, 5)); // up to the reasoning chunk at 1350
    const s = m.snapshot(1355);
    expect(s.thinkingMs).toBe(50); // 1350 - 1300
    expect(s.ttfaMs).toBeNull();
    expect(s.answeringMs).toBeNull();
    expect(s.totalMs).toBeNull();
  });
});

describe('chunks', () => {
  it('counts reasoning and content in one seq as one chunk at its first event', () => {
    const s = run(0, [think(100, 1, 'a'), think(120, 2, 'b'), say(121, 2, 'c'), say(150, 3, 'd')]).snapshot();
    expect(s.chunks).toBe(3); // seqs 1, 2, 3
    expect(s.ttftMs).toBe(100);
    expect(s.ttfaMs).toBe(120); // seq 2 began at 120, not the content's own 121
    expect(s.thinkingMs).toBe(20); // 120 - 100
    expect(s.answeringMs).toBe(30); // 150 - 120
    expect(s.reasoningTokens).toEqual({ value: 2, source: 'chunks' }); // seqs 1 and 2 carry reasoning
    expect(s.itl).toMatchObject({ count: 2, meanMs: 25 }); // gaps 20, 30
  });

  it('does not count empty deltas as tokens', () => {
    const s = run(0, [
      say(50, 1, ''),
      { type: 'tool-call', index: 0, argsDelta: '', at: 60, seq: 2 },
      say(100, 3, 'x'),
    ]).snapshot();
    expect(s.chunks).toBe(1);
    expect(s.firstEventMs).toBe(50);
    expect(s.ttftMs).toBe(100);
    expect(s.decodeTps).toBeNull(); // one chunk: no span to divide by
    expect(s.itl).toBeNull();
    expectNoNaN(s);
  });

  it('counts a tool call by its name fragment and its argument fragments as answer chunks', () => {
    const s = run(0, [
      { type: 'tool-call', index: 0, id: 'call_1', name: 'get_weather', argsDelta: '', at: 200, seq: 1 },
      { type: 'tool-call', index: 0, argsDelta: '{"city":', at: 250, seq: 2 },
      { type: 'tool-call', index: 0, argsDelta: '"Paris"}', at: 300, seq: 3 },
    ]).snapshot();
    expect(s.chunks).toBe(3);
    expect(s.ttfaMs).toBe(200);
    expect(s.decodeTps).toBeCloseTo(20, 10); // (3-1) / ((300-200)/1000)
  });
});

describe('cumulative usage (MTP-like chunks of 1, 3, 3, 2 tokens)', () => {
  // Text chunks at 200, 210, 230, 240 with 1, 3, 3, 2 tokens: totals 1, 4, 7, 9.
  const texts: Array<[number, number, string, number]> = [
    [200, 1, 'A', 1],
    [210, 2, 'BCD', 4],
    [230, 3, 'EFG', 7],
    [240, 4, 'HI', 9],
  ];
  const head: StreamEvent[] = [open(50), say(100, 0, ''), usage(100, 0, 0, true, 40)];
  const tail = (seq: number): StreamEvent[] => [usage(250, seq, 9, true, 40), done(260)]; // choices: [] repeating 9

  const layouts: Array<[string, StreamEvent[]]> = [
    ['usage after the text in the same seq', [...head, ...texts.flatMap(([at, seq, t, total]) => [say(at, seq, t), usage(at, seq, total, true, 40)]), ...tail(5)]],
    ['usage before the text in the same seq', [...head, ...texts.flatMap(([at, seq, t, total]) => [usage(at, seq, total, true, 40), say(at, seq, t)]), ...tail(5)]],
    ['usage in its own message after the text', [...head, ...texts.flatMap(([at, seq, t, total]) => [say(at, seq * 2 - 1, t), usage(at + 1, seq * 2, total, true, 40)]), ...tail(9)]],
  ];

  it.each(layouts)('%s gives an exact histogram', (_name, events) => {
    const s = run(0, events).snapshot();
    expect(s.chunks).toBe(4);
    expect(s.outputTokens).toEqual({ value: 9, source: 'server' });
    expect(s.promptTokens).toBe(40);
    expect(s.tokensPerChunk).toEqual({
      exact: true,
      mean: 2.25, // 9 tokens / 4 chunks
      histogram: [
        { tokens: 1, count: 1 },
        { tokens: 2, count: 1 },
        { tokens: 3, count: 2 },
      ],
    });
    expect(s.decodeTps).toBeCloseTo(200, 10); // (9-1) / ((240-200)/1000) = 8 / 0.04
    expect(s.tpotMs).toBeCloseTo(5, 10); // 40 / 8
    expect(s.itl).toMatchObject({ count: 3, p50Ms: 10 }); // gaps 10, 20, 10 -> sorted [10,10,20], rank 1
    expect(s.prefillTps).toEqual({ value: 200, source: 'estimate' }); // 40 prompt / 0.2 s ttft
  });

  it('keeps an unseen final token (EOS) out of the histogram but in the server count', () => {
    const events = [...layouts[0]![1].slice(0, -2), say(250, 5, ''), usage(250, 5, 10, true, 40), done(260)];
    const s = run(0, events).snapshot();
    expect(s.outputTokens).toEqual({ value: 10, source: 'server' });
    expect(s.tokensPerChunk.exact).toBe(true);
    expect(s.tokensPerChunk.mean).toBe(2.25); // still 9 visible tokens / 4 chunks
  });

  it('uses exact chunk sizes for the live rate', () => {
    const m = run(0, layouts[0]![1], 30);
    // now 240: window (210, 240] holds 230:3 and 240:2 = 5 tokens; denominator min(30, 240-200) = 30 ms
    expect(m.snapshot(240).liveTps).toBeCloseTo(166.6667, 3); // 5 / 0.03
    // now 215: window (185, 215] holds 200:1 and 210:3 = 4 tokens; denominator min(30, 215-200) = 15 ms
    expect(m.snapshot(215).liveTps).toBeCloseTo(266.6667, 3); // 4 / 0.015
  });
});

describe('live tok/s without exact sizes (1 token per chunk)', () => {
  // chunks every 500 ms from 1000 to 3500, done at 3600; window 2000 ms (the default)
  const m = run(0, [...[1000, 1500, 2000, 2500, 3000, 3500].map((at, i) => say(at, i + 1)), done(3600)]);

  it.each([
    [1500, 4], // (-500, 1500] holds 1000, 1500 = 2 chunks; denominator min(2000, 1500-1000) = 500 ms -> 2 / 0.5
    [3000, 2], // (1000, 3000] holds 1500..3000 = 4 (1000 is outside: the window's start is open) -> 4 / 2
    [3200, 2], // (1200, 3200] holds 1500, 2000, 2500, 3000 = 4 -> 4 / 2
    [9000, 2], // after the end now is held at 3600: (1600, 3600] holds 2000..3500 = 4 -> 4 / 2
  ])('at now=%d it is %d tok/s', (now, want) => {
    expect(m.snapshot(now).liveTps).toBeCloseTo(want, 10);
  });

  it('is null before the first token and at the first token instant', () => {
    expect(m.snapshot(900).liveTps).toBeNull(); // now before the first chunk
    expect(m.snapshot(1000).liveTps).toBeNull(); // zero-width denominator
  });
});

describe('ends', () => {
  it('keeps partial metrics of an errored run', () => {
    const s = run(0, [
      open(80),
      say(100, 1, 'a'),
      say(150, 2, 'b'),
      say(175, 3, 'c'),
      { type: 'error', kind: 'dropped', message: 'The stream ended early.', at: 400 },
    ]).snapshot();
    expect(s.totalMs).toBe(400);
    expect(s.ttfbMs).toBe(80);
    expect(s.ttftMs).toBe(100);
    expect(s.ttfaMs).toBe(100);
    expect(s.thinkingMs).toBeNull();
    expect(s.answeringMs).toBe(75); // 175 - 100
    expect(s.chunks).toBe(3);
    expect(s.outputTokens).toEqual({ value: 3, source: 'chunks' });
    expect(s.decodeTps).toBeCloseTo(26.6667, 3); // (3-1) / 0.075
  });

  it('takes the first end: a late error after done does not stretch the run', () => {
    const s = run(0, [say(10, 1), { type: 'stopped', at: 30 }, { type: 'error', kind: 'network', message: 'x', at: 90 }]).snapshot();
    expect(s.totalMs).toBe(30);
  });

  it('gives nulls, never 0 or NaN, when nothing arrived', () => {
    const empty = new RunMetrics(0).snapshot(5000);
    expect(empty).toEqual({
      ttfbMs: null,
      firstEventMs: null,
      ttftMs: null,
      ttfaMs: null,
      thinkingMs: null,
      answeringMs: null,
      totalMs: null,
      outputTokens: null,
      reasoningTokens: null,
      promptTokens: null,
      decodeTps: null,
      liveTps: null,
      itl: null,
      tpotMs: null,
      chunks: 0,
      tokensPerChunk: { exact: false, mean: null, histogram: [] },
      prefillTps: null,
      engineStats: null,
    });
    const silent = run(0, [open(50), say(60, 0, ''), done(70)]).snapshot();
    expect(silent).toMatchObject({ ttfbMs: 50, firstEventMs: 60, totalMs: 70, ttftMs: null, decodeTps: null, liveTps: null, outputTokens: null });
    expectNoNaN(silent);
  });
});

describe('prefill', () => {
  const timings = { prompt_n: 120, prompt_ms: 60, prompt_per_second: 2000, predicted_n: 3, predicted_ms: 30, predicted_per_second: 100 };

  it('takes llama.cpp timings as the server prefill rate', () => {
    const s = run(0, [
      say(100, 1),
      usage(120, 2, 3, false, 120),
      { type: 'engine-stats', source: 'llamacpp', stats: timings, at: 120, seq: 2 },
    ]).snapshot();
    expect(s.prefillTps).toEqual({ value: 2000, source: 'server' }); // not the estimate 120 / 0.1 s = 1200
    expect(s.engineStats).toEqual(timings);
  });

  it('takes web-llm prefill_tokens_per_s as the server prefill rate', () => {
    const stats = { prefill_tokens_per_s: 850.5, decode_tokens_per_s: 40, time_to_first_token_s: 0.2, time_per_output_token_s: 0.025 };
    const s = run(0, [say(100, 1), { type: 'engine-stats', source: 'webllm', stats, at: 120, seq: 2 }]).snapshot();
    expect(s.prefillTps).toEqual({ value: 850.5, source: 'server' });
  });

  it('estimates from prompt tokens and ttft when the server gives no rate', () => {
    const s = run(1000, [say(1250, 1), usage(1300, 2, 1, false, 500)]).snapshot();
    expect(s.prefillTps).toEqual({ value: 2000, source: 'estimate' }); // 500 / ((1250-1000)/1000) = 500 / 0.25
  });

  it('falls back to the estimate when llama.cpp reports a zero rate (prompt fully cached)', () => {
    const s = run(0, [
      say(100, 1),
      usage(120, 2, 1, false, 30),
      { type: 'engine-stats', source: 'llamacpp', stats: { ...timings, prompt_n: 0, prompt_per_second: 0 }, at: 120, seq: 2 },
    ]).snapshot();
    expect(s.prefillTps).toEqual({ value: 300, source: 'estimate' }); // 30 / 0.1 s
  });
});

describe('snapshot cost', () => {
  it('does not re-sort gaps when nothing new arrived', () => {
    const m = run(0, [say(10, 1), say(30, 2), say(35, 3)]);
    const a = m.snapshot(40).itl;
    const b = m.snapshot(50).itl;
    expect(b).toBe(a); // same cached object
    m.push(say(60, 4));
    expect(m.snapshot(60).itl).toMatchObject({ count: 3, meanMs: 50 / 3 }); // gaps 20, 5, 25
  });
});

describe('the rate alone', () => {
  it('gives the same time to first token and live tokens/s as a full snapshot, at every point', () => {
    const m = new RunMetrics(1000);
    m.push(open(1050));
    expect(m.rate(1100)).toEqual({ ttftMs: null, liveTps: null });
    for (let i = 1; i <= 300; i++) {
      m.push(say(1100 + i * 7 + (i % 5) * 3, i));
      if (i % 37 === 0) for (const at of [1100 + i * 7 + 20, 1100 + i * 7 + 900]) {
        const { ttftMs, liveTps } = m.snapshot(at);
        expect(m.rate(at)).toEqual({ ttftMs, liveTps });
        expect(liveTps).not.toBeNull();
      }
    }
  });
});
