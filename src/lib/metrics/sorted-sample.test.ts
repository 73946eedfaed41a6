import { describe, expect, it } from 'vitest';
import { percentile, SortedSample } from './sorted-sample';

describe('percentile', () => {
  it.each([
    [[1, 2, 3, 4], 50, 2.5], // rank 0.5*3 = 1.5 -> 2 + (3-2)*0.5
    [[10, 20], 99, 19.9], // rank 0.99*1 = 0.99 -> 10 + 10*0.99
    [[10, 20], 0, 10],
    [[10, 20], 100, 20],
    [[7], 95, 7], // one value: every percentile is that value
    [[1, 2, 3, 4, 5], 25, 2], // rank 0.25*4 = 1 exactly
  ])('percentile(%j, %d) = %d', (values, p, want) => {
    expect(percentile(values, p)).toBeCloseTo(want, 10);
  });

  it('refuses empty input and p outside 0..100 instead of returning NaN', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('SortedSample', () => {
  it('has no stats before its first value', () => {
    expect(new SortedSample().stats()).toBeNull();
  });

  it('gives exactly the stats of a full sort, however the values arrive between reads', () => {
    let seed = 7;
    const random = () => ((seed = Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32;
    const sample = new SortedSample();
    const all: number[] = [];
    for (let round = 0; round < 60; round++) {
      const batch = Math.floor(random() * 300); // sometimes none, sometimes more than the store holds
      for (let i = 0; i < batch; i++) {
        // repeats, zeros and outliers, as real gaps have
        const v = random() < 0.2 ? 0 : random() < 0.05 ? 500 + random() * 1000 : Math.round(random() * 40 * 1024) / 1024;
        sample.add(v);
        all.push(v);
      }
      const sorted = Float64Array.from(all).sort();
      const stats = sample.stats();
      if (all.length === 0) {
        expect(stats).toBeNull();
        continue;
      }
      expect(stats).toMatchObject({ count: all.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99) });
      expect(stats!.meanMs).toBeCloseTo(all.reduce((a, b) => a + b, 0) / all.length, 9);
    }
    expect(all.length).toBeGreaterThan(5000);
  });

  it('hands back the same stats object while nothing new arrived', () => {
    const sample = new SortedSample();
    sample.add(20);
    sample.add(5);
    const a = sample.stats();
    expect(sample.stats()).toBe(a);
    sample.add(25);
    expect(sample.stats()).toEqual({ count: 3, meanMs: 50 / 3, p50Ms: 20, p95Ms: 24.5, p99Ms: 24.9 });
  });
});
