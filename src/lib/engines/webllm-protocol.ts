// The messages between the page and the web-llm worker: the page never imports web-llm, it sends these.
import type { BackendChatRequest } from './webllm-backend.ts';
import type { ModelRecordLike } from './webllm-catalog.ts';
import type { InitReport } from './webllm-progress.ts';

/** What the page asks. Every request carries an id; its answers carry the same id. */
export type ToWorker =
  | { op: 'list'; id: number }
  | { op: 'load'; id: number; modelIds: string[]; modelList: ModelRecordLike[] }
  | { op: 'chat'; id: number; request: BackendChatRequest }
  /** stops sending a chat's chunks and closes its generator, which frees the model for the next answer */
  | { op: 'close'; id: number }
  | { op: 'interrupt'; id: number }
  | { op: 'delete'; id: number; modelId: string; modelList: ModelRecordLike[] };

/** What the worker answers: events along the way, then one `result` or one `error` that ends the request. */
export type FromWorker =
  | { id: number; progress: InitReport }
  | { id: number; started: true }
  | { id: number; chunk: object }
  | { id: number; result: unknown }
  /** web-llm's failure as text (`Name: message`), which webLlmFailure reads */
  | { id: number; error: string };

/** The two ends of a channel: a Worker, the worker's own scope, or a fake in tests. */
export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}
