import { afterEach, describe, expect, it, vi } from 'vitest';
import { inSpareTime, whenIdle } from './frame-loop.ts';

describe('inSpareTime', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('runs steps in order while a long idle period has 40 ms left, and none in the short idle moments between frames', () => {
    const waiting: Array<(deadline: { timeRemaining(): number }) => void> = [];
    vi.stubGlobal('requestIdleCallback', (cb: (deadline: { timeRemaining(): number }) => void) => waiting.push(cb));
    const ran: string[] = [];
    /** ms spent in the current idle period: each step takes 4 */
    let spent = 0;
    inSpareTime(['a', 'b', 'c', 'd', 'e'].map((name) => () => ((spent += 4), ran.push(name))));
    const idle = (ms: number) => {
      spent = 0;
      waiting.shift()!({ timeRemaining: () => ms - spent });
    };

    idle(12); // a page that draws frames: 16 ms between them at most
    idle(8);
    expect(ran).toEqual([]);
    idle(50); // 50, 46, 42 left: three steps start; at 38 the rest waits
    expect(ran).toEqual(['a', 'b', 'c']);
    idle(3);
    expect(ran).toEqual(['a', 'b', 'c']);
    idle(49);
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e']);
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

describe('markDirty', () => {
  /** a frame loop of its own, on fake timers (frames every 16 ms without requestAnimationFrame) */
  async function freshLoop() {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    vi.resetModules();
    return await import('./frame-loop.ts');
  }
  afterEach(() => vi.useRealTimers());

  it('lets streaming runs take turns: a frame flushes at most half of them, the longest waiting first, each at most 30 times a second', async () => {
    const { markDirty } = await freshLoop();
    const flushes: Array<[string, number]> = [];
    const items = ['a', 'b', 'c', 'd'].map((name) => ({ flush: (now: number) => flushes.push([name, now]) }));
    const stream = setInterval(() => items.forEach((item) => markDirty(item)), 2);
    vi.advanceTimersByTime(1000);
    clearInterval(stream);

    const perFrame = new Map<number, number>();
    for (const [, now] of flushes) perFrame.set(now, (perFrame.get(now) ?? 0) + 1);
    expect(perFrame.size).toBeGreaterThanOrEqual(55);
    expect(new Set(perFrame.values())).toEqual(new Set([2]));
    for (const name of ['a', 'b', 'c', 'd']) {
      const at = flushes.filter(([n]) => n === name).map(([, now]) => now);
      expect(at.length).toBeGreaterThanOrEqual(29);
      expect(at.length).toBeLessThanOrEqual(31);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1000 / 30 - 2);
    }
  });

  it('flushes a single run as soon as its turn comes, and the others still take theirs after one that throws', async () => {
    const { markDirty } = await freshLoop();
    const flushed: string[] = [];
    const ok = { flush: () => flushed.push('ok') };
    const broken = {
      flush: () => {
        throw new Error('broken view');
      },
    };
    markDirty(ok);
    vi.advanceTimersByTime(16);
    expect(flushed).toEqual(['ok']);

    markDirty(broken);
    markDirty(ok);
    expect(() => vi.advanceTimersByTime(100)).toThrow('broken view');
    vi.advanceTimersByTime(100);
    expect(flushed).toEqual(['ok', 'ok']);
    markDirty(ok);
    vi.advanceTimersByTime(40);
    expect(flushed).toEqual(['ok', 'ok', 'ok']);
  });
});
