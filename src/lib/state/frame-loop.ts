// One requestAnimationFrame loop for the whole page: streams mark runs dirty, the frames flush them in turns.

export interface Flushable {
  flush(now: number): void;
  /** while live: the numbers for the trace, taken for every live item in the same frame, 5 times a second */
  sample?(now: number): void;
}

/** How often live numbers refresh (ms), on the page's grid: every live item in the same frame. */
export const LIVE_MS = 200;

/** Screen updates per second, per run, while streaming: more costs paint nobody can read (see npm run bench:render). */
let flushHz = 30;
/** runs with news to show, each with when its oldest unshown data came off the network (for the render-lag measure) */
const dirty = new Map<Flushable, number | undefined>();
const lastFlush = new WeakMap<Flushable, number>();
let scheduled = false;
const live = new Set<Flushable>();
let ticker: ReturnType<typeof setInterval> | null = null;
let sampledTick = -1;

/** Render lag measurement for the benchmark: off unless asked for. */
let measuring = false;
const lags: number[] = [];
/** when the newest data marked so far came off the network: the end lag counts from the last one */
let newestReceivedAt = -Infinity;

const raf: (cb: (t: number) => void) => void =
  typeof requestAnimationFrame === 'function' ? (cb) => requestAnimationFrame(cb) : (cb) => setTimeout(() => cb(performance.now()), 16);

/**
 * Asks for `item.flush` on a coming frame; many calls before it cost one flush.
 * `receivedAt` is when the data behind this change came off the network (for the render-lag measure).
 */
export function markDirty(item: Flushable, receivedAt?: number): void {
  if (measuring && receivedAt !== undefined && receivedAt > newestReceivedAt) newestReceivedAt = receivedAt;
  const oldest = dirty.get(item);
  dirty.set(item, oldest === undefined || (receivedAt !== undefined && receivedAt < oldest) ? receivedAt : oldest);
  if (scheduled) return;
  scheduled = true;
  raf(frame);
}

/**
 * Each run is flushed at most `flushHz` times a second, and the runs take turns: a frame flushes at most
 * half of those waiting, the longest waiting first, so that four streaming panels cost two frames of
 * half the work each (styles, layout, paint) instead of one frame of all of it.
 */
function frame(now: number): void {
  scheduled = false;
  try {
    flushDue(now);
  } finally {
    // the others' turn, even after a flush that threw
    if (dirty.size && !scheduled) {
      scheduled = true;
      raf(frame);
    }
  }
}

function flushDue(now: number): void {
  const period = 1000 / flushHz - 2;
  const due = [...dirty.keys()].filter((item) => now - (lastFlush.get(item) ?? -Infinity) >= period);
  due.sort((a, b) => (lastFlush.get(a) ?? -Infinity) - (lastFlush.get(b) ?? -Infinity));
  const batch = due.slice(0, Math.ceil(dirty.size / 2));
  let oldest: number | undefined;
  for (const item of batch) {
    const receivedAt = dirty.get(item);
    if (receivedAt !== undefined && (oldest === undefined || receivedAt < oldest)) oldest = receivedAt;
    dirty.delete(item);
    lastFlush.set(item, now);
    item.flush(now);
  }
  const tick = Math.floor(now / LIVE_MS);
  if (tick !== sampledTick) {
    sampledTick = tick;
    // all at once, whichever runs took this frame's turn: the trace panel is redone once per tick
    for (const item of live) item.sample?.(now);
  }
  if (measuring && oldest !== undefined) {
    const since = oldest;
    // the DOM changed in this frame; by the next frame callback it has been painted
    raf(() => lags.push(performance.now() - since));
  }
}

/** While a run streams, its live numbers (tokens/s, elapsed time) refresh 5 times a second even without tokens. */
export function setLive(item: Flushable, on: boolean): void {
  if (on) live.add(item);
  else live.delete(item);
  if (live.size && !ticker) ticker = setInterval(() => live.forEach((item) => markDirty(item)), LIVE_MS);
  if (!live.size && ticker) {
    clearInterval(ticker);
    ticker = null;
  }
}

export function setFlushRate(hz: number): void {
  if (hz > 0) flushHz = hz;
}

/**
 * Starts recording, per frame, the time from the oldest data received to the frame after it was drawn,
 * and when the newest data came off the network (the last event of a stream, once all have ended).
 */
export function measureRenderLag(): { lags: number[]; readonly newestReceivedAt: number } {
  measuring = true;
  return {
    lags,
    get newestReceivedAt() {
      return newestReceivedAt;
    },
  };
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

/** ms an idle period must still have for a step of optional work to start in it */
const SPARE_MS = 40;

/**
 * Optional work (warming caches) in spare time, only in a long idle period, which a page that is drawing (a
 * stream, an animation) never has: a step starts while the period has 40 ms left, so a period holds several
 * small steps (the warm-ups are about 60 steps, most under a millisecond: one per period of at most 50 ms took
 * 3 s of an idle page, and a prompt sent sooner met cold code). Unlike `whenIdle`, nothing forces a step, and a browser that cannot tell idle time (no
 * `requestIdleCallback`) skips it.
 */
export function inSpareTime(steps: ReadonlyArray<() => void>): void {
  if (typeof requestIdleCallback !== 'function') return;
  const queue = [...steps];
  requestIdleCallback(function next(deadline) {
    while (queue.length && deadline.timeRemaining() >= SPARE_MS) queue.shift()!();
    if (queue.length) requestIdleCallback(next);
  });
}
