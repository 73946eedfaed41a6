// The benchmark's reading of long frames: which phase each belongs to, and how much of it was the page's own work.
import { describe, expect, it } from 'vitest';
import { byPhase, type LongFrame } from './long-frames.ts';
import { frameCpu, type TraceEvent } from './page-tasks.ts';

const frame = (start: number, duration: number): LongFrame => ({ start, duration, styleLayout: 0, callbacks: 0, scripts: [] });

describe('byPhase', () => {
  it('puts the frame that draws the first answer text in the streaming, and what starts once all are done after it', () => {
    const frames = [frame(100, 80), frame(900, 60), frame(980, 70), frame(5000, 55), frame(9000, 60), frame(9100, 90)];
    // the first text went in during the frame at 980; every panel read done at 9050
    const { load, streaming, after } = byPhase(frames, { firstText: 1000, allDone: 9050 });
    expect(load.map((f) => f.start)).toEqual([100, 900]);
    expect(streaming.map((f) => f.start)).toEqual([980, 5000, 9000]);
    expect(after.map((f) => f.start)).toEqual([9100]);
  });
});

describe('frameCpu', () => {
  it("gives a frame the CPU time of the page's main-thread tasks that began in it, on the page's clock", () => {
    const main = { pid: 1, tid: 10 };
    const other = { pid: 2, tid: 20 };
    const events: TraceEvent[] = [
      { ph: 'M', name: 'thread_name', ...main, ts: 0, args: { name: 'CrRendererMain' } },
      { ph: 'M', name: 'thread_name', ...other, ts: 0, args: { name: 'CrRendererMain' } },
      // the trace's clock is in µs: the mark `bench-start` is at 1,000,000 there and at 2,000 ms on the page's
      { ph: 'R', name: 'bench-start', ...main, ts: 1_000_000 },
      { ph: 'R', name: 'bench-end', ...main, ts: 9_000_000 },
      // a task of 120 ms on the wall, 30 of them on a core, at page time 2,500 ms; then one at 2,560 ms
      { ph: 'X', name: 'ThreadControllerImpl::RunTask', ...main, ts: 1_500_000, dur: 120_000, tdur: 30_000 },
      { ph: 'X', name: 'ThreadControllerImpl::RunTask', ...main, ts: 1_560_000, dur: 10_000, tdur: 5_000 },
      // after the frame, and on another renderer that worked less
      { ph: 'X', name: 'ThreadControllerImpl::RunTask', ...main, ts: 1_700_000, dur: 10_000, tdur: 10_000 },
      { ph: 'X', name: 'ThreadControllerImpl::RunTask', ...other, ts: 1_500_000, dur: 1_000, tdur: 1_000 },
    ];
    const frames = [frame(2500, 130)];
    frameCpu(frames, events, 2000);
    expect(frames[0]!.cpu).toBe(35);
  });
});
