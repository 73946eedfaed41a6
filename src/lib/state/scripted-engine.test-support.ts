// A stand-in engine for state tests: answers "<model>: <last user message>" in two chunks, on cue.
import type { ChatRequest, Engine } from '../engines/types.ts';
import type { StreamEvent } from '../stream/events.ts';

/** Answers "<model>: <last user message>" in two chunks; records every request. */
export class ScriptedEngine implements Engine {
  requests: ChatRequest[] = [];
  hold: Promise<void> | null = null;
  fail = new Set<string>();
  /** when set, a request without this key gets HTTP 401 */
  key: string | null = null;
  async *stream(req: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    this.requests.push(req);
    const at = performance.now();
    if (this.key !== null && req.endpoint.apiKey !== this.key) {
      return yield { type: 'error', kind: 'auth', status: 401, message: 'The API key is missing or wrong (HTTP 401).', at };
    }
    yield { type: 'open', at, status: 200 };
    if (this.fail.has(req.model)) throw new Error('engine exploded');
    const last = req.messages.at(-1)!.content;
    yield { type: 'content', text: `${req.model}: `, at, seq: 1 };
    if (this.hold) await this.hold;
    if (signal.aborted) return yield { type: 'stopped', at };
    yield { type: 'content', text: last, at, seq: 2 };
    yield { type: 'done', finishReason: 'stop', at };
  }
}

