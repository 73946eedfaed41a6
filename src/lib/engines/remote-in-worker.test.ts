// The page's side of the stream worker: events on the page's clock, stop through the worker, a dead worker ends its answers.
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import { RemoteInWorker, type StreamWorker } from './remote-in-worker.ts';
import type { FromStreamWorker, ToStreamWorker } from './remote.worker.ts';
import type { ChatRequest } from './types.ts';

class FakeWorker implements StreamWorker {
  sent: ToStreamWorker[] = [];
  #listeners = new Map<string, Array<(e: never) => void>>();
  postMessage(message: ToStreamWorker): void {
    this.sent.push(message);
  }
  addEventListener(type: string, listener: (e: never) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  reply(data: FromStreamWorker): void {
    for (const l of this.#listeners.get('message') ?? []) l({ data } as never);
  }
  crash(message: string): void {
    for (const l of this.#listeners.get('error') ?? []) l({ message } as never);
  }
}

const request = { endpoint: { baseURL: 'http://127.0.0.1:1/v1', dialect: 'vllm' }, model: 'm', messages: [] } as unknown as ChatRequest;
const tick = () => new Promise((resolve) => setTimeout(resolve));

async function collect(stream: AsyncIterable<StreamEvent>, into: StreamEvent[]): Promise<void> {
  for await (const e of stream) into.push(e);
}

describe('RemoteInWorker', () => {
  it('yields the worker’s events in order, moved from the worker’s clock onto the page’s', async () => {
    const worker = new FakeWorker();
    const engine = new RemoteInWorker(() => worker);
    const got: StreamEvent[] = [];
    const done = collect(engine.stream(request, new AbortController().signal), got);
    await tick();
    expect(worker.sent).toEqual([{ type: 'start', id: 1, request }]);
    const origin = performance.timeOrigin + 1000; // the worker started a second after the page
    worker.reply({ timeOrigin: origin, batches: [{ id: 1, events: [{ type: 'content', text: 'Hel', at: 5, seq: 1 }], end: false }] });
    worker.reply({ timeOrigin: origin, batches: [{ id: 1, events: [{ type: 'content', text: 'lo', at: 7, seq: 2 }, { type: 'done', finishReason: 'stop', at: 8 }], end: true }] });
    await done;
    expect(got.map((e) => e.type)).toEqual(['content', 'content', 'done']);
    expect(got.map((e) => e.at)).toEqual([1005, 1007, 1008]);
  });

  it('keeps two streams apart and sends stop for the one stopped, which ends as the worker ends it', async () => {
    const worker = new FakeWorker();
    const engine = new RemoteInWorker(() => worker);
    const stopA = new AbortController();
    const a: StreamEvent[] = [];
    const b: StreamEvent[] = [];
    const doneA = collect(engine.stream(request, stopA.signal), a);
    const doneB = collect(engine.stream(request, new AbortController().signal), b);
    await tick();
    stopA.abort();
    expect(worker.sent.at(-1)).toEqual({ type: 'stop', id: 1 });
    const origin = performance.timeOrigin;
    worker.reply({
      timeOrigin: origin,
      batches: [
        { id: 2, events: [{ type: 'content', text: 'b', at: 1, seq: 1 }], end: false },
        { id: 1, events: [{ type: 'stopped', at: 2 }], end: true },
      ],
    });
    await doneA;
    expect(a.map((e) => e.type)).toEqual(['stopped']);
    worker.reply({ timeOrigin: origin, batches: [{ id: 2, events: [{ type: 'done', finishReason: 'stop', at: 3 }], end: true }] });
    await doneB;
    expect(b.map((e) => e.type)).toEqual(['content', 'done']);
  });

  it('a worker that dies ends every answer it was reading with what arrived and a message; the next request starts a new worker', async () => {
    const workers: FakeWorker[] = [];
    const engine = new RemoteInWorker(() => (workers.push(new FakeWorker()), workers.at(-1)!));
    const got: StreamEvent[] = [];
    const done = collect(engine.stream(request, new AbortController().signal), got);
    await tick();
    workers[0]!.reply({ timeOrigin: performance.timeOrigin, batches: [{ id: 1, events: [{ type: 'content', text: 'partial', at: 1, seq: 1 }], end: false }] });
    workers[0]!.crash('out of memory');
    await done;
    expect(got[0]).toMatchObject({ type: 'content', text: 'partial' });
    expect(got[1]).toMatchObject({ type: 'error', kind: 'protocol' });
    expect((got[1] as { message: string }).message).toContain('out of memory');
    void engine.stream(request, new AbortController().signal)[Symbol.asyncIterator]().next();
    await tick();
    expect(workers).toHaveLength(2);
  });

  it('reads on the page where no worker can start', async () => {
    const engine = new RemoteInWorker(() => {
      throw new Error('workers are not allowed here');
    });
    const got: StreamEvent[] = [];
    // nothing listens on port 1: the in-page engine says so as an event
    await collect(engine.stream(request, new AbortController().signal), got);
    expect(got.at(-1)?.type).toBe('error');
  }, 20_000);
});
