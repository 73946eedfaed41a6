// Waiting for an engine's state to allow a step: a promise per waiter, settled when its condition holds or it is stopped.

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
