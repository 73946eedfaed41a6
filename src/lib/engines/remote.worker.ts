// Reads remote streams beside the page: fetch, SSE decoding, JSON parsing and normalizing run here, and
// the page gets the events in a few batches a frame instead of a task per network chunk.
import type { StreamEvent } from '../stream/events.ts';
import { appFailure } from './failures.ts';
import { RemoteEngine } from './remote.ts';
import type { ChatRequest } from './types.ts';

export type ToStreamWorker = { type: 'prepare' } | { type: 'start'; id: number; request: ChatRequest } | { type: 'stop'; id: number };

/** Events in this worker's clock; `end`: the stream's last batch. */
export interface StreamBatch {
  id: number;
  events: StreamEvent[];
  end: boolean;
}

export interface FromStreamWorker {
  /** this worker's `performance.timeOrigin`: the page moves each event's time onto its own clock */
  timeOrigin: number;
  batches: StreamBatch[];
}

/**
 * How long events wait to travel together. Each chunk's time is taken here when it arrives; only its
 * trip to the page waits, and the page draws at most every 33 ms.
 */
const BATCH_MS = 8;

const engine = new RemoteEngine();
const running = new Map<number, AbortController>();
const outbox = new Map<number, StreamBatch>();
let sendTimer: ReturnType<typeof setTimeout> | null = null;

function send(): void {
  if (sendTimer !== null) clearTimeout(sendTimer);
  sendTimer = null;
  const message: FromStreamWorker = { timeOrigin: performance.timeOrigin, batches: [...outbox.values()] };
  outbox.clear();
  postMessage(message);
}

function queue(id: number, event: StreamEvent | null): void {
  const batch = outbox.get(id) ?? { id, events: [], end: false };
  outbox.set(id, batch);
  if (event) batch.events.push(event);
  else batch.end = true;
  // a stream's end goes at once: the answer's last words and its done status wait for nothing
  if (batch.end) send();
  else sendTimer ??= setTimeout(send, BATCH_MS);
}

async function run(id: number, request: ChatRequest): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    for await (const event of engine.stream(request, controller.signal)) queue(id, event);
  } catch (err) {
    queue(id, appFailure(err, performance.now()));
  } finally {
    running.delete(id);
    queue(id, null);
  }
}

addEventListener('message', (e: MessageEvent<ToStreamWorker>) => {
  const message = e.data;
  if (message.type === 'prepare') engine.prepare();
  else if (message.type === 'start') void run(message.id, message.request);
  else running.get(message.id)?.abort();
});
