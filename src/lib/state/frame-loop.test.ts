import { afterEach, describe, expect, it, vi } from 'vitest';
import { inSpareTime, whenIdle } from './frame-loop.ts';

describe('inSpareTime', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('runs one step per long idle period, in order, and none in the short idle moments between frames', () => {
    const waiting: Array<(deadline: { timeRemaining(): number }) => void> = [];
    vi.stubGlobal('requestIdleCallback', (cb: (deadline: { timeRemaining(): number }) => void) => waiting.push(cb));
    const ran: string[] = [];
    inSpareTime(['a', 'b', 'c'].map((name) => () => ran.push(name)));
    const idle = (ms: number) => waiting.shift()!({ timeRemaining: () => ms });

    idle(12); // a page that draws frames: 16 ms between them at most
    idle(8);
    expect(ran).toEqual([]);
    idle(49);
    expect(ran).toEqual(['a']);
    idle(50);
    idle(3);
    idle(45);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(waiting).toEqual([]); // done: it stops asking
  });

  it('skips optional work where the browser cannot tell idle time', () => {
    vi.stubGlobal('requestIdleCallback', undefined);
    const step = vi.fn();
    vi.useFakeTimers();
    inSpareTime([step]);
    vi.advanceTimersByTime(10_000);
    vi.useRealTimers();
    expect(step).not.toHaveBeenCalled();
  });
});

describe('whenIdle', () => {
  it('gives each task a slice of at most 16 ms, even where the browser cannot tell idle time, and runs the tasks in order', async () => {
    const seen: Array<[string, number, number]> = [];
    const task = (name: string) => (timeLeft: () => number) => {
      const first = timeLeft();
      const end = performance.now() + 20;
      while (performance.now() < end); // work past the slice
      seen.push([name, first, timeLeft()]);
    };
    whenIdle(task('a'));
    whenIdle(task('b'));
    await vi.waitFor(() => expect(seen.length).toBe(2));
    expect(seen.map(([name]) => name)).toEqual(['a', 'b']);
    for (const [, first, after] of seen) {
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(16);
      expect(after).toBeLessThanOrEqual(0);
    }
  });
});
