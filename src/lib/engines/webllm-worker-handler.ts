// Inside the web-llm worker: answers the page's messages with web-llm's engine, catalog and cache (handed in, for tests).
import type * as WebLlm from '@mlc-ai/web-llm';
import type { FromWorker, PortLike, ToWorker } from './webllm-protocol.ts';
import type { ModelRecordLike } from './webllm-catalog.ts';

/** The parts of web-llm the worker uses. */
export type WebLlmModule = Pick<typeof WebLlm, 'CreateMLCEngine' | 'prebuiltAppConfig' | 'deleteModelAllInfoInCache'>;
type Engine = Awaited<ReturnType<WebLlmModule['CreateMLCEngine']>>;
type AppConfig = WebLlm.AppConfig;

export function serveWebLlm(port: PortLike, webllm: WebLlmModule): void {
  let engine: Engine | null = null;
  /** chats streaming now, by request id */
  const streams = new Map<number, AsyncIterator<unknown>>();
  const appConfig = (modelList: ModelRecordLike[]): AppConfig => ({ ...webllm.prebuiltAppConfig, model_list: modelList as AppConfig['model_list'] });

  async function handle(m: ToWorker, reply: (answer: Omit<FromWorker, 'id'>) => void): Promise<void> {
    switch (m.op) {
      case 'list':
        return reply({ result: webllm.prebuiltAppConfig.model_list });
      case 'delete':
        await webllm.deleteModelAllInfoInCache(m.modelId, appConfig(m.modelList));
        return reply({ result: null });
      case 'load': {
        const ids = m.modelIds.length === 1 ? m.modelIds[0]! : m.modelIds;
        const initProgressCallback = (r: { progress: number; timeElapsed: number; text: string }) =>
          reply({ progress: { progress: r.progress, timeElapsed: r.timeElapsed, text: r.text } });
        if (!engine) engine = await webllm.CreateMLCEngine(ids, { appConfig: appConfig(m.modelList), initProgressCallback });
        else {
          engine.setInitProgressCallback(initProgressCallback);
          engine.setAppConfig(appConfig(m.modelList));
          await engine.reload(ids);
        }
        return reply({ result: null });
      }
      case 'chat': {
        if (!engine) throw 'The model is not loaded.';
        const chunks = (await engine.chat.completions.create(m.request)) as AsyncIterable<unknown>;
        const iterator = chunks[Symbol.asyncIterator]();
        streams.set(m.id, iterator);
        reply({ started: true });
        try {
          for (;;) {
            const next = await iterator.next();
            if (next.done || !streams.has(m.id)) break;
            reply({ chunk: next.value as object });
          }
        } finally {
          streams.delete(m.id);
        }
        return reply({ result: null });
      }
      case 'close': {
        const iterator = streams.get(m.id);
        streams.delete(m.id);
        await iterator?.return?.();
        return;
      }
      case 'interrupt':
        engine?.interruptGenerate();
        return;
    }
  }

  port.addEventListener('message', (e) => {
    const m = e.data as ToWorker;
    const reply = (answer: Omit<FromWorker, 'id'>) => port.postMessage({ id: m.id, ...answer });
    handle(m, reply).catch((err: unknown) => reply({ error: errorText(err) }));
  });
}

/** web-llm's own worker sent `err.toString()`; the page's failure rules read that text. */
function errorText(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) return err.toString();
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
