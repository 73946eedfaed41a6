// Values kept in ascending order as they arrive, so percentiles of a long stream stay exact and cheap.
/** Count, mean and percentiles of a sample of durations. */
export interface SampleStats {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * Percentile by linear interpolation between closest ranks: numpy's default ('linear') method,
 * which vLLM's benchmark uses through np.percentile, so our ITL numbers compare with theirs.
 */
export function percentile(sortedValues: ArrayLike<number>, p: number): number {
  const n = sortedValues.length;
  if (n === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile out of range: ${p}`);
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, n - 1);
  return sortedValues[lo]! + (sortedValues[hi]! - sortedValues[lo]!) * (rank - lo);
}

/**
 * Exact percentiles over a growing sample. New values wait in a small pending list; `stats()` sorts only
 * those and merges them into the sorted store from its end: O(n) moves and no new allocation per call,
 * where re-sorting everything would be O(n log n) and a fresh n-element array each time (at 4 × 50k
 * gaps, several milliseconds and megabytes of garbage a second while streaming).
 */
export class SortedSample {
  #sorted = new Float64Array(64);
  #length = 0;
  #pending: number[] = [];
  #sum = 0;
  #stats: SampleStats | null = null;

  add(value: number): void {
    this.#pending.push(value);
    this.#sum += value;
  }

  get length(): number {
    return this.#length + this.#pending.length;
  }

  /** null when there are no values, so no caller ever sees NaN. */
  stats(): SampleStats | null {
    if (this.#pending.length > 0) {
      this.#merge();
      const sorted = this.#sorted.subarray(0, this.#length);
      this.#stats = {
        count: this.#length,
        meanMs: this.#sum / this.#length,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        p99Ms: percentile(sorted, 99),
      };
    }
    return this.#stats;
  }

  #merge(): void {
    // a typed array sorts numerically in native code; a comparator would box every double it compares
    const fresh = Float64Array.from(this.#pending).sort();
    this.#pending.length = 0;
    const total = this.#length + fresh.length;
    if (total > this.#sorted.length) {
      const grown = new Float64Array(Math.max(total, this.#sorted.length * 2));
      grown.set(this.#sorted.subarray(0, this.#length));
      this.#sorted = grown;
    }
    const sorted = this.#sorted;
    let i = this.#length - 1;
    let j = fresh.length - 1;
    for (let w = total - 1; j >= 0; w--) sorted[w] = i >= 0 && sorted[i]! > fresh[j]! ? sorted[i--]! : fresh[j--]!;
    this.#length = total;
  }
}
