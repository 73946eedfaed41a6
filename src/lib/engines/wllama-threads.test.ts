// Threads the CPU engine asks for and why, and the speed each model reached here, remembered across visits.
import { describe, expect, it } from 'vitest';
import { describeSpeed, planThreads, readSpeeds, rememberSpeed, type KeyValueStore } from './wllama-threads.ts';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('thread plan', () => {
  it('takes one thread on a page that is not cross-origin isolated, and says how to get more', () => {
    const plan = planThreads(false, 16);
    expect(plan.threads).toBe(1);
    expect(plan.reason).toContain('not cross-origin isolated');
    expect(plan.reason).toContain('COOP/COEP');
  });

  it('takes one thread per physical core when isolated: half the logical cores from 4 up, below that all but one', () => {
    expect(planThreads(true, 16).threads).toBe(8);
    expect(planThreads(true, 16).reason).toBe('8 threads: one per physical core (half of the 16 logical cores this browser reports).');
    expect(planThreads(true, 3).threads).toBe(2);
    expect(planThreads(true, 2)).toMatchObject({ threads: 1, reason: 'One thread: this browser reports 2 cores, and one is left to the page so that it stays responsive.' });
    expect(planThreads(true, undefined).threads).toBe(1);
  });

  it('takes the threads a link asks for, only where threads are possible', () => {
    expect(planThreads(true, 8, 1)).toMatchObject({ threads: 1, reason: expect.stringContaining('cpu-threads=1') });
    expect(planThreads(false, 8, 4).threads).toBe(1);
  });
});

describe('speed memory', () => {
  it('remembers the latest speed per model and reads it back on the next visit', () => {
    const store = memoryStore();
    rememberSpeed(store, 'Qwen3-0.6B-Q8_0', { tokensPerS: 9.25, threads: 4, at: 1 });
    rememberSpeed(store, 'Qwen3-4B-Q4_K_M', { tokensPerS: 3, threads: 4, at: 2 });
    rememberSpeed(store, 'Qwen3-0.6B-Q8_0', { tokensPerS: 21.6, threads: 4, at: 3 });
    const speeds = readSpeeds(store);
    expect(Object.keys(speeds)).toEqual(['Qwen3-0.6B-Q8_0', 'Qwen3-4B-Q4_K_M']);
    expect(describeSpeed(speeds['Qwen3-0.6B-Q8_0'])).toBe('About 22 tokens/s on this computer (4 threads, measured on an earlier answer).');
    expect(describeSpeed(speeds['Qwen3-4B-Q4_K_M'])).toContain('About 3.0 tokens/s');
  });

  it('shows no number before a measurement, and survives a broken or refusing store', () => {
    expect(describeSpeed(undefined)).toBe('Its speed on this computer shows here after the first answer.');
    const store = memoryStore();
    store.data.set('qwen-playground/cpu-speed', '{not json');
    expect(readSpeeds(store)).toEqual({});
    const refusing: KeyValueStore = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(rememberSpeed(refusing, 'm', { tokensPerS: 5, threads: 1, at: 0 })).toEqual({ m: { tokensPerS: 5, threads: 1, at: 0 } });
  });
});
