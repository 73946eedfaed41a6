// Sends each request to the engine that serves it: in-browser models to web-llm (WebGPU) or wllama (CPU), the rest over HTTP.
import type { StreamEvent } from '../stream/events.ts';
import type { DialectId } from '../stream/dialects.ts';
import type { ChatRequest, Engine } from './types.ts';

export class EngineRouter implements Engine {
  constructor(
    readonly remote: Engine,
    readonly inBrowser: Engine,
    readonly cpu?: Engine,
  ) {}

  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    return this.#for(request.endpoint.dialect).stream(request, signal);
  }

  prepare(dialect: DialectId): void {
    this.#for(dialect).prepare?.(dialect);
  }

  #for(dialect: DialectId): Engine {
    if (dialect === 'wasm' && this.cpu) return this.cpu;
    return dialect === 'webllm' ? this.inBrowser : this.remote;
  }
}
