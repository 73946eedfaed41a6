// One requestAnimationFrame loop for the whole page: streams mark runs dirty, the frame flushes them together.

export interface Flushable {
  flush(now: number): void;
}

const dirty = new Set<Flushable>();
let scheduled = false;
const live = new Set<Flushable>();
let ticker: ReturnType<typeof setInterval> | null = null;

const raf: (cb: (t: number) => void) => void =
  typeof requestAnimationFrame === 'function' ? (cb) => requestAnimationFrame(cb) : (cb) => setTimeout(() => cb(performance.now()), 16);

/** Asks for `item.flush` on the next frame; many calls in one frame cost one flush. */
export function markDirty(item: Flushable): void {
  dirty.add(item);
  if (scheduled) return;
  scheduled = true;
  raf(() => {
    scheduled = false;
    const now = performance.now();
    const batch = [...dirty];
    dirty.clear();
    for (const run of batch) run.flush(now);
  });
}

/** While a run streams, its live numbers (tokens/s, elapsed time) refresh 5 times a second even without tokens. */
export function setLive(item: Flushable, on: boolean): void {
  if (on) live.add(item);
  else live.delete(item);
  if (live.size && !ticker) ticker = setInterval(() => live.forEach(markDirty), 200);
  if (!live.size && ticker) {
    clearInterval(ticker);
    ticker = null;
  }
}
