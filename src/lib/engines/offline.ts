// A remote engine that knows when the browser has no network: it says so at once instead of each request timing out.
import type { StreamEvent } from '../stream/events.ts';
import type { DialectId } from '../stream/dialects.ts';
import { hostOf } from './failures.ts';
import type { ChatRequest, Engine } from './types.ts';

const browserOnline = (): boolean => typeof navigator === 'undefined' || navigator.onLine !== false;

export function offlineMessage(baseURL: string): string {
  return `This browser is offline, so ${hostOf(baseURL)} cannot be reached. Models in this browser still answer; this panel works again once the network is back.`;
}

export class OfflineAware implements Engine {
  constructor(
    readonly engine: Engine,
    readonly online: () => boolean = browserOnline,
  ) {}

  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    if (this.online()) return this.engine.stream(request, signal);
    return (async function* (): AsyncGenerator<StreamEvent> {
      yield { type: 'error', kind: 'network', message: offlineMessage(request.endpoint.baseURL), at: performance.now() };
    })();
  }

  prepare(dialect: DialectId): void {
    this.engine.prepare?.(dialect);
  }
}
