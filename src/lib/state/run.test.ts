// A run's streamed text as views take it: only what is new, never the whole text again.
import { describe, expect, it, vi } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import { Run } from './run.svelte.ts';

const identity = (html: string) => html;

describe('Run', () => {
  it('hands a view the reasoning from any point on, frame after frame', () => {
    const run = new Run(identity, 0);
    const frames = [['Let me ', 'think'], [' about it.'], [], ['\nFirst', ', the', ' numbers.']];
    let seq = 0;
    let whole = '';
    const shown: string[] = [];
    for (const [f, pieces] of frames.entries()) {
      for (const text of pieces!) {
        run.apply({ type: 'reasoning', text, at: f * 10 + seq, seq: ++seq });
        whole += text;
      }
      run.flush(f * 10 + 9);
      expect(run.reasoningChars).toBe(whole.length);
      // a view that has shown n characters asks for the rest: together, exactly the text
      shown.push(run.reasoningFrom(shown.join('').length));
      expect(shown.join('')).toBe(whole);
      for (let n = 0; n <= whole.length; n++) expect(run.reasoningFrom(n)).toBe(whole.slice(n));
    }
    expect(run.reasoningText).toBe(whole);
  });

  it('replayed from its saved times, shows to the last digit the numbers it showed live', () => {
    // times where (a - origin) - (ready - origin) and a - ready differ in the last bit of a double
    const origin = 140.975;
    const live = new Run(identity, origin);
    const events = [
      { type: 'progress' as const, progress: { phase: 'ready' as const, fraction: 1, message: '' }, at: 144.06 },
      { type: 'open' as const, status: 200, at: 300.125 },
      { type: 'content' as const, text: 'Hello', seq: 1, at: 516.165 },
      { type: 'content' as const, text: ' there', seq: 2, at: 611.015 },
      { type: 'done' as const, finishReason: 'stop', at: 640.335 },
    ];
    for (const e of events) live.apply({ ...e });
    // what history saves: times counted from the run's creation
    const saved = live.eventsFrom(0).map((e) => ({ ...e, at: e.at - live.origin }));
    const replayed = Run.replay(identity, saved);
    const numbers = (r: Run) => {
      const m = r.metricsNow;
      return [m.ttfbMs, m.ttftMs, m.ttfaMs, m.answeringMs, m.totalMs, m.decodeTps, m.itl?.p50Ms];
    };
    expect(numbers(replayed)).toEqual(numbers(live));
    expect(numbers(live)[1]).toBeCloseTo(372.105, 2);
    // a replayed run's events are on record already: it counts them but does not hold them
    expect(replayed.eventCount).toBe(saved.length);
    expect(() => replayed.eventsFrom(0)).toThrow(/let go/);
  });

  it('replayed in steps, pauses as its time slice runs out and ends as one replay all at once', () => {
    const events: StreamEvent[] = [{ type: 'open', status: 200, at: 10 }];
    for (let i = 1; i <= 2000; i++) events.push({ type: 'content', text: `w${i} `, seq: i, at: 10 + i });
    events.push({ type: 'done', finishReason: 'stop', at: 2100 });
    const steps = Run.replaying(identity, events.map((e) => ({ ...e })), 0);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    // a slice of 0 ms pauses at each check: every 256 events
    expect(pauses).toBe(Math.floor(events.length / 256));
    const whole = Run.replay(identity, events.map((e) => ({ ...e })));
    expect(step.value.answerText).toBe(whole.answerText);
    expect(step.value.metricsNow).toEqual(whole.metricsNow);
    expect(step.value.status).toBe('done');
  });

  it('replayed in steps with time between them, it is not refreshed as live: it fills in once whole, as if replayed at once', async () => {
    const events: StreamEvent[] = [{ type: 'open', status: 200, at: 10 }];
    for (let i = 1; i <= 600; i++) events.push({ type: 'content', text: i % 50 ? `w${i} ` : '\n\n', seq: i, at: 10 + i });
    events.push({ type: 'done', finishReason: 'stop', at: 700 });
    const steps = Run.replaying(identity, events, 0);
    steps.next();
    // longer than the live refresh (200 ms): a live run would have been drawn meanwhile
    await new Promise((r) => setTimeout(r, 300));
    let step = steps.next();
    while (!step.done) step = steps.next();
    const run = step.value;
    run.flush(1000);
    expect([run.fillingIn, run.final]).toEqual([true, false]);
    await vi.waitFor(() => expect(run.final).toBe(true));
  });

  it('an in-browser model that had to load keeps its load time, live and replayed; a server run has none', () => {
    const progress = (phase: 'fetching' | 'compiling' | 'ready', at: number) => ({ type: 'progress' as const, progress: { phase, fraction: null, message: '' }, at });
    const events = [progress('fetching', 12), progress('compiling', 3000), progress('ready', 5012), { type: 'content' as const, text: 'Hi', seq: 1, at: 5100 }, { type: 'done' as const, finishReason: 'stop', at: 5200 }];
    const live = new Run(identity, 10);
    for (const e of events) live.apply({ ...e });
    expect(live.loadMs).toBe(5002);
    // the answer's own clock starts once the model is ready
    expect(live.metricsNow.ttftMs).toBe(88);
    const replayed = Run.replay(identity, live.eventsFrom(0).map((e) => ({ ...e, at: e.at - live.origin })));
    expect(replayed.loadMs).toBe(5002);
    expect(replayed.metricsNow.ttftMs).toBe(88);

    const server = new Run(identity, 10);
    for (const e of [progress('ready', 11), { type: 'content' as const, text: 'Hi', seq: 1, at: 200 }]) server.apply(e);
    expect(server.loadMs).toBeNull();
  });

  it('time queued behind another in-browser answer is its own part, in order, and not model load', () => {
    const report = (phase: 'queued' | 'starting' | 'fetching' | 'compiling' | 'ready', at: number) => ({ type: 'progress' as const, progress: { phase, fraction: null, message: '' }, at });
    // a second model that does not fit waits for the first answer, then loads
    const waited = new Run(identity, 10);
    for (const e of [report('queued', 12), report('starting', 3010), report('fetching', 3100), report('compiling', 6000), report('ready', 8010)]) waited.apply(e);
    expect(waited.prelude).toEqual([{ phase: 'queued', ms: 3000 }, { phase: 'loading', ms: 5000 }]);
    expect([waited.queuedMs, waited.loadMs]).toEqual([3000, 5000]);
    // the same model in two panels: loaded together, then this one waits for the other's answer
    const second = new Run(identity, 10);
    for (const e of [report('starting', 10), report('fetching', 50), report('queued', 4010), report('ready', 6010), { type: 'content' as const, text: 'Hi', seq: 1, at: 6100 }]) second.apply(e);
    expect(second.prelude).toEqual([{ phase: 'loading', ms: 4000 }, { phase: 'queued', ms: 2000 }]);
    expect(second.metricsNow.ttftMs).toBe(90);
    const replayed = Run.replay(identity, second.eventsFrom(0).map((e) => ({ ...e, at: e.at - second.origin })));
    expect(replayed.prelude).toEqual(second.prelude);
    // queued only, for a model already in memory: nothing loaded
    const busy = new Run(identity, 10);
    for (const e of [report('queued', 10), report('ready', 2010)]) busy.apply(e);
    expect([busy.queuedMs, busy.loadMs]).toEqual([2000, null]);
  });

  it('a load that fails or is stopped counts as loading, live and replayed, not as waiting for an answer', () => {
    const fetching = (at: number) => ({ type: 'progress' as const, progress: { phase: 'fetching' as const, fraction: 0.4, message: '' }, at });
    const endings: StreamEvent[] = [
      { type: 'error', kind: 'network', message: 'The model could not be downloaded.', at: 3012 },
      { type: 'stopped', at: 3012 },
    ];
    for (const end of endings) {
      const live = new Run(identity, 10);
      for (const e of [fetching(12), end]) live.apply({ ...e });
      expect(live.status).toBe(end.type === 'error' ? 'error' : 'stopped');
      expect(live.progress).toBeNull();
      expect(live.loadMs).toBe(3002);
      expect(live.metricsNow.totalMs).toBe(0);
      const replayed = Run.replay(identity, live.eventsFrom(0).map((e) => ({ ...e, at: e.at - live.origin })));
      expect(replayed.loadMs).toBe(3002);
      expect(replayed.metricsNow.totalMs).toBe(0);
    }
  });

  it('replayed after a model load, its tokens/s chart runs on the clock of the answer, as it did live', () => {
    const events: StreamEvent[] = [
      { type: 'progress', progress: { phase: 'fetching', fraction: null, message: '' }, at: 0 },
      { type: 'progress', progress: { phase: 'ready', fraction: 1, message: '' }, at: 20_000 },
    ];
    for (let i = 1; i <= 100; i++) events.push({ type: 'content', text: 'x', seq: i, at: 20_100 + i * 20 });
    events.push({ type: 'done', finishReason: 'stop', at: 22_200 });
    const replayed = Run.replay(identity, events);
    expect(replayed.rateSamples.length).toBeGreaterThan(0);
    const [first, last] = [replayed.rateSamples[0]![0], replayed.rateSamples.at(-1)![0]];
    // past the first half second of tokens, and within the 2.2 s of the answer: not 20 s later
    expect(first).toBeGreaterThanOrEqual(600);
    expect(last).toBeLessThanOrEqual(2200);
  });

  it('runs that started apart sample their numbers in the same frames, 5 times a second, though they take turns to flush', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    // a frame loop of its own: the runs of the tests before are still live, on real timers
    vi.resetModules();
    const { Run } = await import('./run.svelte.ts');
    try {
      const [a, b] = [new Run(identity, 0), new Run(identity, 230)];
      const sampledAt = new Map<Run, number[]>([[a, []], [b, []]]);
      for (const run of [a, b]) {
        const sample = run.sample.bind(run);
        run.sample = (now) => (sampledAt.get(run)!.push(now), sample(now));
      }
      let seq = 0;
      const stream = setInterval(() => {
        const now = performance.now();
        for (const run of now < 230 ? [a] : [a, b]) run.apply({ type: 'content', text: 'x', seq: ++seq, at: now });
      }, 5);
      vi.advanceTimersByTime(3000);
      clearInterval(stream);
      for (const run of [a, b]) run.apply({ type: 'done', finishReason: 'stop', at: 3000 });
      vi.advanceTimersByTime(100);

      const [inA, inB] = [sampledAt.get(a)!, sampledAt.get(b)!];
      expect(inB).toEqual(inA.filter((t) => t >= inB[0]!));
      expect(inA.length).toBeGreaterThanOrEqual(14);
      expect(inA.length).toBeLessThanOrEqual(16);
      // the last numbers show at once, off the grid
      for (const run of [a, b]) expect(run.sampled).toBe(run.metrics);
      expect(a.sampled!.totalMs).toBe(3000);
      // the rate chart's points come in those frames too, on each run's own clock
      const bAt = new Set(b.rateSamples.map(([t]) => t + 230));
      expect(bAt.size).toBeGreaterThan(5);
      expect(a.rateSamples.map(([t]) => t).filter((t) => t >= Math.min(...bAt))).toEqual([...bAt]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an answer replayed from history says it is filling in until its final render is on screen; a live one never does', async () => {
    const events: StreamEvent[] = [
      { type: 'content', text: 'Hello\n\nworld', seq: 1, at: 10 },
      { type: 'done', finishReason: 'stop', at: 20 },
    ];
    const replayed = Run.replay(identity, events.map((e) => ({ ...e })));
    replayed.flush(30);
    expect([replayed.fillingIn, replayed.final]).toEqual([true, false]);
    await vi.waitFor(() => expect(replayed.final).toBe(true));
    expect(replayed.fillingIn).toBe(false);
    expect(replayed.answer.blocks.join('')).toBe('<p>Hello</p>\n<p>world</p>\n');

    const live = new Run(identity, 0);
    live.apply({ ...events[0]! });
    live.flush(15);
    live.apply({ ...events[1]! });
    live.flush(25);
    expect(live.fillingIn).toBe(false);
    await vi.waitFor(() => expect(live.final).toBe(true));
    expect(live.fillingIn).toBe(false);
  });

  it('shows its status with the frame that draws the answer: done on screen comes with the whole answer beside it', () => {
    const run = new Run(identity, 0);
    expect(run.shownStatus).toBe('waiting');
    run.apply({ type: 'content', text: 'Hello', seq: 1, at: 5 });
    expect(run.status).toBe('answering');
    expect(run.shownStatus).toBe('waiting');
    run.flush(10);
    expect(run.shownStatus).toBe('answering');
    run.apply({ type: 'content', text: ' world', seq: 2, at: 12 });
    run.apply({ type: 'done', finishReason: 'stop', at: 13 });
    expect([run.status, run.shownStatus, run.answer.tail]).toEqual(['done', 'answering', '<p>Hello</p>\n']);
    run.flush(40);
    expect([run.shownStatus, run.answer.tail]).toEqual(['done', '<p>Hello world</p>\n']);
    // a run reopened from history is shown whole at once: as it ended, before any frame
    const reopened = Run.replay(identity, run.eventsFrom(0));
    expect(reopened.shownStatus).toBe('done');
  });

  it('shows no reasoning before the frame that draws it', () => {
    const run = new Run(identity, 0);
    run.apply({ type: 'reasoning', text: 'hidden until drawn', at: 1, seq: 1 });
    expect(run.reasoningChars).toBe(0);
    expect(run.reasoningFrom(0)).toBe('');
    run.flush(2);
    expect(run.reasoningFrom(0)).toBe('hidden until drawn');
  });
});
