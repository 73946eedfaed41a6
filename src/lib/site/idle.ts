// A timer that fires after a quiet spell: poked by every sign of a person, it starts over.

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class IdleTimer {
  #handle: unknown = null;
  readonly #ms: number;
  readonly #onIdle: () => void;
  readonly #timers: Timers;

  constructor(ms: number, onIdle: () => void, timers: Timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) }) {
    this.#ms = ms;
    this.#onIdle = onIdle;
    this.#timers = timers;
  }

  /** Someone is here: the quiet spell starts again from now. */
  poke(): void {
    this.stop();
    this.#handle = this.#timers.setTimeout(() => {
      this.#handle = null;
      this.#onIdle();
    }, this.#ms);
  }

  stop(): void {
    if (this.#handle !== null) this.#timers.clearTimeout(this.#handle);
    this.#handle = null;
  }

  get armed(): boolean {
    return this.#handle !== null;
  }
}

/** `?kiosk=1` turns kiosk mode on, `?kiosk=0` off (over the site file), else the site file decides. */
export function kioskWanted(query: URLSearchParams, siteEnabled: boolean | undefined): boolean {
  const asked = query.get('kiosk');
  if (asked === '1' || asked === 'true') return true;
  if (asked === '0' || asked === 'false') return false;
  return siteEnabled === true;
}

export const DEFAULT_IDLE_MINUTES = 3;
