// The engine for OpenAI-compatible servers as the page uses it: the streams are read in a worker
// (remote.worker.ts), so the page's main thread draws while thousands of chunks a second arrive, and each
// chunk's time is taken when it arrives, not when a busy page gets round to it.
import type { StreamEvent } from '../stream/events.ts';
import { RemoteEngine } from './remote.ts';
import type { FromStreamWorker, ToStreamWorker } from './remote.worker.ts';
import type { ChatRequest, Engine } from './types.ts';

export interface StreamWorker {
  postMessage(message: ToStreamWorker): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromStreamWorker>) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (e: Event) => void): void;
}

const startWorker = (): StreamWorker => new Worker(new URL('./remote.worker.ts', import.meta.url), { type: 'module' });

type Listener = (events: StreamEvent[], end: boolean) => void;

export class RemoteInWorker implements Engine {
  readonly #start: () => StreamWorker;
  #worker: StreamWorker | null = null;
  /** where a browser cannot start the worker, the streams are read on the page, as before */
  #inPage: RemoteEngine | null = null;
  readonly #listeners = new Map<number, Listener>();
  #nextId = 1;

  constructor(start: () => StreamWorker = startWorker) {
    this.#start = start;
  }

  prepare(): void {
    const worker = this.#connect();
    if (worker) worker.postMessage({ type: 'prepare' });
    else this.#inPage?.prepare();
  }

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const worker = this.#connect();
    if (!worker) return yield* this.#inPage!.stream(request, signal);
    const id = this.#nextId++;
    let queued: StreamEvent[] = [];
    let ended = false;
    let wake: (() => void) | null = null;
    this.#listeners.set(id, (events, end) => {
      queued.push(...events);
      ended ||= end;
      wake?.();
    });
    worker.postMessage({ type: 'start', id, request });
    // stop travels to the worker, which ends the stream as the engine does on the page: with `stopped`
    const stop = () => worker.postMessage({ type: 'stop', id });
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        const batch = queued;
        queued = [];
        // a plain loop: yield* over an array wraps it in an async iterator, a promise per event
        for (const event of batch) yield event;
        if (ended && !queued.length) return;
        if (!queued.length) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      this.#listeners.delete(id);
      signal.removeEventListener('abort', stop);
    }
  }

  #connect(): StreamWorker | null {
    if (this.#worker || this.#inPage) return this.#worker;
    try {
      this.#worker = this.#start();
    } catch {
      this.#inPage = new RemoteEngine();
      return null;
    }
    this.#worker.addEventListener('message', (e) => this.#receive(e.data));
    const fail = (e: Event) => this.#fail((e as ErrorEvent).message || 'the browser gave no reason');
    this.#worker.addEventListener('error', fail);
    this.#worker.addEventListener('messageerror', fail);
    return this.#worker;
  }

  #receive({ timeOrigin, batches }: FromStreamWorker): void {
    // the worker's clock started when it did: its times move onto the page's clock
    const shift = timeOrigin - performance.timeOrigin;
    for (const { id, events, end } of batches) {
      for (const event of events) event.at += shift;
      this.#listeners.get(id)?.(events, end);
    }
  }

  /** The worker died: every answer it was reading ends with what arrived and a message, and the next request starts a new one. */
  #fail(why: string): void {
    this.#worker = null;
    const message = `The stream reader stopped (${why}). What arrived is kept; ↻ asks again, and reloading the page starts a fresh reader.`;
    for (const listener of this.#listeners.values()) listener([{ type: 'error', kind: 'protocol', message, at: performance.now() }], true);
  }
}
