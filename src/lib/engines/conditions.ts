// Waiting in the in-browser engines: for their state to allow a step, and for a model load that reports progress.
import type { LoadProgress, StreamEvent } from '../stream/events.ts';

export class Conditions {
  #checks = new Set<() => void>();

  /** Resolves once `done()` holds (checked now and at each `changed()`); rejects with `aborted` when `signal` aborts. */
  until(done: () => boolean, signal: AbortSignal, aborted: unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (signal.aborted) reject(aborted);
        else if (done()) resolve();
        else return;
        this.#checks.delete(check);
        signal.removeEventListener('abort', check);
      };
      this.#checks.add(check);
      signal.addEventListener('abort', check);
      check();
    });
  }

  /** The state changed: every waiter looks again. */
  changed(): void {
    for (const check of [...this.#checks]) check();
  }
}

/**
 * Runs `start` (a model load that reports progress through callbacks) and yields each report as a `progress`
 * event while it runs; ends when the load does, throwing what it threw.
 */
export async function* progressWhile(start: (report: (p: LoadProgress) => void) => Promise<void>): AsyncGenerator<StreamEvent, void, void> {
  const reports: LoadProgress[] = [];
  let wake = () => {};
  let settled = false;
  const ready = start((p) => {
    reports.push(p);
    wake();
  });
  const settle = () => {
    settled = true;
    wake();
  };
  ready.then(settle, settle);
  while (!settled || reports.length) {
    if (!reports.length) await new Promise<void>((r) => (wake = r));
    for (const progress of reports.splice(0)) yield { type: 'progress', progress, at: performance.now() };
  }
  await ready;
}

/** A model load several panels may wait on: who listens to its progress, and how many wait. */
export interface SharedLoad {
  promise: Promise<void>;
  listeners: Set<(p: LoadProgress) => void>;
  waiters: number;
  /** the latest report, for a panel that joins the load after it began */
  last: LoadProgress;
}

/**
 * Follows a shared load with `report`: settles with it, or rejects with `aborted` when `signal` aborts.
 * `lastGaveUp` runs when the panel stopped was the last one waiting (to cancel the download or the loading).
 */
export async function follow(load: SharedLoad, signal: AbortSignal, report: (p: LoadProgress) => void, aborted: unknown, lastGaveUp: () => void): Promise<void> {
  report(load.last);
  load.listeners.add(report);
  load.waiters++;
  let onAbort = () => {};
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(aborted);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([load.promise, stopped]);
  } catch (err) {
    if (err === aborted && load.waiters === 1) lastGaveUp();
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    load.listeners.delete(report);
    load.waiters--;
  }
}
