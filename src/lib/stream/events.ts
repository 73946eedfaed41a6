// The one event language every engine speaks: what a stream did, and when (performance.now()).

/** Where a token count came from: the server's usage, a tokenizer, or an estimate from chunks (shown with ~). */
export type TokenSource = 'server' | 'tokenizer' | 'chunks';

/**
 * `seq` numbers the server message (one SSE `data:` line) an event came from, so that
 * events of one chunk can be grouped: a chunk is not a token.
 */
export type StreamEvent =
  | { type: 'open'; at: number; status: number }
  | { type: 'reasoning'; text: string; at: number; seq: number }
  | { type: 'content'; text: string; at: number; seq: number }
  | { type: 'tool-call'; index: number; id?: string; name?: string; argsDelta: string; at: number; seq: number }
  /**
   * The text sent so far was the other kind. `reasoning`: the answer so far was reasoning (a `</think>`
   * came with no `<think>` before it). `answer`: the reasoning was the answer (thinking was off, and the
   * server's reasoning parser put the whole answer in its reasoning field).
   */
  | { type: 'reclassify'; to: 'reasoning' | 'answer'; at: number; seq: number }
  | {
      type: 'usage';
      promptTokens: number;
      completionTokens: number;
      /** reasoning tokens when the server reports them apart (they are part of completionTokens) */
      reasoningTokens?: number;
      /** true when the server sends running totals on every chunk (vLLM continuous stats, NIM) */
      cumulative: boolean;
      at: number;
      seq: number;
    }
  | { type: 'engine-stats'; source: 'llamacpp' | 'webllm'; stats: Record<string, number>; at: number; seq: number }
  | { type: 'warning'; message: string; detail?: string; at: number }
  /** an in-browser model is queued, downloading, reading its cache or compiling: no tokens yet */
  | { type: 'progress'; progress: LoadProgress; at: number }
  | { type: 'done'; finishReason: string | null; at: number }
  /** the person pressed stop: what arrived is kept */
  | { type: 'stopped'; at: number }
  | { type: 'error'; kind: ErrorKind; message: string; detail?: string; status?: number; retryAfterS?: number; at: number }
  // An agent loop's steps (src/lib/agent/loop.ts): one run holds every model call and tool execution of a turn.
  /** a model call ended with tool calls: they run next, and the loop goes on */
  | { type: 'call-end'; finishReason: string | null; at: number }
  /** the loop's next model call was sent (with the tool results) */
  | { type: 'call-start'; at: number }
  /** a tool call waits for the person's approval */
  | { type: 'tool-ask'; id: string; name: string; args: string; at: number }
  /** a tool began to run; `args` as the model wrote them */
  | { type: 'tool-start'; id: string; name: string; args: string; at: number }
  /** what the model reads back: the result, or the error (`refused`: the person said no). Untrusted text. */
  | { type: 'tool-result'; id: string; state: ToolResultState; text: string; at: number }
  /** the loop stopped at its step limit while the model still wanted tools */
  | { type: 'step-limit'; limit: number; at: number };

export type ToolResultState = 'done' | 'error' | 'refused';

/** How far an in-browser model is from answering. `ready` ends loading: times are counted from it. */
export interface LoadProgress {
  phase: 'queued' | 'starting' | 'fetching' | 'reading-cache' | 'compiling' | 'ready';
  /** 0..1 when known */
  fraction: number | null;
  loadedBytes?: number;
  totalBytes?: number;
  /** seconds left at the rate so far */
  etaS?: number;
  elapsedS?: number;
  message: string;
}

export type ErrorKind =
  | 'http' // the server answered with an HTTP error status
  | 'auth' // 401/403
  | 'not-found' // 404: unknown model or wrong base URL
  | 'rate-limit' // 429
  | 'server' // 5xx, or an error object inside a 200 stream
  | 'network' // nothing came back: server down, CORS refused, DNS
  | 'dropped' // the stream ended before the server said it was done
  | 'stalled' // no bytes for too long
  | 'protocol' // the server said something we cannot understand
  | 'unsupported' // this browser or GPU cannot run an in-browser model
  | 'device-lost' // the GPU stopped (often memory)
  | 'out-of-memory' // not enough GPU (or main) memory for the model
  | 'shader' // the GPU driver could not compile the model's shaders
  | 'quota' // no room left in the browser's storage for the weights
  | 'context'; // the conversation is longer than the model's context window

export type TokenEventType = 'reasoning' | 'content' | 'tool-call';

export function isTokenEvent(
  e: StreamEvent,
): e is Extract<StreamEvent, { type: TokenEventType }> {
  return e.type === 'reasoning' || e.type === 'content' || e.type === 'tool-call';
}
