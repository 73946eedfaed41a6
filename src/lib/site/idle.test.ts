import { describe, expect, it } from 'vitest';
import { IdleTimer, kioskWanted } from './idle.ts';

function fakeTimers() {
  let now = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  return {
    setTimeout: (fn: () => void, ms: number) => (pending.set(next, { at: now + ms, fn }), next++),
    clearTimeout: (h: unknown) => void pending.delete(h as number),
    advance(ms: number) {
      now += ms;
      for (const [h, t] of [...pending]) if (t.at <= now) (pending.delete(h), t.fn());
    },
  };
}

describe('the idle reset', () => {
  it('fires after a quiet spell, and each poke starts it over', () => {
    const timers = fakeTimers();
    let fired = 0;
    const idle = new IdleTimer(1000, () => fired++, timers);
    idle.poke();
    timers.advance(900);
    idle.poke();
    timers.advance(900);
    expect(fired).toBe(0);
    timers.advance(100);
    expect(fired).toBe(1);
    expect(idle.armed).toBe(false);
    idle.poke();
    idle.stop();
    timers.advance(5000);
    expect(fired).toBe(1);
  });

  it('the link turns kiosk mode on or off over the site file', () => {
    expect(kioskWanted(new URLSearchParams('kiosk=1'), undefined)).toBe(true);
    expect(kioskWanted(new URLSearchParams('kiosk=0'), true)).toBe(false);
    expect(kioskWanted(new URLSearchParams(''), true)).toBe(true);
    expect(kioskWanted(new URLSearchParams(''), undefined)).toBe(false);
  });
});
