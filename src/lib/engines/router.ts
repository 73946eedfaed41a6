// Sends each request to the engine that serves it: in-browser models to web-llm, everything else over HTTP.
import type { StreamEvent } from '../stream/events.ts';
import type { ChatRequest, Engine } from './types.ts';

export class EngineRouter implements Engine {
  constructor(
    readonly remote: Engine,
    readonly inBrowser: Engine,
  ) {}

  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    return (request.endpoint.dialect === 'webllm' ? this.inBrowser : this.remote).stream(request, signal);
  }
}
