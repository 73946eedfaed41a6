// One requestAnimationFrame loop for the whole page: streams mark runs dirty, the frame flushes them together.

export interface Flushable {
  flush(now: number): void;
}

/** Screen updates per second while streaming: more costs paint nobody can read (see npm run bench:render). */
let flushHz = 30;
const dirty = new Set<Flushable>();
let lastFlush = -Infinity;
let scheduled = false;
const live = new Set<Flushable>();
let ticker: ReturnType<typeof setInterval> | null = null;

/** Render lag measurement for the benchmark: off unless asked for. */
let measuring = false;
let oldestPending: number | null = null;
const lags: number[] = [];

const raf: (cb: (t: number) => void) => void =
  typeof requestAnimationFrame === 'function' ? (cb) => requestAnimationFrame(cb) : (cb) => setTimeout(() => cb(performance.now()), 16);

/**
 * Asks for `item.flush` on the next frame; many calls in one frame cost one flush.
 * `receivedAt` is when the data behind this change came off the network (for the render-lag measure).
 */
export function markDirty(item: Flushable, receivedAt?: number): void {
  dirty.add(item);
  if (measuring && receivedAt !== undefined && (oldestPending === null || receivedAt < oldestPending)) oldestPending = receivedAt;
  if (scheduled) return;
  scheduled = true;
  raf(function frame(now) {
    // painting every frame costs more than people can read: at most flushHz updates a second
    if (now - lastFlush < 1000 / flushHz - 2) return raf(frame);
    lastFlush = now;
    scheduled = false;
    const batch = [...dirty];
    dirty.clear();
    for (const run of batch) run.flush(now);
    if (oldestPending !== null) {
      const since = oldestPending;
      oldestPending = null;
      // the DOM changed in this frame; by the next frame callback it has been painted
      raf(() => lags.push(performance.now() - since));
    }
  });
}

/** While a run streams, its live numbers (tokens/s, elapsed time) refresh 5 times a second even without tokens. */
export function setLive(item: Flushable, on: boolean): void {
  if (on) live.add(item);
  else live.delete(item);
  if (live.size && !ticker) ticker = setInterval(() => live.forEach((item) => markDirty(item)), 200);
  if (!live.size && ticker) {
    clearInterval(ticker);
    ticker = null;
  }
}

export function setFlushRate(hz: number): void {
  if (hz > 0) flushHz = hz;
}

/** Starts recording, per frame, the time from the oldest data received to the frame after it was drawn. */
export function measureRenderLag(): { lags: number[] } {
  measuring = true;
  return { lags };
}

/** Resolves in a task of its own: a long job split this way lets the page draw and take input in between. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * ms a task given idle time takes: at least this much even when the browser had none to give (its wait
 * ran out), and at most the upper bound even when it offers its whole 50 ms, so that input that comes
 * meanwhile waits no longer than that
 */
const IDLE_SLICE_MS = { min: 8, max: 16 };
const idleQueue: Array<(timeLeft: () => number) => void> = [];
let idleScheduled = false;
const idle: (cb: (timeLeft: () => number) => void) => void =
  typeof requestIdleCallback === 'function'
    ? (cb) =>
        requestIdleCallback(
          (deadline) => {
            const end = performance.now() + Math.min(Math.max(deadline.timeRemaining(), IDLE_SLICE_MS.min), IDLE_SLICE_MS.max);
            cb(() => end - performance.now());
          },
          { timeout: 500 },
        )
    : (cb) =>
        // no idle time to ask for (Safari): a short task soon, with the longest slice
        setTimeout(() => {
          const end = performance.now() + IDLE_SLICE_MS.max;
          cb(() => end - performance.now());
        }, 1);

/**
 * Runs heavy one-off work (a final render) when the page is idle, one task per idle period; a task
 * that can be done in slices keeps going while `timeLeft()` (ms) is above 0, and queues the rest.
 */
export function whenIdle(task: (timeLeft: () => number) => void): void {
  idleQueue.push(task);
  if (idleScheduled) return;
  idleScheduled = true;
  idle(function next(timeLeft) {
    idleQueue.shift()?.(timeLeft);
    if (idleQueue.length) idle(next);
    else idleScheduled = false;
  });
}

/**
 * Optional work (warming caches) in spare time: one step per idle period, and only in a long one, which
 * a page that is drawing (a stream, an animation) never has; unlike `whenIdle`, nothing forces a step, and
 * a browser that cannot tell idle time (no `requestIdleCallback`) skips it.
 */
export function inSpareTime(steps: ReadonlyArray<() => void>): void {
  if (typeof requestIdleCallback !== 'function') return;
  const queue = [...steps];
  requestIdleCallback(function next(deadline) {
    if (deadline.timeRemaining() >= 40) queue.shift()?.();
    if (queue.length) requestIdleCallback(next);
  });
}
