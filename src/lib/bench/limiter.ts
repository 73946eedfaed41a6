// Slots that hold requests back in the client: the workload's concurrency, and a page's few connections per host and port.

/** A counting semaphore whose waiters are served in order. */
export class Slots {
  #free: number;
  #waiting: Array<() => void> = [];

  constructor(size: number) {
    this.#free = size;
  }

  /** Resolves when a slot is free; rejects when the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        this.#waiting = this.#waiting.filter((w) => w !== grant);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.#waiting.push(grant);
    });
  }

  /** Takes a slot only if one is free now. */
  tryAcquire(): boolean {
    if (this.#free <= 0) return false;
    this.#free--;
    return true;
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

/**
 * One set of slots per host and port: a browser opens at most 6 HTTP/1.1 connections to each and would
 * hold the rest back where the page cannot see it, so the page holds them itself and counts the wait.
 */
export class HostLimiter {
  readonly maxPerHost: number;
  #hosts = new Map<string, Slots>();

  constructor(maxPerHost = Infinity) {
    this.maxPerHost = maxPerHost;
  }

  slotsFor(baseURL: string): Slots {
    const key = hostKey(baseURL);
    let slots = this.#hosts.get(key);
    if (!slots) this.#hosts.set(key, (slots = new Slots(this.maxPerHost)));
    return slots;
  }
}

export function hostKey(baseURL: string): string {
  try {
    const u = new URL(baseURL);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return baseURL;
  }
}
